/**
 * Failures the emulator can inject, chosen at start (`startEmulator({ faults })`) or replaced at
 * run time (`setFaults()` or `POST /__admin/faults`). Durations count from the moment the plan is
 * set. Request names are Thrift RPC names (`OpenSession`, `FetchResults`, ...) or `CloudFetch`
 * for result file downloads.
 */
export interface FaultPlan {
  /** Seed for the fractions below; the same seed and request sequence give the same faults. */
  readonly seed?: number;
  /** A warehouse that is still starting. */
  readonly coldStart?: ColdStartFault;
  /** HTTP 429 with Retry-After. */
  readonly rateLimit?: HttpFault & { readonly retryAfterSeconds?: number };
  /** HTTP 5xx (500 unless `status` says otherwise). */
  readonly serverError?: HttpFault & { readonly status?: number };
  /** The socket is destroyed after `afterBytes` bytes of a response body. */
  readonly connectionReset?: ConnectionResetFault;
  /** Added to every request before it is handled (ms). */
  readonly latencyMs?: number;
  /** Every statement waits this long (ms) before the engine runs it; cancel ends the wait. */
  readonly slowQueryMs?: number;
}

export interface ColdStartFault {
  /**
   * For this many seconds every Thrift request gets HTTP 503 with
   * `X-Thriftserver-Error-Message: TEMPORARILY_UNAVAILABLE: ...` (databricks-behaviour.md §6 [NODE-116][TRINO]).
   */
  readonly unavailableSeconds?: number;
  /** Retry-After (seconds) sent with those 503s; omitted when undefined ([ADBC-2657][ODBC]). */
  readonly retryAfterSeconds?: number;
  /**
   * For this many seconds OpenSession succeeds but every other RPC answers ERROR_STATUS
   * "Session handle ... has not been initialized or had already closed" in HTTP 200
   * (databricks-behaviour.md §6 [LIGHTDASH]).
   */
  readonly sessionNotReadySeconds?: number;
}

/** Which requests an HTTP fault hits: the next `count` matching ones, else each with `fraction`. */
export interface HttpFault {
  readonly count?: number;
  readonly fraction?: number;
  /** Only these request names (all when absent). */
  readonly rpcs?: readonly string[];
}

export interface ConnectionResetFault {
  readonly afterBytes: number;
  /** How many responses to cut (default 1). */
  readonly count?: number;
  /** Which responses: FetchResults (Thrift) or CloudFetch (file download). Default FetchResults. */
  readonly target?: 'FetchResults' | 'CloudFetch';
}

/** Turns untrusted JSON (admin endpoint, CLI) into a FaultPlan, rejecting what it does not know. */
export function parseFaultPlan(value: unknown): FaultPlan {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('fault plan must be an object');
  const known = new Set(['seed', 'coldStart', 'rateLimit', 'serverError', 'connectionReset', 'latencyMs', 'slowQueryMs']);
  for (const k of Object.keys(value)) if (!known.has(k)) throw new Error(`unknown fault: ${k}`);
  const plan = value as Record<string, unknown>;
  for (const k of ['seed', 'latencyMs', 'slowQueryMs']) {
    if (plan[k] !== undefined && typeof plan[k] !== 'number') throw new Error(`${k} must be a number`);
  }
  for (const k of ['coldStart', 'rateLimit', 'serverError', 'connectionReset']) {
    if (plan[k] !== undefined && (plan[k] === null || typeof plan[k] !== 'object')) throw new Error(`${k} must be an object`);
  }
  const reset = plan.connectionReset as Record<string, unknown> | undefined;
  if (reset && typeof reset.afterBytes !== 'number') throw new Error('connectionReset.afterBytes must be a number');
  return value as FaultPlan;
}
