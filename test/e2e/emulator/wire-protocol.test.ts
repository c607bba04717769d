import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { DBSQLClient } from '@databricks/sql';
import { driverOptions, openDriverSession, queryRows, startTestEmulator } from '../../helpers/emulator.js';
import type { DriverSession, RunningEmulator } from '../../helpers/emulator.js';

function rawPost(emu: RunningEmulator, path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${emu.url}${path}`, { method: 'POST', ca: emu.caCertPem, headers: { 'content-type': 'application/x-thrift', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(Buffer.alloc(0));
  });
}

describe('emulator wire protocol through @databricks/sql', () => {
  let emu: RunningEmulator;
  let db: DriverSession;

  before(async () => {
    emu = await startTestEmulator({ tokens: ['dapi-wire-test'] });
    db = await openDriverSession(emu);
  });
  after(async () => {
    await db?.close();
    await emu?.stop();
  });

  it('answers a small query in one ExecuteStatement round trip (direct results with closeOperation)', async () => {
    const before = emu.requests().length;
    const rows = await queryRows(db.session, 'SELECT 1 AS one');
    assert.deepEqual(rows, [{ one: 1 }]);
    assert.deepEqual(emu.requests().slice(before).map((r) => r.name), ['ExecuteStatement']);
  });

  it('runs statements concurrently on one session and across sessions', async () => {
    const other = await openDriverSession(emu);
    try {
      const results = await Promise.all([
        queryRows(db.session, 'SELECT count(*) AS n FROM range(1000)'),
        queryRows(db.session, 'SELECT count(*) AS n FROM range(2000)'),
        queryRows(other.session, 'SELECT count(*) AS n FROM range(3000)'),
      ]);
      assert.deepEqual(results.map((r) => Number(r[0]?.n)), [1000, 2000, 3000]);
    } finally {
      await other.close();
    }
  });

  it('binds named and positional parameters (server answers protocol V8)', async () => {
    const named = await queryRows(db.session, 'SELECT :a + 1 AS x, :s AS s', { namedParameters: { a: 41, s: "it's" } });
    assert.equal(Number(named[0]?.x), 42);
    assert.equal(named[0]?.s, "it's");
    const ordinal = await queryRows(db.session, 'SELECT ? AS a, ? AS b', { ordinalParameters: ['first', 2] });
    assert.equal(ordinal[0]?.a, 'first');
    assert.equal(Number(ordinal[0]?.b), 2);
  });

  it('reports a syntax error with sqlState 42601 and the Databricks message shape', async () => {
    await assert.rejects(queryRows(db.session, 'SELEC 1'), (error: Error & { response?: { sqlState?: string; errorMessage?: string } }) => {
      assert.equal(error.response?.sqlState, '42601');
      assert.match(error.message, /^\n\[PARSE_SYNTAX_ERROR\]/);
      assert.match(error.message, /SQLSTATE: 42601/);
      assert.match(error.response?.errorMessage ?? '', /^Error running query: \[PARSE_SYNTAX_ERROR\]/);
      return true;
    });
  });

  it('reports a missing table as TABLE_OR_VIEW_NOT_FOUND / 42P01', async () => {
    await assert.rejects(queryRows(db.session, 'SELECT * FROM no_such_table_xyz'), (error: Error & { response?: { sqlState?: string } }) => {
      assert.equal(error.response?.sqlState, '42P01');
      assert.match(error.message, /TABLE_OR_VIEW_NOT_FOUND/);
      return true;
    });
  });

  it('cancels a slow query: the operation ends CANCELED and the session stays usable', async () => {
    emu.setFaults({ slowQueryMs: 30_000 });
    try {
      const op = await db.session.executeStatement('SELECT 1 AS one');
      const started = Date.now();
      const status = await op.status();
      assert.equal(status.operationState, 1 /* RUNNING_STATE */);
      await op.cancel();
      await assert.rejects(op.fetchAll());
      assert.ok(Date.now() - started < 5_000);
    } finally {
      emu.setFaults({});
    }
    assert.deepEqual(await queryRows(db.session, 'SELECT 2 AS two'), [{ two: 2 }]);
  });

  it('lists catalogs, schemas, tables, columns and primary keys with the JDBC layouts', async () => {
    const fetch = async (p: Promise<{ fetchAll(): Promise<object[]>; close(): Promise<unknown> }>) => {
      const op = await p;
      const rows = (await op.fetchAll()) as Record<string, unknown>[];
      await op.close();
      return rows;
    };
    const catalogs = await fetch(db.session.getCatalogs());
    assert.ok(catalogs.length > 0);
    assert.deepEqual(Object.keys(catalogs[0] ?? {}), ['TABLE_CAT']);
    const schemas = await fetch(db.session.getSchemas({}));
    assert.deepEqual(Object.keys(schemas[0] ?? {}), ['TABLE_SCHEM', 'TABLE_CATALOG']);
    await queryRows(db.session, 'CREATE TABLE meta_probe (id BIGINT NOT NULL, name STRING)');
    const tables = await fetch(db.session.getTables({ tableName: 'meta_probe' }));
    assert.equal(tables.length, 1);
    assert.deepEqual(Object.keys(tables[0] ?? {}).slice(0, 5), ['TABLE_CAT', 'TABLE_SCHEM', 'TABLE_NAME', 'TABLE_TYPE', 'REMARKS']);
    const columns = await fetch(db.session.getColumns({ tableName: 'meta_probe' }));
    assert.deepEqual(columns.map((c) => c.COLUMN_NAME), ['id', 'name']);
    assert.equal(Object.keys(columns[0] ?? {}).length, 23);
    const keys = await fetch(db.session.getPrimaryKeys({ schemaName: 'default', tableName: 'meta_probe' }));
    assert.deepEqual(keys, []);
  });

  it('rejects a request without a credential with 401 and Databricks headers', async () => {
    const res = await rawPost(emu, emu.httpPath, {});
    assert.equal(res.status, 401);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="DatabricksRealm"');
    assert.equal(res.headers['x-databricks-reason-phrase'], 'Credential was not sent or was of an unsupported type for this API.');
    assert.equal((JSON.parse(res.body) as { error_code: number }).error_code, 401);
  });

  it('rejects a wrong token with 403 "Invalid access token."', async () => {
    const client = new DBSQLClient({ logger: { log: () => undefined, setLevel: () => undefined } as never });
    await client.connect(driverOptions(emu, { token: 'dapi-wrong' }));
    await assert.rejects(client.openSession(), (error: Error & { statusCode?: number }) => {
      assert.equal(error.statusCode, 403);
      return true;
    });
    await client.close();
    const raw = await rawPost(emu, emu.httpPath, { authorization: 'Bearer dapi-wrong' });
    assert.equal(raw.status, 403);
    assert.deepEqual(JSON.parse(raw.body), { error_code: 403, message: 'Invalid access token.' });
  });

  it('answers an unknown warehouse id with 404 RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await rawPost(emu, '/sql/1.0/warehouses/doesnotexist', { authorization: `Bearer ${emu.token}` });
    assert.equal(res.status, 404);
    assert.equal((JSON.parse(res.body) as { error_code: string }).error_code, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('refuses a token revoked while a session uses it', async () => {
    const emu2 = await startTestEmulator({ tokens: ['dapi-revoke-me'] });
    const s = await openDriverSession(emu2);
    try {
      assert.deepEqual(await queryRows(s.session, 'SELECT 1 AS one'), [{ one: 1 }]);
      emu2.revokeToken('dapi-revoke-me');
      await assert.rejects(queryRows(s.session, 'SELECT 1 AS one'), (error: Error & { statusCode?: number }) => error.statusCode === 403);
    } finally {
      await s.close().catch(() => undefined);
      await emu2.stop();
    }
  });
});
