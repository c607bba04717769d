import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { JsonLinesWriter } from '../../../src/output/json-lines-writer.js';
import { logMessage } from '../../../src/protocol/messages.js';

/** A sink that records each write and can be made slow to exercise backpressure. */
function sink(options: { highWaterMark?: number; delayMs?: number } = {}) {
  const writes: string[] = [];
  const stream = new Writable({
    highWaterMark: options.highWaterMark ?? 16 * 1024,
    decodeStrings: false,
    write(chunk: string, _enc, done) {
      writes.push(String(chunk));
      if (options.delayMs === undefined) done();
      else setTimeout(done, options.delayMs);
    },
  });
  return { stream, writes, text: () => writes.join('') };
}

describe('JsonLinesWriter', () => {
  it('batches many lines into few writes', async () => {
    const s = sink();
    const w = new JsonLinesWriter(s.stream, { bufferBytes: 1000 });
    for (let i = 0; i < 1000; i += 1) {
      const wait = w.writeLine(`{"i":${i}}`);
      if (wait) await wait;
    }
    await w.close();
    const lines = s.text().split('\n');
    assert.equal(lines.length, 1001);
    assert.equal(lines[999], '{"i":999}');
    assert.equal(lines[1000], '');
    assert.ok(s.writes.length < 20, `expected batching, got ${s.writes.length} writes`);
  });

  it('keeps nothing back after flush', async () => {
    const s = sink();
    const w = new JsonLinesWriter(s.stream);
    w.writeMessage(logMessage('INFO', 'x'));
    assert.equal(s.writes.length, 0);
    await w.flush();
    assert.equal(s.text(), '{"type":"LOG","log":{"level":"INFO","message":"x"}}\n');
    assert.equal(w.bufferedBytes, 0);
  });

  it('writes what it holds once the caller yields, in one write for the turn', async () => {
    const s = sink();
    const w = new JsonLinesWriter(s.stream);
    w.writeMessage(logMessage('INFO', 'starting'));
    w.writeMessage(logMessage('INFO', 'query sent'));
    assert.equal(s.writes.length, 0, 'held while the caller runs');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(s.writes, ['{"type":"LOG","log":{"level":"INFO","message":"starting"}}\n{"type":"LOG","log":{"level":"INFO","message":"query sent"}}\n']);
    assert.equal(w.bufferedBytes, 0);
  });

  it('asks the caller to wait while the stream is full and resumes after drain', async () => {
    const s = sink({ highWaterMark: 100, delayMs: 2 });
    const w = new JsonLinesWriter(s.stream, { bufferBytes: 50 });
    let waits = 0;
    for (let i = 0; i < 200; i += 1) {
      const wait = w.writeLine(`"line ${i} ${'x'.repeat(40)}"`);
      if (wait) {
        waits += 1;
        await wait;
        assert.ok(s.stream.writableLength < 100, 'drained before resuming');
      }
    }
    await w.close();
    assert.ok(waits > 0, 'backpressure was signalled');
    assert.equal(s.text().split('\n').length, 201);
  });

  it('accepts pre-joined batches of lines and rejects a batch without a final newline', async () => {
    const s = sink();
    const w = new JsonLinesWriter(s.stream);
    w.writeLines('{"a":1}\n{"a":2}\n');
    w.writeLine('{"a":3}');
    assert.throws(() => w.writeLines('{"a":4}'), /newline-terminated/);
    await w.flush();
    assert.equal(s.text(), '{"a":1}\n{"a":2}\n{"a":3}\n');
  });

  it('gives encoded lines back once it no longer reads them: at once when copied, after the write when passed on', async () => {
    const writes: string[] = [];
    // The stream reads each chunk only when it finishes writing it, as a slow pipe would.
    const stream = new Writable({
      write(chunk: Buffer, _e, done) {
        setTimeout(() => {
          writes.push(chunk.toString('utf8'));
          done();
        }, 5);
      },
    });
    const w = new JsonLinesWriter(stream, { bufferBytes: 64 });
    const released: string[] = [];
    // Given back means reused: scribbled over at once, so a read after that would show it.
    const giveBack = (name: string, bytes: Buffer) => () => {
      released.push(name);
      bytes.fill(0x58);
    };
    const small = Buffer.from('{"a":1}\n');
    const large = Buffer.from('{"b":2}\n'.repeat(100));
    w.writeEncodedLines(small, giveBack('small', small));
    assert.deepEqual(released, ['small'], 'a batch copied into the buffer is given back at once');
    w.writeEncodedLines(large, giveBack('large', large));
    assert.deepEqual(released, ['small'], 'a batch the stream holds is not given back yet');
    await w.close();
    assert.deepEqual(released, ['small', 'large']);
    assert.equal(writes.join(''), `{"a":1}\n${'{"b":2}\n'.repeat(100)}`);

    const broken = new Writable({
      write(_c, _e, done) {
        setTimeout(() => done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })), 5);
      },
    });
    broken.on('error', () => undefined);
    const failing = new JsonLinesWriter(broken, { bufferBytes: 64 });
    const lost = Buffer.from('{"c":3}\n'.repeat(100));
    let givenBack = false;
    failing.writeEncodedLines(lost, () => (givenBack = true));
    await new Promise((r) => setTimeout(r, 30));
    assert.ok(givenBack, 'a failed write gives its bytes back too');
  });

  it('encodes multi-byte text and lines longer than the buffer without cutting characters', async () => {
    const s = sink();
    const w = new JsonLinesWriter(s.stream, { bufferBytes: 64 });
    const long = JSON.stringify({ s: 'ü€😀'.repeat(50) });
    w.writeLine('"é"');
    w.writeLine(long);
    w.writeLine('"列"');
    await w.flush();
    assert.equal(s.text(), `"é"\n${long}\n"列"\n`);
  });

  it('fails the next write after the stream broke (EPIPE)', async () => {
    const stream = new Writable({
      write(_c, _e, done) {
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const w = new JsonLinesWriter(stream, { bufferBytes: 1 });
    try {
      w.writeLine('a');
    } catch {
      // the first write may or may not see the error yet
    }
    await new Promise((r) => setImmediate(r));
    assert.throws(() => w.writeLine('b'), /EPIPE/);
    await assert.rejects(w.flush(), /EPIPE/);
  });

  it('writes about 300k records per second or better when batched', async () => {
    let bytes = 0;
    const counting = new Writable({
      write(chunk, _e, done) {
        bytes += chunk.length;
        done();
      },
    });
    const w = new JsonLinesWriter(counting);
    const line = JSON.stringify({ type: 'RECORD', record: { stream: 'events', data: { id: 123456, name: 'abcdefgh', ts: '2024-01-01T00:00:00.000000Z' }, emitted_at: 1700000000000 } });
    const n = 200_000;
    const start = performance.now();
    for (let i = 0; i < n; i += 1) {
      const wait = w.writeLine(line);
      if (wait) await wait;
    }
    await w.flush();
    const perSecond = n / ((performance.now() - start) / 1000);
    assert.equal(bytes, (line.length + 1) * n);
    // A generous floor for a shared 2-core machine; the writer alone runs at millions of lines/s.
    assert.ok(perSecond > 300_000, `only ${Math.round(perSecond)} lines/s`);
  });
});

describe('flushSync', () => {
  it('writes buffered lines synchronously to the file descriptor', async () => {
    const { mkdtempSync, openSync, closeSync, readFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'jlw-'));
    const path = join(dir, 'out.jsonl');
    const fd = openSync(path, 'w');
    const stream = new Writable({ write: (_c, _e, done) => done() });
    const w = new JsonLinesWriter(stream, { fd });
    w.writeLine('{"a":1}');
    w.writeLine('{"b":"ü"}');
    w.flushSync();
    closeSync(fd);
    assert.equal(readFileSync(path, 'utf8'), '{"a":1}\n{"b":"ü"}\n');
    assert.equal(w.bufferedBytes, 0);
    rmSync(dir, { recursive: true, force: true });
  });
});
