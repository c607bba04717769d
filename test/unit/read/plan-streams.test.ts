import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import type { TableColumn, TableInfo } from '../../../src/discover/table-info.js';
import type { ConfiguredAirbyteStream } from '../../../src/protocol/airbyte-protocol.js';
import { planStream } from '../../../src/read/plan-streams.js';
import { streamKey, type IncomingState } from '../../../src/state/parse-state.js';

const config = resolveConfig({
  workspace_url: 'https://example.cloud.databricks.com',
  http_path: '/sql/1.0/warehouses/abc',
  credentials: { auth_type: 'personal_access_token', personal_access_token: 'dapi0123456789' },
  catalog: 'main',
});
const noState: IncomingState = { streams: new Map(), notices: [] };

function table(columns: readonly TableColumn[], primaryKey: readonly string[]): Map<string, TableInfo> {
  const info: TableInfo = { catalog: 'main', schema: 's', name: 't', tableType: 'TABLE', columns, primaryKey };
  return new Map([[streamKey({ namespace: 's', name: 't' }), info]]);
}

function fullRefresh(properties: readonly string[]): ConfiguredAirbyteStream {
  return {
    stream: {
      name: 't',
      namespace: 's',
      json_schema: { type: 'object', properties: Object.fromEntries(properties.map((p) => [p, {}])) },
      supported_sync_modes: ['full_refresh'],
    },
    sync_mode: 'full_refresh',
    destination_sync_mode: 'overwrite',
  } as ConfiguredAirbyteStream;
}

const col = (name: string, type: string, nullable = false): TableColumn => ({ name, type, nullable });

describe('planStream: the order a full refresh is read in', () => {
  it('orders by the leading primary key column, so a failed fetch resumes instead of starting over', () => {
    const tables = table([col('region', 'STRING'), col('id', 'BIGINT'), col('note', 'STRING', true)], ['region', 'id']);
    const outcome = planStream(fullRefresh(['id', 'note']), tables, noState, config);
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.plan.order, { column: 'region', type: 'STRING' });
    assert.deepEqual(outcome.plan.columns, ['id', 'note'], 'the key column is read for ordering, not added to records');
  });

  it('reads unordered when there is no key, the key column is nullable, or its type cannot be bound', () => {
    for (const [columns, key] of [
      [[col('id', 'BIGINT')], []],
      [[col('id', 'BIGINT', true)], ['id']],
      [[col('id', 'BINARY')], ['id']],
    ] as const) {
      const outcome = planStream(fullRefresh(['id']), table(columns, key), noState, config);
      assert.ok(outcome.ok);
      assert.equal(outcome.plan.order, undefined);
    }
  });
});
