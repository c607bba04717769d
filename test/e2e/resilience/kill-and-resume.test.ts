import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEmulator, type RunningEmulator } from '../../helpers/emulator.js';
import { configureStream, configuredCatalog, discoveredStreams, emulatorConfig, findStream, runConnector } from '../../helpers/connector-cli.js';
import { startConnector, type LiveMessage, type LiveRunResult } from '../../helpers/live-connector.js';
import { seededRandom } from '../../../emulator/faults/seeded-random.js';

/**
 * kill -9 at random moments of an incremental sync, then a restart from the last STATE the
 * killed run printed. Over every kill point: no row of the table is lost, and a row is emitted
 * twice only if the killed run emitted it with a cursor above its last STATE (the group that
 * was open at the checkpoint, or later rows): exactly what the state contract promises.
 */

const ROWS = 4000;
// 400 groups of ~7 rows, plus one group of 300 rows (larger than a fetch batch), in no order.
const seqOf = (id: number): number => (id % 10 === 0 ? 77 : (id * 7919) % 400);
const SEED = [
  'CREATE SCHEMA main.res',
  `CREATE TABLE main.res.events AS SELECT id, CASE WHEN id % 10 = 0 THEN 77 ELSE (id * 7919) % 400 END AS seq, concat('note ', CAST(id AS STRING)) AS note FROM range(1, ${ROWS + 1})`,
];
const STREAM = 'res.events';
const KILL_POINTS = Number(process.env.RESILIENCE_KILL_POINTS ?? 22);

interface Run {
  readonly killed: boolean;
  /** Cursor of the STATE the run started from; null from the beginning. */
  readonly from: number | null;
  /** Cursor of the last STATE it printed (or `from` when it printed none). */
  readonly last: number | null;
  readonly records: readonly { readonly id: number; readonly seq: number }[];
}

const KILLS_PER_CHAIN = 8;

/**
 * Runs reads until `kills` of them were killed, each resuming from the last STATE, then one to
 * completion. A run that finished before its kill landed ends its chain; the next starts afresh.
 */
async function runChains(kills: number, random: () => number, table: readonly { id: number; seq: number }[]): Promise<Run[][]> {
  const chains: Run[][] = [];
  let runs: Run[] = [];
  let state: LiveMessage | undefined;
  let killed = 0;
  for (;;) {
    const from = cursorOf(state);
    const killing = killed < kills;
    const byRecords = killing && random() < 0.5;
    const remaining = table.filter((r) => from === null || r.seq > from).length;
    const killAfterRecords = byRecords ? 1 + Math.floor(random() * Math.min(remaining - 1, 1000)) : Infinity;
    // A time kill lands during start-up (connect, planning) one time in four, otherwise at a
    // random moment once the connector has printed its first line.
    const early = random() < 0.25;
    const delay = early ? 100 + Math.floor(random() * 1500) : Math.floor(random() * 400);
    const byTime = killing && !byRecords;
    let seen = 0;
    let timer: NodeJS.Timeout | undefined;
    const live = await startConnector('read', {
      config: shared.config,
      catalog: shared.catalog,
      ...(state === undefined ? {} : { state: [state] }),
      onMessage: (m, run) => {
        if (byTime && !early && timer === undefined) timer = setTimeout(() => run.kill(), delay);
        if (m.type === 'RECORD' && ++seen >= killAfterRecords) run.kill();
      },
    });
    if (byTime && early) timer = setTimeout(() => live.kill(), delay);
    const result: LiveRunResult = await live.done;
    clearTimeout(timer);
    const wasKilled = result.signal === 'SIGKILL';
    if (process.env.RESILIENCE_DEBUG !== undefined) {
      console.log(JSON.stringify({ from, byRecords, byTime, early, delay, killAfterRecords, records: result.messages.filter((m) => m.type === 'RECORD').length, wasKilled }));
    }
    if (!wasKilled) assert.equal(result.exitCode, 0, result.stderr);
    const lastState = result.messages.filter((m) => m.type === 'STATE').at(-1)?.state as LiveMessage | undefined;
    const records = result.messages.filter((m) => m.type === 'RECORD').map((m) => ({ id: m.record.data.id as number, seq: m.record.data.seq as number }));
    runs.push({ killed: wasKilled, from, last: lastState === undefined ? from : cursorOf(lastState), records });
    if (!wasKilled) {
      chains.push(runs);
      if (killed >= kills) return chains;
      runs = [];
      state = undefined;
      continue;
    }
    killed += 1;
    if (lastState !== undefined) state = lastState;
  }
}

function cursorOf(state: LiveMessage | undefined): number | null {
  const cursor = state?.stream.stream_state.cursor as string | null | undefined;
  return cursor === undefined || cursor === null ? null : Number(cursor);
}

const shared: { config?: Record<string, unknown>; catalog?: unknown } = {};

describe('kill -9 during read, restart from the last STATE', () => {
  let emu: RunningEmulator;

  before(async () => {
    emu = await startTestEmulator({ seedSql: SEED });
    const config = emulatorConfig(emu, { batch_size: 100, checkpoint_interval_records: 40, schemas: ['res'] });
    const discovered = await runConnector('discover', { config });
    shared.config = config;
    shared.catalog = configuredCatalog(configureStream(findStream(discoveredStreams(discovered), STREAM), { syncMode: 'incremental', cursorField: ['seq'] }));
    // Each fetch takes a little while, so kills land in the middle of the read.
    emu.setFaults({ latencyMs: 12 });
  });
  after(async () => emu?.stop());

  it(`loses no row and repeats only rows above the last STATE, over ${KILL_POINTS} random kill points`, async () => {
    const seed = Number(process.env.RESILIENCE_SEED ?? 20240601);
    const table = Array.from({ length: ROWS }, (_, i) => ({ id: i + 1, seq: seqOf(i + 1) }));
    // Chains of up to KILLS_PER_CHAIN killed runs, each restarted from the previous one's last
    // STATE, ended by a run left to finish; two chains run at a time.
    const plan = Array.from({ length: Math.ceil(KILL_POINTS / KILLS_PER_CHAIN) }, (_, i) => Math.min(KILLS_PER_CHAIN, KILL_POINTS - i * KILLS_PER_CHAIN));
    const chains: Run[][] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < plan.length) {
        const index = next++;
        chains.push(...(await runChains(plan[index]!, seededRandom(seed + index), table)));
      }
    };
    await Promise.all([worker(), worker()]);

    let duplicates = 0;
    let emitted = 0;
    for (const runs of chains) {
      const seenIds = new Map<number, number>();
      for (const [i, run] of runs.entries()) {
        const label = `chain ${chains.indexOf(runs)} run ${i} (from ${run.from}, last ${run.last}, killed ${run.killed})`;
        const ids = run.records.map((r) => r.id);
        assert.equal(new Set(ids).size, ids.length, `${label}: a row repeated within one run`);
        // Nothing at or below the state it started from is read again.
        assert.ok(run.records.every((r) => run.from === null || r.seq > run.from), `${label}: re-read committed rows`);
        // Every row up to its last STATE was emitted by this run: the state never runs ahead.
        const mine = new Set(ids);
        const owed = table.filter((r) => (run.from === null || r.seq > run.from) && run.last !== null && r.seq <= run.last);
        assert.deepEqual(owed.filter((r) => !mine.has(r.id)), [], `${label}: rows below its last STATE missing`);
        if (!run.killed) {
          const rest = table.filter((r) => run.from === null || r.seq > run.from).map((r) => r.id);
          assert.deepEqual([...mine].sort((a, b) => a - b), rest, `${label}: the completing run must read everything above its state`);
        }
        // A row emitted again was above the last STATE of the run that emitted it first.
        for (const r of run.records) {
          const before = seenIds.get(r.id);
          if (before !== undefined) {
            const first = runs[before]!;
            assert.ok(first.last === null || r.seq > first.last, `${label}: row ${r.id} (seq ${r.seq}) repeated though run ${before} checkpointed ${first.last}`);
            duplicates += 1;
          } else {
            seenIds.set(r.id, i);
          }
        }
        emitted += run.records.length;
      }
      assert.equal(seenIds.size, ROWS, 'every row of the table reached the destination');
    }
    const killedRuns = chains.flat().filter((r) => r.killed).length;
    assert.equal(killedRuns, KILL_POINTS);
    console.log(
      `kill-and-resume: ${killedRuns} kill points in ${chains.length} chains, ${emitted} records for ${chains.length} x ${ROWS} rows, ` +
        `0 lost, ${duplicates} duplicates; kills with a STATE to resume from: ${chains.flat().filter((r) => r.killed && r.last !== r.from).length}`,
    );
  });
});
