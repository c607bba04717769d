import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertValidLines } from './protocol-validator.js';
import { assertNoSecrets, findSecrets } from './secret-check.js';

/**
 * Runs the connector CLI as a child process and hands each stdout line to the test as it
 * arrives, so a test can act in the middle of a sync: kill the process (SIGKILL), revoke the
 * token, inject a fault. Asynchronous on purpose: the emulator usually runs in the test process.
 */

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const entry = join(projectRoot, 'src', 'cli', 'main.ts');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LiveMessage = Record<string, any>;

export interface LiveRunResult {
  /** Exit code, null when ended by a signal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Complete stdout lines (a line cut by a kill is left out), each parsed. */
  readonly lines: readonly string[];
  readonly messages: readonly LiveMessage[];
  readonly stderr: string;
}

export interface LiveRun {
  readonly child: ChildProcess;
  /** Ends the process at once, as the platform or the OOM killer would. */
  kill(): void;
  readonly done: Promise<LiveRunResult>;
}

export interface LiveRunOptions {
  readonly config: unknown;
  readonly catalog?: unknown;
  readonly state?: unknown;
  /** Called with each complete stdout line and the message it holds. */
  readonly onMessage?: (message: LiveMessage, run: LiveRun) => void;
  /** Kills the run after this long, ms (default 90 000); the result then has signal SIGKILL. */
  readonly timeoutMs?: number;
}

export async function startConnector(command: 'check' | 'discover' | 'read', options: LiveRunOptions): Promise<LiveRun> {
  const dir = await mkdtemp(join(tmpdir(), 'connector-live-'));
  const args: string[] = [command];
  for (const name of ['config', 'catalog', 'state'] as const) {
    if (options[name] === undefined) continue;
    const path = join(dir, `${name}.json`);
    await writeFile(path, JSON.stringify(options[name]));
    args.push(`--${name}`, path);
  }
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: projectRoot,
    // CONNECTOR_NODE_OPTIONS: extra Node options for the child only (e.g. a diagnostics preload).
    env: { ...process.env, NODE_OPTIONS: process.env.CONNECTOR_NODE_OPTIONS ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const messages: LiveMessage[] = [];
  const stderr: Buffer[] = [];
  let pending = '';
  let killed = false;
  let invalid: Error | undefined;
  const run: LiveRun = {
    child,
    kill() {
      if (killed) return;
      killed = true;
      child.kill('SIGKILL');
    },
    done: new Promise<LiveRunResult>((resolve, reject) => {
      const timer = setTimeout(() => run.kill(), options.timeoutMs ?? 90_000);
      child.stderr!.on('data', (b: Buffer) => stderr.push(b));
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (text: string) => {
        pending += text;
        let nl = pending.indexOf('\n');
        while (nl >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          nl = pending.indexOf('\n');
          if (line === '') continue;
          let message: LiveMessage;
          try {
            message = assertValidLines(`${line}\n`)[0] as LiveMessage;
          } catch (e) {
            invalid ??= new Error(`connector ${command} printed an invalid line: ${(e as Error).message}`);
            run.kill();
            continue;
          }
          // Lines the test saw after deciding to kill still count: they reached the platform.
          lines.push(line);
          messages.push(message);
          options.onMessage?.(message, run);
        }
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('close', (exitCode, signal) => {
        clearTimeout(timer);
        void rm(dir, { recursive: true, force: true });
        if (invalid !== undefined) {
          reject(invalid);
          return;
        }
        const stderrText = Buffer.concat(stderr).toString('utf8');
        try {
          assertNoSecrets({ stdout: `${lines.join('\n')}\n${pending}`, stderr: stderrText }, findSecrets(options.config));
        } catch (e) {
          reject(e);
          return;
        }
        // `pending` holds a line cut by the kill: the platform would drop it too.
        resolve({ exitCode, signal, lines, messages, stderr: Buffer.concat(stderr).toString('utf8') });
      });
    }),
  };
  return run;
}
