import { configError } from '../errors/connector-error.js';
import type { StreamDescriptor } from '../protocol/airbyte-protocol.js';
import { streamLabel, validateStreamState, type CursorStreamState } from './stream-state.js';

/**
 * Reads the --state file: Airbyte passes back the STATE messages it kept, as a JSON array of
 * AirbyteStateMessage (protocol 0.3: per-stream `type: STREAM`). Older platforms pass one legacy
 * object instead: `{ "type": "LEGACY", "data": ... }` or the bare data blob, whose `streams`
 * list (Airbyte JDBC DbState: stream_name, stream_namespace, cursor_field, cursor) is honoured.
 */

export interface IncomingState {
  /** Saved state per configured stream that has one. */
  readonly streams: ReadonlyMap<string, CursorStreamState>;
  /** Things worth a LOG line: ignored entries, migrated formats. */
  readonly notices: readonly string[];
}

/** The map key of a stream: namespace and name joined by a character neither can contain. */
export function streamKey(stream: StreamDescriptor): string {
  return `${stream.namespace ?? ''}\u0000${stream.name}`;
}

/**
 * Parses the state file content for the configured streams. Entries for streams not in the
 * catalog are ignored with a notice; a malformed entry for a configured stream is a config_error
 * naming that stream.
 */
export function parseIncomingState(raw: unknown, configured: readonly StreamDescriptor[]): IncomingState {
  const wanted = new Map(configured.map((s) => [streamKey(s), s]));
  const streams = new Map<string, CursorStreamState>();
  const notices: string[] = [];

  const accept = (descriptor: StreamDescriptor, value: unknown): void => {
    const key = streamKey(descriptor);
    const stream = wanted.get(key);
    if (stream === undefined) {
      notices.push(`Ignoring saved state of stream ${streamLabel(descriptor)}: it is not in the configured catalog.`);
      return;
    }
    const validated = validateStreamState(value, stream);
    if (validated === undefined) return;
    if (streams.has(key)) notices.push(`The state file holds stream ${streamLabel(stream)} twice; using the last entry.`);
    if (validated.migratedFrom !== undefined) {
      notices.push(
        `Converted the saved state of stream ${streamLabel(stream)} from the ${validated.migratedFrom} format; rows equal to the saved cursor are read once more.`,
      );
    }
    streams.set(key, validated.state);
  };

  const acceptLegacyBlob = (data: unknown): void => {
    const list = isObject(data) ? data.streams : undefined;
    if (!Array.isArray(list)) {
      if (isObject(data) && Object.keys(data).length > 0) notices.push('Ignoring a legacy state without a streams list.');
      return;
    }
    for (const entry of list) {
      if (!isObject(entry) || typeof entry.stream_name !== 'string') {
        throw configError('The state file is not valid: a legacy streams entry has no stream_name.');
      }
      const { stream_name: name, stream_namespace: namespace, ...rest } = entry;
      accept(typeof namespace === 'string' ? { name, namespace } : { name }, rest);
    }
  };

  if (raw === null || raw === undefined) return { streams, notices };
  const messages: unknown[] = Array.isArray(raw) ? raw : isObject(raw) && isStateMessage(raw) ? [raw] : [];
  if (!Array.isArray(raw) && messages.length === 0) {
    acceptLegacyBlob(raw);
    return { streams, notices };
  }

  messages.forEach((message, index) => {
    if (!isObject(message)) throw configError(`The state file is not valid: entry ${index} is not an object.`);
    const type = message.type ?? (message.data !== undefined ? 'LEGACY' : undefined);
    if (type === 'STREAM') {
      const stream = message.stream;
      const descriptor = isObject(stream) ? stream.stream_descriptor : undefined;
      if (!isObject(descriptor) || typeof descriptor.name !== 'string') {
        throw configError(`The state file is not valid: entry ${index} has no stream.stream_descriptor.name.`);
      }
      const namespace = descriptor.namespace;
      if (namespace !== undefined && namespace !== null && typeof namespace !== 'string') {
        throw configError(`The state file is not valid: entry ${index} has a non-text namespace.`);
      }
      accept(
        typeof namespace === 'string' ? { name: descriptor.name, namespace } : { name: descriptor.name },
        (stream as Record<string, unknown>).stream_state,
      );
    } else if (type === 'LEGACY') {
      acceptLegacyBlob(message.data);
    } else if (type === 'GLOBAL') {
      notices.push('Ignoring a GLOBAL state: this source keeps per-stream state only.');
    } else {
      throw configError(`The state file is not valid: entry ${index} has unknown type ${JSON.stringify(type)}.`);
    }
  });
  return { streams, notices };
}

function isStateMessage(value: Record<string, unknown>): boolean {
  return value.type === 'STREAM' || value.type === 'GLOBAL' || value.type === 'LEGACY';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
