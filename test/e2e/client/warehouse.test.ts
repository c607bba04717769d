import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectWarehouse } from '../../../src/client/databricks-sql-client.js';
import type { Warehouse } from '../../../src/client/warehouse.js';
import { decodeArrowChunk } from '../../../src/read/arrow/decode-arrow-chunk.js';
import { encodeRows } from '../../../src/read/arrow/encode-rows.js';
import { startEmulator } from '../../../emulator/start-emulator.js';
import type { RunningEmulator } from '../../../emulator/start-emulator.js';

let emulator: RunningEmulator;
let warehouse: Warehouse;

function connect(auth: Parameters<typeof connectWarehouse>[0]['auth'] = { kind: 'token', token: emulator.token }): Promise<Warehouse> {
  return connectWarehouse({ host: emulator.host, port: emulator.port, httpPath: emulator.httpPath, auth, caCertPem: emulator.caCertPem });
}

async function allRows(sql: string, columns: readonly string[], batchRows?: number): Promise<string[]> {
  const rows: string[] = [];
  for await (const chunk of warehouse.queryArrow(sql, undefined, batchRows === undefined ? {} : { batchRows })) {
    for (const batch of decodeArrowChunk(chunk)) rows.push(...encodeRows(batch, columns));
  }
  return rows;
}

async function settled(check: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('Databricks warehouse client against the emulator', () => {
  before(async () => {
    emulator = await startEmulator({ sampleData: true, cloudFetchThresholdRows: 100_000, cloudFetchFileRows: 40_000 });
    warehouse = await connect();
  });

  after(async () => {
    await warehouse?.close();
    await emulator?.stop();
  });

  it('runs a small query and returns exact rows', async () => {
    assert.deepEqual(await warehouse.queryRows('SELECT 1 AS one, CAST(9223372036854775807 AS BIGINT) AS big'), [
      { one: 1, big: '9223372036854775807' },
    ]);
  });

  it('streams every type as exact JSON', async () => {
    const rows = await allRows('SELECT * FROM main.types.all_types WHERE id = 2', [
      'c_bigint',
      'c_float',
      'c_double',
      'c_decimal_38_18',
      'c_decimal_10_2',
      'c_string',
      'c_binary',
      'c_date',
      'c_timestamp',
      'c_timestamp_ntz',
    ]);
    assert.deepEqual(JSON.parse(rows[0]!), {
      c_bigint: 9223372036854775807,
      c_float: 'Infinity',
      c_double: 'NaN',
      c_decimal_38_18: 99999999999999999999.999999999999999999,
      c_decimal_10_2: 99999999.99,
      c_string: 'héllo wörld 日本語 🎉',
      c_binary: 'AP8=',
      c_date: '9999-12-31',
      c_timestamp: '1969-12-31T23:59:59.999999Z',
      c_timestamp_ntz: '1900-01-01T00:00:00.000001',
    });
    // JSON.parse rounds; the text itself keeps every digit.
    assert.match(rows[0]!, /"c_bigint":9223372036854775807,/);
    assert.match(rows[0]!, /"c_decimal_38_18":99999999999999999999\.999999999999999999,/);
  });

  it('reads constant-only queries, which come back column-based, with the same exact encoding', async () => {
    const rows = await allRows(
      "SELECT CAST(1.50 AS DECIMAL(10,2)) AS d, CAST(-9223372036854775808 AS BIGINT) AS b, TIMESTAMP '2024-01-01 00:00:00.000001' AS ts, DATE '0999-12-31' AS day, array(1, 2) AS a, CAST(NULL AS STRING) AS n",
      ['d', 'b', 'ts', 'day', 'a', 'n'],
    );
    assert.deepEqual(rows, ['{"d":1.50,"b":-9223372036854775808,"ts":"2024-01-01T00:00:00.000001Z","day":"0999-12-31","a":[1,2],"n":null}']);
  });

  it('binds typed named parameters', async () => {
    const rows = await warehouse.queryRows('SELECT :big AS big, :ts AS ts, :name AS name, :nothing AS nothing', {
      big: { type: 'BIGINT', value: '-9223372036854775808' },
      ts: { type: 'TIMESTAMP', value: '2024-01-01T00:00:00.000001Z' },
      name: { type: 'STRING', value: "it's" },
      nothing: { type: 'STRING', value: null },
    });
    assert.deepEqual(rows, [{ big: '-9223372036854775808', ts: '2024-01-01T00:00:00.000001Z', name: "it's", nothing: null }]);
  });

  it('reads a large result delivered through CloudFetch, every row once', async () => {
    const rows = await allRows('SELECT id FROM range(250000)', ['id'], 100_000);
    assert.equal(rows.length, 250_000);
    assert.equal(rows[0], '{"id":0}');
    assert.equal(rows[249_999], '{"id":249999}');
  });

  it('downloads CloudFetch files into the buffers of chunks recycled before, every row still exact', async () => {
    // 40 000-row files of one BIGINT and one STRING column: about 1 MB each, so they are pooled.
    const sql = "SELECT id, concat('label ', CAST(id AS STRING)) AS label FROM range(400000)";
    const recycled = new Set<ArrayBuffer>();
    let reused = 0;
    let next = 0;
    for await (const chunk of warehouse.queryArrow(sql, undefined, { batchRows: 100_000 })) {
      assert.equal(typeof chunk.recycle, 'function', 'a CloudFetch chunk can be recycled');
      for (const bytes of chunk.batches) if (recycled.has(bytes.buffer as ArrayBuffer)) reused += 1;
      for (const batch of decodeArrowChunk(chunk)) {
        for (const line of encodeRows(batch, ['id', 'label'])) {
          assert.equal(line, `{"id":${next},"label":"label ${next}"}`);
          next += 1;
        }
      }
      const buffers = [...new Set(chunk.batches.map((b) => b.buffer as ArrayBuffer))];
      for (const buffer of buffers) recycled.add(buffer);
      chunk.recycle!(buffers);
    }
    assert.equal(next, 400_000);
    // Three downloads run ahead of the reader, so the first few files need buffers of their own.
    assert.ok(reused >= 4, `${reused} of 10 files reused a buffer`);
  });

  it('closes the operation when the caller stops iterating early', async () => {
    for await (const chunk of warehouse.queryArrow('SELECT id FROM range(300000)', undefined, { batchRows: 50_000 })) {
      assert.ok(chunk.rowCount > 0);
      break;
    }
    await settled(() => emulator.counts().operations === 0);
    assert.equal(emulator.counts().operations, 0);
  });

  it('cancels the statement and ends with the abort reason when the signal aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('stop reading');
    await assert.rejects(async () => {
      for await (const _chunk of warehouse.queryArrow('SELECT id FROM range(300000)', undefined, { batchRows: 50_000, signal: controller.signal })) {
        controller.abort(reason);
      }
    }, reason);
    await settled(() => emulator.counts().operations === 0);
    assert.equal(emulator.counts().operations, 0);
  });

  it('runs concurrent streams on one connection', async () => {
    const [a, b] = await Promise.all([allRows('SELECT id FROM range(1000)', ['id'], 300), allRows('SELECT id * 2 AS x FROM range(500)', ['x'], 200)]);
    assert.equal(a.length, 1000);
    assert.equal(b.length, 500);
    assert.equal(b[499], '{"x":998}');
  });

  it('lists catalogs, schemas, tables, columns and primary keys', async () => {
    const catalogs = (await warehouse.getCatalogs()).map((r) => r['TABLE_CAT']);
    assert.ok(catalogs.includes('main'), `catalogs: ${catalogs.join(', ')}`);
    const schemas = (await warehouse.getSchemas('main')).map((r) => r['TABLE_SCHEM']);
    assert.ok(schemas.includes('sales'));
    const tables = (await warehouse.getTables('main', 'sales')).map((r) => r['TABLE_NAME']);
    assert.ok(tables.includes('customers'));
    const columns = (await warehouse.getColumns('main', 'sales', 'customers')).map((r) => r['COLUMN_NAME']);
    assert.deepEqual(columns, ['customer_id', 'name', 'email', 'country', 'created_at']);
    const keys = (await warehouse.getPrimaryKeys('main', 'sales', 'customers')).map((r) => r['COLUMN_NAME']);
    assert.deepEqual(keys, ['customer_id']);
  });

  it('surfaces SQL errors unchanged', async () => {
    await assert.rejects(warehouse.queryRows('SELEC 1'), (error: unknown) => {
      assert.ok(typeof (error as { message?: unknown }).message === 'string');
      return true;
    });
    // The connection stays usable.
    assert.deepEqual(await warehouse.queryRows('SELECT 2 AS two'), [{ two: 2 }]);
  });

  it('authenticates with a token provider, asking it for each request', async () => {
    let calls = 0;
    const viaProvider = await connect({
      kind: 'token-provider',
      getToken: async () => {
        calls++;
        return emulator.token;
      },
    });
    try {
      assert.deepEqual(await viaProvider.queryRows('SELECT 3 AS three'), [{ three: 3 }]);
      assert.ok(calls >= 2, `getToken calls: ${calls}`);
    } finally {
      await viaProvider.close();
    }
  });

  it('fails to connect with a bad token', async () => {
    await assert.rejects(connect({ kind: 'token', token: 'dapi-wrong' }));
  });

  it('closes its session on close()', async () => {
    const other = await connect();
    const before = emulator.counts().sessions;
    await other.close();
    assert.equal(emulator.counts().sessions, before - 1);
  });
});
