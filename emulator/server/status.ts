import { T } from './thrift-runtime.js';
import type { TTypes } from './thrift-runtime.js';

export function okStatus(): TTypes.TStatus {
  return new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS });
}

/** What a failed statement or RPC reports, in Databricks' words. */
export interface WireError {
  readonly errorClass?: string;
  readonly sqlState: string;
  /** displayMessage: what `OperationStateError.message` shows (NODE-STATUS). */
  readonly displayMessage: string;
  /** errorMessage: what `StatusError.message` shows (NODE-STATUS). */
  readonly errorMessage: string;
}

/**
 * A statement failure as Databricks renders it: errorMessage carries the "Error running query: "
 * prefix, displayMessage starts with a newline and names the class with its SQLSTATE, errorCode
 * is 0 (databricks-behaviour.md §6 [JREC-ERR]).
 */
export function sqlErrorToWire(errorClass: string, sqlState: string, message: string): WireError {
  const head = message.startsWith(`[${errorClass}]`) ? message : `[${errorClass}] ${message}`;
  const display = /SQLSTATE: /.test(head) ? `\n${head}` : `\n${head} SQLSTATE: ${sqlState}`;
  return {
    errorClass,
    sqlState,
    displayMessage: display,
    errorMessage: `Error running query: [${errorClass}] ${exceptionClass(errorClass)}: ${display}`,
  };
}

function exceptionClass(errorClass: string): string {
  if (errorClass.startsWith('PARSE_')) return 'org.apache.spark.sql.catalyst.parser.ParseException';
  if (/^(DIVIDE_BY_ZERO|ARITHMETIC_OVERFLOW|CAST_)/.test(errorClass)) return 'org.apache.spark.SparkArithmeticException';
  return 'org.apache.spark.sql.AnalysisException';
}

export function errorStatus(error: WireError): TTypes.TStatus {
  return new T.TStatus({
    statusCode: T.TStatusCode.ERROR_STATUS,
    sqlState: error.sqlState,
    errorCode: 0,
    errorMessage: error.errorMessage,
    displayMessage: error.displayMessage,
    infoMessages: [],
  });
}

/**
 * An unknown or closed operation handle: statusCode ERROR, sqlState 08000 and the message
 * Databricks sends for a CloseOperation after directResults closed it (databricks-behaviour.md §0
 * [JREC-EXEC]).
 */
export function invalidOperationHandle(uuid: string): WireError {
  const m = `Invalid OperationHandle: OperationHandle [opType=UNKNOWN_OPERATION, getHandleIdentifier()=${uuid}]`;
  return { sqlState: '08000', displayMessage: m, errorMessage: m };
}

/**
 * An unknown or closed session handle, worded like the message a warehouse sends while it
 * starts or after the session was closed (databricks-behaviour.md §6 [LIGHTDASH]).
 */
export function invalidSessionHandle(uuid: string): WireError {
  const m = `requirement failed: Session handle ${uuid} has not been initialized or had already closed`;
  return { sqlState: '08000', displayMessage: m, errorMessage: m };
}

/** An internal failure that is not a SqlError (a bug or an engine crash). */
export function internalError(error: unknown): WireError {
  const m = `[INTERNAL_ERROR] ${error instanceof Error ? error.message : String(error)}`;
  return { errorClass: 'INTERNAL_ERROR', sqlState: 'XX000', displayMessage: m, errorMessage: m };
}
