import { DBSQLClient } from '@databricks/sql';
type IDBSQLSession = Awaited<ReturnType<DBSQLClient['openSession']>>;
import { startEmulator } from '../../emulator/start-emulator.js';
import type { EmulatorOptions, RunningEmulator } from '../../emulator/start-emulator.js';

export type { RunningEmulator };

/** An emulator for one test file: no sample data unless asked, short direct-results window. */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ sampleData: false, ...options });
}

/** Connection options for the unmodified driver: the emulator's CA, telemetry off. */
export function driverOptions(emulator: RunningEmulator, extra: Record<string, unknown> = {}): Parameters<DBSQLClient['connect']>[0] {
  return {
    host: emulator.host,
    port: emulator.port,
    path: emulator.httpPath,
    token: emulator.token,
    customCaCert: Buffer.from(emulator.caCertPem),
    telemetryEnabled: false,
    // After a cut response the driver's HTTP client (node-fetch 2.7) keeps its body timer, the
    // socket timeout (15 min by default), alive, which would hold the test process open.
    socketTimeout: 30_000,
    ...extra,
  } as Parameters<DBSQLClient['connect']>[0];
}

export interface DriverSession {
  readonly client: DBSQLClient;
  readonly session: IDBSQLSession;
  close(): Promise<void>;
}

/** A driver client with one open session; quiet logger. */
export async function openDriverSession(
  emulator: RunningEmulator,
  extra: Record<string, unknown> = {},
  sessionOptions: Record<string, unknown> = {},
): Promise<DriverSession> {
  const client = new DBSQLClient({ logger: quietLogger });
  await client.connect(driverOptions(emulator, extra));
  const session = await client.openSession(sessionOptions);
  return {
    client,
    session,
    async close() {
      await session.close().catch(() => undefined);
      await client.close();
    },
  };
}

/** Runs a statement to completion and returns all rows. */
export async function queryRows(session: IDBSQLSession, sql: string, options: Record<string, unknown> = {}): Promise<Record<string, unknown>[]> {
  const op = await session.executeStatement(sql, options);
  try {
    return (await op.fetchAll()) as Record<string, unknown>[];
  } finally {
    await op.close();
  }
}

const quietLogger = { log: () => undefined, setLevel: () => undefined };

/** Runs statements one after another in a session of their own (test setup and changes). */
export async function runStatements(emulator: RunningEmulator, ...statements: string[]): Promise<void> {
  const driver = await openDriverSession(emulator);
  try {
    for (const sql of statements) await queryRows(driver.session, sql);
  } finally {
    await driver.close();
  }
}
