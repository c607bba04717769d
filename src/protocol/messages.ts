import type {
  AirbyteCatalog,
  AirbyteErrorTraceMessage,
  AirbyteMessage,
  ConnectorSpecification,
  FailureType,
  LogLevel,
  StreamDescriptor,
  StreamStatus,
} from './airbyte-protocol.js';

/**
 * Builders for every message this source prints. They only shape data; the output module
 * serialises and writes them. `now` is injectable so tests get stable `emitted_at` values.
 */

/** A stream descriptor without an `undefined` namespace key (the schema allows absence, not null). */
export function streamDescriptor(name: string, namespace?: string): StreamDescriptor {
  return namespace === undefined ? { name } : { name, namespace };
}

export function recordMessage(
  stream: StreamDescriptor,
  data: Readonly<Record<string, unknown>>,
  emittedAt: number = Date.now(),
): AirbyteMessage {
  const record =
    stream.namespace === undefined
      ? { stream: stream.name, data, emitted_at: emittedAt }
      : { stream: stream.name, namespace: stream.namespace, data, emitted_at: emittedAt };
  return { type: 'RECORD', record };
}

/**
 * A per-stream STATE message. `recordCount` is the number of records emitted for this stream
 * since its previous STATE message; Airbyte compares it with what the destination received.
 */
export function streamStateMessage(
  stream: StreamDescriptor,
  streamState: Readonly<Record<string, unknown>>,
  recordCount: number,
): AirbyteMessage {
  return {
    type: 'STATE',
    state: {
      type: 'STREAM',
      stream: { stream_descriptor: streamDescriptor(stream.name, stream.namespace), stream_state: streamState },
      sourceStats: { recordCount },
    },
  };
}

export function logMessage(level: LogLevel, message: string, stackTrace?: string): AirbyteMessage {
  return {
    type: 'LOG',
    log: stackTrace === undefined ? { level, message } : { level, message, stack_trace: stackTrace },
  };
}

export function specMessage(spec: ConnectorSpecification): AirbyteMessage {
  return { type: 'SPEC', spec };
}

export function connectionStatusMessage(status: 'SUCCEEDED' | 'FAILED', message?: string): AirbyteMessage {
  return {
    type: 'CONNECTION_STATUS',
    connectionStatus: message === undefined ? { status } : { status, message },
  };
}

export function catalogMessage(catalog: AirbyteCatalog): AirbyteMessage {
  return { type: 'CATALOG', catalog };
}

export interface ErrorTraceFields {
  readonly message: string;
  readonly internalMessage?: string;
  readonly stackTrace?: string;
  readonly failureType: FailureType;
  readonly stream?: StreamDescriptor;
}

export function errorTraceMessage(fields: ErrorTraceFields, emittedAt: number = Date.now()): AirbyteMessage {
  const error: AirbyteErrorTraceMessage = {
    message: fields.message,
    failure_type: fields.failureType,
    ...(fields.internalMessage === undefined ? {} : { internal_message: fields.internalMessage }),
    ...(fields.stackTrace === undefined ? {} : { stack_trace: fields.stackTrace }),
    ...(fields.stream === undefined
      ? {}
      : { stream_descriptor: streamDescriptor(fields.stream.name, fields.stream.namespace) }),
  };
  return { type: 'TRACE', trace: { type: 'ERROR', emitted_at: emittedAt, error } };
}

export interface Estimate {
  readonly rows?: number;
  readonly bytes?: number;
}

/** A per-stream ESTIMATE trace; the platform shows it as sync progress. */
export function estimateTraceMessage(
  stream: StreamDescriptor,
  estimate: Estimate,
  emittedAt: number = Date.now(),
): AirbyteMessage {
  return {
    type: 'TRACE',
    trace: {
      type: 'ESTIMATE',
      emitted_at: emittedAt,
      estimate: {
        name: stream.name,
        ...(stream.namespace === undefined ? {} : { namespace: stream.namespace }),
        type: 'STREAM',
        ...(estimate.rows === undefined ? {} : { row_estimate: Math.round(estimate.rows) }),
        ...(estimate.bytes === undefined ? {} : { byte_estimate: Math.round(estimate.bytes) }),
      },
    },
  };
}

export function streamStatusMessage(
  stream: StreamDescriptor,
  status: StreamStatus,
  emittedAt: number = Date.now(),
): AirbyteMessage {
  return {
    type: 'TRACE',
    trace: {
      type: 'STREAM_STATUS',
      emitted_at: emittedAt,
      stream_status: { stream_descriptor: streamDescriptor(stream.name, stream.namespace), status },
    },
  };
}
