import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seededRandom } from '../../../emulator/faults/seeded-random.js';
import { connectWarehouse } from '../../../src/client/databricks-sql-client.js';
import type { Warehouse } from '../../../src/client/warehouse.js';
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
  recordData,
  runConnector,
  type ConnectorRun,
} from '../../helpers/connector-cli.js';
import { applyRecords, assertStoreEqualsTable, CDC_VERSION, valueText, type ReplayedRow } from '../../helpers/change-replay.js';

/**
 * Change Data Feed syncs replayed the way a deduplicating destination applies them (upsert by
 * key, delete when `_ab_cdc_deleted_at` is set, a record never replacing one of a later commit):
 * after every sync the replayed store equals the table, value for value, over a seeded random
 * sequence of inserts, updates, deletes, merges and re-inserted keys. CDF_SEED picks the sequence.
 */

const SEED = Number(process.env.CDF_SEED ?? 20261124);
const SYNCS = 10;
const CHANGES_PER_SYNC = 23;
const COLUMNS = ['id', 'big', 'amount', 'ts', 'note'] as const;
const TABLE = 'main.feed.items';

type Row = Readonly<Record<(typeof COLUMNS)[number], string | null>>;

describe('Change Data Feed replay', { timeout: 600_000 }, () => {
  let emulator: RunningEmulator;
  let warehouse: Warehouse;
  let config: Record<string, unknown>;
  let stream: AirbyteStream;
  const random = seededRandom(SEED);
  const int = (n: number): number => Math.floor(random() * n);

  before(async () => {
    emulator = await startTestEmulator({ sampleData: false });
    warehouse = await connectWarehouse({
      host: emulator.host,
      port: emulator.port,
      httpPath: emulator.httpPath,
      auth: { kind: 'token', token: emulator.token },
      caCertPem: emulator.caCertPem,
    });
    for (const sql of [
      'CREATE SCHEMA main.feed',
      `CREATE TABLE ${TABLE} (id BIGINT NOT NULL, big BIGINT, amount DECIMAL(38,10), ts TIMESTAMP, note STRING, CONSTRAINT items_pk PRIMARY KEY (id)) ` +
        "TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')",
      `INSERT INTO ${TABLE} VALUES ${Array.from({ length: 40 }, (_, i) => values(i + 1)).join(', ')}`,
      'CREATE TABLE main.feed.plain (id BIGINT NOT NULL, note STRING)',
      'CREATE VIEW main.feed.items_view AS SELECT id, note FROM main.feed.items',
      'CREATE TABLE main.feed.later (id BIGINT NOT NULL, note STRING)',
      "ALTER TABLE main.feed.later SET TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')",
    ]) {
      await warehouse.queryRows(sql);
    }
    config = emulatorConfig(emulator, { schemas: ['feed'], checkpoint_interval_records: 7 });
    stream = findStream(discoveredStreams(await runConnector('discover', { config })), 'feed.items');
  });

  after(async () => {
    await warehouse?.close();
    await emulator?.stop();
  });

  /** A row's values as SQL literals: BIGINT past 2^53, DECIMAL(38,10), microsecond TIMESTAMP, unicode. */
  function values(id: number, tag = 'v'): string {
    const big = `${4_611_686_018_427_387_904n + BigInt(int(1_000_000_000))}`;
    const amount = `${int(10 ** 9)}.${String(int(10 ** 9)).padStart(9, '0')}${int(10)}`;
    const micros = String(int(1_000_000)).padStart(6, '0');
    const ts = `TIMESTAMP'2024-0${1 + int(9)}-1${int(10)} 0${int(10)}:${10 + int(50)}:${10 + int(50)}.${micros}'`;
    return `(${id}, ${big}, CAST('${amount}' AS DECIMAL(38,10)), ${ts}, '${tag} ü名 ${id}')`;
  }

  async function tableRows(): Promise<Map<string, Row>> {
    const rows = await warehouse.queryRows(`SELECT ${COLUMNS.join(', ')} FROM ${TABLE}`);
    assert.equal(new Set(rows.map((r) => String(r['id']))).size, rows.length, `the generator wrote a key twice (seed ${SEED})`);
    return new Map(rows.map((r) => [String(r['id']), Object.fromEntries(COLUMNS.map((c) => [c, r[c] === null ? null : String(r[c])])) as Row]));
  }

  /** One random commit; the keys present now guide it. */
  function change(keys: readonly number[], deleted: number[], next: () => number): string {
    const some = (): number => keys[int(keys.length)] ?? next();
    switch (int(9)) {
      case 0:
        return `INSERT INTO ${TABLE} VALUES ${values(next())}`;
      case 1:
        return `INSERT INTO ${TABLE} VALUES ${Array.from({ length: 2 + int(5) }, () => values(next())).join(', ')}`;
      case 2:
        return `UPDATE ${TABLE} SET big = big + ${1 + int(99)}, note = 'u${int(1000)} ü' WHERE id = ${some()}`;
      case 3:
        return `UPDATE ${TABLE} SET amount = amount + CAST('0.0000000001' AS DECIMAL(38,10)), ts = ts + INTERVAL 1 MICROSECOND WHERE id % ${3 + int(5)} = ${int(3)}`;
      case 4:
        return `DELETE FROM ${TABLE} WHERE id = ${some()}`;
      case 5:
        return `DELETE FROM ${TABLE} WHERE id BETWEEN ${some()} AND ${some() + int(3)}`;
      case 6: {
        const source = Array.from({ length: 3 + int(5) }, (_, i) => {
          const id = i % 2 === 0 ? some() : next();
          return `SELECT ${id} AS id, ${int(2) === 0 ? 'true' : 'false'} AS drop_it, 'merged ${int(1000)}' AS note`;
        });
        return (
          `MERGE INTO ${TABLE} AS t USING (${source.join(' UNION ALL ')}) AS s ON t.id = s.id ` +
          `WHEN MATCHED AND s.drop_it THEN DELETE WHEN MATCHED THEN UPDATE SET note = s.note ` +
          `WHEN NOT MATCHED THEN INSERT (id, big, amount, ts, note) VALUES (s.id, 9007199254740993, CAST('1.0000000001' AS DECIMAL(38,10)), TIMESTAMP'1969-12-31 23:59:59.999999', s.note)`
        );
      }
      case 7: {
        // A key deleted earlier comes back (once: the key is informational, never enforced).
        const again = deleted.length > 0 ? deleted.splice(int(deleted.length), 1)[0]! : next();
        return `INSERT INTO ${TABLE} VALUES ${values(again, 'back')}`;
      }
      default:
        return `INSERT OVERWRITE ${TABLE} SELECT id, big, amount, ts, concat(note, '+') FROM ${TABLE} WHERE id % 11 <> ${int(11)}`;
    }
  }

  const store = new Map<string, ReplayedRow>();
  const apply = (run: ConnectorRun): { records: number; versions: bigint[] } => {
    const data = recordData(run, 'feed.items');
    applyRecords(store, data, COLUMNS, ['id']);
    return { records: data.length, versions: data.map((d) => BigInt(valueText(d[CDC_VERSION])!)) };
  };
  const assertStoreIsTable = (table: Map<string, Row>, when: string): void => assertStoreEqualsTable(store, table, `${when} (seed ${SEED})`);

  let state: unknown[] | undefined;
  const catalog = () =>
    configuredCatalog(configureStream(stream, { syncMode: 'incremental', cursorField: ['_ab_cdc_commit_version'], destinationSyncMode: 'append_dedup' }));
  const sync = async (extra: Record<string, unknown> = {}): Promise<ConnectorRun> => {
    const run = await runConnector('read', { config: { ...config, ...extra }, catalog: catalog(), ...(state === undefined ? {} : { state }), timeoutMs: 120_000 });
    const states = messagesOf(run, 'STATE', 'feed.items');
    if (run.exitCode === 0 && states.length > 0) state = [states.at(-1)!.state];
    return run;
  };

  it('offers the change feed only on tables that have it on', async () => {
    const streams = discoveredStreams(await runConnector('discover', { config }));
    const offered = (label: string): boolean =>
      Object.keys(findStream(streams, label).json_schema['properties'] as object).includes('_ab_cdc_commit_version');
    assert.equal(offered('feed.items'), true);
    assert.deepEqual(findStream(streams, 'feed.items').default_cursor_field, ['_ab_cdc_commit_version']);
    assert.equal(offered('feed.later'), true, 'turned on by ALTER TABLE');
    assert.equal(offered('feed.plain'), false);
    assert.equal(offered('feed.items_view'), false);
    const off = discoveredStreams(await runConnector('discover', { config: { ...config, change_data_feed_discovery: false } }));
    assert.equal(Object.keys(findStream(off, 'feed.items').json_schema['properties'] as object).includes('_ab_cdc_commit_version'), false);
  });

  it(`replays ${SYNCS} syncs of random changes into exactly the table`, async () => {
    let statements = 0;
    let nextId = 1000;
    const deleted: number[] = [];
    let previousMax = -1n;
    const summary: string[] = [];
    for (let round = 0; round < SYNCS; round += 1) {
      if (round > 0) {
        const before = await tableRows();
        const keys = [...before.keys()].map(Number);
        for (let i = 0; i < CHANGES_PER_SYNC; i += 1) {
          const sql = change(keys, deleted, () => nextId++);
          await warehouse.queryRows(sql);
          statements += 1;
        }
        const now = await tableRows();
        for (const k of before.keys()) if (!now.has(k)) deleted.push(Number(k));
      }
      const run = await sync();
      assert.equal(run.exitCode, 0, describeRun(run));
      const { records, versions } = apply(run);
      for (let i = 1; i < versions.length; i += 1) assert.ok(versions[i]! >= versions[i - 1]!, 'records in commit order');
      if (round > 0) assert.ok(versions.every((v) => v > previousMax), `sync ${round + 1} repeats a commit of an earlier sync`);
      if (versions.length > 0) previousMax = versions.reduce((a, b) => (a > b ? a : b));
      const table = await tableRows();
      assertStoreIsTable(table, `after sync ${round + 1}`);
      summary.push(`${records}`);
    }
    assert.ok(statements >= 200, `${statements} changes`);
    process.stderr.write(`change feed replay (seed ${SEED}): ${statements} changes, records per sync ${summary.join(', ')}\n`);

    // Nothing committed since: no records, the same position.
    const idle = await sync();
    assert.equal(idle.exitCode, 0, describeRun(idle));
    assert.equal(recordData(idle, 'feed.items').length, 0);
    assert.match(idle.stdout, /no commit after table version/);
  });

  it('says a full refresh is needed when the history is gone, and re-snapshots when allowed to', async () => {
    await warehouse.queryRows(`UPDATE ${TABLE} SET note = 'after vacuum' WHERE id % 2 = 0`);
    await warehouse.queryRows(`INSERT INTO ${TABLE} VALUES ${values(999_999, 'late')}`);
    await warehouse.queryRows(`VACUUM ${TABLE} RETAIN 0 HOURS`);
    const failed = await sync();
    assert.notEqual(failed.exitCode, 0);
    const errors = messagesOf(failed, 'TRACE').filter((m) => m.trace.type === 'ERROR');
    assert.equal(errors.length, 1, describeRun(failed));
    assert.equal(errors[0]!.trace.error.failure_type, 'config_error');
    assert.match(errors[0]!.trace.error.message, /feed\.items.*full refresh is needed.*change_data_feed_resnapshot/s);

    const resnapshot = await sync({ change_data_feed_resnapshot: true });
    assert.equal(resnapshot.exitCode, 0, describeRun(resnapshot));
    const table = await tableRows();
    assert.equal(recordData(resnapshot, 'feed.items').length, table.size, `a snapshot of every current row\n${describeRun(resnapshot)}`);
    apply(resnapshot);
    assertStoreIsTable(table, 'after the re-snapshot');
  });
});
