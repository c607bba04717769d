#!/usr/bin/env node
import { checkConnection } from '../check/check-connection.js';
import { openWarehouse } from '../connection/open-warehouse.js';
import { retryPolicy } from '../connection/retry-policy.js';
import { airbyteStream } from '../discover/airbyte-stream.js';
import { listSelectedSchemas, listTables } from '../discover/list-tables.js';
import { configError, toErrorTrace } from '../errors/connector-error.js';
import { createStdoutWriter, type JsonLinesWriter } from '../output/json-lines-writer.js';
import { createLogger, type Logger } from '../output/logger.js';
import { ProgressDisplay } from '../output/progress-display.js';
import { Redactor } from '../output/redactor.js';
import { catalogMessage, connectionStatusMessage, specMessage } from '../protocol/messages.js';
import { EncoderPool } from '../read/encode/encoder-pool.js';
import { readStreams } from '../read/read-streams.js';
import { connectorSpecification } from '../spec/connector-spec.js';
import { parseArgs } from './args.js';
import { loadCommandInputs, type CommandInputs } from './command-inputs.js';

/**
 * The Airbyte source entry point. Everything the platform reads goes to stdout as protocol
 * messages through one writer; any failure becomes one ERROR trace and a non-zero exit code.
 */
async function main(argv: readonly string[]): Promise<number> {
  const writer = createStdoutWriter();
  const redactor = new Redactor();
  const logger = createLogger(writer, redactor);
  const fail = (err: unknown): number => {
    void writer.writeMessage(toErrorTrace(err, { redact: redactor.redact }));
    return 1;
  };
  process.on('uncaughtException', (err) => {
    fail(err);
    writer.flushSync();
    process.exit(1);
  });
  let code: number;
  try {
    const command = parseArgs(argv);
    const inputs = await loadCommandInputs(command, (config) => {
      for (const secret of config.secrets) redactor.add(secret);
    });
    code = await run(inputs, writer, logger, redactor);
  } catch (err) {
    code = fail(err);
  }
  try {
    await writer.flush();
  } catch {
    // stdout is gone (EPIPE): nothing more can be said to the platform.
    code = code === 0 ? 1 : code;
  }
  return code;
}

async function run(inputs: CommandInputs, writer: JsonLinesWriter, logger: Logger, redactor: Redactor): Promise<number> {
  switch (inputs.command) {
    case 'spec':
      await writer.writeMessage(specMessage(connectorSpecification()));
      return 0;
    case 'check': {
      // A check answers a person waiting in the UI: retry a starting warehouse for two minutes at most.
      const policy = retryPolicy(Math.min(inputs.config.retryMaxSeconds, 120), logger);
      const result = await checkConnection(inputs.config, () => openWarehouse(inputs.config, logger, policy));
      await writer.writeMessage(
        result.ok ? connectionStatusMessage('SUCCEEDED') : connectionStatusMessage('FAILED', redactor.redact(result.message)),
      );
      return 0;
    }
    case 'discover': {
      const warehouse = await openWarehouse(inputs.config, logger);
      try {
        const schemas = await listSelectedSchemas(warehouse, inputs.config);
        const tables = await listTables(warehouse, inputs.config, schemas);
        logger.info(`Discovered ${tables.length} tables and views in ${schemas.length} schemas of catalog ${inputs.config.catalog}.`);
        await writer.writeMessage(
          catalogMessage({ streams: tables.map((t) => airbyteStream(t, inputs.config.defaultCursorField)) }),
        );
      } finally {
        await warehouse.close().catch(() => undefined);
      }
      return 0;
    }
    case 'read': {
      for (const notice of inputs.state.notices) logger.info(notice);
      if (inputs.catalog.streams.length === 0) throw configError('The configured catalog has no streams to read.');
      const warehouse = await openWarehouse(inputs.config, logger);
      const progress = new ProgressDisplay();
      const threads = inputs.config.encoderThreads;
      const encoder = threads > 0 ? new EncoderPool(threads) : undefined;
      try {
        const summary = await readStreams({
          config: inputs.config,
          catalog: inputs.catalog,
          state: inputs.state,
          warehouse,
          writer,
          logger,
          redact: redactor.redact,
          onRecords: (stream, records) => progress.add(stream, records),
          ...(encoder === undefined ? {} : { encoder }),
        });
        logger.info(`Read ${summary.records} records (${summary.bytes} bytes) from ${summary.streams} streams; ${summary.failed.length} failed.`);
        return summary.failed.length === 0 ? 0 : 1;
      } finally {
        progress.finish();
        await encoder?.close();
        await warehouse.close().catch(() => undefined);
      }
    }
  }
}

// Exit explicitly once the output is flushed: after a cut response, node-fetch 2.7 (the driver's
// HTTP client) leaves its body timer (the driver's socket timeout, 15 min) running, which would
// keep a finished sync alive.
process.exit(await main(process.argv.slice(2)));
