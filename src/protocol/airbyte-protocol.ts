/**
 * The subset of the Airbyte protocol (version 0.3.2) this source reads and writes, as TypeScript
 * types. Written from the official schema, of which `airbyte-protocol.schema.json` beside this file
 * is an unmodified copy (airbytehq/airbyte-protocol, protocol-models/src/main/resources/airbyte_protocol/).
 * Every message printed must validate against `#/definitions/AirbyteMessage` there; the tests check it.
 */

export type SyncMode = 'full_refresh' | 'incremental';
export type DestinationSyncMode = 'append' | 'overwrite' | 'append_dedup' | 'overwrite_dedup';
export type FailureType = 'config_error' | 'system_error' | 'transient_error';
export type LogLevel = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';
export type StreamStatus = 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE';

/** A JSON schema object; kept loose because stream schemas are data, not code. */
export type JsonSchema = { readonly [key: string]: unknown };

export interface StreamDescriptor {
  readonly name: string;
  readonly namespace?: string;
}

export interface AirbyteRecordMessage {
  readonly stream: string;
  readonly namespace?: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** Epoch milliseconds. */
  readonly emitted_at: number;
}

/** Per-stream state (`type: STREAM`); the only kind this source emits. */
export interface AirbyteStreamState {
  readonly stream_descriptor: StreamDescriptor;
  readonly stream_state?: Readonly<Record<string, unknown>>;
}

export interface AirbyteStateStats {
  /** Records emitted for this stream since the previous state message of the stream. */
  readonly recordCount?: number;
}

export interface AirbyteStateMessage {
  readonly type?: 'GLOBAL' | 'STREAM' | 'LEGACY';
  readonly stream?: AirbyteStreamState;
  /** Only read, never written: the pre-0.3 whole-connection state blob. */
  readonly data?: Readonly<Record<string, unknown>>;
  readonly global?: Readonly<Record<string, unknown>>;
  readonly sourceStats?: AirbyteStateStats;
}

export interface AirbyteLogMessage {
  readonly level: LogLevel;
  readonly message: string;
  readonly stack_trace?: string;
}

export interface AirbyteErrorTraceMessage {
  /** For a person: what went wrong and what to do. */
  readonly message: string;
  readonly internal_message?: string;
  readonly stack_trace?: string;
  readonly failure_type?: FailureType;
  readonly stream_descriptor?: StreamDescriptor;
}

export interface AirbyteEstimateTraceMessage {
  readonly name: string;
  readonly namespace?: string;
  readonly type: 'STREAM';
  readonly row_estimate?: number;
  readonly byte_estimate?: number;
}

export interface AirbyteStreamStatusTraceMessage {
  readonly stream_descriptor: StreamDescriptor;
  readonly status: StreamStatus;
}

export type AirbyteTraceMessage =
  | { readonly type: 'ERROR'; readonly emitted_at: number; readonly error: AirbyteErrorTraceMessage }
  | { readonly type: 'ESTIMATE'; readonly emitted_at: number; readonly estimate: AirbyteEstimateTraceMessage }
  | {
      readonly type: 'STREAM_STATUS';
      readonly emitted_at: number;
      readonly stream_status: AirbyteStreamStatusTraceMessage;
    };

export interface AirbyteStream {
  readonly name: string;
  readonly namespace?: string;
  readonly json_schema: JsonSchema;
  readonly supported_sync_modes: readonly SyncMode[];
  readonly source_defined_cursor?: boolean;
  readonly default_cursor_field?: readonly string[];
  readonly source_defined_primary_key?: readonly (readonly string[])[];
  readonly is_resumable?: boolean;
}

export interface AirbyteCatalog {
  readonly streams: readonly AirbyteStream[];
}

export interface ConfiguredAirbyteStream {
  readonly stream: AirbyteStream;
  readonly sync_mode: SyncMode;
  readonly cursor_field?: readonly string[];
  readonly destination_sync_mode: DestinationSyncMode;
  readonly primary_key?: readonly (readonly string[])[];
  readonly generation_id?: number;
  readonly minimum_generation_id?: number;
  readonly sync_id?: number;
}

export interface ConfiguredAirbyteCatalog {
  readonly streams: readonly ConfiguredAirbyteStream[];
}

export interface AirbyteConnectionStatus {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly message?: string;
}

export interface ConnectorSpecification {
  readonly documentationUrl?: string;
  readonly changelogUrl?: string;
  readonly connectionSpecification: JsonSchema;
  readonly supportsIncremental?: boolean;
  readonly supported_destination_sync_modes?: readonly DestinationSyncMode[];
}

export type AirbyteMessage =
  | { readonly type: 'RECORD'; readonly record: AirbyteRecordMessage }
  | { readonly type: 'STATE'; readonly state: AirbyteStateMessage }
  | { readonly type: 'LOG'; readonly log: AirbyteLogMessage }
  | { readonly type: 'SPEC'; readonly spec: ConnectorSpecification }
  | { readonly type: 'CONNECTION_STATUS'; readonly connectionStatus: AirbyteConnectionStatus }
  | { readonly type: 'CATALOG'; readonly catalog: AirbyteCatalog }
  | { readonly type: 'TRACE'; readonly trace: AirbyteTraceMessage };
