import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningEmulator } from '../../emulator/start-emulator.js';
import type {
  AirbyteStream,
  ConfiguredAirbyteCatalog,
  ConfiguredAirbyteStream,
  DestinationSyncMode,
  SyncMode,
} from '../../src/protocol/airbyte-protocol.js';
import { assertValidLines } from './protocol-validator.js';
import { assertNoSecrets, findSecrets } from './secret-check.js';
import { parseLossless, type LosslessValue } from './lossless-json.js';

/**
 * Runs the connector's CLI as a child process, the way the Airbyte platform does, and checks what
 * every run must satisfy whatever the test is about: each stdout line is a valid AirbyteMessage,
 * no secret of the config (nor any extra one given) appears in stdout or stderr, and stderr holds
 * no stack trace.
 *
 * The child is started asynchronously: the emulator usually lives in the test process, and a
 * synchronous spawn would block the event loop that serves it.
 */

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const entry = join(projectRoot, 'src', 'cli', 'main.ts');

export type Command = 'spec' | 'check' | 'discover' | 'read';

/** File contents: any JSON value, or {@link rawFile} for a file that is not valid JSON. */
export interface RunOptions {
  readonly config?: unknown;
  readonly catalog?: unknown;
  readonly state?: unknown;
  /** Secrets besides those found in the config that must never be printed. */
  readonly secrets?: readonly string[];
  /** Kills the run after this long, ms (default 90 000). */
  readonly timeoutMs?: number;
  /** A compiled entry point (`<outDir>/src/cli/main.js`) run with plain node, as the image runs it; default the source under tsx. */
  readonly compiledEntry?: string;
}

/** A parsed stdout message; fields are read loosely, the schema check already ran. */
export type Message = Record<string, any>;

export interface ConnectorRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout split into lines, without the empty last one. */
  readonly lines: readonly string[];
  /** Each line parsed with JSON.parse (numbers lossy: use {@link recordData} for exact values). */
  readonly messages: readonly Message[];
}

/** Writes raw file text as-is instead of JSON-encoding it (malformed files). */
export function rawFile(text: string): { readonly raw: string } {
  return { raw: text };
}

/** Runs `source-databricks <command>` with the given files; asserts the invariants of every run. */
export async function runConnector(command: Command, options: RunOptions = {}): Promise<ConnectorRun> {
  const dir = await mkdtemp(join(tmpdir(), 'connector-e2e-'));
  try {
    const args: string[] = [command];
    for (const name of ['config', 'catalog', 'state'] as const) {
      const content = options[name];
      if (content === undefined) continue;
      const path = join(dir, `${name}.json`);
      await writeFile(path, isRaw(content) ? content.raw : JSON.stringify(content));
      args.push(`--${name}`, path);
    }
    const run = await spawnCli(args, options.timeoutMs ?? 90_000, options.compiledEntry);
    const secrets = [...(isRaw(options.config) ? [] : findSecrets(options.config)), ...(options.secrets ?? [])];
    assertNoSecrets(run, secrets);
    // Everything the platform should see is in the JSON lines; a stack trace printed beside them
    // means an error escaped the connector's error handling.
    assert.doesNotMatch(run.stderr, /^\s+at .+[:(]/m, `stack trace on stderr of ${command}:\n${run.stderr}`);
    return run;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function spawnCli(args: readonly string[], timeoutMs: number, compiledEntry?: string): Promise<ConnectorRun> {
  return new Promise((resolve, reject) => {
    const nodeArgs = compiledEntry === undefined ? ['--import', 'tsx', entry] : [compiledEntry];
    const child = spawn(process.execPath, [...nodeArgs, ...args], {
      cwd: projectRoot,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === null) {
        reject(new Error(`connector ${args[0]} ended by ${signal ?? 'a signal'} (timeout ${timeoutMs} ms)\nstderr: ${stderr}`));
        return;
      }
      let messages: Message[];
      try {
        messages = assertValidLines(stdout) as Message[];
      } catch (e) {
        reject(new Error(`connector ${args[0]} printed an invalid line: ${(e as Error).message}\nstderr: ${stderr}`));
        return;
      }
      resolve({ exitCode: code, stdout, stderr, lines: stdout.split('\n').filter((l) => l.length > 0), messages });
    });
  });
}

function isRaw(content: unknown): content is { raw: string } {
  return typeof content === 'object' && content !== null && typeof (content as { raw?: unknown }).raw === 'string';
}


/** A config pointing at the emulator with its token and CA; `overrides` replace or add fields. */
export function emulatorConfig(emulator: RunningEmulator, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    workspace_url: `https://127.0.0.1:${emulator.port}`,
    http_path: emulator.httpPath,
    credentials: { auth_type: 'personal_access_token', personal_access_token: emulator.token },
    catalog: 'main',
    tls_ca_certificate: emulator.caCertPem,
    // No point retrying against a local server: failures should show at once.
    retry_max_seconds: 0,
    ...overrides,
  };
}

/** The streams of a run's CATALOG message. */
export function discoveredStreams(run: ConnectorRun): AirbyteStream[] {
  const catalogs = run.messages.filter((m) => m.type === 'CATALOG');
  assert.equal(catalogs.length, 1, `expected one CATALOG message, got ${catalogs.length}\n${run.stdout}`);
  return catalogs[0]!.catalog.streams as AirbyteStream[];
}

/** The discovered stream `namespace.name`. */
export function findStream(streams: readonly AirbyteStream[], label: string): AirbyteStream {
  const stream = streams.find((s) => `${s.namespace}.${s.name}` === label);
  assert.ok(stream !== undefined, `stream ${label} not discovered (have ${streams.map((s) => `${s.namespace}.${s.name}`).join(', ')})`);
  return stream;
}

export interface StreamSelection {
  readonly syncMode?: SyncMode;
  readonly cursorField?: readonly string[];
  readonly destinationSyncMode?: DestinationSyncMode;
  /** Keep only these properties in the json_schema (column selection as the platform does it). */
  readonly columns?: readonly string[];
}

/** A ConfiguredAirbyteStream for a discovered stream, full refresh unless told otherwise. */
export function configureStream(stream: AirbyteStream, selection: StreamSelection = {}): ConfiguredAirbyteStream {
  const syncMode = selection.syncMode ?? 'full_refresh';
  let jsonSchema = stream.json_schema;
  if (selection.columns !== undefined) {
    const properties = (stream.json_schema['properties'] ?? {}) as Record<string, unknown>;
    jsonSchema = {
      ...stream.json_schema,
      properties: Object.fromEntries(selection.columns.map((c) => [c, properties[c]])),
    };
  }
  const cursorField = selection.cursorField ?? (syncMode === 'incremental' ? stream.default_cursor_field : undefined);
  return {
    stream: { ...stream, json_schema: jsonSchema },
    sync_mode: syncMode,
    destination_sync_mode: selection.destinationSyncMode ?? (syncMode === 'incremental' ? 'append' : 'overwrite'),
    ...(cursorField === undefined ? {} : { cursor_field: [...cursorField] }),
    ...(stream.source_defined_primary_key === undefined ? {} : { primary_key: stream.source_defined_primary_key }),
  } as ConfiguredAirbyteStream;
}

export function configuredCatalog(...streams: ConfiguredAirbyteStream[]): ConfiguredAirbyteCatalog {
  return { streams };
}

const label = (m: { namespace?: string; name?: string; stream?: string }): string =>
  `${m.namespace ?? ''}.${m.name ?? m.stream ?? ''}`;

/** Raw stdout lines of the RECORD messages of stream `namespace.name`, in order. */
export function recordLines(run: ConnectorRun, stream: string): string[] {
  return run.lines.filter((_, i) => {
    const m = run.messages[i]!;
    return m.type === 'RECORD' && label(m.record) === stream;
  });
}

/** The `data` of each RECORD of a stream, parsed with numbers kept as their exact text. */
export function recordData(run: ConnectorRun, stream: string): Record<string, LosslessValue>[] {
  return recordLines(run, stream).map((line) => {
    const message = parseLossless(line) as Record<string, Record<string, LosslessValue>>;
    return message.record!.data as Record<string, LosslessValue>;
  });
}

/** Messages of one type (`RECORD`, `STATE`...) or trace type (`TRACE:ERROR`...) for a stream, or all. */
export function messagesOf(run: ConnectorRun, kind: string, stream?: string): Message[] {
  const [type, traceType] = kind.split(':');
  return run.messages.filter((m) => {
    if (m.type !== type) return false;
    if (traceType !== undefined && m.trace.type !== traceType) return false;
    if (stream === undefined) return true;
    return messageStream(m) === stream;
  });
}

/** `namespace.name` a message is about, when it is about one stream. */
export function messageStream(m: Message): string | undefined {
  if (m.type === 'RECORD') return label(m.record);
  if (m.type === 'STATE') return label(m.state.stream.stream_descriptor);
  if (m.type === 'TRACE') {
    const t = m.trace;
    const descriptor = t.stream_status?.stream_descriptor ?? t.error?.stream_descriptor;
    if (descriptor !== undefined) return label(descriptor);
    if (t.estimate !== undefined) return label(t.estimate);
  }
  return undefined;
}

/** STREAM_STATUS values of a stream in order. */
export function streamStatuses(run: ConnectorRun, stream: string): string[] {
  return messagesOf(run, 'TRACE:STREAM_STATUS', stream).map((m) => m.trace.stream_status.status as string);
}

/** The STATE messages of a stream as `--state` file entries. */
export function stateMessages(run: ConnectorRun, stream: string): Message[] {
  return messagesOf(run, 'STATE', stream).map((m) => m.state as Message);
}

/** Human-readable dump of a run for assertion messages. */
export function describeRun(run: ConnectorRun): string {
  return `exit ${run.exitCode}\nstdout:\n${run.stdout.slice(0, 4000)}\nstderr:\n${run.stderr.slice(0, 2000)}`;
}
