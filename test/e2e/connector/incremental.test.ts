import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AirbyteStream } from '../../../src/protocol/airbyte-protocol.js';
import { runStatements, startTestEmulator, type RunningEmulator } from '../../helpers/emulator.js';
import {
  configureStream,
  configuredCatalog,
  describeRun,
  discoveredStreams,
  emulatorConfig,
  findStream,
  messagesOf,
  messageStream,
  recordData,
  runConnector,
  stateMessages,
  streamStatuses,
  type ConnectorRun,
  type Message,
} from '../../helpers/connector-cli.js';
import { losslessText } from '../../helpers/lossless-json.js';

/**
 * Incremental reads through the CLI: state carried between syncs, and checkpoints that never
 * split a group of equal cursor values, so resuming from any STATE loses nothing and repeats
 * nothing.
 */

// Groups of equal cursor values; rows are inserted out of order so the warehouse returns each
// group in no particular order.
const GROUP_SIZES = [3, 1, 4, 1, 5, 2, 6, 1];
const cursorOf = (group: number): string => `2024-03-01 10:00:${String(group).padStart(2, '0')}.${String(100001 + group * 111111).slice(-6)}`;
const TIE_ROWS = GROUP_SIZES.flatMap((size, group) => Array.from({ length: size }, () => group))
  .map((group, i) => ({ id: i + 1, group, cursor: `${cursorOf(group).replace(' ', 'T')}Z` }));
const shuffled = [...TIE_ROWS].sort((a, b) => ((a.id * 7919) % 23) - ((b.id * 7919) % 23));

/**
 * One table per cursor type with three neighbouring values, so a cursor bound rounded or
 * truncated on its way back into SQL (BIGINT through a double, microseconds dropped, a time zone
 * shift) re-reads or skips the middle row.
 */
interface CursorValue {
  readonly sql: string;
  /** The cursor text in STATE. */
  readonly text: string;
  /** The value's JSON text in records. */
  readonly json: string;
}
const numbers = (list: readonly string[], suffix = ''): CursorValue[] => list.map((v) => ({ sql: `${v}${suffix}`, text: v, json: v }));
const texts = (list: readonly string[], sql: (v: string) => string, text: (v: string) => string = (v) => v): CursorValue[] =>
  list.map((v) => ({ sql: sql(v), text: text(v), json: JSON.stringify(text(v)) }));

const CURSOR_TYPES: readonly { table: string; type: string; values: readonly CursorValue[] }[] = [
  { table: 'c_bigint', type: 'BIGINT', values: numbers(['9007199254740992', '9007199254740993', '9007199254740994'], 'L') },
  { table: 'c_int', type: 'INT', values: numbers(['-1', '0', '1']) },
  {
    table: 'c_decimal',
    type: 'DECIMAL(38,18)',
    values: numbers(['12345678901234567890.000000000000000001', '12345678901234567890.000000000000000002', '12345678901234567890.000000000000000003'], 'BD'),
  },
  { table: 'c_string', type: 'STRING', values: texts(['a', 'ab', 'b'], (v) => `'${v}'`) },
  { table: 'c_date', type: 'DATE', values: texts(['1969-12-30', '1969-12-31', '1970-01-01'], (v) => `DATE '${v}'`) },
  {
    table: 'c_timestamp',
    type: 'TIMESTAMP',
    values: texts(['1969-12-31 23:59:59.999999', '1970-01-01 00:00:00.000000', '1970-01-01 00:00:00.000001'], (v) => `TIMESTAMP '${v}'`, (v) => `${v.replace(' ', 'T')}Z`),
  },
  {
    table: 'c_timestamp_ntz',
    type: 'TIMESTAMP_NTZ',
    values: texts(['2024-06-30 23:59:59.999998', '2024-06-30 23:59:59.999999', '2024-07-01 00:00:00.000000'], (v) => `TIMESTAMP_NTZ '${v}'`, (v) => v.replace(' ', 'T')),
  },
];

const SEED = [
  'CREATE SCHEMA main.inc',
  'CREATE TABLE main.inc.events (id BIGINT NOT NULL, note STRING, updated_at TIMESTAMP)',
  `INSERT INTO main.inc.events VALUES
     (1, 'a', TIMESTAMP '2024-01-01 00:00:00.000001'), (2, 'b', TIMESTAMP '2024-01-01 00:00:00.000002'),
     (3, 'c', TIMESTAMP '2024-01-02 00:00:00'), (4, 'd', TIMESTAMP '2024-01-02 00:00:00'),
     (5, 'e', TIMESTAMP '2024-01-03 12:00:00.5')`,
  'CREATE TABLE main.inc.ties (id INT NOT NULL, updated_at TIMESTAMP)',
  `INSERT INTO main.inc.ties VALUES ${shuffled.map((r) => `(${r.id}, TIMESTAMP '${cursorOf(r.group)}')`).join(', ')}`,
  'CREATE TABLE main.inc.no_cursor_chosen (id INT, updated STRING)',
  ...CURSOR_TYPES.flatMap(({ table, type, values }) => [
    `CREATE TABLE main.inc.${table} (id INT NOT NULL, updated_at ${type})`,
    `INSERT INTO main.inc.${table} VALUES ${values.map((v, i) => `(${i + 1}, ${v.sql})`).join(', ')}`,
  ]),
];

let emulator: RunningEmulator;
let streams: AirbyteStream[];
let config: Record<string, unknown>;

const ids = (run: ConnectorRun, stream: string): string[] => recordData(run, stream).map((r) => losslessText(r.id!));
const sortedNumbers = (list: readonly (string | number)[]): number[] => list.map(Number).sort((a, b) => a - b);
/** The --state file the platform would pass: the last STATE message of each stream. */
const lastState = (run: ConnectorRun, stream: string): Message[] => [stateMessages(run, stream).at(-1)!];
const cursorOfState = (state: Message): string | null => state.stream.stream_state.cursor as string | null;

describe('connector CLI: incremental reads', () => {
  before(async () => {
    emulator = await startTestEmulator({ seedSql: SEED });
    config = emulatorConfig(emulator, { schemas: ['inc'], cursor_field: 'updated_at' });
    const run = await runConnector('discover', { config });
    assert.equal(run.exitCode, 0, describeRun(run));
    streams = discoveredStreams(run);
  });
  after(async () => {
    await emulator?.stop();
  });

  it('a second read with the first read\'s state returns only the rows inserted in between', async () => {
    const catalog = configuredCatalog(configureStream(findStream(streams, 'inc.events'), { syncMode: 'incremental' }));
    const first = await runConnector('read', { config, catalog });
    assert.equal(first.exitCode, 0, describeRun(first));
    assert.deepEqual(sortedNumbers(ids(first, 'inc.events')), [1, 2, 3, 4, 5]);
    const firstState = lastState(first, 'inc.events');
    assert.deepEqual(firstState[0]!.stream.stream_state, {
      version: 1,
      cursor_field: ['updated_at'],
      cursor: '2024-01-03T12:00:00.500000Z',
      cursor_type: 'TIMESTAMP',
    });

    await runStatements(emulator, `INSERT INTO main.inc.events VALUES (6, 'f', TIMESTAMP '2024-01-03 12:00:00.500001'), (7, 'g', TIMESTAMP '2025-06-01 00:00:00')`);

    const second = await runConnector('read', { config, catalog, state: firstState });
    assert.equal(second.exitCode, 0, describeRun(second));
    assert.deepEqual(sortedNumbers(ids(second, 'inc.events')), [6, 7]);
    const secondState = lastState(second, 'inc.events');
    assert.equal(cursorOfState(secondState[0]!), '2025-06-01T00:00:00.000000Z');
    assert.equal(secondState[0]!.sourceStats.recordCount, 2);

    const third = await runConnector('read', { config, catalog, state: secondState });
    assert.equal(third.exitCode, 0, describeRun(third));
    assert.deepEqual(ids(third, 'inc.events'), []);
    assert.equal(cursorOfState(lastState(third, 'inc.events')[0]!), '2025-06-01T00:00:00.000000Z');
    assert.deepEqual(streamStatuses(third, 'inc.events'), ['STARTED', 'RUNNING', 'COMPLETE']);
  });

  describe('cursor ties at checkpoint boundaries', () => {
    let full: ConnectorRun;
    let states: Message[];
    const tiesConfig = (): Record<string, unknown> => ({ ...config, checkpoint_interval_records: 2, batch_size: 3 });
    const tiesCatalog = () => configuredCatalog(configureStream(findStream(streams, 'inc.ties'), { syncMode: 'incremental' }));

    before(async () => {
      full = await runConnector('read', { config: tiesConfig(), catalog: tiesCatalog() });
      assert.equal(full.exitCode, 0, describeRun(full));
      states = stateMessages(full, 'inc.ties');
    });

    it('reads every row once and checkpoints several times during the read', () => {
      assert.deepEqual(sortedNumbers(ids(full, 'inc.ties')), TIE_ROWS.map((r) => r.id));
      assert.ok(states.length >= 4, `expected intermediate checkpoints, got ${states.length} STATE messages`);
      assert.equal(cursorOfState(states.at(-1)!), TIE_ROWS.at(-1)!.cursor);
    });

    it('never emits a STATE inside a group of equal cursor values', () => {
      const emitted: string[] = [];
      for (const m of full.messages) {
        if (messageStream(m) !== 'inc.ties') continue;
        if (m.type === 'RECORD') emitted.push(m.record.data.updated_at as string);
        if (m.type !== 'STATE') continue;
        const cursor = cursorOfState(m.state)!;
        const inTable = TIE_ROWS.filter((r) => r.cursor <= cursor).length;
        const before = emitted.filter((c) => c <= cursor).length;
        assert.equal(before, inTable, `STATE at ${cursor} came before all ${inTable} rows up to it were emitted (${before})`);
      }
    });

    it('counts in sourceStats.recordCount exactly the records since the previous STATE', () => {
      let sinceState = 0;
      const counts: number[] = [];
      for (const m of full.messages) {
        if (messageStream(m) !== 'inc.ties') continue;
        if (m.type === 'RECORD') sinceState += 1;
        if (m.type === 'STATE') {
          assert.equal(m.state.sourceStats.recordCount, sinceState);
          counts.push(sinceState);
          sinceState = 0;
        }
      }
      assert.equal(sinceState, 0, 'records after the last STATE');
      assert.equal(counts.reduce((a, b) => a + b, 0), TIE_ROWS.length);
    });

    it('resuming from every intermediate STATE loses no row and re-reads only rows after it', async () => {
      const intermediate = states.slice(0, -1);
      const resumed: ConnectorRun[] = [];
      // Two at a time: each run is a separate process.
      for (let i = 0; i < intermediate.length; i += 2) {
        resumed.push(
          ...(await Promise.all(
            intermediate.slice(i, i + 2).map((state) => runConnector('read', { config: tiesConfig(), catalog: tiesCatalog(), state: [state] })),
          )),
        );
      }
      intermediate.forEach((state, i) => {
        const run = resumed[i]!;
        assert.equal(run.exitCode, 0, describeRun(run));
        const cursor = cursorOfState(state)!;
        const expected = TIE_ROWS.filter((r) => r.cursor > cursor).map((r) => r.id);
        assert.deepEqual(sortedNumbers(ids(run, 'inc.ties')), expected, `resumed from ${cursor}`);
      });
    });
  });

  it('an incremental stream without a cursor field fails that stream with a config_error naming it', async () => {
    const stream = findStream(streams, 'inc.no_cursor_chosen');
    assert.equal(stream.default_cursor_field, undefined);
    const run = await runConnector('read', {
      config,
      catalog: configuredCatalog(
        configureStream(stream, { syncMode: 'incremental' }),
        configureStream(findStream(streams, 'inc.events')),
      ),
    });
    assert.notEqual(run.exitCode, 0, describeRun(run));
    const errors = messagesOf(run, 'TRACE:ERROR');
    assert.equal(errors.length, 1, describeRun(run));
    const error = errors[0]!.trace.error;
    assert.equal(error.failure_type, 'config_error');
    assert.deepEqual(error.stream_descriptor, { name: 'no_cursor_chosen', namespace: 'inc' });
    assert.match(error.message, /inc\.no_cursor_chosen/);
    assert.match(error.message, /cursor/);
    assert.deepEqual(streamStatuses(run, 'inc.no_cursor_chosen'), ['STARTED', 'INCOMPLETE']);
    assert.deepEqual(messagesOf(run, 'RECORD', 'inc.no_cursor_chosen'), []);
    assert.deepEqual(streamStatuses(run, 'inc.events'), ['STARTED', 'RUNNING', 'COMPLETE']);
  });

  it('resumes exactly after the middle value of every cursor type (BIGINT beyond 2^53, DECIMAL(38,18), µs, pre-1970)', async () => {
    const labels = CURSOR_TYPES.map((c) => `inc.${c.table}`);
    const catalog = configuredCatalog(...labels.map((l) => configureStream(findStream(streams, l), { syncMode: 'incremental' })));
    const oneByOne = { ...config, checkpoint_interval_records: 1, batch_size: 1 };
    const first = await runConnector('read', { config: oneByOne, catalog });
    assert.equal(first.exitCode, 0, describeRun(first));
    const middleStates: Message[] = [];
    for (const { table, values } of CURSOR_TYPES) {
      const label = `inc.${table}`;
      assert.deepEqual(
        recordData(first, label).map((r) => losslessText(r.updated_at!)),
        values.map((v) => v.json),
        label,
      );
      // Checkpoints after each completed value: v1, v2, then the final v3.
      const cursors = stateMessages(first, label).map(cursorOfState);
      assert.deepEqual(cursors, values.map((v) => v.text), label);
      middleStates.push(stateMessages(first, label)[1]!);
    }

    const resumed = await runConnector('read', { config: oneByOne, catalog, state: middleStates });
    assert.equal(resumed.exitCode, 0, describeRun(resumed));
    for (const { table } of CURSOR_TYPES) {
      assert.deepEqual(ids(resumed, `inc.${table}`), ['3'], `inc.${table} resumed after its middle value`);
    }
  });
});
