import { configError } from '../errors/connector-error.js';
import type { ConfiguredAirbyteCatalog, ConfiguredAirbyteStream, DestinationSyncMode, SyncMode } from './airbyte-protocol.js';

/**
 * Checks the --catalog file of `read` just enough to use it safely: the fields this source reads
 * must have the right shape. Anything else Airbyte adds is kept as is.
 */

const SYNC_MODES: readonly SyncMode[] = ['full_refresh', 'incremental'];
const DESTINATION_SYNC_MODES: readonly DestinationSyncMode[] = ['append', 'overwrite', 'append_dedup', 'overwrite_dedup'];

export function parseConfiguredCatalog(raw: unknown): ConfiguredAirbyteCatalog {
  const problems: string[] = [];
  const fail = (path: string, reason: string): void => {
    problems.push(`catalog.${path}: ${reason}`);
  };
  if (!isObject(raw)) throw configError('Invalid catalog: catalog: must be an object');
  if (!Array.isArray(raw.streams)) throw configError('Invalid catalog: catalog.streams: must be a list');

  raw.streams.forEach((entry: unknown, i: number) => {
    const at = `streams[${i}]`;
    if (!isObject(entry)) return fail(at, 'must be an object');
    const stream = entry.stream;
    if (!isObject(stream)) return fail(`${at}.stream`, 'must be an object');
    if (typeof stream.name !== 'string' || stream.name === '') fail(`${at}.stream.name`, 'must be a non-empty string');
    if (stream.namespace !== undefined && stream.namespace !== null && typeof stream.namespace !== 'string') {
      fail(`${at}.stream.namespace`, 'must be a string');
    }
    if (!isObject(stream.json_schema)) fail(`${at}.stream.json_schema`, 'must be an object');
    if (!SYNC_MODES.includes(entry.sync_mode as SyncMode)) fail(`${at}.sync_mode`, `must be one of ${SYNC_MODES.join(', ')}`);
    if (
      entry.destination_sync_mode !== undefined &&
      !DESTINATION_SYNC_MODES.includes(entry.destination_sync_mode as DestinationSyncMode)
    ) {
      fail(`${at}.destination_sync_mode`, `must be one of ${DESTINATION_SYNC_MODES.join(', ')}`);
    }
    if (entry.cursor_field !== undefined && !isStringList(entry.cursor_field)) fail(`${at}.cursor_field`, 'must be a list of strings');
    if (entry.primary_key !== undefined && !(Array.isArray(entry.primary_key) && entry.primary_key.every(isStringList))) {
      fail(`${at}.primary_key`, 'must be a list of lists of strings');
    }
  });
  if (problems.length > 0) throw configError(`Invalid catalog: ${problems.join('; ')}`);

  const streams = (raw.streams as Array<Record<string, unknown>>).map((entry): ConfiguredAirbyteStream => {
    const stream = entry.stream as Record<string, unknown>;
    // A null namespace means "none"; the rest of the code only knows absent or a string.
    const { namespace, ...rest } = stream;
    return {
      ...(entry as object),
      stream: { ...(rest as object), ...(typeof namespace === 'string' ? { namespace } : {}) },
      destination_sync_mode: (entry.destination_sync_mode as DestinationSyncMode | undefined) ?? 'append',
    } as ConfiguredAirbyteStream;
  });
  return { streams };
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
