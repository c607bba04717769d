import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Redactor } from '../../../src/output/redactor.js';
import { createLogger } from '../../../src/output/logger.js';
import { JsonLinesWriter } from '../../../src/output/json-lines-writer.js';
import { assertValidLines } from '../../helpers/protocol-validator.js';

describe('Redactor', () => {
  it('masks every occurrence of every registered secret', () => {
    const r = new Redactor();
    r.add('dapi-secret-token');
    r.add('client$ecret.(x)');
    assert.equal(
      r.redact('Bearer dapi-secret-token failed; again dapi-secret-token; secret client$ecret.(x)'),
      'Bearer **** failed; again ****; secret ****',
    );
  });

  it('masks the JSON-escaped and URL-encoded forms of a secret', () => {
    const r = new Redactor();
    r.add('a"b/c d');
    assert.equal(r.redact(JSON.stringify({ token: 'a"b/c d' })), '{"token":"****"}');
    assert.equal(r.redact('https://x/?t=a%22b%2Fc%20d'), 'https://x/?t=****');
  });

  it('leaves text alone when nothing is registered and ignores tiny values', () => {
    const r = new Redactor();
    assert.equal(r.redact('plain text'), 'plain text');
    r.add('ab');
    r.add(undefined);
    r.add('');
    assert.equal(r.redact('ab cab'), 'ab cab');
  });

  it('prefers the longest secret when one contains another', () => {
    const r = new Redactor();
    r.add('abcd');
    r.add('abcdefgh');
    assert.equal(r.redact('xabcdefghx'), 'x****x');
  });
});

describe('logger', () => {
  it('writes redacted LOG messages with redacted stack traces and honours the level', async () => {
    let out = '';
    const stream = new Writable({
      write(chunk, _e, done) {
        out += String(chunk);
        done();
      },
    });
    const writer = new JsonLinesWriter(stream);
    const redactor = new Redactor();
    redactor.add('s3cr3t-token');
    const log = createLogger(writer, redactor);
    log.debug('hidden at INFO');
    log.info('connecting with s3cr3t-token');
    const err = new Error('bad token s3cr3t-token');
    log.error('failed', err);
    log.warn('careful');
    await writer.flush();
    assert.ok(!out.includes('s3cr3t-token'));
    const messages = assertValidLines(out) as Array<{ log: { level: string; message: string; stack_trace?: string } }>;
    assert.deepEqual(messages.map((m) => m.log.level), ['INFO', 'ERROR', 'WARN']);
    assert.equal(messages[0]!.log.message, 'connecting with ****');
    assert.match(messages[1]!.log.stack_trace!, /bad token \*\*\*\*/);
  });
});
