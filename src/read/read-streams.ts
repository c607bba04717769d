import type { Warehouse } from '../client/warehouse.js';
import { retryPolicy, type RetryPolicy } from '../connection/retry-policy.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { CHANGE_FEED_CURSOR } from '../catalog/change-feed-columns.js';
import { listTables } from '../discover/list-tables.js';
import type { TableInfo } from '../discover/table-info.js';
import { classifyError, toErrorTrace } from '../errors/connector-error.js';
import type { JsonLinesWriter } from '../output/json-lines-writer.js';
import type { Logger } from '../output/logger.js';
import type { ConfiguredAirbyteCatalog, StreamDescriptor } from '../protocol/airbyte-protocol.js';
import { streamDescriptor, streamStatusMessage } from '../protocol/messages.js';
import { streamKey, type IncomingState } from '../state/parse-state.js';
import { streamLabel } from '../state/stream-state.js';
import type { SliceEncoder } from './encode/slice-encoder.js';
import { planStream } from './plan-streams.js';
import { readStream, type ReadContext } from './read-stream.js';

export interface ReadStreamsOptions {
  readonly config: ResolvedConfig;
  readonly catalog: ConfiguredAirbyteCatalog;
  readonly state: IncomingState;
  readonly warehouse: Warehouse;
  readonly writer: JsonLinesWriter;
  readonly logger: Logger;
  readonly redact: (text: string) => string;
  readonly onRecords?: ReadContext['onRecords'];
  /** Retries of results that fail part way; default: `retry_max_seconds`, logged as WARN. */
  readonly retry?: RetryPolicy;
  /** Where records are encoded (default: on this thread). */
  readonly encoder?: SliceEncoder;
}

export interface ReadSummary {
  readonly streams: number;
  readonly failed: readonly StreamDescriptor[];
  readonly records: number;
  readonly bytes: number;
}

/**
 * The read command's work: check every configured stream against the live tables, then read up
 * to `maxConcurrentStreams` at once. A stream that fails gets an ERROR trace and INCOMPLETE and
 * the others go on; the caller exits non-zero when any failed.
 */
export async function readStreams(options: ReadStreamsOptions): Promise<ReadSummary> {
  const { config, catalog, writer, logger } = options;
  const authType = config.credentials.type;
  const retry = options.retry ?? retryPolicy(config.retryMaxSeconds, logger);
  const tables = await liveTables(options);
  const failed: StreamDescriptor[] = [];
  let records = 0;
  let bytes = 0;

  const status = (stream: StreamDescriptor, value: 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE'): Promise<void> | undefined =>
    writer.writeMessage(streamStatusMessage(stream, value));
  const reportFailure = async (stream: StreamDescriptor, err: unknown, hasUserFilter: boolean): Promise<void> => {
    failed.push(stream);
    const classified = classifyError(err, { stream, hasUserFilter, authType });
    logger.error(`Stream ${streamLabel(stream)} failed: ${classified.message}`, err);
    await writer.writeMessage(toErrorTrace(classified, { stream, hasUserFilter, authType, redact: options.redact }));
    await status(stream, 'INCOMPLETE');
  };

  const jobs = catalog.streams.map((configured) => async (): Promise<void> => {
    const outcome = planStream(configured, tables, options.state, config);
    const stream = outcome.ok ? outcome.plan.stream : outcome.stream;
    await status(stream, 'STARTED');
    if (!outcome.ok) {
      await reportFailure(stream, outcome.error, false);
      return;
    }
    for (const notice of outcome.notices) logger.info(notice);
    const plan = outcome.plan;
    logger.info(`Reading ${streamLabel(stream)} (${plan.syncMode}${plan.cursor === undefined ? '' : `, cursor ${plan.cursor.column}${plan.cursor.after === undefined ? ', from the beginning' : ` > ${plan.cursor.after.value}`}`})`);
    await status(stream, 'RUNNING');
    try {
      const result = await readStream(plan, {
        warehouse: options.warehouse,
        writer,
        logger,
        batchRows: config.batchSize,
        checkpoint: { records: config.checkpointIntervalRecords, seconds: config.checkpointIntervalSeconds },
        retry,
        changeDataFeedResnapshot: config.changeDataFeedResnapshot,
        rangesPerStream: config.rangesPerStream,
        ...(options.onRecords === undefined ? {} : { onRecords: options.onRecords }),
        ...(options.encoder === undefined ? {} : { encoder: options.encoder }),
      });
      records += result.records;
      bytes += result.bytes;
      logger.info(`Stream ${streamLabel(stream)}: ${result.records} records.`);
      await status(stream, 'COMPLETE');
    } catch (err) {
      await reportFailure(stream, err, plan.filter !== undefined);
    }
  });

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) await jobs[next++]!();
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(config.maxConcurrentStreams, jobs.length)) }, worker));
  return { streams: jobs.length, failed, records, bytes };
}

/** The configured streams' tables as they are now, one metadata pass per schema involved. */
async function liveTables(options: ReadStreamsOptions): Promise<Map<string, TableInfo>> {
  const schemas = [...new Set(options.catalog.streams.map((s) => s.stream.namespace).filter((n): n is string => n !== undefined))];
  const wanted = new Set(options.catalog.streams.map((s) => streamKey(streamDescriptor(s.stream.name, s.stream.namespace))));
  // The config's table filter chose what discover offered; read goes by the configured catalog.
  // The change feed is looked up only for streams configured to read it.
  const changeFeed = new Set(
    options.catalog.streams
      .filter((s) => s.sync_mode === 'incremental' && (s.cursor_field ?? s.stream.default_cursor_field ?? [])[0] === CHANGE_FEED_CURSOR)
      .map((s) => streamKey(streamDescriptor(s.stream.name, s.stream.namespace))),
  );
  const found = await listTables(options.warehouse, { ...options.config, tables: [] }, schemas, {
    changeFeedOf: (table) => changeFeed.has(streamKey(streamDescriptor(table.name, table.schema))),
  });
  const byKey = new Map<string, TableInfo>();
  for (const table of found) {
    const key = streamKey(streamDescriptor(table.name, table.schema));
    if (wanted.has(key)) byKey.set(key, table);
  }
  return byKey;
}
