import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seededRandom } from '../../../emulator/faults/seeded-random.js';
import { openDriverSession, queryRows, startTestEmulator, type RunningEmulator } from '../../helpers/emulator.js';
import { configureStream, configuredCatalog, discoveredStreams, emulatorConfig, findStream, runConnector } from '../../helpers/connector-cli.js';
import { startConnector, type LiveMessage, type LiveRunResult } from '../../helpers/live-connector.js';

/**
 * Change Data Feed syncs under faults: results cut by connection resets (the read resumes at the
 * commit it stopped in) and a kill -9 (the next sync resumes from the last STATE). After each
 * sync, replaying every record emitted so far into a keyed store gives exactly the table.
 */

const ROWS = 3000;
const SEED = [
  'CREATE SCHEMA main.cdf',
  "CREATE TABLE main.cdf.items (id BIGINT NOT NULL, v BIGINT, note STRING, CONSTRAINT items_pk PRIMARY KEY (id)) TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')",
  `INSERT INTO main.cdf.items SELECT id, id * 10, concat('n', CAST(id AS STRING)) FROM range(1, ${ROWS + 1})`,
];

type Row = { readonly v: string; readonly note: string };

describe('Change Data Feed under faults', { timeout: 600_000 }, () => {
  let emu: RunningEmulator;
  let config: Record<string, unknown>;
  let catalog: unknown;
  const store = new Map<string, Row & { readonly version: bigint }>();
  let state: unknown[] | undefined;
  const random = seededRandom(Number(process.env.RESILIENCE_SEED ?? 977));

  before(async () => {
    emu = await startTestEmulator({ sampleData: false, seedSql: SEED });
    config = emulatorConfig(emu, { retry_max_seconds: 60, batch_size: 200, schemas: ['cdf'], checkpoint_interval_records: 300 });
    const stream = findStream(discoveredStreams(await runConnector('discover', { config })), 'cdf.items');
    catalog = configuredCatalog(configureStream(stream, { syncMode: 'incremental', cursorField: ['_ab_cdc_commit_version'], destinationSyncMode: 'append_dedup' }));
  });
  after(async () => emu?.stop());

  const sql = async (statements: readonly string[]): Promise<void> => {
    const d = await openDriverSession(emu);
    try {
      for (const s of statements) await queryRows(d.session, s);
    } finally {
      await d.close();
    }
  };

  /** Applies records in order: a delete removes the key, anything else replaces an older or equal version. */
  const replay = (messages: readonly LiveMessage[]): number => {
    let applied = 0;
    for (const m of messages) {
      if (m.type !== 'RECORD') continue;
      const d = m.record.data as Record<string, unknown>;
      const id = String(d['id']);
      const version = BigInt(String(d['_ab_cdc_commit_version']));
      const held = store.get(id);
      if (held !== undefined && held.version > version) continue;
      if (d['_ab_cdc_deleted_at'] !== null) store.delete(id);
      else store.set(id, { v: String(d['v']), note: String(d['note']), version });
      applied += 1;
    }
    return applied;
  };

  const assertStoreIsTable = async (when: string): Promise<void> => {
    const d = await openDriverSession(emu);
    try {
      const rows = await queryRows(d.session, 'SELECT id, v, note FROM main.cdf.items ORDER BY id');
      const table = new Map(rows.map((r) => [String(r['id']), { v: String(r['v']), note: String(r['note']) }]));
      assert.equal(store.size, table.size, `${when}: the replayed store has ${store.size} keys, the table ${table.size}`);
      for (const [id, row] of table) {
        const held = store.get(id);
        assert.deepEqual(held && { v: held.v, note: held.note }, row, `${when}: key ${id}`);
      }
    } finally {
      await d.close();
    }
  };

  /** A read during which the next FetchResults responses are cut after random byte counts. */
  const readWithResets = async (resets: number): Promise<{ run: LiveRunResult; fired: number }> => {
    let records = 0;
    let fired = 0;
    const points = Array.from({ length: resets }, () => 50 + Math.floor(random() * 2000)).sort((a, b) => a - b);
    const live = await startConnector('read', {
      config,
      catalog,
      ...(state === undefined ? {} : { state }),
      timeoutMs: 240_000,
      onMessage: (m, self) => {
        if (m.type === 'LOG' && /^Read \d+ records/.test(m.log.message)) setTimeout(() => self.kill(), 10_000).unref();
        if (m.type !== 'RECORD') return;
        records += 1;
        while (points.length > 0 && records >= points[0]!) {
          points.shift();
          // Switching faults restarts the emulator's counters: count what fired so far.
          fired += emu.faultsFired().connectionReset;
          emu.setFaults({ connectionReset: { afterBytes: 64 + Math.floor(random() * 20_000), count: 1 } });
        }
      },
    });
    const run = await live.done;
    fired += emu.faultsFired().connectionReset;
    emu.setFaults({});
    return { run, fired };
  };

  const lastState = (messages: readonly LiveMessage[]): unknown[] | undefined => {
    const states = messages.filter((m) => m.type === 'STATE');
    return states.length === 0 ? state : [states.at(-1)!.state];
  };

  it('a snapshot cut by resets sends every row once', async () => {
    const { run, fired } = await readWithResets(3);
    assert.equal(run.exitCode, 0, run.stderr);
    const ids = run.messages.filter((m) => m.type === 'RECORD').map((m) => String(m.record.data['id']));
    assert.equal(ids.length, ROWS, `records (${fired} resets fired)`);
    assert.equal(new Set(ids).size, ROWS);
    process.stderr.write(`change feed snapshot: ${ids.length} records, ${fired} resets fired\n`);
    replay(run.messages);
    state = lastState(run.messages);
    await assertStoreIsTable('after the snapshot');
  });

  it('changes cut by resets: the replay equals the table, no change sent twice', async () => {
    const statements: string[] = [];
    for (let commit = 0; commit < 24; commit += 1) {
      const a = 1 + Math.floor(random() * ROWS);
      const kind = commit % 4;
      if (kind === 0) statements.push(`UPDATE main.cdf.items SET v = v + ${commit + 1}, note = 'u${commit}' WHERE id BETWEEN ${a} AND ${a + 150}`);
      if (kind === 1) statements.push(`DELETE FROM main.cdf.items WHERE id BETWEEN ${a} AND ${a + 60}`);
      if (kind === 2) statements.push(`INSERT INTO main.cdf.items SELECT id, id, 'i${commit}' FROM range(${100_000 + commit * 1000}, ${100_000 + commit * 1000 + 120}) AS r(id)`);
      if (kind === 3) {
        statements.push(
          `MERGE INTO main.cdf.items AS t USING (SELECT id, id * 3 AS v FROM range(${a}, ${a + 80}) AS r(id)) AS s ON t.id = s.id ` +
            `WHEN MATCHED AND s.id % 2 = 0 THEN DELETE WHEN MATCHED THEN UPDATE SET v = s.v, note = 'm${commit}' ` +
            `WHEN NOT MATCHED THEN INSERT (id, v, note) VALUES (s.id, s.v, 'mi${commit}')`,
        );
      }
    }
    await sql(statements);
    const { run, fired } = await readWithResets(4);
    assert.equal(run.exitCode, 0, run.stderr);
    const changes = run.messages.filter((m) => m.type === 'RECORD');
    const keys = changes.map((m) => `${m.record.data['_ab_cdc_commit_version']}/${m.record.data['id']}`);
    assert.equal(new Set(keys).size, keys.length, 'one record per key and commit, none repeated by a resume');
    assert.ok(changes.length > 1500, `${changes.length} changes`);
    assert.ok(fired >= 2, `only ${fired} resets fired`);
    const resumed = run.messages.filter((m) => m.type === 'LOG' && /resuming at _ab_cdc_commit_version = \d+/.test(m.log.message));
    assert.ok(resumed.length >= 1, 'a read cut part way resumed at the commit it stopped in');
    process.stderr.write(`change feed: ${changes.length} changes, ${fired} resets fired, ${resumed.length} resumed in place\n`);
    replay(run.messages);
    state = lastState(run.messages);
    await assertStoreIsTable('after the changes');
  });

  it('a sync killed part way resumes from its last STATE and the replay still equals the table', async () => {
    await sql([
      'UPDATE main.cdf.items SET v = v + 1 WHERE id % 3 = 0',
      'DELETE FROM main.cdf.items WHERE id % 7 = 0',
      "INSERT INTO main.cdf.items SELECT id, id, 'late' FROM range(500000, 500400) AS r(id)",
      "UPDATE main.cdf.items SET note = 'again' WHERE id % 5 = 0",
    ]);
    let seen = 0;
    const live = await startConnector('read', {
      config,
      catalog,
      state,
      onMessage: (m, self) => {
        if (m.type === 'RECORD' && ++seen === 1200) self.kill();
      },
    });
    const killed = await live.done;
    assert.equal(killed.signal, 'SIGKILL', 'the read was killed part way');
    replay(killed.messages);
    state = lastState(killed.messages);
    const resumed = await startConnector('read', { config, catalog, state });
    const run = await resumed.done;
    assert.equal(run.exitCode, 0, run.stderr);
    replay(run.messages);
    await assertStoreIsTable('after a kill and a resume');
  });
});
