import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seededRandom } from '../../../emulator/faults/seeded-random.js';
import type { AirbyteStream, ConfiguredAirbyteStream } from '../../../src/protocol/airbyte-protocol.js';
import {
  CDC_DELETED_AT,
  CDC_UPDATED_AT,
  CDC_VERSION,
  applyRecords,
  assertStoreContainsTable,
  assertStoreEqualsTable,
  keyOf,
  recordRow,
  valueText,
  type ReplayedRow,
  type TextRow,
} from '../../helpers/change-replay.js';
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
  type ConnectorRun,
} from '../../helpers/connector-cli.js';
import { openDriverSession, queryRows, startTestEmulator, type DriverSession, type RunningEmulator } from '../../helpers/emulator.js';

/**
 * Change Data Feed mode through the CLI. A first sync is a snapshot at the latest table version;
 * later syncs send the changes after the saved version (post-images, deletes with
 * `_ab_cdc_deleted_at`), in commit order. Replaying everything sent into a store keyed like a
 * deduplicating destination gives the table after every sync, over a seeded random sequence of
 * inserts, updates, deletes, merges and re-inserted keys (CDF_SEED picks another sequence).
 */

const SEED = Number(process.env.CDF_SEED ?? 851621);
const COLUMNS = ['id', 'big', 'amount', 'ts', 'note'] as const;
const KEY = ['id'];
/** The table's rows as the connector writes them: exact digits, timestamps in UTC with 6 decimals. */
const TEXT_SELECT =
  "CAST(id AS STRING) AS id, CAST(big AS STRING) AS big, CAST(amount AS STRING) AS amount, date_format(ts, 'yyyy-MM-dd HH:mm:ss.SSSSSS') AS ts, note";
const tableDdl = (table: string, extra = ''): string =>
  `CREATE TABLE ${table} (id BIGINT NOT NULL, big BIGINT, amount DECIMAL(38,9), ts TIMESTAMP, note STRING${extra}) ` +
  "TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')";

describe('Change Data Feed mode', { timeout: 300_000 }, () => {
  let emu: RunningEmulator;
  let db: DriverSession;
  const random = seededRandom(SEED);
  const int = (n: number): number => Math.floor(random() * n);

  before(async () => {
    process.stderr.write(`change data feed: seed ${SEED} (CDF_SEED to replay)\n`);
    emu = await startTestEmulator();
    db = await openDriverSession(emu);
    await sql([
      'CREATE SCHEMA main.cdf',
      tableDdl('main.cdf.items', ', CONSTRAINT items_pk PRIMARY KEY (id)'),
      tableDdl('main.cdf.retained', ', CONSTRAINT retained_pk PRIMARY KEY (id)'),
      'CREATE SCHEMA hive_metastore.cdf_hive',
      tableDdl('hive_metastore.cdf_hive.items'),
    ]);
  });
  after(async () => {
    await db?.close();
    await emu?.stop();
  });

  const sql = async (statements: readonly string[]): Promise<void> => {
    for (const s of statements) await queryRows(db.session, s);
  };

  /** The table's rows as text, by key. */
  const tableRows = async (table: string): Promise<Map<string, TextRow>> => {
    const rows = (await queryRows(db.session, `SELECT ${TEXT_SELECT} FROM ${table}`)).map(asTextRow);
    const byKey = new Map(rows.map((r) => [keyOf(r, KEY), r]));
    assert.equal(byKey.size, rows.length, `the generator wrote a key twice (seed ${SEED})`);
    return byKey;
  };

  /** Latest version and every commit's timestamp as the connector writes it. */
  const history = async (table: string): Promise<{ latest: bigint; commitTime: (v: bigint) => string }> => {
    const rows = await queryRows(db.session, `DESCRIBE HISTORY ${table}`);
    // Delta commit timestamps are milliseconds; the driver's Date keeps them whole.
    const times = new Map(rows.map((r) => [BigInt(Number(r['version'])), `${(r['timestamp'] as Date).toISOString().slice(0, -1)}000Z`]));
    return {
      latest: BigInt(Number(rows[0]!['version'])),
      commitTime: (v) => times.get(v) ?? assert.fail(`no commit ${v} in the history of ${table}`),
    };
  };

  /** What a changes sync must send: table_changes over the range without pre-images. */
  const expectedChanges = async (table: string, from: bigint, to: bigint): Promise<string[]> => {
    const rows = await queryRows(
      db.session,
      `SELECT ${TEXT_SELECT}, _change_type, _commit_version FROM table_changes('${table}', ${from}, ${to}) WHERE _change_type <> 'update_preimage'`,
    );
    return rows.map((r) => changeKey(BigInt(Number(r['_commit_version'])), r['_change_type'] === 'delete', asTextRow(r))).sort();
  };

  /** One value of each column: BIGINT past 2^53, DECIMAL(38,9) with 28 integer digits, microseconds, unicode. */
  const values = (id: number, tag: string): string => {
    const big = 9_007_199_254_740_993n + BigInt(int(1_000_000_000)) * 1_000_000_000n;
    const amount = `${1 + int(9)}${String(int(10 ** 9)).padStart(9, '0')}${String(int(10 ** 9)).padStart(9, '0')}${String(int(10 ** 9)).padStart(9, '0')}.${String(int(10 ** 9)).padStart(9, '0')}`;
    const ts = `TIMESTAMP'20${10 + int(20)}-0${1 + int(9)}-1${int(10)} ${10 + int(14)}:${10 + int(50)}:${10 + int(50)}.${String(int(1_000_000)).padStart(6, '0')}'`;
    return `(${id}, ${big}, CAST('${amount}' AS DECIMAL(38,9)), ${ts}, '${tag} ü名 🎉 ${id}')`;
  };

  /**
   * A random writer for one table: single and multi-row inserts, updates by key and by
   * predicate, deletes by key and by predicate, MERGE with matched update, matched delete and
   * not-matched insert, and re-inserts of deleted keys. Keys are never duplicated.
   */
  const writer = (table: string) => {
    let nextId = 1;
    const deleted = new Set<number>();
    const statement = (present: readonly number[]): string => {
      const some = (): number => present[int(present.length)] ?? nextId++;
      switch (int(10)) {
        case 0:
          return `INSERT INTO ${table} VALUES ${values(nextId++, 'one')}`;
        case 1:
          return `INSERT INTO ${table} VALUES ${Array.from({ length: 2 + int(6) }, () => values(nextId++, 'many')).join(', ')}`;
        case 2:
          return `UPDATE ${table} SET big = big + ${1 + int(999)}, note = 'ключ ${int(1000)}' WHERE id = ${some()}`;
        case 3:
          return (
            `UPDATE ${table} SET amount = amount + CAST('0.000000001' AS DECIMAL(38,9)), ts = ts + INTERVAL 1 MICROSECOND, ` +
            `note = concat(note, '·') WHERE id % ${3 + int(5)} = ${int(3)}`
          );
        case 4:
          return `DELETE FROM ${table} WHERE id = ${some()}`;
        case 5: {
          const from = some();
          return `DELETE FROM ${table} WHERE id BETWEEN ${from} AND ${from + 1 + int(4)}`;
        }
        case 6:
        case 7: {
          const ids = new Set<number>();
          for (let i = 0; i < 3 + int(5); i += 1) ids.add(i % 2 === 0 ? some() : nextId++);
          const source = [...ids].map((id) => `SELECT ${id} AS id, ${int(3) === 0} AS drop_it, 'merged ${int(1000)} ü' AS note`);
          return (
            `MERGE INTO ${table} AS t USING (${source.join(' UNION ALL ')}) AS s ON t.id = s.id ` +
            'WHEN MATCHED AND s.drop_it THEN DELETE WHEN MATCHED THEN UPDATE SET note = s.note, big = t.big - 1 ' +
            'WHEN NOT MATCHED THEN INSERT (id, big, amount, ts, note) ' +
            "VALUES (s.id, 9223372036854000001, CAST('-99999999999999999999999999999.999999999' AS DECIMAL(38,9)), TIMESTAMP'1969-12-31 23:59:59.999999', s.note)"
          );
        }
        default: {
          const again = [...deleted].find((k) => !present.includes(k));
          if (again === undefined) return `INSERT INTO ${table} VALUES ${values(nextId++, 'fresh')}`;
          deleted.delete(again);
          return `INSERT INTO ${table} VALUES ${values(again, 'back')}`;
        }
      }
    };
    return {
      /** `count` commits; returns the statements run. */
      async commit(count: number): Promise<number> {
        const before = [...(await tableRows(table)).values()].map((r) => Number(r['id']));
        for (let i = 0; i < count; i += 1) await sql([statement(before)]);
        const now = new Set([...(await tableRows(table)).values()].map((r) => Number(r['id'])));
        for (const id of before) if (!now.has(id)) deleted.add(id);
        return count;
      },
      seed: () => `INSERT INTO ${table} VALUES ${Array.from({ length: 30 }, () => values(nextId++, 'seed')).join(', ')}`,
    };
  };

  /** A stream under sync: its catalog, the state handed back between syncs, the replayed store. */
  const syncer = (label: string, config: Record<string, unknown>, configured: ConfiguredAirbyteStream) => {
    let state: unknown[] | undefined;
    const store = new Map<string, ReplayedRow>();
    return {
      store,
      async read(extra: Record<string, unknown> = {}): Promise<ConnectorRun> {
        const run = await runConnector('read', {
          config: { ...config, ...extra },
          catalog: configuredCatalog(configured),
          ...(state === undefined ? {} : { state }),
          timeoutMs: 120_000,
        });
        const states = messagesOf(run, 'STATE', label);
        if (run.exitCode === 0 && states.length > 0) state = [states.at(-1)!.state];
        return run;
      },
      apply(run: ConnectorRun): void {
        applyRecords(store, recordData(run, label), COLUMNS, KEY);
      },
    };
  };

  /** What every successful CDF sync satisfies; returns its records' versions. */
  const checkSync = async (
    run: ConnectorRun,
    label: string,
    table: string,
    previous: bigint | undefined,
  ): Promise<{ latest: bigint; versions: bigint[] }> => {
    assert.equal(run.exitCode, 0, describeRun(run));
    const { latest, commitTime } = await history(table);
    const records = recordData(run, label);
    const versions = records.map((d) => BigInt(valueText(d[CDC_VERSION])!));
    for (let i = 1; i < versions.length; i += 1) assert.ok(versions[i]! >= versions[i - 1]!, `records in ascending ${CDC_VERSION}`);
    for (const [i, d] of records.entries()) {
      assert.equal(d[CDC_UPDATED_AT], commitTime(versions[i]!), `${CDC_UPDATED_AT} is the commit timestamp of version ${versions[i]}`);
      if (d[CDC_DELETED_AT] !== null) assert.equal(d[CDC_DELETED_AT], commitTime(versions[i]!), `${CDC_DELETED_AT} is the commit timestamp`);
    }
    const ofStream = run.messages.map((m, i) => ({ m, i })).filter(({ m }) => messageStream(m) === label);
    const lastRecord = ofStream.filter(({ m }) => m.type === 'RECORD').at(-1)?.i ?? -1;
    const lastState = ofStream.filter(({ m }) => m.type === 'STATE').at(-1)?.i ?? -1;
    assert.ok(lastState > lastRecord, `the sync ends with a STATE\n${describeRun(run)}`);

    if (previous === undefined) {
      const table_ = await tableRows(table);
      assert.equal(records.length, table_.size, 'a snapshot: one record per row');
      assert.ok(versions.every((v) => v === latest), `every snapshot record has ${CDC_VERSION} = ${latest}`);
      assert.ok(records.every((d) => d[CDC_DELETED_AT] === null), `no snapshot record has ${CDC_DELETED_AT}`);
      const sent = records.map((d) => recordRow(d, COLUMNS));
      assert.deepEqual(new Map(sent.map((r) => [keyOf(r, KEY), r])), table_, 'the snapshot holds the table');
    } else if (latest > previous) {
      const sent = records.map((d, i) => changeKey(versions[i]!, d[CDC_DELETED_AT] !== null, recordRow(d, COLUMNS))).sort();
      assert.deepEqual(sent, await expectedChanges(table, previous + 1n, latest), `the changes of versions ${previous + 1n}..${latest} (seed ${SEED})`);
    } else {
      assert.equal(records.length, 0, 'no new version: no record');
    }
    return { latest, versions };
  };

  /** Syncs × commits of random changes; after each sync the replayed store equals the table. */
  const replay = async (label: string, table: string, sync: ReturnType<typeof syncer>, syncs: number, perSync: number): Promise<number> => {
    const write = writer(table);
    await sql([write.seed()]);
    let commits = 0;
    let previous: bigint | undefined;
    const counts: number[] = [];
    for (let round = 0; round < syncs; round += 1) {
      if (round > 0) commits += await write.commit(perSync);
      const run = await sync.read();
      const { latest, versions } = await checkSync(run, label, table, previous);
      if (previous !== undefined) assert.ok(versions.every((v) => v > previous!), `sync ${round + 1} repeats a change of an earlier sync (seed ${SEED})`);
      sync.apply(run);
      assertStoreEqualsTable(sync.store, await tableRows(table), `after sync ${round + 1} (seed ${SEED})`);
      counts.push(versions.length);
      previous = latest;
    }
    process.stderr.write(`${label}: ${commits} commits, records per sync ${counts.join(', ')} (seed ${SEED})\n`);
    return commits;
  };

  describe('Unity Catalog table with a primary key', () => {
    let items: ReturnType<typeof syncer>;

    before(async () => {
      const config = emulatorConfig(emu, { schemas: ['cdf'], tables: ['items'], checkpoint_interval_records: 11 });
      const stream = findStream(discoveredStreams(await runConnector('discover', { config })), 'cdf.items');
      assert.deepEqual(stream.source_defined_primary_key, [['id']]);
      items = syncer('cdf.items', config, cdfStream(stream));
    });

    it('replays 10 syncs of at least 200 random changes into exactly the table', async () => {
      const commits = await replay('cdf.items', 'main.cdf.items', items, 10, 23);
      assert.ok(commits >= 200, `${commits} commits`);
    });

    it('a sync with no new version sends no record, saves a STATE and runs no table_changes', async () => {
      const marker = `no-new-version-${SEED}`;
      await queryRows(db.session, `SELECT '${marker}' AS marker`);
      const run = await items.read();
      await checkSync(run, 'cdf.items', 'main.cdf.items', (await history('main.cdf.items')).latest);
      assert.equal(messagesOf(run, 'STATE', 'cdf.items').length >= 1, true, 'a STATE');
      const statements = emu.statements();
      const since = statements.slice(statements.findLastIndex((s) => s.sql.includes(marker)) + 1);
      assert.ok(since.length > 0, 'the sync ran its version check');
      assert.deepEqual(since.filter((s) => /table_changes/i.test(s.sql)).map((s) => s.sql), []);
      assert.deepEqual(since.filter((s) => /VERSION\s+AS\s+OF/i.test(s.sql)).map((s) => s.sql), [], 'nor a snapshot read');
    });
  });

  describe('hive_metastore table with the primary key given in the configured catalog', () => {
    it('replays 4 syncs of random changes into exactly the table', async () => {
      const config = emulatorConfig(emu, { catalog: 'hive_metastore', schemas: ['cdf_hive'], checkpoint_interval_records: 5 });
      const stream = findStream(discoveredStreams(await runConnector('discover', { config })), 'cdf_hive.items');
      assert.deepEqual(stream.source_defined_primary_key ?? [], [], 'hive_metastore has no key constraints');
      const sync = syncer('cdf_hive.items', config, { ...cdfStream(stream), primary_key: [['id']] });
      await replay('cdf_hive.items', 'hive_metastore.cdf_hive.items', sync, 4, 12);
    });
  });

  describe('history gone', () => {
    it('fails with a config_error naming change_data_feed_resnapshot, then re-snapshots when allowed to', async () => {
      const config = emulatorConfig(emu, { schemas: ['cdf'], tables: ['retained'] });
      const stream = findStream(discoveredStreams(await runConnector('discover', { config })), 'cdf.retained');
      const sync = syncer('cdf.retained', config, cdfStream(stream));
      const write = writer('main.cdf.retained');
      await sql([write.seed()]);
      const first = await sync.read();
      await checkSync(first, 'cdf.retained', 'main.cdf.retained', undefined);
      sync.apply(first);
      const saved = (await history('main.cdf.retained')).latest;

      await write.commit(6);
      const { latest } = await history('main.cdf.retained');
      assert.ok(latest >= saved + 2n);
      const assertHistoryGone = (run: ConnectorRun, how: string): void => {
        assert.notEqual(run.exitCode, 0, `${how}: the sync fails\n${describeRun(run)}`);
        const errors = messagesOf(run, 'TRACE:ERROR');
        assert.equal(errors.length, 1, `${how}: one ERROR trace\n${describeRun(run)}`);
        const error = errors[0]!.trace.error;
        assert.equal(error.failure_type, 'config_error', how);
        assert.match(error.message, /full refresh|reset/i, how);
        assert.match(error.message, /change_data_feed_resnapshot/, how);
        assert.equal(recordData(run, 'cdf.retained').length, 0, `${how}: no record`);
      };
      // VACUUM: the saved version's successor is no longer readable.
      await emu.expireHistory('main.cdf.retained', Number(saved) + 2);
      assertHistoryGone(await sync.read(), 'after a VACUUM');
      // Log cleanup: the versions are gone from the log as well.
      await emu.expireHistory('main.cdf.retained', Number(latest), { dropLog: true });
      assertHistoryGone(await sync.read(), 'after a log cleanup');

      const resnapshot = await sync.read({ change_data_feed_resnapshot: true });
      await checkSync(resnapshot, 'cdf.retained', 'main.cdf.retained', undefined);
      sync.apply(resnapshot);
      // Without a reset the destination keeps rows deleted while the history was gone.
      assertStoreContainsTable(sync.store, await tableRows('main.cdf.retained'), 'after the re-snapshot');

      // The re-snapshot saved its version: the next sync reads only what came after it.
      await write.commit(3);
      const next = await sync.read();
      await checkSync(next, 'cdf.retained', 'main.cdf.retained', latest);
      sync.apply(next);
      assertStoreContainsTable(sync.store, await tableRows('main.cdf.retained'), 'after the next sync');
    });
  });

  describe('discover', () => {
    before(async () => {
      await sql([
        'CREATE SCHEMA main.cdf_discover',
        tableDdl('main.cdf_discover.on', ', CONSTRAINT on_pk PRIMARY KEY (id)'),
        'CREATE TABLE main.cdf_discover.off (id BIGINT NOT NULL, updated_at TIMESTAMP)',
        'CREATE VIEW main.cdf_discover.on_view AS SELECT id, note FROM main.cdf_discover.on',
        'CREATE TABLE main.cdf_discover.later (id BIGINT NOT NULL, note STRING)',
        "ALTER TABLE main.cdf_discover.later SET TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')",
        "CREATE TABLE main.cdf_discover.stamped (id BIGINT NOT NULL, updated_at TIMESTAMP) TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')",
      ]);
    });
    const discover = async (extra: Record<string, unknown> = {}): Promise<AirbyteStream[]> =>
      discoveredStreams(await runConnector('discover', { config: emulatorConfig(emu, { schemas: ['cdf_discover'], ...extra }) }));

    it('offers the change columns and the commit-version cursor on tables with the change feed on, by CREATE or by ALTER TABLE', async () => {
      const streams = await discover();
      for (const name of ['on', 'later', 'stamped']) {
        const stream = findStream(streams, `cdf_discover.${name}`);
        const properties = stream.json_schema['properties'] as Record<string, Record<string, unknown>>;
        assert.deepEqual(nonNullTypes(properties[CDC_VERSION]), ['integer'], `${name}: ${CDC_VERSION}`);
        for (const column of [CDC_UPDATED_AT, CDC_DELETED_AT]) {
          assert.deepEqual(nonNullTypes(properties[column]), ['string'], `${name}: ${column}`);
          assert.equal(properties[column]!['format'], 'date-time', `${name}: ${column}`);
        }
        assert.ok(stream.supported_sync_modes.includes('incremental'), name);
        assert.deepEqual(stream.default_cursor_field, [CDC_VERSION], name);
        assert.notEqual(stream.source_defined_cursor, true, name);
      }
    });

    it('a cursor_field in the config that names a column of the table stays the default cursor', async () => {
      const streams = await discover({ cursor_field: 'updated_at' });
      assert.deepEqual(findStream(streams, 'cdf_discover.stamped').default_cursor_field, ['updated_at']);
      assert.deepEqual(findStream(streams, 'cdf_discover.on').default_cursor_field, [CDC_VERSION], 'no updated_at column');
      assert.ok(CDC_VERSION in (findStream(streams, 'cdf_discover.stamped').json_schema['properties'] as object));
    });

    it('tables without the change feed, views, and every table with change_data_feed_discovery off get no change columns', async () => {
      const offered = (stream: AirbyteStream): string[] =>
        Object.keys(stream.json_schema['properties'] as object).filter((c) => [CDC_VERSION, CDC_UPDATED_AT, CDC_DELETED_AT].includes(c));
      const streams = await discover();
      assert.deepEqual(offered(findStream(streams, 'cdf_discover.off')), []);
      assert.deepEqual(offered(findStream(streams, 'cdf_discover.on_view')), []);
      const off = await discover({ change_data_feed_discovery: false });
      assert.ok(off.length >= 5);
      for (const stream of off) assert.deepEqual(offered(stream), [], `${stream.name} with change_data_feed_discovery false`);
      assert.notDeepEqual(findStream(off, 'cdf_discover.on').default_cursor_field, [CDC_VERSION]);
    });
  });
});

/** A discovered stream configured for Change Data Feed sync. */
function cdfStream(stream: AirbyteStream): ConfiguredAirbyteStream {
  return configureStream(stream, { syncMode: 'incremental', cursorField: [CDC_VERSION], destinationSyncMode: 'append_dedup' });
}

function asTextRow(r: Record<string, unknown>): TextRow {
  return Object.fromEntries(
    COLUMNS.map((c) => {
      const v = r[c];
      if (v === null || v === undefined) return [c, null];
      return [c, c === 'ts' ? `${String(v).replace(' ', 'T')}Z` : String(v)];
    }),
  );
}

function changeKey(version: bigint, deleted: boolean, row: TextRow): string {
  return `${version} ${deleted ? 'delete' : 'upsert'} ${JSON.stringify(row)}`;
}

function nonNullTypes(property: Record<string, unknown> | undefined): string[] {
  const type = property?.['type'];
  return (Array.isArray(type) ? type : [type]).filter((t) => t !== 'null') as string[];
}
