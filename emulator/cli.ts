import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseFaultPlan } from './faults/fault-plan.js';
import { startEmulator } from './start-emulator.js';

/**
 * `npm run emulator -- [--port N] [--seed FILE.sql] [--token T] [--no-sample] [--hostname H]`
 * Prints one JSON line with the connection details on stdout once ready; everything else goes to
 * stderr. Runs until SIGINT/SIGTERM, then stops cleanly and exits 0.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      seed: { type: 'string', multiple: true },
      token: { type: 'string', multiple: true },
      'no-sample': { type: 'boolean', default: false },
      hostname: { type: 'string' },
      'admin-secret': { type: 'string' },
      faults: { type: 'string' },
    },
    strict: true,
  });
  const seedSql = (values.seed ?? []).map((file) => readFileSync(file, 'utf8'));
  const emulator = await startEmulator({
    port: values.port === undefined ? 0 : Number(values.port),
    tokens: values.token,
    seedSql,
    sampleData: !values['no-sample'],
    hostname: values.hostname,
    adminSecret: values['admin-secret'],
    faults: values.faults === undefined ? undefined : parseFaultPlan(JSON.parse(readFileSync(values.faults, 'utf8'))),
  });
  process.stdout.write(
    `${JSON.stringify({
      host: emulator.host,
      port: emulator.port,
      http_path: emulator.httpPath,
      token: emulator.token,
      ca_cert_file: emulator.caCertFile,
      admin_secret: emulator.adminSecret,
    })}\n`,
  );
  process.stderr.write(`Databricks SQL emulator listening on ${emulator.url}${emulator.httpPath}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    emulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
