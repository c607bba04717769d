import type { AirbyteMessage, FailureType, StreamDescriptor } from '../protocol/airbyte-protocol.js';
import { errorTraceMessage } from '../protocol/messages.js';

/**
 * The connector's errors: one base class with a failure type Airbyte understands, and one
 * classifier that maps whatever the driver, the network or Node threw onto it. Driver errors are
 * recognised by shape (fields and names), never by importing `@databricks/sql`.
 */

export interface ConnectorErrorOptions {
  readonly cause?: unknown;
  readonly stream?: StreamDescriptor;
  /** Detail for maintainers (the underlying error text); defaults to the cause's message. */
  readonly internalMessage?: string;
}

/** An error with a message for a person and the failure type Airbyte uses to decide on retries. */
export class ConnectorError extends Error {
  readonly failureType: FailureType;
  readonly stream: StreamDescriptor | undefined;
  readonly internalMessage: string | undefined;

  constructor(failureType: FailureType, message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectorError';
    this.failureType = failureType;
    this.stream = options.stream;
    this.internalMessage = options.internalMessage ?? causeMessage(options.cause);
  }

  /** The same error attributed to a stream (when the caller knows which stream failed). */
  withStream(stream: StreamDescriptor): ConnectorError {
    if (this.stream !== undefined) return this;
    const copy = new ConnectorError(this.failureType, this.message, {
      cause: this.cause,
      stream,
      ...(this.internalMessage === undefined ? {} : { internalMessage: this.internalMessage }),
    });
    copy.stack = this.stack;
    return copy;
  }
}

/** The user's input (config, catalog, state, filters) is wrong; retrying will not help. */
export function configError(message: string, options?: ConnectorErrorOptions): ConnectorError {
  return new ConnectorError('config_error', message, options);
}

/** Something temporary (network, throttling, a warehouse starting); a retry may succeed. */
export function transientError(message: string, options?: ConnectorErrorOptions): ConnectorError {
  return new ConnectorError('transient_error', message, options);
}

/** A fault in the connector or an unexpected answer from Databricks. */
export function systemError(message: string, options?: ConnectorErrorOptions): ConnectorError {
  return new ConnectorError('system_error', message, options);
}

export interface ClassifyContext {
  readonly stream?: StreamDescriptor;
  /** The failed statement included a user-written SQL predicate (stream_filters). */
  readonly hasUserFilter?: boolean;
  /** Which credential kind was used, to word authentication failures. */
  readonly authType?: 'personal_access_token' | 'oauth_m2m';
}

// Errno codes Node and node-fetch report for connection-level failures worth retrying
// (the same set the driver's HttpRetryPolicy retries, minus ENOTFOUND: an unknown host is a typo).
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

// node-fetch reports dropped keep-alive sockets without an errno (see the driver's HttpRetryPolicy).
const TRANSIENT_MESSAGE = /socket hang up|premature close|TEMPORARILY_UNAVAILABLE|has not been initialized|ECONNRESET|ETIMEDOUT/i;

const OAUTH_REJECTIONS = new Set(['invalid_client', 'unauthorized_client', 'access_denied', 'invalid_grant']);

interface SqlErrorRule {
  readonly sqlStates: readonly string[];
  readonly errorClasses: readonly string[];
  readonly message: string;
}

// SQLSTATEs and error classes from Databricks' error-conditions (fact sheet §6).
const SQL_CONFIG_ERRORS: readonly SqlErrorRule[] = [
  {
    sqlStates: ['42P01'],
    errorClasses: ['TABLE_OR_VIEW_NOT_FOUND'],
    message: 'The table or view was not found. It may have been dropped or renamed since discovery; refresh the source schema.',
  },
  {
    sqlStates: ['42704'],
    errorClasses: ['SCHEMA_NOT_FOUND'],
    message: 'The schema was not found. Check the `schemas` setting and that the schema exists in the catalog.',
  },
  {
    sqlStates: [],
    errorClasses: ['NO_SUCH_CATALOG_EXCEPTION', 'CATALOG_NOT_FOUND'],
    message: 'The catalog was not found. Check the `catalog` setting.',
  },
  {
    sqlStates: ['42501'],
    errorClasses: ['INSUFFICIENT_PERMISSIONS', 'PERMISSION_DENIED'],
    message:
      'The credentials lack a privilege needed to read this object (USE CATALOG, USE SCHEMA and SELECT are required).',
  },
  {
    sqlStates: ['42703'],
    errorClasses: ['UNRESOLVED_COLUMN'],
    message: 'A column was not found. It may have been dropped or renamed since discovery; refresh the source schema.',
  },
];

const USER_FILTER_SQL_STATES = new Set(['42601', '42703', '42883', '42K09', '22018', '42804']);

/** Maps any thrown value to a ConnectorError with a failure type and a message for a person. */
export function classifyError(err: unknown, context: ClassifyContext = {}): ConnectorError {
  const classified = classify(err, context);
  return context.stream === undefined ? classified : classified.withStream(context.stream);
}

function classify(err: unknown, context: ClassifyContext): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = asRecord(err);

  // The driver's RetryError wraps the last response or network error after its retry budget ran out.
  if (e !== undefined && (e.errorCode === 'ATTEMPTS_EXCEEDED' || e.errorCode === 'TIMEOUT_EXCEEDED')) {
    const last = e.payload;
    const status = httpStatus(asRecord(asRecord(last)?.response) ?? asRecord(last));
    const what = status === undefined ? 'network errors' : `HTTP ${status}`;
    if (status !== undefined && !isTransientStatus(status)) return classify(httpLike(status, err), context);
    return transientError(`Databricks kept failing with ${what} until the driver's retries ran out.`, { cause: err });
  }

  const status = httpStatus(e);
  if (status !== undefined) return classifyHttp(status, err, context);

  // The driver's AuthenticationError, and openid-client's OPError for a rejected client (OAuth M2M).
  if (e !== undefined && (e.name === 'AuthenticationError' || OAUTH_REJECTIONS.has(String(e.error)))) {
    return credentialsRejected(err, context, undefined);
  }

  const code = errorCode(err);
  if (code !== undefined) {
    if (code === 'ENOTFOUND') {
      return configError('The workspace host name could not be resolved. Check `workspace_url`.', { cause: err });
    }
    if (TLS_CODES.has(code)) {
      return configError(
        'The warehouse TLS certificate is not trusted. For a private CA, paste its PEM certificate into `tls_ca_certificate`.',
        { cause: err },
      );
    }
    if (TRANSIENT_NETWORK_CODES.has(code)) {
      return transientError(`The connection to Databricks failed (${code}); the sync can be retried.`, { cause: err });
    }
  }

  const sql = sqlFailure(e);
  if (sql !== undefined) {
    // The error class is more specific than the SQLSTATE (NO_SUCH_CATALOG_EXCEPTION and
    // SCHEMA_NOT_FOUND share 42704), so it decides when it is known.
    const byClass =
      sql.errorClass === undefined
        ? undefined
        : SQL_CONFIG_ERRORS.find((r) => r.errorClasses.some((c) => sql.errorClass!.startsWith(c)));
    const rule =
      byClass ?? SQL_CONFIG_ERRORS.find((r) => sql.sqlState !== undefined && r.sqlStates.includes(sql.sqlState));
    if (sql.errorClass === 'RESOURCE_DOES_NOT_EXIST') return warehouseNotFound(err);
    if (context.hasUserFilter === true && sql.sqlState !== undefined && USER_FILTER_SQL_STATES.has(sql.sqlState)) {
      return configError(
        `Databricks rejected the query (SQLSTATE ${sql.sqlState}); check this stream's SQL predicate in \`stream_filters\`.`,
        { cause: err },
      );
    }
    if (rule !== undefined) return configError(rule.message, { cause: err });
  }

  const message = errorMessage(err);
  if (message !== undefined && TRANSIENT_MESSAGE.test(message)) {
    return transientError('The Databricks warehouse is starting or temporarily unavailable; the sync can be retried.', {
      cause: err,
    });
  }
  return systemError(
    message === undefined ? 'An unexpected error occurred.' : `An unexpected error occurred: ${firstLine(message)}`,
    { cause: err },
  );
}

function classifyHttp(status: number, err: unknown, context: ClassifyContext): ConnectorError {
  if (status === 401 || status === 403) return credentialsRejected(err, context, status);
  if (status === 404) return warehouseNotFound(err);
  if (isTransientStatus(status)) {
    return transientError(
      `Databricks answered HTTP ${status}: the warehouse is starting, overloaded or throttling requests; the sync can be retried.`,
      { cause: err },
    );
  }
  return systemError(`Databricks answered with an unexpected HTTP status ${status}.`, { cause: err });
}

function credentialsRejected(err: unknown, context: ClassifyContext, status: number | undefined): ConnectorError {
  const what =
    context.authType === 'oauth_m2m'
      ? 'the OAuth client credentials were rejected: check client_id and client_secret, and that the service principal may use the warehouse.'
      : 'the token is invalid or expired. Create a new personal access token and update `credentials`.';
  const http = status === undefined ? '' : ` (HTTP ${status})`;
  return configError(`Databricks refused the credentials${http}: ${what}`, { cause: err });
}

function warehouseNotFound(err: unknown): ConnectorError {
  return configError(
    'The SQL warehouse was not found (HTTP 404). Check `warehouse_id` or `http_path` and that the warehouse still exists.',
    { cause: err },
  );
}

function isTransientStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status !== 501);
}

function httpLike(status: number, cause: unknown): Record<string, unknown> {
  return { statusCode: status, message: errorMessage(cause) };
}

function httpStatus(e: Record<string, unknown> | undefined): number | undefined {
  if (e === undefined) return undefined;
  // The driver's THTTPException (a thrift TApplicationException) carries `statusCode`; node-fetch responses `status`.
  const status = e.statusCode ?? (typeof e.ok === 'boolean' ? e.status : undefined);
  return typeof status === 'number' && status >= 100 ? status : undefined;
}

function errorCode(err: unknown): string | undefined {
  for (let current = err, depth = 0; current !== undefined && depth < 5; depth += 1) {
    const e = asRecord(current);
    if (e === undefined) return undefined;
    if (typeof e.code === 'string') return e.code;
    current = e.cause;
  }
  return undefined;
}

interface SqlFailure {
  readonly sqlState: string | undefined;
  readonly errorClass: string | undefined;
}

function sqlFailure(e: Record<string, unknown> | undefined): SqlFailure | undefined {
  if (e === undefined) return undefined;
  // OperationStateError keeps the TGetOperationStatusResp in `response`; StatusError only its message.
  const response = asRecord(e.response);
  const texts = [response?.displayMessage, response?.errorMessage, e.message].filter(
    (t): t is string => typeof t === 'string',
  );
  const text = texts.join('\n');
  const sqlState =
    (typeof response?.sqlState === 'string' && response.sqlState !== '' ? response.sqlState : undefined) ??
    /SQLSTATE:\s*([0-9A-Z]{5})/.exec(text)?.[1];
  const errorClass = /\[([A-Z][A-Z0-9_]*(?:\.[A-Z0-9_]+)?)\]/.exec(text)?.[1] ?? /\b(RESOURCE_DOES_NOT_EXIST)\b/.exec(text)?.[1];
  if (sqlState === undefined && errorClass === undefined) return undefined;
  return { sqlState, errorClass };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function errorMessage(err: unknown): string | undefined {
  const e = asRecord(err);
  if (e !== undefined && typeof e.message === 'string' && e.message !== '') return e.message;
  if (typeof err === 'string') return err;
  return undefined;
}

function causeMessage(cause: unknown): string | undefined {
  const message = errorMessage(cause);
  if (message === undefined) return undefined;
  const name = asRecord(cause)?.name;
  return typeof name === 'string' && name !== 'Error' ? `${name}: ${message}` : message;
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

export interface ErrorTraceOptions extends ClassifyContext {
  /** Applied to every text field of the trace so no secret reaches the output. */
  readonly redact?: (text: string) => string;
  readonly now?: number;
}

/** Turns any thrown value into one TRACE ERROR message. */
export function toErrorTrace(err: unknown, options: ErrorTraceOptions = {}): AirbyteMessage {
  const classified = classifyError(err, options);
  const redact = options.redact ?? ((text: string) => text);
  const stackSource = classified.cause ?? classified;
  const stack = asRecord(stackSource)?.stack;
  return errorTraceMessage(
    {
      message: redact(classified.message),
      failureType: classified.failureType,
      ...(classified.internalMessage === undefined ? {} : { internalMessage: redact(classified.internalMessage) }),
      ...(typeof stack === 'string' ? { stackTrace: redact(stack) } : {}),
      ...(classified.stream === undefined ? {} : { stream: classified.stream }),
    },
    options.now,
  );
}
