import type { StreamDescriptor } from '../protocol/airbyte-protocol.js';

/**
 * A one-line human progress display on stderr, for people running the connector in a terminal.
 * It draws nothing unless stderr is a TTY, so under Airbyte (where stderr is a pipe) it costs a
 * counter increment per batch and never touches the protocol output on stdout.
 */

export interface ProgressOutput {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressDisplayOptions {
  /** Milliseconds between redraws; default 250. */
  readonly intervalMs?: number;
  readonly now?: () => number;
}

export class ProgressDisplay {
  readonly #out: ProgressOutput;
  readonly #enabled: boolean;
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #counts = new Map<string, number>();
  readonly #startedAt: number;
  #lastDrawAt = 0;
  #drawn = false;

  constructor(out: ProgressOutput = process.stderr, options: ProgressDisplayOptions = {}) {
    this.#out = out;
    this.#enabled = out.isTTY === true;
    this.#intervalMs = options.intervalMs ?? 250;
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  /** Adds `records` to a stream's count and redraws at most every `intervalMs`. */
  add(stream: StreamDescriptor, records: number): void {
    const key = stream.namespace === undefined ? stream.name : `${stream.namespace}.${stream.name}`;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + records);
    if (!this.#enabled) return;
    const now = this.#now();
    if (now - this.#lastDrawAt >= this.#intervalMs) {
      this.#lastDrawAt = now;
      this.#draw(now);
    }
  }

  /** Draws the final totals and moves to a new line. */
  finish(): void {
    if (!this.#enabled || (!this.#drawn && this.#counts.size === 0)) return;
    this.#draw(this.#now());
    this.#out.write('\n');
  }

  /** The text of the current line (also used by tests). */
  render(now: number = this.#now()): string {
    let total = 0;
    const parts: string[] = [];
    for (const [key, count] of this.#counts) {
      total += count;
      parts.push(`${key} ${formatCount(count)}`);
    }
    const seconds = Math.max((now - this.#startedAt) / 1000, 0.001);
    return `${formatCount(total)} records, ${formatCount(total / seconds)}/s | ${parts.join(', ')}`;
  }

  #draw(now: number): void {
    this.#drawn = true;
    // \r + "erase line": redraw in place.
    this.#out.write(`\r\x1b[K${this.render(now)}`);
  }
}

function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  return String(Math.round(n));
}
