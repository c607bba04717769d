import { parentPort } from 'node:worker_threads';
import { BufferPool, MIN_POOLED_BYTES } from '../../memory/buffer-pool.js';
import { batchBuffers, encodeSlices } from './encode-slices.js';
import { portable, postWithTransfer, type ResultMessage, type WorkerMessage } from './encoder-messages.js';

// A worker thread of the encoder pool (encoder-pool.ts): decodes each chunk it is sent and posts
// back its RECORD lines slice by slice, jobs one at a time in the order they came. Slice buffers
// move to the main thread and come back once written, to be filled again; a job's chunk moves
// back when asked (returnBuffers), for its buffers to take later downloads.
const port = parentPort;
if (port === null) throw new Error('encoder-worker.ts runs only as a worker thread');

const post = (message: unknown, transfer?: ArrayBuffer[]): void => port.postMessage(message, transfer);
const buffers = new BufferPool();

port.on('message', (message: WorkerMessage) => {
  if (message.kind === 'recycle') {
    buffers.release(new Uint8Array(message.buffer));
    return;
  }
  const { id, job } = message;
  try {
    for (const slice of encodeSlices(job, buffers)) {
      const transfer: ArrayBuffer[] = [];
      // A pooled buffer moves whole (however little of it the slice fills), so it can come back.
      const pooled = slice.lines.buffer instanceof ArrayBuffer && slice.lines.buffer.byteLength >= MIN_POOLED_BYTES;
      if (pooled) transfer.push(slice.lines.buffer);
      const lines = pooled ? slice.lines : portable(slice.lines, transfer);
      postWithTransfer(post, { id, kind: 'slice', ...slice, lines } satisfies ResultMessage, transfer);
    }
    const chunkBuffers = message.returnBuffers ? batchBuffers(job.chunk.batches) : [];
    postWithTransfer(post, { id, kind: 'done', buffers: chunkBuffers } satisfies ResultMessage, chunkBuffers);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    post({ id, kind: 'error', name: e.name, message: e.message } satisfies ResultMessage);
  }
});
