import type { ArrowChunk } from '../../client/warehouse.js';
import type { EncodeTicket } from './slice-encoder.js';

/**
 * The chunks of a result as encode tickets, with up to `ahead` more chunks fetched and submitted
 * while the caller reads the current ticket: the next chunk is fetched and encoded (on a worker
 * thread when the encoder has one) while this one is written. However the iteration ends, every
 * ticket not read is discarded and the result is closed.
 */
export async function* encodeAhead(
  chunks: AsyncIterable<ArrowChunk>,
  submit: (chunk: ArrowChunk) => EncodeTicket,
  ahead = 1,
): AsyncGenerator<EncodeTicket> {
  const iterator = chunks[Symbol.asyncIterator]();
  const waiting: EncodeTicket[] = [];
  let current: EncodeTicket | undefined;
  let pulling: Promise<void> | undefined;
  let finished = false;
  let failure: { readonly error: unknown } | undefined;
  let wake: (() => void) | undefined;

  const pull = (): void => {
    if (pulling !== undefined || finished || failure !== undefined || waiting.length >= ahead) return;
    pulling = iterator
      .next()
      .then(
        (next) => {
          if (next.done === true) finished = true;
          // After the iteration ended (finished set by the cleanup), a late chunk is not encoded.
          else if (!finished) waiting.push(submit(next.value));
        },
        (error: unknown) => {
          failure = { error };
        },
      )
      .catch((error: unknown) => {
        failure = { error };
      })
      .finally(() => {
        pulling = undefined;
        const w = wake;
        wake = undefined;
        w?.();
        pull();
      });
  };

  try {
    for (;;) {
      pull();
      const ticket = waiting.shift();
      if (ticket !== undefined) {
        current = ticket;
        pull();
        yield ticket;
        current = undefined;
        continue;
      }
      if (failure !== undefined) throw failure.error;
      if (finished) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    current?.discard();
    // Stop pulling, let a fetch under way settle, then drop what it brought and close the result.
    finished = true;
    await pulling;
    for (const ticket of waiting.splice(0)) ticket.discard();
    await iterator.return?.().catch(() => undefined);
  }
}
