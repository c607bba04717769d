import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runStatements, startTestEmulator, type RunningEmulator } from '../../helpers/emulator.js';
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
} from '../../helpers/connector-cli.js';
import { losslessText } from '../../helpers/lossless-json.js';

/**
 * The connector as the image runs it: compiled by the build (`tsconfig.build.json`) and started
 * with plain node, not from source under tsx. Encoder worker threads load their own compiled
 * module and the CloudFetch reader loads the driver's node-fetch from there, so a path that only
 * works from source would fail here. The table is large enough for CloudFetch files and for
 * slices big enough to travel between threads and come back to their pool.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ROWS = 60_000;
const BIG = 9_007_199_254_740_993n; // 2^53 + 1

/** 2026-01-01T00:00:00Z plus id * 1.000001 s, as the connector writes a TIMESTAMP (microseconds, UTC). */
function timestampOf(id: bigint): string {
  const micros = BigInt(Date.UTC(2026, 0, 1)) * 1000n + id * 1_000_001n;
  const seconds = new Date(Number(micros / 1_000_000n) * 1000).toISOString().slice(0, 19);
  return `${seconds}.${String(micros % 1_000_000n).padStart(6, '0')}Z`;
}

describe('the compiled connector', { timeout: 240_000 }, () => {
  const outDir = join(ROOT, '.tmp', `compiled-${process.pid}`);
  const entry = join(outDir, 'src', 'cli', 'main.js');
  let emulator: RunningEmulator;
  let config: Record<string, unknown>;

  before(async () => {
    await mkdir(join(ROOT, '.tmp'), { recursive: true });
    // Inside the project, so the compiled modules find its node_modules as dist/ does.
    await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: ROOT });
    emulator = await startTestEmulator({ cloudFetchThresholdRows: 10_000, cloudFetchFileRows: 8_000 });
    await runStatements(
      emulator,
      'CREATE SCHEMA main.built',
      'CREATE TABLE main.built.items (id BIGINT NOT NULL, big BIGINT, amount DECIMAL(38,6), at TIMESTAMP, label STRING, CONSTRAINT pk PRIMARY KEY (id))',
      `INSERT INTO main.built.items SELECT id, ${BIG} + id, CAST(id AS DECIMAL(38,6)) * 1000000 + 0.000001, ` +
        `TIMESTAMP '2026-01-01 00:00:00' + to_microseconds(id * 1000001), concat('item ', id, ' é') FROM range(${ROWS}) AS r(id)`,
    );
    config = emulatorConfig(emulator, { schemas: ['built'], batch_size: 20_000 });
  });

  after(async () => {
    await emulator?.stop();
    await rm(outDir, { recursive: true, force: true });
  });

  for (const threads of [0, 2]) {
    it(`reads every row exactly from the build (${threads === 0 ? 'encoded on the main thread' : `${threads} encoder threads`})`, async () => {
      const discovered = await runConnector('discover', { config, compiledEntry: entry });
      assert.equal(discovered.exitCode, 0, describeRun(discovered));
      const catalog = configuredCatalog(configureStream(findStream(discoveredStreams(discovered), 'built.items'), { syncMode: 'full_refresh' }));
      const run = await runConnector('read', { config: { ...config, encoder_threads: threads }, catalog, compiledEntry: entry, timeoutMs: 180_000 });
      assert.equal(run.exitCode, 0, describeRun(run));
      const data = recordData(run, 'built.items');
      assert.equal(data.length, ROWS);
      const ids = new Set(data.map((d) => Number(losslessText(d['id']!))));
      assert.equal(ids.size, ROWS, 'every row once');
      // Every row, not a sample: CloudFetch buffers are reused from file to file, and a buffer
      // given back too early would show as another file's values here.
      for (const d of data) {
        const id = BigInt(losslessText(d['id']!));
        assert.equal(losslessText(d['big']!), String(BIG + id));
        assert.equal(losslessText(d['amount']!), `${id * 1_000_000n}.000001`);
        assert.equal(d['label'], `item ${id} é`);
        assert.equal(d['at'], timestampOf(id));
      }
      assert.equal(messagesOf(run, 'TRACE:ERROR').length, 0);
    });
  }
});
