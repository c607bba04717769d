import { BufferPool } from '../../memory/buffer-pool.js';
import { batchBuffers, encodeSlices, type EncodedSlice, type EncodeJob } from './encode-slices.js';

/** The slices of one submitted job, in order. Iterate it once; `discard` drops what is left. */
export interface EncodeTicket extends AsyncIterable<EncodedSlice> {
  /** Drops the job's remaining slices (the read failed or stopped); never throws. */
  discard(): void;
}

/**
 * Turns fetched chunks into RECORD lines, on this thread or elsewhere. Once a job's slices are
 * all made, nothing reads its chunk any more, and the chunk's buffers go back through its
 * `recycle` (a job discarded or failed keeps them, for the collector).
 */
export interface SliceEncoder {
  /** Starts encoding `job` (it may be encoded while earlier tickets are still being read). */
  encode(job: EncodeJob): EncodeTicket;
  /**
   * Gives back a slice's `lines` once nothing reads them any more (the stream took them), so
   * their buffer makes a later slice. Optional for the caller: a slice never given back is
   * simply collected.
   */
  recycle(lines: Uint8Array): void;
}

/** Output buffers of the inline encoder; the thread's only encoder, so one pool serves it. */
const inlineBuffers = new BufferPool();

/**
 * Encodes on the calling thread, lazily as the ticket is read: what a read gets when no pool
 * was set up (unit tests, `encoder_threads: 0`).
 */
export const inlineEncoder: SliceEncoder = {
  encode(job) {
    let discarded = false;
    return {
      discard: () => {
        discarded = true;
      },
      async *[Symbol.asyncIterator]() {
        for (const slice of encodeSlices(job, inlineBuffers)) {
          if (discarded) return;
          yield slice;
        }
        if (!discarded) job.chunk.recycle?.(batchBuffers(job.chunk.batches));
      },
    };
  },
  recycle(lines) {
    inlineBuffers.release(lines);
  },
};
