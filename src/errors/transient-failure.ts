import { classifyError, ConnectorError } from './connector-error.js';

/** Why a failed call may succeed if made again, and how long the server asked us to wait. */
export interface TransientFailure {
  /** Short description for a LOG line, e.g. `HTTP 429`, `connection reset (ECONNRESET)`. */
  readonly reason: string;
  /** The server's Retry-After, in ms, when it sent one (429/503). */
  readonly retryAfterMs?: number;
  /** The session is gone or never became usable: open a new one before retrying. */
  readonly sessionLost: boolean;
}

// A session opened while the warehouse was starting can stay unusable; Databricks answers every
// RPC on it with this (databricks-behaviour.md §6 [LIGHTDASH]); a new session is needed.
const SESSION_LOST = /has not been initialized or had already closed|invalid SessionHandle|Invalid session/i;

/**
 * Whether `err` is worth retrying. The decision is `classifyError`'s (one classifier for the
 * whole connector): only what it calls a transient_error is retried, so credentials, missing
 * objects and SQL errors fail at once. Errors the connector raised itself (ConnectorError) are
 * final: they already carry a decision, e.g. retries that ran out.
 */
export function transientFailure(err: unknown): TransientFailure | undefined {
  if (err instanceof ConnectorError) return undefined;
  if (classifyError(err).failureType !== 'transient_error') return undefined;
  const e = record(err);
  const status = typeof e?.statusCode === 'number' ? e.statusCode : retryPayloadStatus(e);
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const code = errorCode(err);
  const retryAfterMs = retryAfter(e);
  const sessionLost = SESSION_LOST.test(message);
  const reason =
    status !== undefined
      ? `HTTP ${status}${/TEMPORARILY_UNAVAILABLE/.test(headerText(e, 'x-thriftserver-error-message') ?? '') ? ' TEMPORARILY_UNAVAILABLE' : ''}`
      : sessionLost
        ? 'session not ready (warehouse starting)'
        : code !== undefined
          ? `connection failed (${code})`
          : firstLine(message);
  return { reason, sessionLost, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/**
 * Retry-After in seconds (RFC 9110 §10.2.3; Databricks sends delay-seconds), read from the
 * THTTPException's node-fetch Response. The driver itself reads this header as milliseconds
 * (dist/connection/connections/HttpRetryPolicy.js), so it is read here instead.
 */
function retryAfter(e: Record<string, unknown> | undefined): number | undefined {
  const text = headerText(e, 'retry-after') ?? headerText(record(record(e?.payload)), 'retry-after');
  if (text === undefined) return undefined;
  const seconds = Number(text.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** A response header of a THTTPException (`response.headers.get`) or of a RetryError's payload. */
function headerText(e: Record<string, unknown> | undefined, name: string): string | undefined {
  const headers = record(record(e?.response)?.headers);
  if (headers === undefined) return undefined;
  const value = typeof headers.get === 'function' ? (headers.get as (n: string) => unknown)(name) : headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function retryPayloadStatus(e: Record<string, unknown> | undefined): number | undefined {
  const status = record(record(e?.payload)?.response)?.status;
  return typeof status === 'number' ? status : undefined;
}

function errorCode(err: unknown): string | undefined {
  for (let current = err, depth = 0; current !== undefined && depth < 5; depth += 1) {
    const e = record(current);
    if (e === undefined) return undefined;
    if (typeof e.code === 'string') return e.code;
    current = e.cause;
  }
  return undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
