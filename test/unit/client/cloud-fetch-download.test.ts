import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { readBodyOnce } from '../../../src/client/cloud-fetch-download.js';
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

describe('readDownloadsOnce', () => {
  it('replaces only the fetch of a CloudFetch handler', () => {
    const CloudFetchResultHandler = (require('@databricks/sql/dist/result/CloudFetchResultHandler') as { default: { prototype: Record<string, unknown> } }).default;
    const proto = CloudFetchResultHandler.prototype;
    assert.equal(typeof proto['fetch'], 'function');
    // downloadLink reads `{ response, body }` from this.fetch and wraps body without a copy.
    const download = String(proto['downloadLink']);
    assert.match(download, /const \{ response, body \} = await this\.fetch\(link\.fileLink, \{ headers: link\.httpHeaders \}\)/);
    assert.match(download, /Buffer\.from\(result\)/);
    const handler = Object.assign(Object.create(proto) as Record<string, unknown>, { context: { getConnectionProvider: async () => ({}) } });
    assert.equal(readDownloadsOnce(handler), true);
    assert.notEqual(handler['fetch'], proto['fetch']);
    const inline = { hasMore: async () => false, fetchNext: async () => ({}) };
    assert.equal(readDownloadsOnce(inline), false);
    assert.equal('fetch' in inline, false);
  });
});
