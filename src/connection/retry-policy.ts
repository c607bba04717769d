import { classifyError, transientError } from '../errors/connector-error.js';
import { transientFailure, type TransientFailure } from '../errors/transient-failure.js';
import type { Logger } from '../output/logger.js';

/**
 * How the connector retries what the driver does not (OpenSession, ExecuteStatement,
 * FetchResults): exponential backoff with full jitter, never less than the server's
 * Retry-After, within a total time budget per failing operation.
 */
export interface RetryPolicy {
  /**
   * Budget in seconds, counted from an operation's first failure: a retry that would start past
   * it is not made and the operation fails with a transient_error. 0 disables retries (the
   * original error is thrown unchanged). From `retry_max_seconds` (default 600).
   */
  readonly maxSeconds: number;
  /** Backoff ceiling of the first retry, ms; doubles each attempt (default 1000). */
  readonly baseDelayMs: number;
  /** Largest backoff ceiling, ms (default 30 000); a longer Retry-After still wins. */
  readonly maxDelayMs: number;
  readonly clock: RetryClock;
  /** Told before each wait; the CLI logs it as a WARN line. */
  readonly onRetry: (notice: RetryNotice) => void;
}

/** Time, sleeping and randomness, injectable so tests run without waiting. */
export interface RetryClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** A number in [0, 1). */
  random(): number;
}

export interface RetryNotice {
  /** What failed, e.g. `executing a statement`. */
  readonly what: string;
  readonly reason: string;
  /** 1 for the first retry. */
  readonly attempt: number;
  readonly waitMs: number;
  /** Time since the first failure of this operation, ms. */
  readonly elapsedMs: number;
  readonly maxSeconds: number;
}

export const systemClock: RetryClock = {
  now: () => Date.now(),
  random: () => Math.random(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      signal?.throwIfAborted();
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', abort);
        resolve();
      }, ms);
      const abort = (): void => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', abort, { once: true });
    }),
};

/** The policy for a sync: the configured budget, retries logged as WARN. */
export function retryPolicy(maxSeconds: number, logger: Logger, overrides: Partial<Omit<RetryPolicy, 'maxSeconds'>> = {}): RetryPolicy {
  return {
    maxSeconds,
    baseDelayMs: 1000,
    maxDelayMs: 30_000,
    clock: systemClock,
    onRetry: (n) =>
      logger.warn(
        `${capitalise(n.what)} failed (${n.reason}); retry ${n.attempt} in ${(n.waitMs / 1000).toFixed(1)} s ` +
          `(${Math.round(n.elapsedMs / 1000)} s of the ${n.maxSeconds} s retry budget used).`,
      ),
    ...overrides,
  };
}

/** No retries: every failure is thrown as it is. */
export const noRetries: RetryPolicy = {
  maxSeconds: 0,
  baseDelayMs: 0,
  maxDelayMs: 0,
  clock: systemClock,
  onRetry: () => undefined,
};

/**
 * The retry bookkeeping of one operation that may fail several times. `failed(err)` either
 * waits and returns (retry now) or throws: the error itself when it is not transient, a
 * transient_error once the budget is spent. `progressed()` restarts the budget, for operations
 * that resume from where they got to (a long read that fails now and then is never given up).
 */
export interface RetryWindow {
  failed(err: unknown, signal?: AbortSignal): Promise<TransientFailure>;
  progressed(): void;
  /** Retries made so far in this window. */
  readonly attempts: number;
}

export function retryWindow(policy: RetryPolicy, what: string): RetryWindow {
  let attempts = 0;
  let firstFailureAt: number | undefined;
  return {
    get attempts() {
      return attempts;
    },
    progressed() {
      attempts = 0;
      firstFailureAt = undefined;
    },
    async failed(err, signal) {
      const failure = transientFailure(err);
      if (failure === undefined || policy.maxSeconds <= 0 || signal?.aborted === true) throw err;
      const now = policy.clock.now();
      firstFailureAt ??= now;
      const elapsedMs = now - firstFailureAt;
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempts);
      const waitMs = Math.round(Math.max(policy.clock.random() * ceiling, failure.retryAfterMs ?? 0));
      if (elapsedMs + waitMs > policy.maxSeconds * 1000) {
        throw transientError(
          `${capitalise(what)} kept failing for ${Math.round(elapsedMs / 1000)} s (${attempts + 1} attempts, retry budget ` +
            `retry_max_seconds = ${policy.maxSeconds}): ${classifyError(err).message}`,
          { cause: err },
        );
      }
      attempts += 1;
      policy.onRetry({ what, reason: failure.reason, attempt: attempts, waitMs, elapsedMs, maxSeconds: policy.maxSeconds });
      await policy.clock.sleep(waitMs, signal);
      return failure;
    },
  };
}

/**
 * Calls `attempt` until it succeeds or `failed` gives up. `beforeRetry` runs after the wait,
 * e.g. to open a new session when the failure says the old one is gone.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  what: string,
  attempt: () => Promise<T>,
  options: { readonly signal?: AbortSignal; readonly beforeRetry?: (failure: TransientFailure) => void | Promise<void> } = {},
): Promise<T> {
  const window = retryWindow(policy, what);
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      const failure = await window.failed(err, options.signal);
      await options.beforeRetry?.(failure);
    }
  }
}

function capitalise(text: string): string {
  return text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1);
}
