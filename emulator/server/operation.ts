import type { EngineResult } from '../engine/engine-result.js';
import { SqlError } from '../engine/engine-result.js';
import { handleKey } from './handles.js';
import { ResultCursor } from './result-cursor.js';
import type { ArrowWindow } from './result-delivery.js';
import { internalError, sqlErrorToWire } from './status.js';
import type { WireError } from './status.js';
import { T, i64 } from './thrift-runtime.js';
import type { TTypes } from './thrift-runtime.js';
import type { NativeTypes, RunningStatement } from './warehouse-backend.js';

/** How the client said it can take results (TExecuteStatementReq flags). */
export interface ResultCapabilities {
  readonly canReadArrow: boolean;
  readonly canDownload: boolean;
  readonly canDecompressLz4: boolean;
  readonly native: NativeTypes;
}

/** How this operation's rows travel, fixed once the result is known. */
export type ResultDelivery = 'arrow' | 'columns' | 'url';

export interface OperationInit {
  readonly id: TTypes.THandleIdentifier;
  readonly sessionKey: string;
  readonly type: TTypes.TOperationType;
  readonly capabilities: ResultCapabilities;
  /** Rows above which an Arrow result goes out as CloudFetch links. */
  readonly cloudFetchThresholdRows: number;
  /** Injected delay before the engine starts (slow-query fault); cancel ends it. */
  readonly delayMs: number;
  readonly start: () => RunningStatement;
}

const { TOperationState } = T;

/**
 * One statement or metadata call on the server: runs in the background from construction,
 * moves RUNNING -> FINISHED | ERROR | CANCELED, then CLOSED. Many run at once within a session.
 */
export class Operation {
  readonly id: TTypes.THandleIdentifier;
  readonly key: string;
  readonly sessionKey: string;
  readonly type: TTypes.TOperationType;
  readonly capabilities: ResultCapabilities;
  /** Settles when the engine is done (never rejects). */
  readonly done: Promise<void>;
  readonly #thresholdRows: number;
  #state: TTypes.TOperationState = TOperationState.RUNNING_STATE;
  #error: WireError | undefined;
  #result: EngineResult | undefined;
  #cursor: ResultCursor | undefined;
  #delivery: ResultDelivery = 'columns';
  #running: RunningStatement | undefined;
  #wakeDelay: (() => void) | undefined;
  #arrowSchema: Buffer | undefined;
  #ahead: ArrowWindow | undefined;
  readonly #startedAt = Date.now();
  #completedAt = 0;

  constructor(init: OperationInit) {
    this.id = init.id;
    this.key = handleKey(init.id);
    this.sessionKey = init.sessionKey;
    this.type = init.type;
    this.capabilities = init.capabilities;
    this.#thresholdRows = init.cloudFetchThresholdRows;
    this.done = this.#run(init);
  }

  get state(): TTypes.TOperationState {
    return this.#state;
  }

  get error(): WireError | undefined {
    return this.#error;
  }

  get result(): EngineResult | undefined {
    return this.#result;
  }

  get cursor(): ResultCursor | undefined {
    return this.#cursor;
  }

  get delivery(): ResultDelivery {
    return this.#delivery;
  }

  get isTerminal(): boolean {
    return this.#state !== TOperationState.RUNNING_STATE && this.#state !== TOperationState.PENDING_STATE;
  }

  /** Arrow schema bytes, made once per operation by `make`. */
  arrowSchema(make: () => Buffer): Buffer {
    this.#arrowSchema ??= make();
    return this.#arrowSchema;
  }

  /** Whether a window encoded ahead of the next FetchResults is waiting. */
  get hasAhead(): boolean {
    return this.#ahead !== undefined;
  }

  /** Keeps a window encoded ahead; the cursor already stands after it. */
  keepAhead(window: ArrowWindow): void {
    this.#ahead = window;
  }

  /** The window encoded ahead, if any, handed over once. */
  takeAhead(): ArrowWindow | undefined {
    const window = this.#ahead;
    this.#ahead = undefined;
    return window;
  }

  /** Back to the first row (FETCH_FIRST). */
  rewind(): void {
    this.#ahead = undefined;
    this.#cursor?.rewind();
  }

  /** Interrupts a running statement; the operation becomes CANCELED. No effect once finished. */
  cancel(): void {
    if (this.isTerminal) return;
    this.#state = TOperationState.CANCELED_STATE;
    this.#completedAt = Date.now();
    this.#wakeDelay?.();
    this.#running?.cancel();
  }

  /** Cancels if needed and drops the result. */
  close(): void {
    this.cancel();
    this.#state = TOperationState.CLOSED_STATE;
    this.#result = undefined;
    this.#cursor = undefined;
    this.#ahead = undefined;
  }

  statusResponse(): TTypes.TGetOperationStatusResp {
    const resp = new T.TGetOperationStatusResp({
      status: new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS }),
      operationState: this.#state,
      hasResultSet: true,
      operationStarted: i64(this.#startedAt),
      operationCompleted: i64(this.#completedAt),
    });
    if (this.#result?.numModifiedRows !== undefined) resp.numModifiedRows = i64(this.#result.numModifiedRows);
    if (this.#error) {
      // The driver throws OperationStateError with displayMessage (NODE-STATUS); errorCode 0 as
      // Databricks sends it (databricks-behaviour.md §6 [JREC-ERR]).
      resp.errorMessage = this.#error.errorMessage;
      resp.displayMessage = this.#error.displayMessage;
      resp.sqlState = this.#error.sqlState;
      resp.errorCode = 0;
    }
    return resp;
  }

  async #run(init: OperationInit): Promise<void> {
    try {
      if (init.delayMs > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, init.delayMs);
          this.#wakeDelay = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.#wakeDelay = undefined;
      }
      if (this.isTerminal) return;
      this.#running = init.start();
      const result = await this.#running.result;
      if (this.isTerminal) return;
      this.#result = result;
      this.#cursor = new ResultCursor(result.duck);
      this.#delivery = this.#chooseDelivery(result);
      this.#state = TOperationState.FINISHED_STATE;
    } catch (error) {
      if (this.isTerminal) return;
      this.#error =
        error instanceof SqlError ? sqlErrorToWire(error.errorClass, error.sqlState, error.message) : internalError(error);
      this.#state = TOperationState.ERROR_STATE;
    } finally {
      this.#completedAt ||= Date.now();
    }
  }

  /**
   * Table scans go out as Arrow, constant-only queries and metadata RPCs column-based, large
   * results as CloudFetch links (databricks-behaviour.md §0 "resultFormat").
   */
  #chooseDelivery(result: EngineResult): ResultDelivery {
    const caps = this.capabilities;
    if (!caps.canReadArrow || result.preferredFormat !== 'arrow') return 'columns';
    if (caps.canDownload && (result.duck?.rowCount ?? 0) > this.#thresholdRows) return 'url';
    return 'arrow';
  }
}
