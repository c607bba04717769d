import type { RetryClock } from '../../src/connection/retry-policy.js';

/**
 * Errors shaped like the ones `@databricks/sql` 2.1.0 throws, and a clock that does not wait,
 * for testing retries without a warehouse.
 */

/** A clock whose sleep returns at once and advances `now` by the time slept. */
export function fakeClock(options: { readonly random?: () => number; readonly start?: number } = {}): RetryClock & { readonly slept: number[] } {
  let now = options.start ?? 1_700_000_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    random: options.random ?? (() => 0.5),
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      slept.push(ms);
      now += ms;
    },
  };
}

/** THTTPException (dist/connection/connections/ThriftHttpConnection.js): statusCode plus the node-fetch Response. */
export function httpError(status: number, headers: Record<string, string> = {}): Error {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return Object.assign(new Error(`Received a response with a bad HTTP status code: ${status}`), {
    name: 'THTTPException',
    statusCode: status,
    type: 7,
    response: { status, headers: { get: (name: string) => lower.get(name.toLowerCase()) ?? null } },
  });
}

/** node-fetch's FetchError for a failed socket. */
export function netError(code: string): Error {
  return Object.assign(new Error(`request to https://127.0.0.1/sql failed, reason: read ${code}`), { code, errno: code, type: 'system' });
}

/** The driver's StatusError for an RPC on a session that a starting warehouse has not initialised. */
export function sessionNotReady(): Error {
  return Object.assign(
    new Error('Invalid SessionHandle: SessionHandle [01ef0000-0000-4000-8000-000000000000] has not been initialized or had already closed.'),
    { name: 'StatusError', code: 3 },
  );
}
