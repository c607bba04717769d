import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AirbyteStream } from '../../../src/protocol/airbyte-protocol.js';
import { startTestEmulator, type RunningEmulator } from '../../helpers/emulator.js';
import { describeRun, discoveredStreams, emulatorConfig, findStream, runConnector } from '../../helpers/connector-cli.js';

let emulator: RunningEmulator;
let streams: AirbyteStream[];

const SEED = [
  'CREATE SCHEMA main.shop',
  `CREATE TABLE main.shop.orders (
     id BIGINT NOT NULL, customer STRING, amount DECIMAL(10,2), updated_at TIMESTAMP,
     CONSTRAINT orders_pk PRIMARY KEY (id)
   )`,
  `CREATE TABLE main.shop.order_lines (
     order_id BIGINT NOT NULL, line_no INT NOT NULL, sku STRING, updated_at TIMESTAMP,
     CONSTRAINT order_lines_pk PRIMARY KEY (order_id, line_no)
   )`,
  'CREATE TABLE main.shop.flags (enabled BOOLEAN, ratio DOUBLE, blob BINARY)',
  'CREATE VIEW main.shop.big_orders AS SELECT id, amount, updated_at FROM main.shop.orders WHERE amount > 100',
  'CREATE SCHEMA main.other',
  'CREATE TABLE main.other.events (event_id INT, at DATE)',
  'CREATE SCHEMA hive_metastore.legacy',
  'CREATE TABLE hive_metastore.legacy.old_orders (id BIGINT NOT NULL, updated_at TIMESTAMP)',
];

const labels = (list: readonly AirbyteStream[]): string[] => list.map((s) => `${s.namespace}.${s.name}`).sort();

describe('connector CLI: discover', () => {
  before(async () => {
    emulator = await startTestEmulator({ seedSql: SEED });
    const run = await runConnector('discover', { config: emulatorConfig(emulator, { cursor_field: 'updated_at' }) });
    assert.equal(run.exitCode, 0, describeRun(run));
    streams = discoveredStreams(run);
  });
  after(async () => {
    await emulator?.stop();
  });

  it('offers every table and view of every schema of the catalog, namespaced by schema', () => {
    assert.deepEqual(labels(streams), ['other.events', 'shop.big_orders', 'shop.flags', 'shop.order_lines', 'shop.orders']);
  });

  it('maps column types to exact json_schema properties, NOT NULL columns without "null"', () => {
    assert.deepEqual(findStream(streams, 'shop.orders').json_schema, {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: true,
      properties: {
        id: { type: 'integer', airbyte_type: 'integer' },
        customer: { type: ['null', 'string'] },
        amount: { type: ['null', 'number'] },
        updated_at: { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
      },
      'x-databricks': { catalog: 'main', table_type: 'TABLE' },
    });
    assert.deepEqual(findStream(streams, 'other.events').json_schema.properties, {
      event_id: { type: ['null', 'integer'], airbyte_type: 'integer' },
      at: { type: ['null', 'string'], format: 'date' },
    });
    assert.deepEqual(findStream(streams, 'shop.flags').json_schema.properties, {
      enabled: { type: ['null', 'boolean'] },
      ratio: { type: ['null', 'number'] },
      blob: { type: ['null', 'string'], contentEncoding: 'base64' },
    });
  });

  it('takes the primary key from the Unity Catalog PRIMARY KEY constraint, in key order', () => {
    assert.deepEqual(findStream(streams, 'shop.orders').source_defined_primary_key, [['id']]);
    assert.deepEqual(findStream(streams, 'shop.order_lines').source_defined_primary_key, [['order_id'], ['line_no']]);
    assert.equal(findStream(streams, 'shop.flags').source_defined_primary_key, undefined);
    assert.equal(findStream(streams, 'other.events').source_defined_primary_key, undefined);
  });

  it('offers the configured default cursor only on streams that have that column', () => {
    assert.deepEqual(findStream(streams, 'shop.orders').default_cursor_field, ['updated_at']);
    assert.deepEqual(findStream(streams, 'shop.order_lines').default_cursor_field, ['updated_at']);
    assert.deepEqual(findStream(streams, 'shop.big_orders').default_cursor_field, ['updated_at']);
    assert.equal(findStream(streams, 'other.events').default_cursor_field, undefined);
    assert.equal(findStream(streams, 'shop.flags').default_cursor_field, undefined);
  });

  it('includes views, marked as views', () => {
    const view = findStream(streams, 'shop.big_orders');
    assert.deepEqual(view.json_schema['x-databricks'], { catalog: 'main', table_type: 'VIEW' });
    const properties = view.json_schema.properties as Record<string, { type: unknown }>;
    assert.deepEqual(Object.keys(properties), ['id', 'amount', 'updated_at']);
    // Whether a view keeps its base column's NOT NULL is the warehouse's call; the type is not.
    assert.deepEqual([properties.id!.type].flat().filter((t) => t !== 'null'), ['integer']);
    assert.deepEqual(properties.amount, { type: ['null', 'number'] });
    assert.deepEqual(properties.updated_at, { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' });
  });

  it('offers incremental only where a column can be a cursor, and never a source-defined cursor', () => {
    for (const label of ['shop.orders', 'shop.order_lines', 'shop.big_orders', 'other.events']) {
      const stream = findStream(streams, label);
      assert.deepEqual(stream.supported_sync_modes, ['full_refresh', 'incremental'], label);
      assert.equal(stream.source_defined_cursor, false, label);
      assert.equal(stream.is_resumable, true, label);
    }
    // BOOLEAN, DOUBLE and BINARY cannot be cursors.
    const flags = findStream(streams, 'shop.flags');
    assert.deepEqual(flags.supported_sync_modes, ['full_refresh']);
    assert.equal(flags.is_resumable, false);
  });

  it('limits discovery to the configured schemas and tables', async () => {
    const run = await runConnector('discover', { config: emulatorConfig(emulator, { schemas: ['shop'], tables: ['order*'] }) });
    assert.equal(run.exitCode, 0, describeRun(run));
    assert.deepEqual(labels(discoveredStreams(run)), ['shop.order_lines', 'shop.orders']);
  });

  it('discovers hive_metastore tables without primary keys', async () => {
    const run = await runConnector('discover', { config: emulatorConfig(emulator, { catalog: 'hive_metastore', schemas: ['legacy'] }) });
    assert.equal(run.exitCode, 0, describeRun(run));
    const [stream, ...rest] = discoveredStreams(run);
    assert.equal(rest.length, 0);
    assert.equal(`${stream!.namespace}.${stream!.name}`, 'legacy.old_orders');
    assert.deepEqual(stream!.json_schema['x-databricks'], { catalog: 'hive_metastore', table_type: 'TABLE' });
    assert.equal(stream!.source_defined_primary_key, undefined);
  });
});
