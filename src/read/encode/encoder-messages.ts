import type { EncodeJob, OrderEdges } from './encode-slices.js';

/** Main thread to worker: encode this job. */
export interface JobMessage {
  readonly kind: 'job';
  readonly id: number;
  readonly job: EncodeJob;
  /** Move the chunk's buffers back with `done`, to be recycled. */
  readonly returnBuffers: boolean;
}

/** Main thread to worker: a slice's buffer, written out, back for a later slice. */
export interface RecycleMessage {
  readonly kind: 'recycle';
  readonly buffer: ArrayBuffer;
}

export type WorkerMessage = JobMessage | RecycleMessage;

/** Worker to main thread: one slice of a job, its end, or why it failed. */
export type ResultMessage =
  | {
      readonly id: number;
      readonly kind: 'slice';
      readonly lines: Uint8Array;
      readonly rowCount: number;
      readonly prefixBytes: number;
      readonly order?: OrderEdges;
    }
  | { readonly id: number; readonly kind: 'done'; readonly buffers: readonly ArrayBuffer[] }
  | { readonly id: number; readonly kind: 'error'; readonly name: string; readonly message: string };

/**
 * Bytes to hand to another thread, adding what to move to `transfer`. A view that covers most
 * of its own ArrayBuffer moves with it, without a copy (the receiver gets the same view). Any
 * other view is copied first: cloning a view copies its whole ArrayBuffer, and an inline batch
 * is a small window on a large Thrift message. Node's shared pool of small buffers is never
 * moved (postMessage copies it instead). The caller must not touch moved bytes again.
 */
export function portable(bytes: Uint8Array, transfer: ArrayBuffer[]): Uint8Array {
  const buffer = bytes.buffer;
  const movable = buffer instanceof ArrayBuffer && buffer.byteLength > Buffer.poolSize && bytes.byteLength * 2 >= buffer.byteLength;
  const out = movable ? bytes : new Uint8Array(bytes);
  transfer.push(out.buffer as ArrayBuffer);
  return out;
}

/**
 * Posts `message`, moving `transfer`; where a buffer cannot be moved (Node's own pooled or
 * external buffers may refuse), it is sent as a copy instead.
 */
export function postWithTransfer(post: (message: unknown, transfer?: ArrayBuffer[]) => void, message: unknown, transfer: ArrayBuffer[]): void {
  try {
    post(message, transfer);
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'DataCloneError') throw error;
    post(message);
  }
}
