import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AirbyteStream } from '../../../src/protocol/airbyte-protocol.js';
import { openDriverSession, queryRows, startTestEmulator, type RunningEmulator } from '../../helpers/emulator.js';
import {
  configureStream,
  configuredCatalog,
  describeRun,
  discoveredStreams,
  emulatorConfig,
  findStream,
  messagesOf,
  recordData,
  runConnector,
  stateMessages,
} from '../../helpers/connector-cli.js';
import { losslessText, type LosslessValue } from '../../helpers/lossless-json.js';

/**
 * Names are data: schemas, tables and columns with backticks, quotes, spaces, semicolons, dots and
 * unicode are discovered and read exactly, and names or values crafted as SQL never run as SQL.
 * The emulator's query history shows every statement the connector sent: only reads, with user
 * values bound as parameters, never written into the text.
 */

const SCHEMA = 'odd schema.x';
const WEIRD = 'we`ird;tbl.x "q" \'s\' ünï 名';
const TRAP = 'x; drop table main.`odd schema.x`.victim; --';
const TRAP_COLUMN = 'a` FROM victim; DROP TABLE victim; --';
const q = (name: string): string => `\`${name.replaceAll('`', '``')}\``;
const IN = (table: string): string => `main.${q(SCHEMA)}.${q(table)}`;

describe('identifiers and injection', { timeout: 300_000 }, () => {
  let emulator: RunningEmulator;
  let config: Record<string, unknown>;
  let streams: AirbyteStream[];
  const sql = async (statements: readonly string[]): Promise<Record<string, unknown>[]> => {
    const d = await openDriverSession(emulator);
    try {
      let last: Record<string, unknown>[] = [];
      for (const s of statements) last = await queryRows(d.session, s);
      return last;
    } finally {
      await d.close();
    }
  };

  before(async () => {
    emulator = await startTestEmulator({ sampleData: false });
    await sql([
      `CREATE SCHEMA main.${q(SCHEMA)}`,
      `CREATE TABLE ${IN(WEIRD)} (${q('na"me')} STRING, ${q('ünï 名')} BIGINT NOT NULL, ${q("it's")} INT, ${q(TRAP_COLUMN)} STRING, ` +
        `CONSTRAINT pk PRIMARY KEY (${q('ünï 名')})) TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')`,
      `INSERT INTO ${IN(WEIRD)} VALUES ('a', 9007199254740993, 1, 'x'), ('b"', 2, 2, 'y')`,
      `CREATE TABLE ${IN(TRAP)} (id BIGINT NOT NULL, note STRING)`,
      `INSERT INTO ${IN(TRAP)} VALUES (1, 'a'), (2, ''' OR 1=1 --'), (3, 'z')`,
      `CREATE TABLE ${IN('victim')} (id INT)`,
      `INSERT INTO ${IN('victim')} VALUES (1), (2), (3)`,
    ]);
    config = emulatorConfig(emulator, { schemas: [SCHEMA] });
    streams = discoveredStreams(await runConnector('discover', { config }));
  });
  after(async () => emulator?.stop());

  const victimRows = async (): Promise<number> => Number((await sql([`SELECT COUNT(*) AS n FROM ${IN('victim')}`]))[0]!['n']);
  /** Statements the connector sent during `run`: all reads, none containing `forbidden` in its text. */
  const connectorStatements = async <T>(run: () => Promise<T>): Promise<{ result: T; statements: ReturnType<RunningEmulator['statements']> }> => {
    const from = emulator.statements().length;
    const result = await run();
    return { result, statements: emulator.statements().slice(from) };
  };
  const assertOnlyReads = (statements: ReturnType<RunningEmulator['statements']>): void => {
    assert.ok(statements.length > 0);
    for (const s of statements) assert.match(s.sql, /^\s*(SELECT|DESCRIBE|SHOW)\b/i, `the connector sent a statement that is not a read: ${s.sql}`);
  };
  const text = (v: LosslessValue | undefined): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : losslessText(v));

  it('discovers schemas, tables and columns whatever characters their names hold', () => {
    const weird = findStream(streams, `${SCHEMA}.${WEIRD}`);
    assert.deepEqual(Object.keys(weird.json_schema['properties'] as object).slice(0, 4), ['na"me', 'ünï 名', "it's", TRAP_COLUMN]);
    assert.deepEqual(weird.source_defined_primary_key, [['ünï 名']]);
    findStream(streams, `${SCHEMA}.${TRAP}`);
  });

  it('reads them exactly in full refresh, incremental and change feed modes, sending only reads', async () => {
    const weird = findStream(streams, `${SCHEMA}.${WEIRD}`);
    const label = `${SCHEMA}.${WEIRD}`;
    const { result: full, statements } = await connectorStatements(() => runConnector('read', { config, catalog: configuredCatalog(configureStream(weird)) }));
    assert.equal(full.exitCode, 0, describeRun(full));
    assert.deepEqual(
      recordData(full, label).map((d) => [d['na"me'], text(d['ünï 名']), text(d["it's"]), d[TRAP_COLUMN]]).sort(),
      [['a', '9007199254740993', '1', 'x'], ['b"', '2', '2', 'y']],
    );
    assertOnlyReads(statements);

    const catalog = configuredCatalog(configureStream(weird, { syncMode: 'incremental', cursorField: ['ünï 名'] }));
    const first = await runConnector('read', { config, catalog });
    assert.equal(first.exitCode, 0, describeRun(first));
    assert.equal(recordData(first, label).length, 2);
    await sql([`INSERT INTO ${IN(WEIRD)} VALUES ('c', 9007199254740994, 3, 'z')`]);
    const next = await runConnector('read', { config, catalog, state: stateMessages(first, label).slice(-1) });
    assert.deepEqual(recordData(next, label).map((d) => text(d['ünï 名'])), ['9007199254740994']);

    const feedCatalog = configuredCatalog(configureStream(weird, { syncMode: 'incremental', cursorField: ['_ab_cdc_commit_version'], destinationSyncMode: 'append_dedup' }));
    const snapshot = await runConnector('read', { config, catalog: feedCatalog });
    assert.equal(snapshot.exitCode, 0, describeRun(snapshot));
    assert.equal(recordData(snapshot, label).length, 3);
    await sql([`DELETE FROM ${IN(WEIRD)} WHERE ${q('it\'s')} = 1`]);
    const { result: changes, statements: feedStatements } = await connectorStatements(() =>
      runConnector('read', { config, catalog: feedCatalog, state: stateMessages(snapshot, label).slice(-1) }),
    );
    assert.equal(changes.exitCode, 0, describeRun(changes));
    const deleted = recordData(changes, label);
    assert.equal(deleted.length, 1);
    assert.equal(deleted[0]!['na"me'], 'a');
    assert.notEqual(deleted[0]!['_ab_cdc_deleted_at'], null);
    assertOnlyReads(feedStatements);
    assert.ok(feedStatements.some((s) => s.sql.includes('table_changes(')), 'the changes were read with table_changes');
  });

  it('a table named like a statement is read as a table; the table it names is untouched', async () => {
    const trap = findStream(streams, `${SCHEMA}.${TRAP}`);
    const { result: run, statements } = await connectorStatements(() =>
      runConnector('read', { config, catalog: configuredCatalog(configureStream(trap), configureStream(trap, { syncMode: 'incremental', cursorField: ['note'] })) }),
    );
    assert.equal(run.exitCode, 0, describeRun(run));
    assert.equal(recordData(run, `${SCHEMA}.${TRAP}`).length, 6, 'both streams read all 3 rows');
    assertOnlyReads(statements);
    assert.equal(await victimRows(), 3);
  });

  it('a saved cursor holding SQL is bound as a parameter, never written into a statement', async () => {
    const trap = findStream(streams, `${SCHEMA}.${TRAP}`);
    const evil = "' OR 1=1 --";
    const state = [{ type: 'STREAM', stream: { stream_descriptor: { name: TRAP, namespace: SCHEMA }, stream_state: { version: 1, cursor_field: ['note'], cursor: evil } } }];
    const { result: run, statements } = await connectorStatements(() =>
      runConnector('read', { config, catalog: configuredCatalog(configureStream(trap, { syncMode: 'incremental', cursorField: ['note'] })), state }),
    );
    assert.equal(run.exitCode, 0, describeRun(run));
    // Only rows whose note sorts after the saved text come back: 'a' and 'z', not the row equal to it.
    assert.deepEqual(recordData(run, `${SCHEMA}.${TRAP}`).map((d) => d['note']).sort(), ['a', 'z']);
    assertOnlyReads(statements);
    assert.ok(statements.every((s) => !s.sql.includes('1=1')), 'the cursor text never enters SQL text');
    assert.ok(statements.some((s) => s.parameters.some((p) => p.value === evil)), 'the cursor was bound as a parameter');
    assert.equal(await victimRows(), 3);
  });

  it('row filters with a second statement or a comment are refused before any query, naming stream_filters', async () => {
    const trap = findStream(streams, `${SCHEMA}.${TRAP}`);
    for (const filter of ['1=1; DROP TABLE victim', 'id > 0 -- trailing', 'id > 0 /* c */', "note = 'x'; SELECT 1"]) {
      const { result: run, statements } = await connectorStatements(() =>
        runConnector('read', { config: { ...config, stream_filters: [{ stream: `${SCHEMA}.${TRAP}`, filter }] }, catalog: configuredCatalog(configureStream(trap)) }),
      );
      assert.notEqual(run.exitCode, 0, describeRun(run));
      const error = messagesOf(run, 'TRACE:ERROR')[0]?.trace.error;
      assert.equal(error?.failure_type, 'config_error', describeRun(run));
      assert.match(error.message, /stream_filters/);
      assert.equal(statements.length, 0, `statements ran despite the refused filter: ${statements.map((s) => s.sql).join(' | ')}`);
    }
    assert.equal(await victimRows(), 3);
  });
});
