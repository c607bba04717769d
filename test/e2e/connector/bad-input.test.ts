import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AirbyteStream } from '../../../src/protocol/airbyte-protocol.js';
import { startTestEmulator, type RunningEmulator } from '../../helpers/emulator.js';
import {
  configureStream,
  configuredCatalog,
  describeRun,
  discoveredStreams,
  emulatorConfig,
  findStream,
  messagesOf,
  rawFile,
  runConnector,
  streamStatuses,
  type Command,
  type ConnectorRun,
  type RunOptions,
} from '../../helpers/connector-cli.js';

/**
 * The bad-input matrix: each case runs the CLI and must end with exactly one ERROR trace of the
 * expected failure_type whose message names the field or stream at fault, a non-zero exit code,
 * and (checked by runConnector for every run) only valid Airbyte messages on stdout, no stack
 * trace and no secret. Cases that must not fail say what they expect instead.
 */

interface BadCase {
  readonly name: string;
  readonly command: Command;
  readonly options: () => RunOptions;
  /** The message must match this; it names the field or the stream. */
  readonly names: RegExp;
  readonly failureType?: 'config_error' | 'system_error' | 'transient_error';
}

const SEED = [
  'CREATE SCHEMA main.bad',
  'CREATE TABLE main.bad.items (id BIGINT NOT NULL, flag BOOLEAN, score DOUBLE, tags ARRAY<STRING>, attrs MAP<STRING, STRING>, ' +
    'pair STRUCT<a: INT, b: STRING>, blob BINARY, updated TIMESTAMP, note STRING, CONSTRAINT items_pk PRIMARY KEY (id))',
  "INSERT INTO main.bad.items VALUES (1, true, 1.5, array('a'), map('k', 'v'), named_struct('a', 1, 'b', 'x'), X'00', TIMESTAMP'2024-01-01 00:00:00', 'one')",
  "INSERT INTO main.bad.items VALUES (2, false, 2.5, array('b'), map('k', 'w'), named_struct('a', 2, 'b', 'y'), X'01', TIMESTAMP'2024-01-02 00:00:00', 'two')",
];

describe('bad input matrix', { timeout: 600_000 }, () => {
  let emulator: RunningEmulator;
  let config: Record<string, unknown>;
  let items: AirbyteStream;
  const tried: string[] = [];

  before(async () => {
    emulator = await startTestEmulator({ sampleData: false, seedSql: SEED });
    config = emulatorConfig(emulator, { schemas: ['bad'] });
    items = findStream(discoveredStreams(await runConnector('discover', { config })), 'bad.items');
  });
  after(async () => {
    process.stderr.write(`bad inputs tried: ${tried.length}\n`);
    await emulator?.stop();
  });

  const without = (key: string): Record<string, unknown> => {
    const copy = { ...config };
    delete copy[key];
    return copy;
  };
  const incremental = (cursor: string[] | undefined) =>
    configuredCatalog({ ...configureStream(items, { syncMode: 'incremental' }), ...(cursor === undefined ? {} : { cursor_field: cursor }) });
  const withoutDefaultCursor = (): AirbyteStream => ({ ...items, default_cursor_field: undefined }) as unknown as AirbyteStream;
  const stateOf = (streamState: unknown, name = 'items', namespace = 'bad') => [
    { type: 'STREAM', stream: { stream_descriptor: { name, namespace }, stream_state: streamState } },
  ];
  const fullCatalog = () => configuredCatalog(configureStream(items));

  const cases = (): BadCase[] => [
    // Files that are not what they should be.
    { name: 'config not JSON', command: 'check', options: () => ({ config: rawFile('{"workspace_url": ') }), names: /config/ },
    { name: 'catalog not JSON', command: 'read', options: () => ({ config, catalog: rawFile('[1,') }), names: /catalog/ },
    { name: 'state not JSON', command: 'read', options: () => ({ config, catalog: fullCatalog(), state: rawFile('{') }), names: /state/ },
    { name: 'config a JSON array', command: 'check', options: () => ({ config: [config] }), names: /config/i },
    // Missing, wrong-typed and misspelt fields.
    { name: 'missing workspace_url', command: 'check', options: () => ({ config: without('workspace_url') }), names: /workspace_url/ },
    { name: 'missing catalog', command: 'discover', options: () => ({ config: without('catalog') }), names: /catalog/ },
    { name: 'missing credentials', command: 'check', options: () => ({ config: without('credentials') }), names: /credentials|personal_access_token/ },
    { name: 'missing http_path and warehouse_id', command: 'check', options: () => ({ config: without('http_path') }), names: /warehouse_id|http_path/ },
    { name: 'batch_size as text', command: 'check', options: () => ({ config: { ...config, batch_size: '100' } }), names: /batch_size/ },
    { name: 'batch_size zero', command: 'check', options: () => ({ config: { ...config, batch_size: 0 } }), names: /batch_size/ },
    { name: 'catalog as a number', command: 'check', options: () => ({ config: { ...config, catalog: 7 } }), names: /catalog/ },
    { name: 'schemas as a string', command: 'discover', options: () => ({ config: { ...config, schemas: 'bad' } }), names: /schemas/ },
    { name: 'max_concurrent_streams too large', command: 'check', options: () => ({ config: { ...config, max_concurrent_streams: 99 } }), names: /max_concurrent_streams/ },
    { name: 'unknown auth_type', command: 'check', options: () => ({ config: { ...config, credentials: { auth_type: 'password', password: 'x' } } }), names: /credentials|auth_type/ },
    { name: 'extra field misspelt: batchsize', command: 'check', options: () => ({ config: { ...config, batchsize: 10 } }), names: /batchsize.*did you mean "batch_size"/ },
    { name: 'extra field misspelt: Catalog', command: 'discover', options: () => ({ config: { ...config, Catalog: 'main' } }), names: /Catalog.*did you mean "catalog"/ },
    // Addresses that cannot be a workspace.
    { name: 'ftp URL', command: 'check', options: () => ({ config: { ...config, workspace_url: 'ftp://example.com' } }), names: /workspace_url/ },
    { name: 'URL without a host', command: 'check', options: () => ({ config: { ...config, workspace_url: 'https://' } }), names: /workspace_url/ },
    { name: 'host with spaces', command: 'check', options: () => ({ config: { ...config, workspace_url: 'my workspace.cloud.databricks.com' } }), names: /workspace_url/ },
    { name: 'URL port out of range', command: 'check', options: () => ({ config: { ...config, workspace_url: 'https://example.com:99999' } }), names: /workspace_url|port/ },
    { name: 'port 0', command: 'check', options: () => ({ config: { ...config, port: 0 } }), names: /port/ },
    { name: 'http_path without a leading slash', command: 'check', options: () => ({ config: { ...config, http_path: 'sql/1.0/warehouses/x' } }), names: /http_path/ },
    // Catalogs that do not fit the tables.
    {
      name: 'stream for a table that does not exist',
      command: 'read',
      options: () => ({ config, catalog: configuredCatalog(configureStream({ ...items, name: 'ghost' })) }),
      names: /bad\.ghost/,
    },
    { name: 'incremental without a cursor', command: 'read', options: () => ({ config, catalog: configuredCatalog(configureStream(withoutDefaultCursor(), { syncMode: 'incremental' })) }), names: /bad\.items.*cursor/ },
    ...['flag', 'score', 'tags', 'attrs', 'pair', 'blob'].map(
      (column): BadCase => ({
        name: `cursor of unsupported type (${column})`,
        command: 'read',
        options: () => ({ config, catalog: incremental([column]) }),
        names: new RegExp(`bad\\.items.*"${column}".*cannot be a cursor`),
      }),
    ),
    { name: 'cursor column that does not exist', command: 'read', options: () => ({ config, catalog: incremental(['nope']) }), names: /bad\.items.*"nope"/ },
    { name: 'nested cursor path', command: 'read', options: () => ({ config, catalog: incremental(['pair', 'a']) }), names: /bad\.items.*nested/ },
    { name: 'catalog without streams', command: 'read', options: () => ({ config, catalog: { stream: [] } }), names: /streams/ },
    { name: 'catalog with a bad sync_mode', command: 'read', options: () => ({ config, catalog: { streams: [{ ...configureStream(items), sync_mode: 'sometimes' }] } }), names: /sync_mode/ },
    // States that cannot be trusted.
    { name: 'state from a newer version', command: 'read', options: () => ({ config, catalog: incremental(['updated']), state: stateOf({ version: 99, cursor: 'x' }) }), names: /bad\.items.*newer version/ },
    { name: 'state cursor of the wrong type', command: 'read', options: () => ({ config, catalog: incremental(['updated']), state: stateOf({ version: 1, cursor_field: ['updated'], cursor: { at: 1 } }) }), names: /bad\.items.*cursor/ },
    { name: 'state that is a list', command: 'read', options: () => ({ config, catalog: incremental(['updated']), state: stateOf([1, 2]) }), names: /bad\.items/ },
    { name: 'state entry of unknown type', command: 'read', options: () => ({ config, catalog: incremental(['updated']), state: [{ type: 'SOMETHING' }] }), names: /state.*SOMETHING/ },
    { name: 'state entry without a stream name', command: 'read', options: () => ({ config, catalog: incremental(['updated']), state: [{ type: 'STREAM', stream: { stream_descriptor: {} } }] }), names: /state.*stream_descriptor/ },
  ];

  const expectFailure = async (c: BadCase): Promise<void> => {
    const run = await runConnector(c.command, c.options());
    tried.push(c.name);
    assert.notEqual(run.exitCode, 0, `${c.name}: ${describeRun(run)}`);
    const errors = messagesOf(run, 'TRACE:ERROR');
    assert.ok(errors.length >= 1, `${c.name}: no ERROR trace\n${describeRun(run)}`);
    const error = errors[0]!.trace.error;
    assert.equal(error.failure_type, c.failureType ?? 'config_error', `${c.name}: ${error.message}`);
    assert.match(String(error.message), c.names, `${c.name}: the message does not name what is wrong`);
    // Also the CONNECTION_STATUS of check says it in the same words.
    if (c.command === 'check') {
      const status = messagesOf(run, 'CONNECTION_STATUS')[0];
      if (status !== undefined) assert.equal(status.connectionStatus.status, 'FAILED');
    }
  };

  it('refuses every bad input with a config_error naming the field or stream', async () => {
    const all = cases();
    // A few processes at a time: each case is a separate CLI run.
    for (let i = 0; i < all.length; i += 4) await Promise.all(all.slice(i, i + 4).map(expectFailure));
    assert.ok(all.length >= 35, `${all.length} cases`);
  });

  it('an unknown stream fails alone: the other stream of the same run completes', async () => {
    const run = await runConnector('read', {
      config,
      catalog: configuredCatalog(configureStream({ ...items, name: 'ghost' }), configureStream(items)),
    });
    tried.push('unknown stream beside a good one');
    assert.notEqual(run.exitCode, 0);
    assert.deepEqual(streamStatuses(run, 'bad.items'), ['STARTED', 'RUNNING', 'COMPLETE']);
    assert.deepEqual(streamStatuses(run, 'bad.ghost'), ['STARTED', 'INCOMPLETE']);
    assert.equal(messagesOf(run, 'RECORD', 'bad.items').length, 2);
  });

  it('state for a stream not in the catalog is ignored with a log line; old formats are converted', async () => {
    const ignored = await runConnector('read', {
      config,
      catalog: incremental(['updated']),
      state: [...stateOf({ version: 1, cursor_field: ['x'], cursor: '1' }, 'elsewhere', 'other')],
    });
    tried.push('state of an unknown stream');
    assert.equal(ignored.exitCode, 0, describeRun(ignored));
    assert.ok(messagesOf(ignored, 'LOG').some((m) => /Ignoring saved state of stream other\.elsewhere/.test(m.log.message)));
    assert.equal(messagesOf(ignored, 'RECORD').length, 2);

    // The connector's original design kept { cursor_field: "updated", cursor_value: "..." }.
    const legacy = await runConnector('read', {
      config,
      catalog: incremental(['updated']),
      state: stateOf({ cursor_field: 'updated', cursor_value: '2024-01-02T00:00:00.000000Z' }),
    });
    tried.push('state of the original design');
    assert.equal(legacy.exitCode, 0, describeRun(legacy));
    assert.ok(messagesOf(legacy, 'LOG').some((m) => /Converted the saved state of stream bad\.items/.test(m.log.message)));
    // Resumed inclusively: the row at the saved cursor is read again, the older one is not.
    assert.deepEqual(messagesOf(legacy, 'RECORD').map((m) => m.record.data.id), [2]);
  });

  it('an unresolvable host fails check quickly with a sentence naming the address, not after minutes of retries', async () => {
    const started = performance.now();
    const run = await runConnector('check', {
      config: { ...config, workspace_url: 'https://no-such-workspace.invalid', retry_max_seconds: 600 },
      timeoutMs: 120_000,
    });
    tried.push('unresolvable host');
    const seconds = (performance.now() - started) / 1000;
    const status = messagesOf(run, 'CONNECTION_STATUS')[0];
    assert.equal(status?.connectionStatus.status, 'FAILED', describeRun(run));
    assert.match(status.connectionStatus.message, /no-such-workspace\.invalid/);
    assert.ok(seconds < 60, `check took ${seconds.toFixed(1)} s`);
  });
});

export type { ConnectorRun };
