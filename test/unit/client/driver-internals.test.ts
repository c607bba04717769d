import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { rootCertificates } from 'node:tls';
import * as A from 'apache-arrow';
import { rawArrowSource, resultMetadata, shareTlsContext, UnsupportedDriverInternalsError } from '../../../src/client/driver-internals.js';
import { decodeArrowChunk } from '../../../src/read/arrow/decode-arrow-chunk.js';
import { encodeRows } from '../../../src/read/arrow/encode-rows.js';
import { inlineChunk, vector } from '../read/arrow/build-ipc.js';

const require = createRequire(import.meta.url);
type Ctor = new (options: object) => object;
const DBSQLOperation = (require('@databricks/sql/dist/DBSQLOperation') as { default: Ctor }).default;
const ThriftOperationBackend = (require('@databricks/sql/dist/thrift-backend/ThriftOperationBackend') as { default: Ctor }).default;
const Int64 = require('node-int64') as new (value: number) => object;
const types = require('@databricks/sql/thrift/TCLIService_types') as {
  TSparkRowSetType: Record<string, number>;
  TOperationState: Record<string, number>;
  TStatusCode: Record<string, number>;
};

const ok = { statusCode: types.TStatusCode['SUCCESS_STATUS'] };

/** Context the driver's operation classes need when no RPC happens. */
const context = {
  getConfig: () => ({ preserveBigNumericPrecision: true, disableRowMaterialization: false, cloudFetchConcurrentDownloads: 10 }),
  getLogger: () => ({ log: () => {} }),
  getDriver: async () => {
    throw new Error('no RPC expected');
  },
};

/** A driver operation whose whole result arrived with ExecuteStatement (direct results). */
function operationWithDirectArrow(schema: Uint8Array, batches: readonly Uint8Array[], rowsPerBatch: number): object {
  const backend = new ThriftOperationBackend({
    context,
    handle: { operationId: { guid: Buffer.alloc(16), secret: Buffer.alloc(16) }, operationType: 0, hasResultSet: true },
    directResults: {
      operationStatus: { status: ok, operationState: types.TOperationState['FINISHED_STATE'], hasResultSet: true },
      resultSetMetadata: {
        status: ok,
        resultFormat: types.TSparkRowSetType['ARROW_BASED_SET'],
        arrowSchema: Buffer.from(schema),
        schema: { columns: [{ columnName: 'i', position: 1, typeDesc: { types: [{ primitiveEntry: { type: 3 } }] } }] },
      },
      resultSet: {
        status: ok,
        hasMoreRows: false,
        results: { startRowOffset: new Int64(0), rows: [], arrowBatches: batches.map((b) => ({ batch: Buffer.from(b), rowCount: new Int64(rowsPerBatch) })) },
      },
      closeOperation: { status: ok },
    },
  });
  return new DBSQLOperation({ context, backend, sessionId: 'test' });
}

describe('@databricks/sql internals', () => {
  it('is the exact driver version the internals were read from', () => {
    const pkg = JSON.parse(readFileSync(require.resolve('@databricks/sql/package.json'), 'utf8')) as { version: string };
    assert.equal(pkg.version, '2.1.0');
  });

  it('hands out the Arrow IPC buffers the driver received, schema first', async () => {
    const chunk = inlineChunk([{ name: 'i', vector: vector(new A.Int32(), [1, 2]) }], [[vector(new A.Int32(), [3, 4])]]);
    const operation = operationWithDirectArrow(chunk.schema, chunk.batches, 2);
    const metadata = await resultMetadata(operation);
    assert.equal(metadata.resultFormat, 'ARROW_BASED');
    assert.deepEqual(metadata.arrowSchema, Buffer.from(chunk.schema));

    const source = await rawArrowSource(operation);
    assert.equal(await source.hasMore(), true);
    const fetched = await source.fetchNext({ limit: 100 });
    assert.equal(fetched.rowCount, 4);
    assert.equal(fetched.batches.length, 3);
    const decoded = decodeArrowChunk({ schema: fetched.batches[0]!, batches: fetched.batches.slice(1), rowCount: fetched.rowCount });
    assert.deepEqual(decoded.flatMap((b) => encodeRows(b, ['i'])), ['{"i":1}', '{"i":2}', '{"i":3}', '{"i":4}']);
    assert.equal(await source.hasMore(), false);
  });

  it('fails loudly, naming the missing part, when the driver shape changes', async () => {
    await assert.rejects(rawArrowSource({ getResultHandler: async () => ({ source: {} }) }), (error: unknown) => {
      assert.ok(error instanceof UnsupportedDriverInternalsError);
      assert.match(error.message, /unsupported @databricks\/sql internals: ArrowResultHandler\.hasMore\(\) is missing/);
      return true;
    });
    await assert.rejects(resultMetadata({}), /DBSQLOperation\.getResultMetadata\(\) is missing/);
    await assert.rejects(resultMetadata({ getResultMetadata: async () => ({ resultFormat: 'ROW_BASED' }) }), /result format ROW_BASED/);
  });
});

describe('@databricks/sql CloudFetch internals', () => {
  it('still has the download handler the URL-based path reads from', () => {
    const CloudFetchResultHandler = (require('@databricks/sql/dist/result/CloudFetchResultHandler') as { default: { prototype: object } }).default;
    const ArrowResultConverter = (require('@databricks/sql/dist/result/ArrowResultConverter') as { default: Ctor }).default;
    const ResultSlicer = (require('@databricks/sql/dist/result/ResultSlicer') as { default: Ctor }).default;
    for (const name of ['fetchNext', 'hasMore']) {
      assert.equal(typeof (CloudFetchResultHandler.prototype as Record<string, unknown>)[name], 'function');
    }
    // The converter and the slicer keep their input in `source`, which rawArrowSource follows.
    const inner = { hasMore: async () => false, fetchNext: async () => ({ batches: [], rowCount: 0 }) };
    const converter = new (ArrowResultConverter as unknown as new (...args: unknown[]) => object)(context, inner, { schema: undefined });
    const slicer = new (ResultSlicer as unknown as new (...args: unknown[]) => object)(context, converter);
    assert.equal((slicer as { source: unknown }).source, converter);
    assert.equal((converter as { source: unknown }).source, inner);
  });
});

describe('shareTlsContext', () => {
  it("builds the driver agent's TLS context once from its CA list, trusting the same roots", () => {
    const ca = [...rootCertificates];
    const agent = new Agent({ keepAlive: true, ca });
    const options = (agent as unknown as { options: Record<string, unknown> }).options;
    // https.Agent.addRequest merges the agent's options into each request's before naming its pool.
    const poolName = (): string => agent.getName({ host: 'h', port: 443, ...options });
    assert.ok(poolName().length > 100_000);
    assert.equal(shareTlsContext(agent), true);
    assert.equal(options['ca'], undefined);
    assert.ok(options['secureContext'] !== undefined);
    // The pool key no longer carries ~200 KB of certificates on every request.
    assert.ok(poolName().length < 200);
    assert.equal(shareTlsContext(agent), false);
  });

  it('leaves agents without a CA list or with a client certificate alone', () => {
    assert.equal(shareTlsContext(new Agent({})), false);
    const mtls = new Agent({ ca: ['x'], cert: 'c', key: 'k' });
    assert.equal(shareTlsContext(mtls), false);
    assert.deepEqual((mtls as unknown as { options: Record<string, unknown> }).options['ca'], ['x']);
    assert.equal(shareTlsContext(undefined), false);
  });
});
