/**
 * One measured read through the unmodified driver, in its own process:
 *   transport: `disableRowMaterialization` (the driver downloads and decodes Arrow, no row objects)
 *   rows:      the driver's row objects (what a naive connector would use)
 * Usage: tsx bench/driver-read.ts <transport|rows> <connection.json> <table>; prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { DBSQLClient } from '@databricks/sql';

const [mode, connectionFile, table] = process.argv.slice(2);
if ((mode !== 'transport' && mode !== 'rows') || connectionFile === undefined || table === undefined) {
  throw new Error('usage: driver-read.ts <transport|rows> <connection.json> <table>');
}
const info = JSON.parse(readFileSync(connectionFile, 'utf8')) as { host: string; port: number; http_path: string; token: string; ca_cert_file: string };
const client = new DBSQLClient({ logger: { log: () => undefined, setLevel: () => undefined } as never });
await client.connect({
  host: info.host,
  port: info.port,
  path: info.http_path,
  token: info.token,
  customCaCert: readFileSync(info.ca_cert_file),
  telemetryEnabled: false,
  disableRowMaterialization: mode === 'transport',
  preserveBigNumericPrecision: true,
} as never);
const session = await client.openSession();
const started = performance.now();
const op = await session.executeStatement(`SELECT * FROM ${table}`);
let rows = 0;
let firstRowMs: number | undefined;
for (;;) {
  const chunk = await op.fetchChunk({ maxRows: 100_000, disableBuffering: true });
  if (chunk.length > 0 && firstRowMs === undefined) firstRowMs = performance.now() - started;
  rows += chunk.length;
  if (!(await op.hasMoreRows())) break;
}
const seconds = (performance.now() - started) / 1000;
await op.close();
await session.close();
await client.close();
process.stdout.write(`${JSON.stringify({ rows, seconds, firstRowMs })}\n`);
