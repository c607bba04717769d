/**
 * Large buffers used again once nothing reads them: the connector's RECORD output (a few MB per
 * slice) and its CloudFetch downloads (a file each). A fresh buffer each time costs more than
 * filling it: the kernel zeroes and maps new pages on first touch and V8 frees the old ones in
 * the background (measured at 1M rows: about a quarter of the connector's CPU time went to
 * allocating, touching and collecting output buffers).
 *
 * A buffer comes back through `release` only when nothing reads it any more (the stream's write
 * callback fired, the chunk was encoded) and nothing else kept a view of it. Every buffer owns
 * its whole ArrayBuffer, so a view anywhere in it releases it.
 */
export interface BufferPoolOptions {
  /** Free buffers kept at most (default 4). */
  readonly maxFree?: number;
  /** Bytes kept in free buffers at most (default 16 MiB). */
  readonly maxFreeBytes?: number;
}

/** Buffers smaller than this are not worth pooling: Node's own pool serves them. */
export const MIN_POOLED_BYTES = 64 * 1024;

export class BufferPool {
  readonly #free: ArrayBuffer[] = [];
  readonly #maxFree: number;
  readonly #maxFreeBytes: number;
  #freeBytes = 0;
  #reused = 0;
  #allocated = 0;

  constructor(options: BufferPoolOptions = {}) {
    this.#maxFree = options.maxFree ?? 4;
    this.#maxFreeBytes = options.maxFreeBytes ?? 16 * 1024 * 1024;
  }

  /**
   * A buffer of exactly `bytes` bytes (contents undefined): a view on a free one at least that
   * large and at most twice as large, or a new one with a quarter more room, since the next
   * slice of the same read is usually a little larger or smaller.
   */
  acquire(bytes: number): Buffer {
    if (bytes < MIN_POOLED_BYTES) return Buffer.allocUnsafe(bytes);
    let best = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const size = this.#free[i]!.byteLength;
      if (size >= bytes && size <= 2 * bytes && (best < 0 || size < this.#free[best]!.byteLength)) best = i;
    }
    if (best >= 0) {
      const buffer = this.#free.splice(best, 1)[0]!;
      this.#freeBytes -= buffer.byteLength;
      this.#reused += 1;
      return Buffer.from(buffer, 0, bytes);
    }
    this.#allocated += 1;
    // allocUnsafeSlow: a buffer of its own, never a window on Node's shared pool.
    return Buffer.allocUnsafeSlow(Math.ceil(bytes * 1.25)).subarray(0, bytes);
  }

  /**
   * Takes back the buffer behind `view` (any view of a buffer `acquire` returned). The caller
   * must not read or write it afterwards. Views of other memory are ignored.
   */
  release(view: Uint8Array): void {
    const buffer = view.buffer;
    if (!(buffer instanceof ArrayBuffer) || buffer.byteLength < MIN_POOLED_BYTES) return;
    if (this.#free.includes(buffer)) throw new Error('a buffer was released twice');
    if (this.#free.length >= this.#maxFree || this.#freeBytes + buffer.byteLength > this.#maxFreeBytes) {
      // Keep the larger buffers: they serve any smaller request within a factor of two.
      const smallest = this.#smallest();
      if (smallest < 0 || this.#free[smallest]!.byteLength >= buffer.byteLength) return;
      this.#freeBytes -= this.#free[smallest]!.byteLength;
      this.#free.splice(smallest, 1);
      if (this.#freeBytes + buffer.byteLength > this.#maxFreeBytes) return;
    }
    this.#free.push(buffer);
    this.#freeBytes += buffer.byteLength;
  }

  /** Counters: buffers handed out again, buffers newly made, and what is free now. */
  get stats(): { reused: number; allocated: number; free: number; freeBytes: number } {
    return { reused: this.#reused, allocated: this.#allocated, free: this.#free.length, freeBytes: this.#freeBytes };
  }

  #smallest(): number {
    let at = -1;
    for (let i = 0; i < this.#free.length; i++) if (at < 0 || this.#free[i]!.byteLength < this.#free[at]!.byteLength) at = i;
    return at;
  }
}
