import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { DBSQLClient } from '@databricks/sql';

/**
 * Transport throughput: 1M rows x 10 columns fetched through the unmodified driver with
 * `disableRowMaterialization` (Arrow batches only), emulator in a separate process.
 * `npx tsx emulator/bench-transport.ts [rows]`; prints one line with rows/s. The driver negotiates
 * inline Arrow batches with LZ4 (canDecompressLZ4Result is only sent when CloudFetch is off).
 */
const rows = Number(process.argv[2] ?? 1_000_000);
// BENCH_PROFILE_DIR=dir writes a V8 CPU profile of the emulator process there (run the client
// itself with `node --cpu-prof --import tsx` to profile both sides).
const profileDir = process.env['BENCH_PROFILE_DIR'];
const profileArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
const child = spawn(process.execPath, [...profileArgs, '--import', 'tsx', 'emulator/cli.ts', '--no-sample'], { stdio: ['ignore', 'pipe', 'inherit'] });
const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
const info = JSON.parse(line) as { host: string; port: number; http_path: string; token: string; ca_cert_file: string };
const client = new DBSQLClient({ logger: { log: () => undefined, setLevel: () => undefined } as never });
try {
  await client.connect({
    host: info.host,
    port: info.port,
    path: info.http_path,
    token: info.token,
    customCaCert: readFileSync(info.ca_cert_file),
    telemetryEnabled: false,
    disableRowMaterialization: true,
  } as never);
  const session = await client.openSession();
  const create = await session.executeStatement(`CREATE TABLE bench AS SELECT id AS c_bigint, CAST(id % 100000 AS INT) AS c_int,
    CAST(id AS DOUBLE) / 7 AS c_double, CAST(id % 100000 AS DECIMAL(10,2)) / 3 AS c_decimal, concat('name-', CAST(id AS STRING)) AS c_str1,
    md5(CAST(id AS STRING)) AS c_str2, id % 2 = 0 AS c_bool, date_add(DATE'2000-01-01', CAST(id % 9000 AS INT)) AS c_date,
    CAST(date_add(DATE'2020-01-01', CAST(id % 365 AS INT)) AS TIMESTAMP) AS c_ts, id * 3 AS c_bigint2 FROM range(${rows})`);
  await create.fetchAll();
  await create.close();
  const started = Date.now();
  const op = await session.executeStatement('SELECT * FROM bench', { useCloudFetch: false } as never);
  let fetched = 0;
  for (;;) {
    // With disableRowMaterialization the driver returns one null placeholder per row.
    fetched += (await op.fetchChunk({ maxRows: 100_000, disableBuffering: true })).length;
    if (!(await op.hasMoreRows())) break;
  }
  await op.close();
  const seconds = (Date.now() - started) / 1000;
  const perSecond = Math.round(fetched / seconds);
  process.stdout.write(
    `transport: ${fetched} rows x 10 columns in ${seconds.toFixed(2)} s = ${perSecond} rows/s (inline Arrow + LZ4, disableRowMaterialization)\n`,
  );
  await session.close();
} finally {
  await client.close();
  child.kill('SIGTERM');
}
