import type { EngineResult } from '../engine/engine-result.js';
import type { FaultInjector } from '../faults/fault-injector.js';
import { handleKey, handleUuid, newHandleIdentifier } from './handles.js';
import { Operation } from './operation.js';
import type { ResultCapabilities } from './operation.js';
import { fetchResponse, metadataResponse } from './result-delivery.js';
import type { DeliveryOptions } from './result-delivery.js';
import { errorStatus, internalError, invalidOperationHandle, invalidSessionHandle, okStatus } from './status.js';
import type { WireError } from './status.js';
import { T, i64 } from './thrift-runtime.js';
import type { TTypes } from './thrift-runtime.js';
import type { EngineSessionState, MetadataFilter, RunningStatement, SqlEngine, StatementParameter } from './warehouse-backend.js';

/** Knobs of the Thrift service. */
export interface WarehouseServiceOptions {
  readonly engine: SqlEngine;
  readonly faults: FaultInjector;
  readonly delivery: DeliveryOptions;
  /** How long ExecuteStatement waits for the engine before answering RUNNING (ms). */
  readonly directResultsWaitMs: number;
  readonly cloudFetchThresholdRows: number;
}

interface ServerSession {
  readonly id: TTypes.THandleIdentifier;
  readonly key: string;
  readonly engine: EngineSessionState;
  readonly operations: Set<string>;
}

/** One executed statement, as Databricks' query history lists it: the text and its bound parameters. */
export interface StatementRecord {
  readonly sql: string;
  readonly parameters: readonly StatementParameter[];
  /** When ExecuteStatement answered with the operation handle (the query accepted), epoch ms. */
  answeredAt?: number;
  /** When the engine had the whole result (or failed), epoch ms. */
  finishedAt?: number;
}

/** Statements kept in the history (oldest dropped first). */
const MAX_HISTORY = 5000;

type StatusOnly = { status: TTypes.TStatus };
type OperationResp = StatusOnly & { operationHandle?: TTypes.TOperationHandle; directResults?: TTypes.TSparkDirectResults };
type RespClass<R> = new (args: { status: TTypes.TStatus }) => R;
type DirectResultsRequest = { getDirectResults?: TTypes.TSparkGetDirectResults; runAsync?: boolean };

/** Metadata RPCs are never fetched as Arrow: the driver does not offer it for them (NOTES §1 "Metadata operations"). */
const METADATA_CAPABILITIES: ResultCapabilities = {
  canReadArrow: false,
  canDownload: false,
  canDecompressLz4: false,
  native: { timestamp: false, decimal: false, complex: false, interval: false },
};

const NOT_CANCELED: WireError = {
  errorClass: 'OPERATION_CANCELED',
  sqlState: 'HY008',
  displayMessage: '[OPERATION_CANCELED] Operation has been canceled.',
  errorMessage: '[OPERATION_CANCELED] Operation has been canceled.',
};

/**
 * The TCLIService handler: sessions and operations over an SqlEngine. Every method answers with a
 * TStatus; none throws, because a thrown error would reach the client as a bare
 * TApplicationException (NOTES §1 "Package layout").
 */
export class WarehouseService {
  readonly #opts: WarehouseServiceOptions;
  readonly #sessions = new Map<string, ServerSession>();
  readonly #operations = new Map<string, Operation>();
  readonly #history: StatementRecord[] = [];
  #deferred: (() => void)[] = [];
  readonly #defer = (work: () => void): void => {
    this.#deferred.push(work);
  };

  constructor(opts: WarehouseServiceOptions) {
    this.#opts = opts;
  }

  /**
   * Runs the work RPCs deferred until their reply had gone out (encoding the next result window
   * ahead). The wire layer calls this once a reply has been handed to the socket: work that ran
   * before would hold up the tail of a large reply, which needs the event loop to drain.
   */
  runDeferred(): void {
    const work = this.#deferred;
    this.#deferred = [];
    for (const w of work) w();
  }

  /** Open sessions and operations, for the admin endpoint and tests. */
  /** Statements received by ExecuteStatement, oldest first (the last few thousand). */
  get history(): readonly StatementRecord[] {
    return this.#history;
  }

  get counts(): { sessions: number; operations: number } {
    return { sessions: this.#sessions.size, operations: this.#operations.size };
  }

  /** The object handed to the generated Processor: one guarded method per RPC. */
  handler(): Record<string, (req: never) => Promise<unknown>> {
    const rpcs: Record<string, (req: never) => Promise<unknown>> = {
      OpenSession: (req: TTypes.TOpenSessionReq) => this.#openSession(req),
      CloseSession: (req: TTypes.TCloseSessionReq) => this.#closeSession(req),
      GetInfo: (req: TTypes.TGetInfoReq) => this.#getInfo(req),
      ExecuteStatement: (req: TTypes.TExecuteStatementReq) => this.#executeStatement(req),
      GetTypeInfo: (req: TTypes.TGetTypeInfoReq) =>
        this.#metadata(req, T.TOperationType.GET_TYPE_INFO, T.TGetTypeInfoResp, (s) => this.#opts.engine.getTypeInfo(s)),
      GetCatalogs: (req: TTypes.TGetCatalogsReq) =>
        this.#metadata(req, T.TOperationType.GET_CATALOGS, T.TGetCatalogsResp, (s) => this.#opts.engine.getCatalogs(s)),
      GetSchemas: (req: TTypes.TGetSchemasReq) =>
        this.#metadata(req, T.TOperationType.GET_SCHEMAS, T.TGetSchemasResp, (s) => this.#opts.engine.getSchemas(s, filterOf(req))),
      GetTables: (req: TTypes.TGetTablesReq) =>
        this.#metadata(req, T.TOperationType.GET_TABLES, T.TGetTablesResp, (s) => this.#opts.engine.getTables(s, filterOf(req))),
      GetTableTypes: (req: TTypes.TGetTableTypesReq) =>
        this.#metadata(req, T.TOperationType.GET_TABLE_TYPES, T.TGetTableTypesResp, (s) => this.#opts.engine.getTableTypes(s)),
      GetColumns: (req: TTypes.TGetColumnsReq) =>
        this.#metadata(req, T.TOperationType.GET_COLUMNS, T.TGetColumnsResp, (s) => this.#opts.engine.getColumns(s, filterOf(req))),
      GetFunctions: (req: TTypes.TGetFunctionsReq) =>
        this.#metadata(req, T.TOperationType.GET_FUNCTIONS, T.TGetFunctionsResp, (s) =>
          this.#opts.engine.getFunctions(s, { ...filterOf(req), functionName: req.functionName }),
        ),
      GetPrimaryKeys: (req: TTypes.TGetPrimaryKeysReq) =>
        this.#metadata(req, T.TOperationType.UNKNOWN, T.TGetPrimaryKeysResp, (s) => this.#opts.engine.getPrimaryKeys(s, filterOf(req))),
      GetOperationStatus: (req: TTypes.TGetOperationStatusReq) => this.#getOperationStatus(req),
      CancelOperation: (req: TTypes.TCancelOperationReq) => this.#cancelOperation(req),
      CloseOperation: (req: TTypes.TCloseOperationReq) => this.#closeOperation(req),
      GetResultSetMetadata: (req: TTypes.TGetResultSetMetadataReq) => this.#getResultSetMetadata(req),
      FetchResults: (req: TTypes.TFetchResultsReq) => this.#fetchResults(req),
    };
    const unsupported = ['GetCrossReference', 'GetDelegationToken', 'CancelDelegationToken', 'RenewDelegationToken'];
    const guarded: Record<string, (req: never) => Promise<unknown>> = {};
    for (const [name, fn] of Object.entries(rpcs)) guarded[name] = guard(name, fn);
    for (const name of unsupported) guarded[name] = async () => errorResponse(name, notSupported(name));
    return guarded;
  }

  /** A handler whose every RPC but OpenSession fails as on a warehouse still starting ([LIGHTDASH]). */
  static notReadyHandler(real: Record<string, (req: never) => Promise<unknown>>): Record<string, (req: never) => Promise<unknown>> {
    const out: Record<string, (req: never) => Promise<unknown>> = {};
    for (const name of Object.keys(real)) {
      out[name] =
        name === 'OpenSession'
          ? (real[name] as (req: never) => Promise<unknown>)
          : async (req: never) => {
              const r = req as { sessionHandle?: TTypes.TSessionHandle; operationHandle?: unknown };
              const uuid = r.sessionHandle ? handleUuid(r.sessionHandle.sessionId) : '00000000-0000-0000-0000-000000000000';
              return errorResponse(name, invalidSessionHandle(uuid));
            };
    }
    return out;
  }

  /** Closes every session and operation (server stop). */
  closeAll(): void {
    for (const op of this.#operations.values()) op.close();
    this.#operations.clear();
    this.#sessions.clear();
  }

  async #openSession(req: TTypes.TOpenSessionReq): Promise<TTypes.TOpenSessionResp> {
    const V8 = T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8;
    // The driver sends client_protocol -7 (__HIVE_JDBC_WORKAROUND) and the real version in
    // client_protocol_i64; below V8 it silently drops query parameters, so answer min(client, V8).
    const asked = req.client_protocol_i64 ? (req.client_protocol_i64 as { toNumber(): number }).toNumber() : (req.client_protocol ?? V8);
    const version = asked > 0 ? Math.min(asked, V8) : V8;
    const engine = this.#opts.engine.defaultSession();
    // Databricks answers the namespace lower-cased (databricks-behaviour.md §0 [JREC-OPEN]).
    const ns = req.initialNamespace;
    if (ns?.catalogName) engine.catalog = ns.catalogName.toLowerCase();
    if (ns?.schemaName) engine.schema = ns.schemaName.toLowerCase();
    const id = newHandleIdentifier();
    const session: ServerSession = { id, key: handleKey(id), engine, operations: new Set() };
    this.#sessions.set(session.key, session);
    return new T.TOpenSessionResp({
      status: okStatus(),
      serverProtocolVersion: version as TTypes.TProtocolVersion,
      sessionHandle: new T.TSessionHandle({ sessionId: id }),
      initialNamespace: new T.TNamespace({ catalogName: engine.catalog, schemaName: engine.schema }),
      canUseMultipleCatalogs: true,
      configuration: {},
    });
  }

  async #closeSession(req: TTypes.TCloseSessionReq): Promise<TTypes.TCloseSessionResp> {
    const session = this.#session(req.sessionHandle);
    if (!session) return new T.TCloseSessionResp({ status: errorStatus(invalidSessionHandle(handleUuid(req.sessionHandle?.sessionId))) });
    // The driver's op.cancel() leaves the handle open on the server; the session reaps it.
    for (const key of session.operations) this.#dropOperation(key);
    this.#sessions.delete(session.key);
    return new T.TCloseSessionResp({ status: okStatus() });
  }

  async #getInfo(req: TTypes.TGetInfoReq): Promise<TTypes.TGetInfoResp> {
    const values: Partial<Record<number, string>> = {
      [T.TGetInfoType.CLI_SERVER_NAME]: 'Spark SQL',
      [T.TGetInfoType.CLI_DBMS_NAME]: 'Spark SQL',
      [T.TGetInfoType.CLI_DBMS_VER]: '3.5.0',
    };
    if (!this.#session(req.sessionHandle)) {
      return new T.TGetInfoResp({ status: errorStatus(invalidSessionHandle(handleUuid(req.sessionHandle?.sessionId))), infoValue: new T.TGetInfoValue({}) });
    }
    return new T.TGetInfoResp({ status: okStatus(), infoValue: new T.TGetInfoValue({ stringValue: values[req.infoType] ?? '' }) });
  }

  async #executeStatement(req: TTypes.TExecuteStatementReq): Promise<TTypes.TExecuteStatementResp> {
    const session = this.#session(req.sessionHandle);
    if (!session) return new T.TExecuteStatementResp({ status: errorStatus(invalidSessionHandle(handleUuid(req.sessionHandle?.sessionId))) });
    const native = req.useArrowNativeTypes;
    const capabilities: ResultCapabilities = {
      canReadArrow: req.canReadArrowResult === true,
      canDownload: req.canDownloadResult === true,
      canDecompressLz4: req.canDecompressLZ4Result === true,
      native: {
        timestamp: native?.timestampAsArrow === true,
        decimal: native?.decimalAsArrow === true,
        complex: native?.complexTypesAsArrow === true,
        interval: native?.intervalTypesAsArrow === true,
      },
    };
    const params = (req.parameters ?? []).map(toParameter);
    const record: StatementRecord = { sql: req.statement, parameters: params };
    this.#history.push(record);
    if (this.#history.length > MAX_HISTORY) this.#history.splice(0, this.#history.length - MAX_HISTORY);
    const engine = this.#opts.engine;
    const resp = await this.#startOperation(session, req, T.TOperationType.EXECUTE_STATEMENT, capabilities, T.TExecuteStatementResp, () =>
      engine.execute(req.statement, params, session.engine),
      (done) => void done.then(() => (record.finishedAt = Date.now())),
    );
    record.answeredAt = Date.now();
    return resp;
  }

  #metadata<R extends OperationResp>(
    req: DirectResultsRequest & { sessionHandle: TTypes.TSessionHandle },
    type: TTypes.TOperationType,
    Resp: RespClass<R>,
    run: (session: EngineSessionState) => Promise<EngineResult>,
  ): Promise<R> {
    const session = this.#session(req.sessionHandle);
    if (!session) return Promise.resolve(new Resp({ status: errorStatus(invalidSessionHandle(handleUuid(req.sessionHandle?.sessionId))) }));
    return this.#startOperation(session, req, type, METADATA_CAPABILITIES, Resp, () => ({ result: run(session.engine), cancel: () => {} }));
  }

  /**
   * Starts an operation and waits briefly for it. Like Databricks, a statement that finishes
   * within the window comes back with directResults: status, metadata, the first rows and, when
   * they were all the rows, closeOperation, after which the driver sends no further RPC for it
   * (NOTES §1 "Direct results"; databricks-behaviour.md §0 [JREC-EXEC]).
   */
  async #startOperation<R extends OperationResp>(
    session: ServerSession,
    req: DirectResultsRequest,
    type: TTypes.TOperationType,
    capabilities: ResultCapabilities,
    Resp: RespClass<R>,
    start: () => RunningStatement,
    onStarted?: (done: Promise<void>) => void,
  ): Promise<R> {
    const op = new Operation({
      id: newHandleIdentifier(),
      sessionKey: session.key,
      type,
      capabilities,
      cloudFetchThresholdRows: this.#opts.cloudFetchThresholdRows,
      delayMs: type === T.TOperationType.EXECUTE_STATEMENT ? this.#opts.faults.slowQueryMs : 0,
      start,
    });
    this.#operations.set(op.key, op);
    session.operations.add(op.key);
    onStarted?.(op.done);
    if (req.runAsync === false) {
      await op.done;
      if (op.error) {
        // A synchronous statement reports its failure in the response status ([JREC-ERR]).
        this.#dropOperation(op.key);
        return new Resp({ status: errorStatus(op.error) });
      }
    } else if (req.getDirectResults) {
      await Promise.race([op.done, delay(this.#opts.directResultsWaitMs)]);
    }
    const resp = new Resp({ status: okStatus() });
    resp.operationHandle = new T.TOperationHandle({ operationId: op.id, operationType: type, hasResultSet: true });
    const direct = req.getDirectResults;
    if (direct) {
      const results = new T.TSparkDirectResults({ operationStatus: op.statusResponse() });
      if (op.state === T.TOperationState.FINISHED_STATE) {
        results.resultSetMetadata = metadataResponse(op, this.#opts.delivery);
        const maxRows = (direct.maxRows as { toNumber(): number } | undefined)?.toNumber() ?? 100_000;
        results.resultSet = fetchResponse(op, maxRows, this.#opts.delivery, this.#defer);
        if (!results.resultSet.hasMoreRows) {
          results.closeOperation = new T.TCloseOperationResp({ status: okStatus() });
          this.#dropOperation(op.key);
        }
      } else if (op.state === T.TOperationState.ERROR_STATE) {
        results.closeOperation = new T.TCloseOperationResp({ status: okStatus() });
        this.#dropOperation(op.key);
      }
      resp.directResults = results;
    }
    return resp;
  }

  async #getOperationStatus(req: TTypes.TGetOperationStatusReq): Promise<TTypes.TGetOperationStatusResp> {
    const op = this.#operation(req.operationHandle);
    if (!op) return new T.TGetOperationStatusResp({ status: errorStatus(this.#unknownOperation(req.operationHandle)) });
    return op.statusResponse();
  }

  async #cancelOperation(req: TTypes.TCancelOperationReq): Promise<TTypes.TCancelOperationResp> {
    const op = this.#operation(req.operationHandle);
    if (!op) return new T.TCancelOperationResp({ status: errorStatus(this.#unknownOperation(req.operationHandle)) });
    op.cancel();
    return new T.TCancelOperationResp({ status: okStatus() });
  }

  async #closeOperation(req: TTypes.TCloseOperationReq): Promise<TTypes.TCloseOperationResp> {
    const op = this.#operation(req.operationHandle);
    // Closing twice (or after directResults.closeOperation) gets ERROR with sqlState 08000 ([JREC-EXEC]).
    if (!op) return new T.TCloseOperationResp({ status: errorStatus(this.#unknownOperation(req.operationHandle)) });
    this.#dropOperation(op.key);
    return new T.TCloseOperationResp({ status: okStatus() });
  }

  async #getResultSetMetadata(req: TTypes.TGetResultSetMetadataReq): Promise<TTypes.TGetResultSetMetadataResp> {
    const op = this.#operation(req.operationHandle);
    if (!op) return new T.TGetResultSetMetadataResp({ status: errorStatus(this.#unknownOperation(req.operationHandle)) });
    await op.done;
    const failure = this.#notFetchable(op);
    if (failure) return new T.TGetResultSetMetadataResp({ status: errorStatus(failure) });
    return metadataResponse(op, this.#opts.delivery);
  }

  async #fetchResults(req: TTypes.TFetchResultsReq): Promise<TTypes.TFetchResultsResp> {
    const op = this.#operation(req.operationHandle);
    if (!op) return new T.TFetchResultsResp({ status: errorStatus(this.#unknownOperation(req.operationHandle)) });
    await op.done;
    const failure = this.#notFetchable(op);
    if (failure) return new T.TFetchResultsResp({ status: errorStatus(failure) });
    if (req.fetchType === 1) {
      // fetchType 1 asks for operation logs, which the emulator does not keep.
      return new T.TFetchResultsResp({ status: okStatus(), hasMoreRows: false, results: new T.TRowSet({ startRowOffset: i64(0), rows: [], columns: [] }) });
    }
    const orientation = req.orientation ?? T.TFetchOrientation.FETCH_NEXT;
    if (orientation === T.TFetchOrientation.FETCH_FIRST) op.rewind();
    else if (orientation !== T.TFetchOrientation.FETCH_NEXT) {
      return new T.TFetchResultsResp({ status: errorStatus(notSupported(`fetch orientation ${orientation}`)) });
    }
    const maxRows = (req.maxRows as { toNumber(): number } | undefined)?.toNumber() ?? 100_000;
    return fetchResponse(op, maxRows, this.#opts.delivery, this.#defer);
  }

  #notFetchable(op: Operation): WireError | undefined {
    if (op.error) return op.error;
    if (op.state === T.TOperationState.CANCELED_STATE) return NOT_CANCELED;
    if (!op.result) return internalError(new Error('operation has no result'));
    return undefined;
  }

  #session(handle: TTypes.TSessionHandle | undefined): ServerSession | undefined {
    return this.#sessions.get(handleKey(handle?.sessionId));
  }

  #operation(handle: TTypes.TOperationHandle | undefined): Operation | undefined {
    return this.#operations.get(handleKey(handle?.operationId));
  }

  #unknownOperation(handle: TTypes.TOperationHandle | undefined): WireError {
    return invalidOperationHandle(handleUuid(handle?.operationId));
  }

  #dropOperation(key: string): void {
    const op = this.#operations.get(key);
    if (!op) return;
    op.close();
    this.#operations.delete(key);
    this.#sessions.get(op.sessionKey)?.operations.delete(key);
  }
}

function guard(name: string, fn: (req: never) => Promise<unknown>): (req: never) => Promise<unknown> {
  return async (req: never) => {
    try {
      return await fn(req);
    } catch (error) {
      return errorResponse(name, internalError(error));
    }
  };
}

/** A `T<Rpc>Resp` carrying only an error status. */
function errorResponse(rpc: string, error: WireError): unknown {
  const Resp = (T as unknown as Record<string, RespClass<StatusOnly>>)[`T${rpc}Resp`];
  if (!Resp) throw new Error(`no response type for ${rpc}`);
  const resp = new Resp({ status: errorStatus(error) });
  // Required fields of some responses must be present for the writer.
  if (rpc === 'OpenSession') Object.assign(resp, { serverProtocolVersion: T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8 });
  if (rpc === 'GetInfo') Object.assign(resp, { infoValue: new T.TGetInfoValue({}) });
  return resp;
}

function notSupported(what: string): WireError {
  const m = `[NOT_SUPPORTED_COMMAND] ${what} is not supported by this warehouse.`;
  return { errorClass: 'NOT_SUPPORTED_COMMAND', sqlState: '0A000', displayMessage: m, errorMessage: m };
}

function filterOf(req: { catalogName?: string; schemaName?: string; tableName?: string; columnName?: string; tableTypes?: string[] }): MetadataFilter {
  return { catalogName: req.catalogName, schemaName: req.schemaName, tableName: req.tableName, columnName: req.columnName, tableTypes: req.tableTypes };
}

/** The driver sends every value as a string (or none for NULL) with an inferred type (NOTES §1 "Parameters on the wire"). */
function toParameter(p: TTypes.TSparkParameter): StatementParameter {
  const v = p.value;
  let value: string | null = null;
  if (v?.stringValue !== undefined && v.stringValue !== null) value = v.stringValue;
  else if (v?.doubleValue !== undefined && v.doubleValue !== null) value = String(v.doubleValue);
  else if (v?.booleanValue !== undefined && v.booleanValue !== null) value = v.booleanValue ? 'TRUE' : 'FALSE';
  return { ...(p.name ? { name: p.name } : {}), ...(p.type ? { type: p.type } : {}), value };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
