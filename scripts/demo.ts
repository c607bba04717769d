/**
 * `npm start`: the connector's whole cycle against the embedded Databricks SQL warehouse
 * emulator, through the real CLI and the real driver. It starts the emulator with its sample
 * data, runs check, discover and a full read, adds rows to the table, reads again
 * incrementally from the first read's state, then syncs the same table through Delta's Change
 * Data Feed (a snapshot, then updates and deletes), and prints a summary. The Airbyte messages of every
 * step go to files in the output folder it names; progress goes to stderr.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { DBSQLClient } from '@databricks/sql';
import { startEmulator, type RunningEmulator } from '../emulator/start-emulator.js';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = resolve(process.env['DEMO_OUTPUT_DIR'] ?? join(ROOT, 'demo-output'));
const CLI = join(ROOT, 'src', 'cli', 'main.ts');
const NEW_ROWS = 250;

interface StepResult {
  readonly name: string;
  readonly exitCode: number;
  readonly messages: readonly Record<string, unknown>[];
  readonly records: number;
  /** RECORDs with `_ab_cdc_deleted_at` set. */
  readonly deletes: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly file: string;
}

const tty = process.stderr.isTTY === true;
const say = (text: string): void => void process.stderr.write(`${text}\n`);

/** Runs one connector command as its own process; messages go to a file, RECORDs are counted live. */
async function runConnector(name: string, args: readonly string[]): Promise<StepResult> {
  const file = join(OUT, `${name}.jsonl`);
  const sink = createWriteStream(file);
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const messages: Record<string, unknown>[] = [];
  let records = 0;
  let deletes = 0;
  let bytes = 0;
  let lastDraw = 0;
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    sink.write(`${line}\n`);
    bytes += Buffer.byteLength(line) + 1;
    if (line.startsWith('{"type":"RECORD"')) {
      records += 1;
      if (line.includes('"_ab_cdc_deleted_at":"')) deletes += 1;
      const now = performance.now();
      if (tty && now - lastDraw > 100) {
        lastDraw = now;
        process.stderr.write(`\r  ${name}: ${records.toLocaleString('en-US')} records`);
      }
    } else {
      messages.push(JSON.parse(line) as Record<string, unknown>);
    }
  }
  const exitCode = await new Promise<number>((done) => child.on('close', (code) => done(code ?? 1)));
  await new Promise<void>((done) => sink.end(done));
  if (tty) process.stderr.write('\r\x1b[K');
  const seconds = (performance.now() - started) / 1000;
  say(`  ${name}: exit ${exitCode}, ${records.toLocaleString('en-US')} records in ${seconds.toFixed(2)} s -> ${file}`);
  return { name, exitCode, messages, records, deletes, bytes, seconds, file };
}

function find(messages: readonly Record<string, unknown>[], type: string): Record<string, unknown>[] {
  return messages.filter((m) => m['type'] === type);
}

function failIf(condition: boolean, message: string): void {
  if (condition) {
    say(`\nFAILED: ${message}`);
    throw new Error(message);
  }
}

/** Runs statements through the driver, as another writer of the table would; returns each one's affected rows. */
async function runSql(emulator: RunningEmulator, statements: readonly string[]): Promise<number[]> {
  // The driver logs to the console by default; the demo's own progress is enough.
  const client = new DBSQLClient({ logger: { log: () => undefined } } as unknown as ConstructorParameters<typeof DBSQLClient>[0]);
  await client.connect({
    host: emulator.host,
    port: emulator.port,
    path: emulator.httpPath,
    token: emulator.token,
    customCaCert: Buffer.from(emulator.caCertPem),
    telemetryEnabled: false,
  } as Parameters<DBSQLClient['connect']>[0]);
  const session = await client.openSession();
  const affected: number[] = [];
  try {
    for (const sql of statements) {
      const op = await session.executeStatement(sql);
      const rows = (await op.fetchAll()) as Record<string, unknown>[];
      await op.close();
      affected.push(Number(rows[0]?.['num_affected_rows'] ?? 0));
    }
  } finally {
    await session.close();
    await client.close();
  }
  return affected;
}

const addRows = (emulator: RunningEmulator): Promise<number[]> =>
  runSql(emulator, [
    `INSERT INTO hive_metastore.analytics.user_events
     SELECT 100000 + id, id % 250 + 1, 'purchase', TIMESTAMP '2024-02-01 00:00:00' + to_seconds(CAST(id AS BIGINT)),
            map('source', 'web'), CAST(id AS DECIMAL(12,2)), concat('s-new-', CAST(id AS STRING))
     FROM range(${NEW_ROWS})`,
  ]);

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  say(`source-databricks demo: output folder ${OUT}`);
  const emulator = await startEmulator({ sampleData: true });
  say(`Emulated Databricks SQL warehouse at https://${emulator.host}:${emulator.port}${emulator.httpPath}`);
  const steps: StepResult[] = [];
  let changeSummary = '';
  try {
    // The original design's example config, pointed at the emulator.
    const config = {
      workspace_url: `https://${emulator.host}:${emulator.port}`,
      personal_access_token: emulator.token,
      catalog: 'hive_metastore',
      schema: 'analytics',
      table: 'user_events',
      cursor_field: 'event_timestamp',
      http_path: emulator.httpPath,
      batch_size: 10000,
      tls_ca_certificate: emulator.caCertPem,
    };
    const configFile = join(OUT, 'config.json');
    writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });

    const check = await runConnector('1-check', ['check', '--config', configFile]);
    steps.push(check);
    const status = find(check.messages, 'CONNECTION_STATUS')[0]?.['connectionStatus'] as { status?: string; message?: string } | undefined;
    failIf(status?.status !== 'SUCCEEDED', `check did not succeed: ${status?.message ?? 'no status'}`);

    const discover = await runConnector('2-discover', ['discover', '--config', configFile]);
    steps.push(discover);
    const catalog = find(discover.messages, 'CATALOG')[0]?.['catalog'] as { streams: Record<string, unknown>[] } | undefined;
    failIf(catalog === undefined || catalog.streams.length === 0, 'discover found no streams');
    const configured = {
      streams: catalog!.streams.map((stream) => ({
        stream,
        sync_mode: 'incremental',
        cursor_field: stream['default_cursor_field'] ?? ['event_timestamp'],
        destination_sync_mode: 'append_dedup',
        primary_key: [['event_id']],
      })),
    };
    const catalogFile = join(OUT, 'configured_catalog.json');
    writeFileSync(catalogFile, `${JSON.stringify(configured, null, 2)}\n`);

    const first = await runConnector('3-read-first-sync', ['read', '--config', configFile, '--catalog', catalogFile]);
    steps.push(first);
    failIf(first.exitCode !== 0, 'the first read failed');
    const states = find(first.messages, 'STATE');
    failIf(states.length === 0, 'the first read emitted no state');
    const stateFile = join(OUT, 'state.json');
    writeFileSync(stateFile, `${JSON.stringify([states.at(-1)!['state']], null, 2)}\n`);

    say(`  adding ${NEW_ROWS} rows to hive_metastore.analytics.user_events`);
    await addRows(emulator);

    const second = await runConnector('4-read-next-sync', [
      'read', '--config', configFile, '--catalog', catalogFile, '--state', stateFile,
    ]);
    steps.push(second);
    failIf(second.exitCode !== 0, 'the incremental read failed');
    failIf(second.records !== NEW_ROWS, `the incremental read returned ${second.records} records, expected ${NEW_ROWS}`);

    // The same table through Delta's Change Data Feed: a snapshot, then updates and deletes that
    // no cursor column would show.
    const feedCatalog = {
      streams: configured.streams.map((s) => ({ ...s, cursor_field: ['_ab_cdc_commit_version'] })),
    };
    const feedCatalogFile = join(OUT, 'configured_catalog_change_feed.json');
    writeFileSync(feedCatalogFile, `${JSON.stringify(feedCatalog, null, 2)}\n`);
    const snapshot = await runConnector('5-read-change-feed-snapshot', ['read', '--config', configFile, '--catalog', feedCatalogFile]);
    steps.push(snapshot);
    failIf(snapshot.exitCode !== 0, 'the change feed snapshot failed');
    failIf(snapshot.records !== first.records + NEW_ROWS, `the snapshot returned ${snapshot.records} records, expected ${first.records + NEW_ROWS}`);
    const feedStateFile = join(OUT, 'state_change_feed.json');
    writeFileSync(feedStateFile, `${JSON.stringify([find(snapshot.messages, 'STATE').at(-1)!['state']], null, 2)}\n`);

    const [updated, deleted] = await runSql(emulator, [
      `UPDATE hive_metastore.analytics.user_events SET event_type = 'refund' WHERE event_id % 100 = 7`,
      `DELETE FROM hive_metastore.analytics.user_events WHERE event_id % 100 = 13`,
    ]);
    say(`  updated ${updated} rows and deleted ${deleted} rows of hive_metastore.analytics.user_events`);
    const changes = await runConnector('6-read-change-feed-changes', [
      'read', '--config', configFile, '--catalog', feedCatalogFile, '--state', feedStateFile,
    ]);
    steps.push(changes);
    failIf(changes.exitCode !== 0, 'the change feed read failed');
    failIf(
      changes.records !== updated! + deleted! || changes.deletes !== deleted,
      `the change feed read returned ${changes.records} records (${changes.deletes} deletes), expected ${updated! + deleted!} (${deleted} deletes)`,
    );
    changeSummary = `The change feed read returned the ${updated} updated rows and the ${deleted} deleted rows (with _ab_cdc_deleted_at set).`;
  } finally {
    await emulator.stop();
  }

  const rows = steps.map((s) => `| ${s.name} | ${s.exitCode} | ${s.records.toLocaleString('en-US')} | ${(s.bytes / 1e6).toFixed(2)} MB | ${s.seconds.toFixed(2)} s |`);
  process.stdout.write(
    [
      '',
      'Summary (stream hive_metastore.analytics.user_events)',
      '| step | exit | records | output | time |',
      '|---|---|---|---|---|',
      ...rows,
      '',
      `The incremental read returned exactly the ${NEW_ROWS} rows added after the first read.`,
      changeSummary,
      `Airbyte messages of each step: ${OUT}/*.jsonl`,
      '',
    ].join('\n'),
  );
}

main().catch(() => {
  process.exitCode = 1;
});
