import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { airbyteStream } from '../../../src/discover/airbyte-stream.js';
import type { TableInfo } from '../../../src/discover/table-info.js';

const base: TableInfo = {
  catalog: 'main',
  schema: 's',
  name: 't',
  tableType: 'TABLE',
  columns: [
    { name: 'id', type: 'BIGINT', nullable: false },
    { name: 'updated', type: 'TIMESTAMP', nullable: true },
    { name: 'flag', type: 'BOOLEAN', nullable: true },
  ],
  primaryKey: ['id'],
};

const properties = (t: TableInfo, cursor?: string): string[] =>
  Object.keys((airbyteStream(t, cursor).json_schema['properties'] as Record<string, unknown>) ?? {});

describe('airbyteStream and the change feed', () => {
  it('offers the change columns and the commit version cursor when the feed is on', () => {
    const s = airbyteStream({ ...base, changeDataFeed: true }, undefined);
    assert.deepEqual(properties({ ...base, changeDataFeed: true }), ['id', 'updated', 'flag', '_ab_cdc_updated_at', '_ab_cdc_deleted_at', '_ab_cdc_commit_version']);
    assert.deepEqual(s.default_cursor_field, ['_ab_cdc_commit_version']);
    assert.deepEqual(s.supported_sync_modes, ['full_refresh', 'incremental']);
    assert.equal(s.source_defined_cursor, false);
    const props = s.json_schema['properties'] as Record<string, Record<string, unknown>>;
    assert.deepEqual(props['_ab_cdc_commit_version']!['type'], 'integer');
    assert.deepEqual(props['_ab_cdc_deleted_at']!['type'], ['null', 'string']);
    assert.equal(props['_ab_cdc_updated_at']!['type'], 'string');
  });

  it('keeps the configured default cursor when the table has that column', () => {
    assert.deepEqual(airbyteStream({ ...base, changeDataFeed: true }, 'updated').default_cursor_field, ['updated']);
    assert.deepEqual(airbyteStream({ ...base, changeDataFeed: true }, 'nope').default_cursor_field, ['_ab_cdc_commit_version']);
  });

  it('offers nothing extra when the feed is off, unknown, or a column already takes one of the names', () => {
    assert.deepEqual(properties(base), ['id', 'updated', 'flag']);
    assert.deepEqual(properties({ ...base, changeDataFeed: false }), ['id', 'updated', 'flag']);
    const clash = { ...base, changeDataFeed: true, columns: [...base.columns, { name: '_ab_cdc_deleted_at', type: 'STRING', nullable: true }] };
    assert.equal(airbyteStream(clash, undefined).default_cursor_field, undefined);
    assert.ok(!properties(clash).includes('_ab_cdc_commit_version'));
  });

  it('makes a table with no cursor column incremental through the feed', () => {
    const noCursor: TableInfo = { ...base, columns: [{ name: 'flag', type: 'BOOLEAN', nullable: true }], primaryKey: [] };
    assert.deepEqual(airbyteStream(noCursor, undefined).supported_sync_modes, ['full_refresh']);
    assert.deepEqual(airbyteStream({ ...noCursor, changeDataFeed: true }, undefined).supported_sync_modes, ['full_refresh', 'incremental']);
  });
});
