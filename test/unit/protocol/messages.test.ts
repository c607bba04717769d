import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertValidMessage, messageProblems } from '../../helpers/protocol-validator.js';
import {
  catalogMessage,
  connectionStatusMessage,
  errorTraceMessage,
  estimateTraceMessage,
  logMessage,
  recordMessage,
  specMessage,
  streamDescriptor,
  streamStateMessage,
  streamStatusMessage,
} from '../../../src/protocol/messages.js';

const users = streamDescriptor('users', 'analytics');

describe('protocol message builders', () => {
  it('builds messages that validate against the official AirbyteMessage schema', () => {
    const messages = [
      recordMessage(users, { id: 1, name: 'a' }, 1700000000000),
      recordMessage(streamDescriptor('no_namespace'), {}, 1),
      streamStateMessage(users, { version: 1, cursor: '5' }, 10),
      logMessage('INFO', 'hello'),
      logMessage('ERROR', 'boom', 'at x'),
      specMessage({ connectionSpecification: { type: 'object' }, supportsIncremental: true }),
      connectionStatusMessage('SUCCEEDED'),
      connectionStatusMessage('FAILED', 'bad token'),
      catalogMessage({
        streams: [
          {
            name: 'users',
            namespace: 'analytics',
            json_schema: { type: 'object', properties: {} },
            supported_sync_modes: ['full_refresh', 'incremental'],
            source_defined_cursor: false,
            default_cursor_field: ['updated_at'],
            source_defined_primary_key: [['id']],
            is_resumable: true,
          },
        ],
      }),
      errorTraceMessage({ message: 'm', internalMessage: 'i', stackTrace: 's', failureType: 'config_error', stream: users }),
      errorTraceMessage({ message: 'm', failureType: 'system_error' }),
      estimateTraceMessage(users, { rows: 10.4, bytes: 2048 }),
      estimateTraceMessage(users, {}),
      streamStatusMessage(users, 'STARTED'),
      streamStatusMessage(users, 'RUNNING'),
      streamStatusMessage(users, 'COMPLETE'),
      streamStatusMessage(users, 'INCOMPLETE'),
    ];
    for (const m of messages) assertValidMessage(JSON.parse(JSON.stringify(m)));
  });

  it('leaves out an absent namespace instead of writing null', () => {
    const m = recordMessage(streamDescriptor('t'), { a: 1 }, 5);
    assert.equal(JSON.stringify(m), '{"type":"RECORD","record":{"stream":"t","data":{"a":1},"emitted_at":5}}');
  });

  it('writes STATE as per-stream state with sourceStats.recordCount', () => {
    assert.deepEqual(streamStateMessage(users, { cursor: 'x' }, 3), {
      type: 'STATE',
      state: {
        type: 'STREAM',
        stream: { stream_descriptor: { name: 'users', namespace: 'analytics' }, stream_state: { cursor: 'x' } },
        sourceStats: { recordCount: 3 },
      },
    });
  });

  it('rounds estimates to the integers the schema requires', () => {
    const m = estimateTraceMessage(users, { rows: 10.6 }, 1) as { trace: { estimate: unknown } };
    assert.deepEqual(m.trace.estimate, { name: 'users', namespace: 'analytics', type: 'STREAM', row_estimate: 11 });
  });
});

describe('protocol validator', () => {
  it('rejects a message with an unknown type', () => {
    assert.throws(() => assertValidMessage({ type: 'NOPE' }), /invalid AirbyteMessage/);
  });

  it('rejects a RECORD without its record', () => {
    assert.deepEqual(messageProblems({ type: 'RECORD' }), ['/record is required for type RECORD']);
  });

  it('rejects a record missing emitted_at', () => {
    assert.throws(() => assertValidMessage({ type: 'RECORD', record: { stream: 's', data: {} } }), /emitted_at/);
  });

  it('rejects a namespace of null', () => {
    assert.throws(() =>
      assertValidMessage({ type: 'RECORD', record: { stream: 's', namespace: null, data: {}, emitted_at: 1 } }),
    );
  });

  it('rejects an unknown failure_type and log level', () => {
    assert.throws(() =>
      assertValidMessage({ type: 'TRACE', trace: { type: 'ERROR', emitted_at: 1, error: { message: 'x', failure_type: 'oops' } } }),
    );
    assert.throws(() => assertValidMessage({ type: 'LOG', log: { level: 'NOTICE', message: 'x' } }));
  });

  it('rejects a TRACE ERROR without its error object and a STREAM state without its stream', () => {
    assert.throws(() => assertValidMessage({ type: 'TRACE', trace: { type: 'ERROR', emitted_at: 1 } }), /trace\/error/);
    assert.throws(() => assertValidMessage({ type: 'STATE', state: { type: 'STREAM' } }), /state\/stream/);
  });

  it('rejects a catalog stream without supported_sync_modes', () => {
    assert.throws(() => assertValidMessage({ type: 'CATALOG', catalog: { streams: [{ name: 'a', json_schema: {} }] } }));
  });

  it('checks the spec documentationUrl format', () => {
    assert.throws(() =>
      assertValidMessage({ type: 'SPEC', spec: { documentationUrl: 'not a url', connectionSpecification: {} } }),
    );
  });
});
