import type { LogLevel } from '../protocol/airbyte-protocol.js';
import { logMessage } from '../protocol/messages.js';
import type { JsonLinesWriter } from './json-lines-writer.js';
import type { Redactor } from './redactor.js';

/**
 * Logs go to stdout as Airbyte LOG messages (the platform reads nothing else), through the same
 * writer as records so lines never interleave. Every message and stack trace is redacted first.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  /** `error` adds the error's stack trace (redacted) when one is given. */
  error(message: string, err?: unknown): void;
}

const severity: Readonly<Record<LogLevel, number>> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, FATAL: 5 };

export interface LoggerOptions {
  /** Messages below this level are dropped; default INFO. */
  readonly level?: LogLevel;
}

export function createLogger(writer: JsonLinesWriter, redactor: Redactor, options: LoggerOptions = {}): Logger {
  const threshold = severity[options.level ?? 'INFO'];
  const emit = (level: LogLevel, message: string, err?: unknown): void => {
    if (severity[level] < threshold) return;
    const stack = err instanceof Error && err.stack !== undefined ? redactor.redact(err.stack) : undefined;
    // Logs are rare next to records; the caller never waits for backpressure here.
    void writer.writeMessage(logMessage(level, redactor.redact(message), stack));
  };
  return {
    debug: (message) => emit('DEBUG', message),
    info: (message) => emit('INFO', message),
    warn: (message) => emit('WARN', message),
    error: (message, err) => emit('ERROR', message, err),
  };
}
