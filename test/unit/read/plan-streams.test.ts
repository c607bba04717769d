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

describe('planStream: Change Data Feed', () => {
  const columns = [col('id', 'BIGINT'), col('note', 'STRING', true)];
  const feedTable = (changeDataFeed: boolean | undefined, key: readonly string[] = ['id']): Map<string, TableInfo> => {
    const info: TableInfo = { catalog: 'main', schema: 's', name: 't', tableType: 'TABLE', columns, primaryKey: key, ...(changeDataFeed === undefined ? {} : { changeDataFeed }) };
    return new Map([[streamKey({ namespace: 's', name: 't' }), info]]);
  };
  const cdf = (extra: Partial<ConfiguredAirbyteStream> = {}): ConfiguredAirbyteStream =>
    ({
      stream: {
        name: 't',
        namespace: 's',
        json_schema: { type: 'object', properties: { id: {}, note: {}, _ab_cdc_updated_at: {}, _ab_cdc_deleted_at: {}, _ab_cdc_commit_version: {} } },
        supported_sync_modes: ['full_refresh', 'incremental'],
      },
      sync_mode: 'incremental',
      cursor_field: ['_ab_cdc_commit_version'],
      destination_sync_mode: 'append_dedup',
      ...extra,
    }) as ConfiguredAirbyteStream;
  const withState = (value: Record<string, unknown>): IncomingState => ({
    streams: new Map([[streamKey({ namespace: 's', name: 't' }), value as never]]),
    notices: [],
  });

  it('plans a snapshot first, with the table key and the change columns left out of the selected columns', () => {
    const outcome = planStream(cdf(), feedTable(true), noState, config);
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.error.message);
    assert.equal(outcome.plan.syncMode, 'change_data_feed');
    assert.deepEqual(outcome.plan.columns, ['id', 'note']);
    assert.deepEqual(outcome.plan.changeFeed, { primaryKey: ['id'] });
    assert.deepEqual(outcome.plan.order, { column: 'id', type: 'BIGINT' });
  });

  it('continues after the saved table version, or the saved unfinished snapshot', () => {
    const after = planStream(cdf(), feedTable(true), withState({ version: 1, cursor_field: ['_ab_cdc_commit_version'], cursor: '41' }), config);
    assert.ok(after.ok);
    assert.equal(after.plan.changeFeed?.after, '41');
    const snapshot = { table_version: '40', commit_timestamp: '2024-01-01T00:00:00.000000Z', order_column: 'id', after: '7' };
    const resumed = planStream(cdf(), feedTable(true), withState({ version: 1, cursor_field: ['_ab_cdc_commit_version'], cursor: null, snapshot }), config);
    assert.ok(resumed.ok);
    assert.deepEqual(resumed.plan.changeFeed, { primaryKey: ['id'], snapshot });
  });

  it('starts over with a notice when the saved state is of a column cursor', () => {
    const outcome = planStream(cdf(), feedTable(true), withState({ version: 1, cursor_field: ['note'], cursor: 'x' }), config);
    assert.ok(outcome.ok);
    assert.equal(outcome.plan.changeFeed?.after, undefined);
    assert.match(outcome.notices.join('\n'), /cursor changed from note to _ab_cdc_commit_version/);
  });

  it('uses the configured primary key over the table key', () => {
    const outcome = planStream(cdf({ primary_key: [['note']] }), feedTable(true, []), noState, config);
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.plan.changeFeed?.primaryKey, ['note']);
  });

  it('fails the stream with a config error naming it when the change feed is off', () => {
    for (const flag of [false, undefined]) {
      const outcome = planStream(cdf(), feedTable(flag), noState, config);
      assert.ok(!outcome.ok);
      assert.equal(outcome.error.failureType, 'config_error');
      assert.match(outcome.error.message, /Stream s\.t: the cursor _ab_cdc_commit_version reads Delta's Change Data Feed, which is not on/);
      assert.match(outcome.error.message, /delta\.enableChangeDataFeed = true/);
    }
  });

  it('fails when a configured key column does not exist', () => {
    const outcome = planStream(cdf({ primary_key: [['nope']] }), feedTable(true), noState, config);
    assert.ok(!outcome.ok);
    assert.match(outcome.error.message, /primary key column\(s\) "nope" do not exist/);
  });
});
