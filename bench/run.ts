/**
 * `npm run bench`: read throughput of three paths against the emulator, interleaved in one run so
 * they share the machine's conditions, at 1M and 5M rows of a 10-column table:
 *   a. the driver's transport alone (`disableRowMaterialization`),
 *   b. the driver's row objects,
 *   c. the connector's `read` end to end (compiled, its own process, stdout counted and dropped),
 *      with its default config, and c0 the same with `encoder_threads: 0` (encoded on the main
 *      thread), so the cost and gain of the encoder threads are measured in the same run.
 * Each reading process reports its own CPU seconds and peak RSS (bench/usage-probe.mjs). The
 * emulator runs in its own process. Writes bench/results.json and bench/results.md.
 *
 * Options: BENCH_SIZES=1000000,5000000  BENCH_RUNS=3  BENCH_SKIP_ROWS_AT=5000000 (sizes at which
 * path b, ~45k rows/s, is skipped to save time; empty to run it everywhere).
 */
import { execFileSync, spawn } from 'node:child_process';
import { request } from 'node:https';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { DBSQLClient } from '@databricks/sql';
import { defaultEncoderThreads } from '../src/config/resolve-config.js';
import { BENCH_SCHEMA, benchTableName, benchTableSql } from './bench-table.js';

const ROOT = resolve(import.meta.dirname, '..');
const SIZES = (process.env['BENCH_SIZES'] ?? '1000000,5000000').split(',').map(Number);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const SKIP_ROWS_AT = new Set((process.env['BENCH_SKIP_ROWS_AT'] ?? '').split(',').filter(Boolean).map(Number));
const PROBE = join(ROOT, 'bench', 'usage-probe.mjs');

type PathName = 'transport' | 'rows' | 'connector' | 'connectorMain';
interface Measurement {
  readonly path: PathName;
  readonly size: number;
  readonly rows: number;
  /** From the query (driver) or the stream's RUNNING status (connector) to the last row. */
  readonly seconds: number;
  /** The whole reading process, start to exit (Node start-up, connect and session included). */
  readonly processSeconds: number;
  readonly outputMb: number;
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
  readonly firstRecordMs: number | undefined;
  /** Connector only: from the warehouse accepting the SELECT (ExecuteStatement answered) to the first RECORD line. */
  readonly firstRecordAfterAcceptMs?: number | undefined;
  /** Connector only: from the SELECT accepted to the warehouse having its whole result. */
  readonly queryMs?: number | undefined;
  /**
   * Connector only: from the warehouse having the whole result (or answering, if later) to the
   * first RECORD line: the part of the first record's wait that is the connector's and the
   * driver's. The driver fetches rows only from a finished statement (DBSQLOperation waits for
   * FINISHED before its first FetchResults, @databricks/sql 2.1.0).
   */
  readonly firstRecordAfterReadyMs?: number | undefined;
  /** CPU seconds the emulator process spent while this path read (Linux /proc; undefined elsewhere). */
  readonly emulatorCpuSeconds: number | undefined;
}

interface Connection {
  host: string;
  port: number;
  http_path: string;
  token: string;
  ca_cert_file: string;
  admin_secret: string;
}

const work = mkdtempSync(join(tmpdir(), 'source-databricks-bench-'));
const log = (text: string): void => void process.stderr.write(`${text}\n`);

async function startEmulatorProcess(): Promise<{ connection: Connection; pid: number; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/cli.ts', '--no-sample'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((done) => createInterface({ input: child.stdout! }).once('line', done));
  return { connection: JSON.parse(line) as Connection, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined where there is none. */
function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

interface StatementTimes {
  readonly sql: string;
  readonly answeredAt?: number;
  readonly finishedAt?: number;
}

/** The emulator's recent statements with when each was accepted and finished (its admin API). */
function recentStatements(connection: Connection): Promise<StatementTimes[]> {
  return new Promise((done, fail) => {
    const req = request(
      {
        host: connection.host,
        port: connection.port,
        path: '/__admin/statements',
        headers: { 'x-emulator-admin': connection.admin_secret },
        ca: readFileSync(connection.ca_cert_file),
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => done((JSON.parse(Buffer.concat(parts).toString('utf8')) as { statements: StatementTimes[] }).statements));
      },
    );
    req.on('error', fail);
    req.end();
  });
}

/** The connector's table read: the last SELECT of the table that is not its row count. */
function tableSelect(statements: readonly StatementTimes[], size: number): StatementTimes | undefined {
  const table = benchTableName(size);
  return statements.filter((s) => /^\s*SELECT/i.test(s.sql) && s.sql.includes(table) && !/COUNT\s*\(/i.test(s.sql)).at(-1);
}

async function createTables(connection: Connection): Promise<void> {
  const client = new DBSQLClient({ logger: { log: () => undefined, setLevel: () => undefined } as never });
  await client.connect({
    host: connection.host,
    port: connection.port,
    path: connection.http_path,
    token: connection.token,
    customCaCert: readFileSync(connection.ca_cert_file),
    telemetryEnabled: false,
  } as never);
  const session = await client.openSession();
  for (const size of SIZES) {
    for (const sql of benchTableSql(size)) {
      const op = await session.executeStatement(sql);
      await op.fetchAll();
      await op.close();
    }
  }
  await session.close();
  await client.close();
}

/** Runs a reading process, counting (not keeping) its stdout; returns its own usage report. */
function measureProcess(
  args: readonly string[],
  onStdout: (chunk: Buffer, atMs: number) => void,
): Promise<{ seconds: number; endedAt: number; cpuSeconds: number; peakRssMb: number; exitCode: number; stdoutBytes: number }> {
  const usageFile = join(work, `usage-${Date.now()}-${Math.random()}.json`);
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', PROBE, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_USAGE_FILE: usageFile, NODE_ENV: 'production' },
  });
  let stdoutBytes = 0;
  child.stdout!.on('data', (chunk: Buffer) => {
    stdoutBytes += chunk.length;
    onStdout(chunk, performance.now() - started);
  });
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const endedAt = Date.now();
      const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { cpuSeconds: number; peakRssMb: number };
      done({ seconds, endedAt, ...usage, exitCode: code ?? 1, stdoutBytes });
    });
  });
}

async function measureDriver(path: 'transport' | 'rows', size: number, connectionFile: string): Promise<Omit<Measurement, 'emulatorCpuSeconds'>> {
  let output = '';
  const result = await measureProcess(
    ['--import', 'tsx', 'bench/driver-read.ts', path, connectionFile, `${BENCH_SCHEMA}.${benchTableName(size)}`],
    (chunk) => {
      output += chunk.toString('utf8');
    },
  );
  if (result.exitCode !== 0) throw new Error(`driver-read ${path} exited ${result.exitCode}`);
  const report = JSON.parse(output.trim()) as { rows: number; seconds: number; firstRowMs?: number };
  if (report.rows !== size) throw new Error(`driver-read ${path} read ${report.rows} of ${size} rows`);
  return {
    path,
    size,
    rows: report.rows,
    seconds: report.seconds,
    processSeconds: result.seconds,
    outputMb: 0,
    cpuSeconds: result.cpuSeconds,
    peakRssMb: result.peakRssMb,
    firstRecordMs: report.firstRowMs,
  };
}

async function measureConnector(
  path: 'connector' | 'connectorMain',
  size: number,
  configFile: string,
  catalogFile: string,
  connection: Connection,
): Promise<Omit<Measurement, 'emulatorCpuSeconds'>> {
  // The read's clock starts at the stream's RUNNING status (its queries follow) and ends at exit.
  // The connector buffers its output, so the status is taken from its emitted_at (same machine
  // clock), not from when the line arrives; the first record counts when it arrives.
  let runningAt: number | undefined;
  let firstRecordAt: number | undefined;
  let head = '';
  let tail = '';
  const result = await measureProcess(
    ['dist/src/cli/main.js', 'read', '--config', configFile, '--catalog', catalogFile],
    (chunk) => {
      if (firstRecordAt === undefined) {
        head += chunk.toString('utf8');
        const running = /"emitted_at":(\d+),"stream_status":\{[^}]*\},"status":"RUNNING"/.exec(head);
        if (runningAt === undefined && running !== null) runningAt = Number(running[1]);
        if (head.includes('{"type":"RECORD"')) firstRecordAt = Date.now();
        if (firstRecordAt !== undefined) head = '';
      }
      tail = (tail + chunk.toString('utf8', Math.max(0, chunk.length - 4096))).slice(-8192);
    },
  );
  if (result.exitCode !== 0) throw new Error(`connector read exited ${result.exitCode}`);
  const summary = /Read (\d+) records/.exec(tail);
  const rows = summary === null ? NaN : Number(summary[1]);
  if (rows !== size) throw new Error(`connector read ${rows} of ${size} rows`);
  if (runningAt === undefined) throw new Error('connector output has no RUNNING stream status');
  const select = tableSelect(await recentStatements(connection), size);
  return {
    path,
    size,
    rows,
    seconds: (result.endedAt - runningAt) / 1000,
    processSeconds: result.seconds,
    outputMb: result.stdoutBytes / 1e6,
    cpuSeconds: result.cpuSeconds,
    peakRssMb: result.peakRssMb,
    firstRecordMs: firstRecordAt === undefined ? undefined : firstRecordAt - runningAt,
    firstRecordAfterAcceptMs: firstRecordAt === undefined || select?.answeredAt === undefined ? undefined : firstRecordAt - select.answeredAt,
    queryMs: select?.answeredAt === undefined || select.finishedAt === undefined ? undefined : Math.max(0, select.finishedAt - select.answeredAt),
    firstRecordAfterReadyMs:
      firstRecordAt === undefined || select?.answeredAt === undefined || select.finishedAt === undefined
        ? undefined
        : firstRecordAt - Math.max(select.answeredAt, select.finishedAt),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(): Promise<void> {
  log('building the connector (npm run build)');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const emulator = await startEmulatorProcess();
  const measurements: Measurement[] = [];
  try {
    const connectionFile = join(work, 'connection.json');
    writeFileSync(connectionFile, JSON.stringify(emulator.connection));
    log(`creating benchmark tables: ${SIZES.join(', ')} rows`);
    await createTables(emulator.connection);
    for (const size of SIZES) {
      const table = benchTableName(size);
      const configFile = join(work, `config-${size}.json`);
      const mainThreadConfigFile = join(work, `config-${size}-main-thread.json`);
      const catalogFile = join(work, `catalog-${size}.json`);
      const config = {
        workspace_url: `https://${emulator.connection.host}:${emulator.connection.port}`,
        http_path: emulator.connection.http_path,
        personal_access_token: emulator.connection.token,
        tls_ca_certificate: readFileSync(emulator.connection.ca_cert_file, 'utf8'),
        catalog: 'hive_metastore',
        schema: 'bench',
        table,
        batch_size: 100000,
      };
      writeFileSync(configFile, JSON.stringify(config));
      writeFileSync(mainThreadConfigFile, JSON.stringify({ ...config, encoder_threads: 0 }));
      const properties = Object.fromEntries(['id', 'qty', 'price', 'amount', 'name', 'hash', 'active', 'day', 'ts', 'ref'].map((c) => [c, {}]));
      writeFileSync(catalogFile, JSON.stringify({
        streams: [{
          stream: { name: table, namespace: 'bench', json_schema: { type: 'object', properties }, supported_sync_modes: ['full_refresh'] },
          sync_mode: 'full_refresh',
          destination_sync_mode: 'overwrite',
        }],
      }));
      for (let run = 1; run <= RUNS; run++) {
        const paths: PathName[] = SKIP_ROWS_AT.has(size) ? ['transport', 'connector', 'connectorMain'] : ['transport', 'rows', 'connector', 'connectorMain'];
        for (const path of paths) {
          const emulatorCpuBefore = processCpuSeconds(emulator.pid);
          const measured =
            path === 'connector' || path === 'connectorMain'
              ? await measureConnector(path, size, path === 'connector' ? configFile : mainThreadConfigFile, catalogFile, emulator.connection)
              : await measureDriver(path, size, connectionFile);
          const emulatorCpuAfter = processCpuSeconds(emulator.pid);
          const m: Measurement = {
            ...measured,
            emulatorCpuSeconds: emulatorCpuBefore === undefined || emulatorCpuAfter === undefined ? undefined : emulatorCpuAfter - emulatorCpuBefore,
          };
          measurements.push(m);
          log(`  ${size} rows, run ${run}, ${path}: ${(m.rows / m.seconds).toFixed(0)} rows/s, ${m.cpuSeconds.toFixed(1)} CPU s (emulator ${m.emulatorCpuSeconds?.toFixed(1) ?? '?'}), ${m.peakRssMb.toFixed(0)} MB peak RSS, first record ${m.firstRecordMs?.toFixed(0)} ms${m.firstRecordAfterAcceptMs === undefined ? '' : ` (${m.firstRecordAfterAcceptMs.toFixed(0)} ms after the SELECT was accepted, result ready after ${m.queryMs?.toFixed(0)} ms)`}`);
        }
      }
    }
  } finally {
    emulator.stop();
    rmSync(work, { recursive: true, force: true });
  }
  writeResults(measurements);
}

function writeResults(measurements: readonly Measurement[]): void {
  const rows: Record<string, unknown>[] = [];
  for (const size of SIZES) {
    const summary = (path: PathName) => {
      const ms = measurements.filter((m) => m.size === size && m.path === path);
      if (ms.length === 0) return undefined;
      return {
        path,
        size,
        runs: ms.length,
        rowsPerSecond: median(ms.map((m) => m.rows / m.seconds)),
        mbPerSecond: median(ms.map((m) => m.outputMb / m.seconds)),
        seconds: median(ms.map((m) => m.seconds)),
        processSeconds: median(ms.map((m) => m.processSeconds)),
        cpuSeconds: median(ms.map((m) => m.cpuSeconds)),
        peakRssMb: median(ms.map((m) => m.peakRssMb)),
        firstRecordMs: median(ms.map((m) => m.firstRecordMs ?? NaN)),
        emulatorCpuSeconds: median(ms.map((m) => m.emulatorCpuSeconds ?? NaN)),
        firstRecordAfterAcceptMs: median(ms.map((m) => m.firstRecordAfterAcceptMs ?? NaN)),
        queryMs: median(ms.map((m) => m.queryMs ?? NaN)),
        firstRecordAfterReadyMs: median(ms.map((m) => m.firstRecordAfterReadyMs ?? NaN)),
      };
    };
    for (const path of ['transport', 'rows', 'connector', 'connectorMain'] as const) {
      const s = summary(path);
      if (s !== undefined) rows.push(s);
    }
  }
  const at = (size: number, path: PathName) => rows.find((r) => r['size'] === size && r['path'] === path)?.['rowsPerSecond'] as number | undefined;
  const ratios = SIZES.map((size) => {
    const a = at(size, 'transport');
    const b = at(size, 'rows');
    const c = at(size, 'connector');
    const c0 = at(size, 'connectorMain');
    return { size, cOverA: a && c ? c / a : null, cOverB: b && c ? c / b : null, cOverC0: c0 && c ? c / c0 : null };
  });
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const result = { date: new Date().toISOString(), machine, runsPerPath: RUNS, summary: rows, ratios, measurements };
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(result, null, 2)}\n`);

  const fmt = (n: unknown, digits = 0): string => (typeof n === 'number' && Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');
  const label: Record<PathName, string> = {
    transport: 'a. driver transport',
    rows: 'b. driver row objects',
    connector: 'c. connector read',
    connectorMain: 'c0. connector, main thread',
  };
  const md = [
    `Benchmark of ${result.date.slice(0, 10)} on ${machine}; median of ${RUNS} runs.`,
    '',
    '| rows | path | rows/s | output MB/s | time s | process s | CPU s | emulator CPU s | peak RSS MB | first record ms | after accept ms | result ready ms | after ready ms |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${fmt(r['size'])} | ${label[r['path'] as PathName]} | ${fmt(r['rowsPerSecond'])} | ${r['path'] === 'connector' || r['path'] === 'connectorMain' ? fmt(r['mbPerSecond'], 1) : '–'} | ${fmt(r['seconds'], 2)} | ${fmt(r['processSeconds'], 2)} | ${fmt(r['cpuSeconds'], 1)} | ${fmt(r['emulatorCpuSeconds'], 1)} | ${fmt(r['peakRssMb'])} | ${fmt(r['firstRecordMs'])} | ${fmt(r['firstRecordAfterAcceptMs'])} | ${fmt(r['queryMs'])} | ${fmt(r['firstRecordAfterReadyMs'])} |`),
    '',
    ...ratios.map((r) => `- ${fmt(r.size)} rows: c/a = ${fmt(r.cOverA, 2)}, c/b = ${fmt(r.cOverB, 2)}, c/c0 = ${fmt(r.cOverC0, 2)}`),
    '',
    `c: the connector with its default config (here encoder_threads ${defaultEncoderThreads(availableParallelism())}); c0: the same with encoder_threads 0.`,
    'rows/s and time s: driver paths from executing the query to the last row; the connector from its',
    "stream's RUNNING status (its DESCRIBE HISTORY and SELECT follow; the count runs beside) to exit. process s: the whole process.",
    'first record ms: driver paths from executing the query; the connector from RUNNING to its first',
    'RECORD line reaching the benchmark. CPU s and peak RSS: the reading process alone; emulator CPU s: the',
    "emulator's process over the same read (both share the machine's cores). after accept ms: the connector's",
    'first RECORD after the warehouse accepted its SELECT (ExecuteStatement answered, from the emulator\'s',
    'statement log); result ready ms: from then until the warehouse had the whole result (0: whole before ExecuteStatement answered);',
    'after ready ms: from the later of the two to the first RECORD (the driver fetches rows only from a finished statement).',
    '',
  ].join('\n');
  writeFileSync(join(ROOT, 'bench', 'results.md'), md);
  process.stdout.write(md);
}

await main();
