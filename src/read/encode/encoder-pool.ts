import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { UnsupportedArrowError } from '../arrow/arrow-schema.js';
import { MIN_POOLED_BYTES } from '../../memory/buffer-pool.js';
import type { EncodedSlice, EncodeJob } from './encode-slices.js';
import { portable, postWithTransfer, type JobMessage, type RecycleMessage, type ResultMessage } from './encoder-messages.js';
import type { EncodeTicket, SliceEncoder } from './slice-encoder.js';

// The worker runs from the same tree as this module: .js in dist (the image), .ts when the
// connector runs from source under tsx (tests, the demo). Node 20 does not carry `--import`
// loader hooks into worker threads, so a .ts worker registers tsx itself before loading.
const SOURCE_EXTENSION = extname(fileURLToPath(import.meta.url));
const WORKER_URL = new URL(`./encoder-worker${SOURCE_EXTENSION}`, import.meta.url);

function startWorker(): Worker {
  if (SOURCE_EXTENSION !== '.ts') return new Worker(WORKER_URL);
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(bootstrap, { eval: true });
}

interface Slot {
  readonly worker: Worker;
  /** Jobs sent to this worker and not finished. */
  readonly jobs: Set<number>;
}

/**
 * Worker threads that decode chunks and encode their RECORD lines, so the main thread only
 * fetches, writes and keeps state while the next chunk is encoded beside it. Jobs go to the
 * worker with the fewest unfinished ones; a job's slices come back in order. A worker that dies
 * fails its jobs (the read reports it) and is replaced for the next job.
 */
export class EncoderPool implements SliceEncoder {
  readonly #slots: (Slot | undefined)[];
  readonly #queues = new Map<number, SliceQueue>();
  /** Where each job's chunk buffers go once the worker moves them back. */
  readonly #recycles = new Map<number, (buffers: readonly ArrayBuffer[]) => void>();
  /** The worker each slice buffer came from, to go back to once written. */
  readonly #origins = new WeakMap<ArrayBuffer, Slot>();
  #nextId = 1;
  #closed = false;

  /** @param threads worker threads, at least 1. */
  constructor(threads: number) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`an encoder pool needs at least 1 thread, not ${threads}`);
    this.#slots = [];
    // Started now, so they are loaded by the time the first query's result arrives.
    for (let i = 0; i < threads; i++) this.#slots.push(this.#spawn(i));
  }

  get threads(): number {
    return this.#slots.length;
  }

  encode(job: EncodeJob): EncodeTicket {
    if (this.#closed) throw new Error('the encoder pool is closed');
    const id = this.#nextId++;
    const slot = this.#leastBusy();
    const queue = new SliceQueue(() => this.#queues.delete(id));
    this.#queues.set(id, queue);
    slot.jobs.add(id);
    slot.worker.ref();
    const transfer: ArrayBuffer[] = [];
    const chunk = {
      // The schema buffer is shared by every chunk of a result: always a copy.
      schema: new Uint8Array(job.chunk.schema),
      batches: job.chunk.batches.map((b) => portable(b, transfer)),
      rowCount: job.chunk.rowCount,
    };
    const recycle = job.chunk.recycle;
    if (recycle !== undefined) this.#recycles.set(id, recycle);
    const message: JobMessage = { kind: 'job', id, job: { ...job, chunk }, returnBuffers: recycle !== undefined };
    try {
      postWithTransfer((m, t) => slot.worker.postMessage(m, t), message, transfer);
    } catch (error) {
      this.#finish(slot, id);
      queue.fail(error instanceof Error ? error : new Error(String(error)));
    }
    return queue;
  }

  /**
   * Sends a slice's buffer back to the worker that filled it; a buffer from elsewhere, or from
   * a worker that is gone, is left to the collector.
   */
  recycle(lines: Uint8Array): void {
    const buffer = lines.buffer;
    if (!(buffer instanceof ArrayBuffer)) return;
    const slot = this.#origins.get(buffer);
    if (slot === undefined || !this.#slots.includes(slot)) return;
    this.#origins.delete(buffer);
    const message: RecycleMessage = { kind: 'recycle', buffer };
    postWithTransfer((m, t) => slot.worker.postMessage(m, t), message, [buffer]);
  }

  /** Stops the workers; tickets not finished fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const slots = this.#slots.splice(0).filter((s): s is Slot => s !== undefined);
    for (const slot of slots) this.#failJobs(slot, new Error('the encoder pool was closed'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  #leastBusy(): Slot {
    let best = -1;
    for (let i = 0; i < this.#slots.length; i++) {
      const slot = this.#slots[i];
      if (slot === undefined) {
        this.#slots[i] = this.#spawn(i);
        return this.#slots[i]!;
      }
      if (best < 0 || slot.jobs.size < this.#slots[best]!.jobs.size) best = i;
    }
    return this.#slots[best]!;
  }

  #spawn(index: number): Slot {
    const worker = startWorker();
    const slot: Slot = { worker, jobs: new Set() };
    // Referenced only while it has jobs, so an idle pool never keeps the process alive.
    worker.unref();
    worker.on('message', (message: ResultMessage) => this.#receive(slot, message));
    const lost = (reason: Error): void => {
      if (this.#slots[index] === slot) this.#slots[index] = undefined;
      this.#failJobs(slot, reason);
    };
    worker.on('error', (error) => lost(new Error(`an encoder thread failed: ${error.message}`)));
    worker.on('exit', (code) => lost(new Error(`an encoder thread exited (code ${code})`)));
    return slot;
  }

  #receive(slot: Slot, message: ResultMessage): void {
    const queue = this.#queues.get(message.id);
    if (message.kind === 'slice') {
      const { id: _, kind: __, ...slice } = message;
      const buffer = slice.lines.buffer;
      if (buffer instanceof ArrayBuffer && buffer.byteLength >= MIN_POOLED_BYTES) this.#origins.set(buffer, slot);
      queue?.push(slice);
      return;
    }
    const recycle = this.#recycles.get(message.id);
    this.#finish(slot, message.id);
    if (message.kind === 'done') {
      recycle?.(message.buffers);
      queue?.end();
    } else queue?.fail(rebuildError(message.name, message.message));
  }

  #finish(slot: Slot, id: number): void {
    slot.jobs.delete(id);
    this.#queues.delete(id);
    this.#recycles.delete(id);
    if (slot.jobs.size === 0) slot.worker.unref();
  }

  #failJobs(slot: Slot, reason: Error): void {
    for (const id of [...slot.jobs]) {
      const queue = this.#queues.get(id);
      this.#finish(slot, id);
      queue?.fail(reason);
    }
  }
}

/** An error from a worker as the class it was thrown as, where the read tells classes apart. */
function rebuildError(name: string, message: string): Error {
  if (name === 'UnsupportedArrowError') return new UnsupportedArrowError(message);
  const error = new Error(message);
  error.name = name;
  return error;
}

/** The slices of one job as they arrive, read once by the copying loop. */
class SliceQueue implements EncodeTicket {
  #items: EncodedSlice[] = [];
  #head = 0;
  #done = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;
  readonly #onDiscard: () => void;

  constructor(onDiscard: () => void) {
    this.#onDiscard = onDiscard;
  }

  push(slice: EncodedSlice): void {
    this.#items.push(slice);
    this.#notify();
  }

  end(): void {
    this.#done = true;
    this.#notify();
  }

  fail(error: Error): void {
    this.#error ??= error;
    this.#done = true;
    this.#notify();
  }

  discard(): void {
    this.#items = [];
    this.#head = 0;
    this.#done = true;
    this.#onDiscard();
    this.#notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<EncodedSlice> {
    for (;;) {
      if (this.#head < this.#items.length) {
        const slice = this.#items[this.#head]!;
        this.#items[this.#head++] = undefined as unknown as EncodedSlice;
        yield slice;
      } else if (this.#error !== undefined) {
        throw this.#error;
      } else if (this.#done) {
        return;
      } else {
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
