import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classifyError, configError, ConnectorError, toErrorTrace } from '../../../src/errors/connector-error.js';
import { assertValidMessage } from '../../helpers/protocol-validator.js';

// Shapes of the driver's errors (node_modules/@databricks/sql/dist/errors and connection/connections).
class FakeTHTTPException extends Error {
  readonly statusCode: number;
  readonly type = 7; // TApplicationExceptionType.PROTOCOL_ERROR
  constructor(status: number) {
    super(`Received a response with a bad HTTP status code: ${status}`);
    this.name = 'THTTPException';
    this.statusCode = status;
  }
}

function operationStateError(sqlState: string, displayMessage: string): Error {
  return Object.assign(new Error(displayMessage), {
    errorCode: 'ERROR',
    response: { status: { statusCode: 0 }, operationState: 5, sqlState, displayMessage, errorMessage: displayMessage },
  });
}

function statusError(errorMessage: string): unknown {
  // StatusError is not an Error subclass in the driver: a plain object with name, message, code, stack.
  return { name: 'Status Error', message: errorMessage, code: -1, stack: '*org.apache.hive.service.cli.HiveSQLException' };
}

function netError(code: string): Error {
  return Object.assign(new Error(`request to https://x failed, reason: ${code}`), { code, errno: code, type: 'system' });
}

describe('classifyError', () => {
  const cases: Array<[string, unknown, string, RegExp]> = [
    ['HTTP 401', new FakeTHTTPException(401), 'config_error', /token is invalid or expired/],
    ['HTTP 403', new FakeTHTTPException(403), 'config_error', /token is invalid or expired/],
    ['HTTP 404', new FakeTHTTPException(404), 'config_error', /warehouse was not found/],
    ['HTTP 429', new FakeTHTTPException(429), 'transient_error', /HTTP 429/],
    ['HTTP 500', new FakeTHTTPException(500), 'transient_error', /HTTP 500/],
    ['HTTP 503', new FakeTHTTPException(503), 'transient_error', /starting/],
    ['HTTP 501', new FakeTHTTPException(501), 'system_error', /HTTP status 501/],
    ['HTTP 400', new FakeTHTTPException(400), 'system_error', /HTTP status 400/],
    ['ECONNRESET', netError('ECONNRESET'), 'transient_error', /ECONNRESET/],
    ['ETIMEDOUT', netError('ETIMEDOUT'), 'transient_error', /ETIMEDOUT/],
    ['ECONNREFUSED', netError('ECONNREFUSED'), 'transient_error', /ECONNREFUSED/],
    ['ENOTFOUND', netError('ENOTFOUND'), 'config_error', /could not be resolved/],
    ['self-signed certificate', netError('SELF_SIGNED_CERT_IN_CHAIN'), 'config_error', /tls_ca_certificate/],
    ['socket hang up', new Error('socket hang up'), 'transient_error', /temporarily unavailable/],
    [
      'table not found (OperationStateError)',
      operationStateError('42P01', '[TABLE_OR_VIEW_NOT_FOUND] The table or view `a`.`b` cannot be found. SQLSTATE: 42P01'),
      'config_error',
      /table or view was not found/,
    ],
    [
      'schema not found (StatusError with SQLSTATE in the text)',
      statusError('Error running query: [SCHEMA_NOT_FOUND] The schema `c`.`s` cannot be found. SQLSTATE: 42704'),
      'config_error',
      /schema was not found/,
    ],
    [
      'permission denied',
      operationStateError('42501', 'Insufficient privileges: User does not have USE CATALOG on Catalog \'foo\'.'),
      'config_error',
      /privilege/,
    ],
    [
      'column not found',
      operationStateError('42703', '[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column ... cannot be resolved. SQLSTATE: 42703'),
      'config_error',
      /column was not found/,
    ],
    [
      'catalog not found',
      statusError("[NO_SUCH_CATALOG_EXCEPTION] Catalog 'x' was not found."),
      'config_error',
      /catalog was not found/,
    ],
    ['warehouse id unknown', new Error('RESOURCE_DOES_NOT_EXIST: warehouse abc'), 'config_error', /warehouse was not found/],
    [
      'TEMPORARILY_UNAVAILABLE',
      new Error('TEMPORARILY_UNAVAILABLE: Cluster 123 is temporarily unavailable.'),
      'transient_error',
      /temporarily unavailable/,
    ],
    [
      'session not initialized',
      statusError('requirement failed: Session handle 1 has not been initialized or had already closed'),
      'transient_error',
      /starting/,
    ],
    [
      'syntax error without a user filter',
      operationStateError('42601', '\n[PARSE_SYNTAX_ERROR] Syntax error at or near \'x\'. SQLSTATE: 42601'),
      'system_error',
      /unexpected error occurred: \[PARSE_SYNTAX_ERROR\]/,
    ],
    ['the driver AuthenticationError', Object.assign(new Error('Failed to fetch access token'), { name: 'AuthenticationError' }), 'config_error', /refused the credentials/],
    ['an OAuth invalid_client answer', Object.assign(new Error('invalid_client (Client authentication failed)'), { name: 'OPError', error: 'invalid_client' }), 'config_error', /refused the credentials/],
    ['a plain bug', new TypeError('x is undefined'), 'system_error', /x is undefined/],
    ['a thrown string', 'boom', 'system_error', /boom/],
    ['a thrown null', null, 'system_error', /^An unexpected error occurred\.$/],
  ];
  for (const [name, err, failureType, message] of cases) {
    it(`classifies ${name} as ${failureType}`, () => {
      const c = classifyError(err);
      assert.equal(c.failureType, failureType);
      assert.match(c.message, message);
      assert.equal(c.cause, err);
    });
  }

  it('blames the stream filter for a syntax error in a query that has one', () => {
    const c = classifyError(operationStateError('42601', '[PARSE_SYNTAX_ERROR] ... SQLSTATE: 42601'), { hasUserFilter: true });
    assert.equal(c.failureType, 'config_error');
    assert.match(c.message, /stream_filters/);
  });

  it('words 401 for OAuth client credentials', () => {
    assert.match(classifyError(new FakeTHTTPException(401), { authType: 'oauth_m2m' }).message, /client_secret/);
  });

  it('classifies a RetryError by its last response', () => {
    const retry503 = Object.assign(new Error('Max retry count exceeded'), {
      errorCode: 'ATTEMPTS_EXCEEDED',
      payload: { request: {}, response: { status: 503, ok: false } },
    });
    assert.equal(classifyError(retry503).failureType, 'transient_error');
    const retryNet = Object.assign(new Error('Retry timeout exceeded'), { errorCode: 'TIMEOUT_EXCEEDED', payload: netError('ECONNRESET') });
    assert.equal(classifyError(retryNet).failureType, 'transient_error');
  });

  it('finds an errno code on a wrapped cause', () => {
    const wrapped = new Error('fetch failed', { cause: netError('ENOTFOUND') });
    assert.equal(classifyError(wrapped).failureType, 'config_error');
  });

  it('returns a ConnectorError unchanged and attaches a stream when asked', () => {
    const original = configError('bad');
    assert.equal(classifyError(original), original);
    const withStream = classifyError(original, { stream: { name: 't', namespace: 's' } });
    assert.deepEqual(withStream.stream, { name: 't', namespace: 's' });
    assert.ok(withStream instanceof ConnectorError);
  });
});

describe('toErrorTrace', () => {
  it('produces a valid TRACE ERROR with internal message, stack and stream', () => {
    const trace = toErrorTrace(new FakeTHTTPException(401), { stream: { name: 'users', namespace: 'a' }, now: 1 });
    assertValidMessage(trace);
    const error = (trace as unknown as { trace: { error: Record<string, unknown> } }).trace.error;
    assert.equal(error.failure_type, 'config_error');
    assert.equal(error.internal_message, 'THTTPException: Received a response with a bad HTTP status code: 401');
    assert.match(String(error.stack_trace), /THTTPException/);
    assert.deepEqual(error.stream_descriptor, { name: 'users', namespace: 'a' });
  });

  it('redacts secrets from the message, internal message and stack trace', () => {
    const secret = 'dapi0123456789abcdef';
    const err = new Error(`auth failed for token ${secret}`);
    const trace = toErrorTrace(err, { redact: (t) => t.replaceAll(secret, '****') });
    const text = JSON.stringify(trace);
    assert.ok(!text.includes(secret));
    assert.match(text, /\*\*\*\*/);
  });
});
