import type { FaultPlan, HttpFault } from './fault-plan.js';
import { seededRandom } from './seeded-random.js';

/** What to do with one request before it reaches its handler. */
export type FaultDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'http'; readonly status: number; readonly headers: Record<string, string>; readonly body: object }
  | { readonly kind: 'session-not-ready' }
  | { readonly kind: 'reset'; readonly afterBytes: number };

/** How often each fault fired since the plan was set (admin endpoint, tests). */
export interface FaultCounters {
  unavailable: number;
  sessionNotReady: number;
  rateLimit: number;
  serverError: number;
  connectionReset: number;
}

/**
 * The live state of a FaultPlan: remaining counts, the clock it started on, the seeded random
 * source. One per emulator instance.
 */
export class FaultInjector {
  #plan: FaultPlan = {};
  #since = Date.now();
  #random: () => number = Math.random;
  #remaining = { rateLimit: 0, serverError: 0, connectionReset: 0 };
  #fired: FaultCounters = zeroCounters();
  readonly #clusterId: string;

  constructor(clusterId: string, plan: FaultPlan = {}) {
    this.#clusterId = clusterId;
    this.set(plan);
  }

  /** Replaces the plan and restarts its clock and counters. */
  set(plan: FaultPlan): void {
    this.#plan = plan;
    this.#since = Date.now();
    this.#random = plan.seed === undefined ? Math.random : seededRandom(plan.seed);
    this.#remaining = {
      rateLimit: plan.rateLimit?.count ?? 0,
      serverError: plan.serverError?.count ?? 0,
      connectionReset: plan.connectionReset ? (plan.connectionReset.count ?? 1) : 0,
    };
    this.#fired = zeroCounters();
  }

  get plan(): FaultPlan {
    return this.#plan;
  }

  get fired(): Readonly<FaultCounters> {
    return { ...this.#fired };
  }

  get latencyMs(): number {
    return this.#plan.latencyMs ?? 0;
  }

  get slowQueryMs(): number {
    return this.#plan.slowQueryMs ?? 0;
  }

  /** Decides the fate of a request named `rpc` (Thrift method name or `CloudFetch`). */
  decide(rpc: string): FaultDecision {
    const plan = this.#plan;
    const elapsed = (Date.now() - this.#since) / 1000;
    const cold = plan.coldStart;
    if (cold && rpc !== 'CloudFetch') {
      if (elapsed < (cold.unavailableSeconds ?? 0)) {
        this.#fired.unavailable += 1;
        const headers: Record<string, string> = {
          // databricks-behaviour.md §6 [TRINO]
          'x-thriftserver-error-message': `TEMPORARILY_UNAVAILABLE: Cluster ${this.#clusterId} is temporarily unavailable.`,
        };
        if (cold.retryAfterSeconds !== undefined) headers['retry-after'] = String(cold.retryAfterSeconds);
        return { kind: 'http', status: 503, headers, body: { error_code: 'TEMPORARILY_UNAVAILABLE', message: headers['x-thriftserver-error-message'] as string } };
      }
      if (rpc !== 'OpenSession' && elapsed < (cold.sessionNotReadySeconds ?? 0)) {
        this.#fired.sessionNotReady += 1;
        return { kind: 'session-not-ready' };
      }
    }
    if (plan.rateLimit && this.#hits(plan.rateLimit, rpc, 'rateLimit')) {
      this.#fired.rateLimit += 1;
      const headers: Record<string, string> = { 'retry-after': String(plan.rateLimit.retryAfterSeconds ?? 1) };
      return { kind: 'http', status: 429, headers, body: { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'Too many requests. Please retry later.' } };
    }
    if (plan.serverError && this.#hits(plan.serverError, rpc, 'serverError')) {
      this.#fired.serverError += 1;
      return { kind: 'http', status: plan.serverError.status ?? 500, headers: {}, body: { error_code: 'INTERNAL_ERROR', message: 'Internal server error (injected).' } };
    }
    const reset = plan.connectionReset;
    if (reset && (reset.target ?? 'FetchResults') === rpc && this.#remaining.connectionReset > 0) {
      this.#remaining.connectionReset -= 1;
      this.#fired.connectionReset += 1;
      return { kind: 'reset', afterBytes: reset.afterBytes };
    }
    return { kind: 'none' };
  }

  #hits(fault: HttpFault, rpc: string, key: 'rateLimit' | 'serverError'): boolean {
    if (fault.rpcs && !fault.rpcs.includes(rpc)) return false;
    if (fault.count !== undefined) {
      if (this.#remaining[key] <= 0) return false;
      this.#remaining[key] -= 1;
      return true;
    }
    return fault.fraction !== undefined && this.#random() < fault.fraction;
  }
}

function zeroCounters(): FaultCounters {
  return { unavailable: 0, sessionNotReady: 0, rateLimit: 0, serverError: 0, connectionReset: 0 };
}
