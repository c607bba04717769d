import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferPool, MIN_POOLED_BYTES } from '../../../src/memory/buffer-pool.js';

const KiB = 1024;

describe('BufferPool', () => {
  it('hands a released buffer out again for a request it can hold, as a view of exactly the size asked', () => {
    const pool = new BufferPool();
    const first = pool.acquire(100 * KiB);
    assert.equal(first.length, 100 * KiB);
    assert.ok(first.buffer.byteLength >= 100 * KiB, 'a buffer of its own, not a window on a shared one');
    assert.equal(first.byteOffset, 0);
    pool.release(first.subarray(10, 20));
    const second = pool.acquire(90 * KiB);
    assert.equal(second.buffer, first.buffer, 'the same memory again');
    assert.equal(second.length, 90 * KiB);
    assert.deepEqual(pool.stats, { reused: 1, allocated: 1, free: 0, freeBytes: 0 });
  });

  it('reuses a buffer only between the size asked and twice it', () => {
    const pool = new BufferPool();
    const big = pool.acquire(400 * KiB);
    pool.release(big);
    const small = pool.acquire(100 * KiB);
    assert.notEqual(small.buffer, big.buffer, 'too large to tie up for a quarter of it');
    const large = pool.acquire(600 * KiB);
    assert.notEqual(large.buffer, big.buffer, 'too small');
    const fits = pool.acquire(300 * KiB);
    assert.equal(fits.buffer, big.buffer);
  });

  it('picks the smallest free buffer that fits', () => {
    const pool = new BufferPool();
    const a = pool.acquire(200 * KiB);
    const b = pool.acquire(130 * KiB);
    pool.release(a);
    pool.release(b);
    assert.equal(pool.acquire(120 * KiB).buffer, b.buffer);
    assert.equal(pool.acquire(130 * KiB).buffer, a.buffer);
  });

  it('leaves small buffers to Node and ignores them on release', () => {
    const pool = new BufferPool();
    const small = pool.acquire(MIN_POOLED_BYTES - 1);
    assert.equal(small.length, MIN_POOLED_BYTES - 1);
    pool.release(small);
    pool.release(Buffer.from('not from the pool'));
    assert.deepEqual(pool.stats, { reused: 0, allocated: 0, free: 0, freeBytes: 0 });
  });

  it('refuses a buffer released twice', () => {
    const pool = new BufferPool();
    const b = pool.acquire(100 * KiB);
    pool.release(b);
    assert.throws(() => pool.release(b), /released twice/);
  });

  it('keeps at most maxFree buffers and maxFreeBytes, the largest ones', () => {
    const pool = new BufferPool({ maxFree: 2, maxFreeBytes: 10_000 * KiB });
    const sizes = [100, 300, 200].map((k) => pool.acquire(k * KiB));
    for (const b of sizes) pool.release(b);
    assert.equal(pool.stats.free, 2);
    assert.equal(pool.stats.freeBytes, sizes[1]!.buffer.byteLength + sizes[2]!.buffer.byteLength, 'the 100 KiB one made room');

    const capped = new BufferPool({ maxFree: 8, maxFreeBytes: 500 * KiB });
    const x = capped.acquire(200 * KiB);
    const y = capped.acquire(300 * KiB);
    capped.release(x);
    capped.release(y);
    assert.ok(capped.stats.freeBytes <= 500 * KiB, `${capped.stats.freeBytes} bytes kept`);
    assert.equal(capped.stats.free, 1);
    assert.equal(capped.acquire(300 * KiB).buffer, y.buffer, 'the larger one was kept');
  });
});
