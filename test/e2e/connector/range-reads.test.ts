import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runStatements, startTestEmulator, type RunningEmulator } from '../../helpers/emulator.js';
import {
  configureStream,
  configuredCatalog,
  describeRun,
  discoveredStreams,
  emulatorConfig,
  findStream,
  runConnector,
  type ConnectorRun,
} from '../../helpers/connector-cli.js';
import { parseLossless, losslessText, type LosslessValue } from '../../helpers/lossless-json.js';

/**
 * A large table read in several ranges at once (`ranges_per_stream`): every row exactly once, and
 * every STATE covers only rows already emitted, although the ranges' records interleave.
 */

const ROWS = 120_000;
// Cursor values repeat (groups of 7) and start beyond 2^53, so range cuts and resumes are exact.
const BASE = 9_007_199_254_740_000n;

describe('range reads', { timeout: 300_000 }, () => {
  let emulator: RunningEmulator;
  let config: Record<string, unknown>;

  before(async () => {
    emulator = await startTestEmulator({ sampleData: false });
    await runStatements(
      emulator,
      'CREATE SCHEMA main.big',
      'CREATE TABLE main.big.events (id BIGINT NOT NULL, seq BIGINT NOT NULL, amount DECIMAL(12,2), CONSTRAINT pk PRIMARY KEY (id))',
      `INSERT INTO main.big.events SELECT id, ${BASE} + (id DIV 7), CAST(id AS DECIMAL(12,2)) / 100 FROM range(${ROWS}) AS r(id)`,
    );
    config = emulatorConfig(emulator, { ranges_per_stream: 4, checkpoint_interval_records: 5_000, batch_size: 4_000 });
  });

  after(async () => {
    await emulator?.stop();
  });

  const stream = async (): Promise<ReturnType<typeof findStream>> =>
    findStream(discoveredStreams(await runConnector('discover', { config })), 'big.events');

  /** Each line's record `seq`/`id` as exact text, or the STATE cursor, in stdout order. */
  type Event = { kind: 'record'; id: string; seq: string } | { kind: 'state'; cursor: string | null };
  const events = (run: ConnectorRun): Event[] =>
    run.lines.flatMap((line, i): Event[] => {
      const m = run.messages[i]!;
      if (m.type === 'RECORD') {
        const data = (parseLossless(line) as { record: { data: Record<string, LosslessValue> } }).record.data;
        return [{ kind: 'record', id: losslessText(data['id']!), seq: losslessText(data['seq']!) }];
      }
      if (m.type === 'STATE') return [{ kind: 'state', cursor: m.state.stream.stream_state.cursor as string | null }];
      return [];
    });

  const seqOf = (id: number): bigint => BASE + BigInt(Math.floor(id / 7));

  for (const threads of [0, 2]) {
  it(`incremental: every row once, in 4 ranges, and no STATE ahead of an unsent row (${threads === 0 ? 'encoded on the main thread' : `${threads} encoder threads`})`, async () => {
    const cfg = { ...config, encoder_threads: threads };
    const catalog = configuredCatalog(configureStream(await stream(), { syncMode: 'incremental', cursorField: ['seq'] }));
    const run = await runConnector('read', { config: cfg, catalog, timeoutMs: 240_000 });
    assert.equal(run.exitCode, 0, describeRun(run));
    assert.match(run.stderr + run.stdout, /in 4 ranges of seq at once/);
    const seen = new Map<string, number>();
    let emitted = 0;
    // For each STATE: every row with seq <= its cursor must already have been emitted.
    const below = (cursor: bigint): number => Math.min(ROWS, Number(cursor - BASE + 1n) * 7);
    let emittedAtOrBelow = new Map<bigint, number>();
    const states: string[] = [];
    for (const e of events(run)) {
      if (e.kind === 'record') {
        seen.set(e.id, (seen.get(e.id) ?? 0) + 1);
        assert.equal(e.seq, String(seqOf(Number(e.id))), `record ${e.id} carries its exact seq`);
        const s = BigInt(e.seq);
        emittedAtOrBelow.set(s, (emittedAtOrBelow.get(s) ?? 0) + 1);
        emitted += 1;
      } else if (e.cursor !== null) {
        states.push(e.cursor);
        const c = BigInt(e.cursor);
        let count = 0;
        for (const [s, n] of emittedAtOrBelow) if (s <= c) count += n;
        assert.equal(count, below(c), `STATE ${e.cursor} after ${emitted} records covers a row not yet sent`);
      }
    }
    assert.equal(seen.size, ROWS, 'every row');
    assert.ok([...seen.values()].every((n) => n === 1), 'no row twice');
    assert.ok(states.length >= 5, `checkpoints were taken during the read (${states.length})`);
    assert.equal(states.at(-1), String(seqOf(ROWS - 1)), 'the final state is the largest cursor');

    // Resume from a STATE taken part way: exactly the rows above it come back.
    const middle = states[Math.floor(states.length / 2)]!;
    const state = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'events', namespace: 'big' }, stream_state: { version: 1, cursor_field: ['seq'], cursor: middle } } }];
    const resumed = await runConnector('read', { config: cfg, catalog, state, timeoutMs: 240_000 });
    assert.equal(resumed.exitCode, 0, describeRun(resumed));
    const again = events(resumed).filter((e) => e.kind === 'record');
    const expected = ROWS - below(BigInt(middle));
    assert.equal(again.length, expected, `rows above ${middle}`);
    assert.ok(again.every((e) => BigInt(e.seq) > BigInt(middle)));
    emittedAtOrBelow = new Map();
  });
  }

  it('full refresh: every row once, split on the primary key', async () => {
    const catalog = configuredCatalog(configureStream(await stream(), { syncMode: 'full_refresh' }));
    const run = await runConnector('read', { config, catalog, timeoutMs: 240_000 });
    assert.equal(run.exitCode, 0, describeRun(run));
    assert.match(run.stderr + run.stdout, /in 4 ranges of id at once/);
    const ids = events(run).flatMap((e) => (e.kind === 'record' ? [Number(e.id)] : []));
    assert.equal(ids.length, ROWS);
    assert.equal(new Set(ids).size, ROWS);
  });
});
