import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { DownloadBuffers, readBodyOnce } from '../../../src/client/cloud-fetch-download.js';
import { readDownloadsOnce } from '../../../src/client/driver-internals.js';

const require = createRequire(import.meta.url);

/** A node-fetch-like response whose body sends `pieces`, then ends or fails with `error`. */
function response(pieces: readonly Buffer[], headers: Record<string, string>, error?: Error) {
  const body = new PassThrough();
  setImmediate(() => {
    for (const p of pieces) body.write(p);
    if (error === undefined) body.end();
    else body.destroy(error);
  });
  return { ok: true, headers: { get: (name: string) => headers[name.toLowerCase()] ?? null }, body };
}

const pieces = Array.from({ length: 40 }, (_, i) => Buffer.alloc(1000 + i, i));
const whole = Buffer.concat(pieces);

describe('readBodyOnce', () => {
  it('reads a body of declared length into one buffer of exactly that size', async () => {
    const bytes = await readBodyOnce(response(pieces, { 'content-length': String(whole.length) }));
    assert.ok(bytes instanceof ArrayBuffer);
    assert.equal(bytes.byteLength, whole.length);
    assert.ok(Buffer.from(bytes).equals(whole));
  });

  it('joins a body without a length, re-encoded, or longer than declared', async () => {
    const variants: Record<string, string>[] = [{}, { 'content-length': String(whole.length), 'content-encoding': 'gzip' }, { 'content-length': '5000' }];
    for (const headers of variants) {
      const bytes = await readBodyOnce(response(pieces, headers));
      assert.equal(bytes.byteLength, whole.length, JSON.stringify(headers));
      assert.ok(Buffer.from(bytes).equals(whole), JSON.stringify(headers));
    }
    const small = await readBodyOnce(response([Buffer.from('tiny')], {}));
    assert.equal(Buffer.from(small).toString(), 'tiny');
    assert.equal(small.byteLength, 4);
  });

  it("fails a cut body the way the driver's retry policy retries", async () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const cut = await readBodyOnce(response(pieces.slice(0, 3), { 'content-length': String(whole.length) }, reset)).catch((e: unknown) => e);
    assert.ok(cut instanceof Error);
    assert.equal((cut as { type?: string }).type, 'system');
    assert.equal((cut as { code?: string }).code, 'ECONNRESET');
    assert.match(cut.message, /ECONNRESET/);
    const short = await readBodyOnce(response(pieces.slice(0, 3), { 'content-length': String(whole.length) })).catch((e: unknown) => e);
    assert.ok(short instanceof Error);
    assert.equal((short as { type?: string }).type, 'system');
    assert.match(short.message, /premature close: 3003 of 40780 bytes/);
    // The driver's own policy decides: both are network errors it retries.
    const HttpRetryPolicy = (require('@databricks/sql/dist/connection/connections/HttpRetryPolicy') as { default: new (c: unknown) => { isRetryableNetworkError(e: unknown): boolean } }).default;
    const policy = new HttpRetryPolicy({});
    assert.equal(policy.isRetryableNetworkError(cut), true);
    assert.equal(policy.isRetryableNetworkError(short), true);
  });
});

describe('DownloadBuffers', () => {
  /** A file of `size` bytes, each byte set from `seed`, sent in 16 KiB pieces. */
  const file = (size: number, seed: number): Buffer => Buffer.from(Array.from({ length: size }, (_, i) => (i * 7 + seed) & 0xff));
  const send = (bytes: Buffer, buffers: DownloadBuffers) => {
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 16384) chunks.push(bytes.subarray(at, at + 16384));
    return readBodyOnce(response(chunks, { 'content-length': String(bytes.length) }), buffers);
  };

  it('downloads the next file into a buffer given back, and cuts the driver view to the file', async () => {
    const buffers = new DownloadBuffers();
    const first = file(300_000, 1);
    const body1 = await send(first, buffers);
    // The driver wraps the whole ArrayBuffer (downloadLink: Buffer.from(result)).
    assert.ok(Buffer.from(buffers.body(Buffer.from(body1))).equals(first));
    buffers.recycle([body1]);
    const second = file(290_000, 2);
    const body2 = await send(second, buffers);
    assert.equal(body2, body1, 'the same ArrayBuffer took the second file');
    assert.ok(body2.byteLength > second.length);
    const cut = buffers.body(Buffer.from(body2));
    assert.equal(cut.byteLength, second.length);
    assert.ok(Buffer.from(cut).equals(second));
    assert.deepEqual(buffers.stats, { reused: 1, allocated: 1 });
  });

  it('never hands one buffer to two downloads at once', async () => {
    const buffers = new DownloadBuffers();
    const files = [file(200_000, 3), file(200_000, 4), file(200_000, 5)];
    const bodies = await Promise.all(files.map((f) => send(f, buffers)));
    assert.equal(new Set(bodies).size, 3);
    bodies.forEach((b, i) => assert.ok(Buffer.from(buffers.body(Buffer.from(b))).equals(files[i]!), `file ${i}`));
    // A buffer moved to a worker and back arrives as another ArrayBuffer object: still taken.
    const moved = structuredClone(bodies[0]!, { transfer: [bodies[0]!] });
    buffers.recycle([moved]);
    buffers.recycle([bodies[1]!]);
    const next = [file(190_000, 6), file(150_000, 7), file(120_000, 8)];
    const again = await Promise.all(next.map((f) => send(f, buffers)));
    assert.equal(new Set([...again, bodies[2]]).size, 4, 'the buffer still held is not handed out');
    again.forEach((b, i) => assert.ok(Buffer.from(buffers.body(Buffer.from(b))).equals(next[i]!), `file ${i}`));
    assert.deepEqual(buffers.stats, { reused: 2, allocated: 4 });
  });

  it('gives small files a buffer of their exact size, never a window on a shared pool', async () => {
    const buffers = new DownloadBuffers();
    const small = file(1000, 9);
    const body = await send(small, buffers);
    assert.equal(body.byteLength, 1000);
    assert.ok(Buffer.from(body).equals(small));
    buffers.recycle([body]);
    assert.deepEqual(buffers.stats, { reused: 0, allocated: 0 });
  });

  it('leaves views it did not make alone', () => {
    const buffers = new DownloadBuffers();
    const other = new Uint8Array(new ArrayBuffer(100_000), 0, 100_000);
    assert.equal(buffers.body(other), other);
  });
});

describe('readDownloadsOnce', () => {
  it('replaces only the fetch of a CloudFetch handler', () => {
    const CloudFetchResultHandler = (require('@databricks/sql/dist/result/CloudFetchResultHandler') as { default: { prototype: Record<string, unknown> } }).default;
    const proto = CloudFetchResultHandler.prototype;
    assert.equal(typeof proto['fetch'], 'function');
    // downloadLink reads `{ response, body }` from this.fetch and wraps body without a copy.
    const download = String(proto['downloadLink']);
    assert.match(download, /const \{ response, body \} = await this\.fetch\(link\.fileLink, \{ headers: link\.httpHeaders \}\)/);
    assert.match(download, /Buffer\.from\(result\)/);
    // Reused download buffers are left out for LZ4-framed files, known by this field.
    assert.match(String(CloudFetchResultHandler), /this\.isLZ4Compressed = /);
    const handler = Object.assign(Object.create(proto) as Record<string, unknown>, { context: { getConnectionProvider: async () => ({}) } });
    assert.equal(readDownloadsOnce(handler), true);
    assert.notEqual(handler['fetch'], proto['fetch']);
    const inline = { hasMore: async () => false, fetchNext: async () => ({}) };
    assert.equal(readDownloadsOnce(inline), false);
    assert.equal('fetch' in inline, false);
  });
});
