import { parentPort } from 'node:worker_threads';
import { encodeSlices } from './encode-slices.js';
import { portable, postWithTransfer, type JobMessage, type ResultMessage } from './encoder-messages.js';

// A worker thread of the encoder pool (encoder-pool.ts): decodes each chunk it is sent and posts
// back its RECORD lines slice by slice, jobs one at a time in the order they came.
const port = parentPort;
if (port === null) throw new Error('encoder-worker.ts runs only as a worker thread');

const post = (message: unknown, transfer?: ArrayBuffer[]): void => port.postMessage(message, transfer);

port.on('message', ({ id, job }: JobMessage) => {
  try {
    for (const slice of encodeSlices(job)) {
      const transfer: ArrayBuffer[] = [];
      const message: ResultMessage = { id, kind: 'slice', ...slice, lines: portable(slice.lines, transfer) };
      postWithTransfer(post, message, transfer);
    }
    post({ id, kind: 'done' } satisfies ResultMessage);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    post({ id, kind: 'error', name: e.name, message: e.message } satisfies ResultMessage);
  }
});
