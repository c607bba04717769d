import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Engine, type BoundParameter } from '../../../../emulator/engine/engine.js';
import { SqlError, type EngineResult } from '../../../../emulator/engine/engine-result.js';
import { sparkSqlName } from '../../../../emulator/spark-type.js';

let engine: Engine;

before(async () => {
  engine = await Engine.create();
  await run('CREATE SCHEMA main.cdf');
});
after(async () => {
  await engine.close();
});

type Row = Record<string, unknown>;

async function run(sql: string, params: BoundParameter[] = []): Promise<EngineResult> {
  return engine.execute(sql, params, { catalog: 'main', schema: 'cdf' }).result;
}
async function rows(sql: string): Promise<Row[]> {
  return (await (await run(sql)).duck?.getRowObjectsJson()) ?? [];
}
async function failure(sql: string): Promise<SqlError> {
  try {
    await run(sql);
  } catch (e) {
    assert.ok(e instanceof SqlError, `expected SqlError, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected ${sql} to fail`);
}
const byId = (list: Row[]): Row[] => [...list].sort((a, b) => Number(a['id']) - Number(b['id']));
const sortChanges = (list: Row[]): Row[] =>
  [...list].sort(
    (a, b) => Number(a['_commit_version']) - Number(b['_commit_version']) || String(a['_change_type']).localeCompare(String(b['_change_type'])) || Number(a['id']) - Number(b['id']),
  );
const changes = async (sql: string): Promise<Row[]> => sortChanges((await rows(sql)).map((r) => ({ ...r, _commit_timestamp: undefined })));
const change = (id: number, v: string | null, type: string, version: number): Row => ({ id, v, _change_type: type, _commit_version: String(version), _commit_timestamp: undefined });

describe('table versions', () => {
  const states: Row[][] = [];
  const snap = async (): Promise<void> => {
    states.push(byId(await rows('SELECT * FROM t1')));
  };

  before(async () => {
    await run('CREATE TABLE t1 (id INT, v STRING) USING DELTA');
    await snap();
    await run("INSERT INTO t1 VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    await snap();
    await run("UPDATE t1 SET v = 'bb' WHERE id = 2");
    await snap();
    await run('DELETE FROM t1 WHERE id = 3');
    await snap();
    await run("MERGE INTO t1 USING (SELECT * FROM VALUES (1, 'aa'), (4, 'd') AS s(id, v)) s ON t1.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT *");
    await snap();
    await run("INSERT OVERWRITE t1 VALUES (10, 'x'), (11, 'y')");
    await snap();
    await run('ALTER TABLE t1 ADD COLUMNS (w INT)');
    await snap();
    await run("ALTER TABLE t1 SET TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')");
    await snap();
    await run('ALTER TABLE t1 RENAME COLUMN w TO w2');
    await snap();
    await run('ALTER TABLE t1 DROP COLUMN w2');
    await snap();
    await run('TRUNCATE TABLE t1');
    await snap();
    await run("CREATE OR REPLACE TABLE t1 AS SELECT 7 AS id, 'r' AS v");
    await snap();
  });

  it('makes one version per commit, listed newest first by DESCRIBE HISTORY', async () => {
    const h = await rows('DESCRIBE HISTORY t1');
    assert.deepEqual(h.map((r) => [r['version'], r['operation']]), [
      ['11', 'CREATE OR REPLACE TABLE AS SELECT'], ['10', 'TRUNCATE'], ['9', 'DROP COLUMNS'], ['8', 'RENAME COLUMN'],
      ['7', 'SET TBLPROPERTIES'], ['6', 'ADD COLUMNS'], ['5', 'WRITE'], ['4', 'MERGE'], ['3', 'DELETE'], ['2', 'UPDATE'], ['1', 'WRITE'],
      ['0', 'CREATE TABLE'],
    ]);
    const times = h.map((r) => String(r['timestamp'])).reverse();
    for (let i = 1; i < times.length; i++) assert.ok(times[i]! > times[i - 1]!, `timestamps increase: ${times[i - 1]} < ${times[i]}`);
    assert.match(times[0]!, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?\+00$/);
    assert.deepEqual(h[6]!['operationParameters'], [{ key: 'mode', value: 'Overwrite' }, { key: 'statsOnLoad', value: 'false' }, { key: 'partitionBy', value: '[]' }]);
    assert.equal(h[11]!['readVersion'], null);
    assert.equal(h[10]!['readVersion'], '0');
    assert.equal(h[10]!['isBlindAppend'], true);
  });

  it('reports Delta history columns and types', async () => {
    const r = await run('DESCRIBE HISTORY t1 LIMIT 2');
    assert.deepEqual(r.columns.map((c) => c.name), [
      'version', 'timestamp', 'userId', 'userName', 'operation', 'operationParameters', 'job', 'notebook', 'clusterId',
      'readVersion', 'isolationLevel', 'isBlindAppend', 'operationMetrics', 'userMetadata', 'engineInfo',
    ]);
    assert.deepEqual(r.columns.slice(0, 6).map((c) => sparkSqlName(c.type)), ['BIGINT', 'TIMESTAMP', 'STRING', 'STRING', 'STRING', 'MAP<STRING, STRING>']);
    assert.equal((await r.duck!.getRowObjectsJson()).length, 2);
  });

  it('reads every version with VERSION AS OF, across schema changes', async () => {
    for (let v = 0; v < states.length; v++) {
      assert.deepEqual(byId(await rows(`SELECT * FROM t1 VERSION AS OF ${v}`)), states[v], `version ${v}`);
    }
    assert.deepEqual(byId(await rows('SELECT * FROM main.cdf.t1 VERSION AS OF 4')), [
      { id: 1, v: 'aa' }, { id: 2, v: 'bb' }, { id: 4, v: 'd' },
    ]);
    assert.deepEqual(Object.keys(states[6]![0]!), ['id', 'v', 'w']);
  });

  it('reads `t@v<n>` and qualifies columns by the table name', async () => {
    assert.deepEqual(byId(await rows('SELECT t1.id FROM t1@v2 WHERE t1.v = \'bb\'')), [{ id: 2 }]);
    assert.deepEqual(byId(await rows('SELECT x.id FROM t1 VERSION AS OF 2 AS x JOIN t1 FOR VERSION AS OF 1 y ON x.id = y.id')), [{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it('reads TIMESTAMP AS OF the latest version committed at or before the timestamp', async () => {
    const h = await rows('DESCRIBE HISTORY t1');
    const ts = (v: number): string => String(h.find((r) => r['version'] === String(v))!['timestamp']).replace('+00', '');
    assert.deepEqual(byId(await rows(`SELECT * FROM t1 TIMESTAMP AS OF '${ts(3)}'`)), states[3]);
    assert.deepEqual(byId(await rows(`SELECT * FROM t1 TIMESTAMP AS OF TIMESTAMP '${ts(4)}'`)), states[4]);
    const late = await failure("SELECT * FROM t1 TIMESTAMP AS OF '2999-01-01'");
    assert.equal(late.errorClass, 'DELTA_TIMESTAMP_GREATER_THAN_COMMIT');
    assert.equal(late.sqlState, '42816');
    const early = await failure("SELECT * FROM t1 TIMESTAMP AS OF '2000-01-01'");
    assert.equal(early.errorClass, 'DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION');
  });

  it('fails VERSION AS OF outside the table history with the available range', async () => {
    const e = await failure('SELECT * FROM t1 VERSION AS OF 12');
    assert.equal(e.errorClass, 'DELTA_VERSION_NOT_FOUND');
    assert.equal(e.sqlState, '22003');
    assert.match(e.message, /Cannot time travel Delta table to version 12\. Available versions: \[0, 11\]\./);
  });

  it('reports delta.enableChangeDataFeed in DESCRIBE DETAIL once ALTER TABLE sets it', async () => {
    await run('CREATE TABLE d1 (id INT)');
    await run("ALTER TABLE d1 SET TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')");
    const [d] = await rows('DESCRIBE DETAIL d1');
    assert.deepEqual(d!['properties'], [{ key: 'delta.enableChangeDataFeed', value: 'true' }]);
  });

  it('keeps hidden change logs out of the catalog', async () => {
    assert.deepEqual((await rows('SHOW TABLES IN main.cdf')).map((r) => r['tableName']).filter((n) => String(n).startsWith('delta_')), []);
    const leaked = await rows("SELECT table_name FROM system.information_schema.tables WHERE table_name LIKE 'delta\\_%'");
    assert.deepEqual(leaked, []);
    const cols = await engine.getColumns('main', 'cdf', 't1', null);
    assert.deepEqual((await cols.duck!.getRowObjectsJson()).map((r) => r['COLUMN_NAME']), ['id', 'v']);
  });
});

describe('table_changes', () => {
  before(async () => {
    await run("CREATE TABLE c1 (id INT, v STRING) TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')");
    await run("INSERT INTO c1 VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    await run("UPDATE c1 SET v = 'bb' WHERE id = 2");
    await run('DELETE FROM c1 WHERE id = 3');
    await run(`MERGE INTO c1 t USING (SELECT * FROM VALUES (1, 'aa'), (2, NULL), (5, 'e') AS s(id, v)) s ON t.id = s.id
               WHEN MATCHED AND s.v IS NULL THEN DELETE WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v)`);
  });

  it('returns inserts, update pre/post images, deletes and merge changes per version', async () => {
    assert.deepEqual(await changes("SELECT * FROM table_changes('c1', 1)"), sortChanges([
      change(1, 'a', 'insert', 1), change(2, 'b', 'insert', 1), change(3, 'c', 'insert', 1),
      change(2, 'b', 'update_preimage', 2), change(2, 'bb', 'update_postimage', 2),
      change(3, 'c', 'delete', 3),
      change(1, 'a', 'update_preimage', 4), change(1, 'aa', 'update_postimage', 4), change(2, 'bb', 'delete', 4), change(5, 'e', 'insert', 4),
    ]));
  });

  it('has the table columns, then _change_type, _commit_version BIGINT and _commit_timestamp TIMESTAMP', async () => {
    const r = await run("SELECT * FROM table_changes('main.cdf.c1', 2, 3)");
    assert.deepEqual(r.columns.map((c) => `${c.name} ${sparkSqlName(c.type)}`), [
      'id INT', 'v STRING', '_change_type STRING', '_commit_version BIGINT', '_commit_timestamp TIMESTAMP',
    ]);
    const list = await r.duck!.getRowObjectsJson();
    assert.deepEqual(list.map((x) => x['_commit_version']).sort(), ['2', '2', '3']);
    const [h] = await rows('DESCRIBE HISTORY c1 LIMIT 1');
    assert.ok(h);
  });

  it('includes version 0 rows of a CTAS with change data feed on, and filters like a relation', async () => {
    await run("CREATE TABLE c2 TBLPROPERTIES (delta.enableChangeDataFeed = true) AS SELECT id, 'x' AS v FROM range(3)");
    assert.deepEqual(await rows("SELECT id, _change_type FROM table_changes('c2', 0, 0) WHERE id > 0 ORDER BY id"), [
      { id: '1', _change_type: 'insert' }, { id: '2', _change_type: 'insert' },
    ]);
  });

  it('accepts timestamps for start and end', async () => {
    const h = await rows('DESCRIBE HISTORY c1');
    const ts = (v: number): string => String(h.find((r) => r['version'] === String(v))!['timestamp']).replace('+00', '');
    const got = await rows(`SELECT DISTINCT _commit_version FROM table_changes('c1', '${ts(2)}', '${ts(3)}') ORDER BY 1`);
    assert.deepEqual(got, [{ _commit_version: '2' }, { _commit_version: '3' }]);
    const e = await failure("SELECT * FROM table_changes('c1', '2999-01-01 00:00:00')");
    assert.equal(e.errorClass, 'DELTA_TIMESTAMP_GREATER_THAN_COMMIT');
  });

  it('covers only versions committed while change data feed was on', async () => {
    await run('CREATE TABLE c3 (id INT, v STRING)');
    await run("INSERT INTO c3 VALUES (1, 'a')");
    await run("ALTER TABLE c3 SET TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')");
    await run("UPDATE c3 SET v = 'b'");
    const e = await failure("SELECT * FROM table_changes('c3', 0)");
    assert.equal(e.errorClass, 'DELTA_MISSING_CHANGE_DATA');
    assert.equal(e.sqlState, 'KD002');
    assert.match(e.message, /range \[0 , 3\] as change data was not recorded for version \[0\]/);
    assert.deepEqual(await changes("SELECT * FROM table_changes('c3', 2)"), sortChanges([change(1, 'a', 'update_preimage', 3), change(1, 'b', 'update_postimage', 3)]));
    await run("ALTER TABLE c3 SET TBLPROPERTIES ('delta.enableChangeDataFeed' = 'false')");
    await run("INSERT INTO c3 VALUES (2, 'z')");
    assert.equal((await failure("SELECT * FROM table_changes('c3', 3)")).errorClass, 'DELTA_MISSING_CHANGE_DATA');
  });

  it('fails like Delta for ranges it cannot read', async () => {
    const after = await failure("SELECT * FROM table_changes('c1', 9)");
    assert.equal(after.errorClass, 'DELTA_CDC_START_VERSION_AFTER_LATEST');
    assert.equal(after.sqlState, '22003');
    assert.match(after.message, /Start version 9 for change data feed exceeds the latest table version 4/);
    const range = await failure("SELECT * FROM table_changes('c1', 3, 1)");
    assert.equal(range.errorClass, 'DELTA_INVALID_CDC_RANGE');
    assert.equal(range.sqlState, '22003');
    assert.equal((await failure("SELECT * FROM table_changes('nope', 0)")).errorClass, 'TABLE_OR_VIEW_NOT_FOUND');
    await run('CREATE VIEW c1_view AS SELECT * FROM c1');
    assert.equal((await failure('DESCRIBE HISTORY c1_view')).errorClass, 'DELTA_CANNOT_DESCRIBE_VIEW_HISTORY');
    assert.equal((await failure('SELECT * FROM c1_view VERSION AS OF 0')).errorClass, 'DELTA_UNSUPPORTED_TIME_TRAVEL_VIEWS');
  });

  it('projects changes from before a column was added or dropped onto the current columns', async () => {
    await run("CREATE TABLE c4 (id INT, v STRING, gone INT) TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')");
    await run("INSERT INTO c4 VALUES (1, 'a', 9)");
    await run('ALTER TABLE c4 DROP COLUMN gone');
    await run('ALTER TABLE c4 ADD COLUMN extra INT');
    await run("INSERT INTO c4 VALUES (2, 'b', 7)");
    const r = await run("SELECT * FROM table_changes('c4', 0) ORDER BY id");
    assert.deepEqual(r.columns.map((c) => c.name), ['id', 'v', 'extra', '_change_type', '_commit_version', '_commit_timestamp']);
    assert.deepEqual((await r.duck!.getRowObjectsJson()).map((x) => [x['id'], x['extra'], x['_commit_version']]), [[1, null, '1'], [2, 7, '4']]);
    assert.deepEqual(await rows('SELECT * FROM c4 VERSION AS OF 1'), [{ id: 1, v: 'a', gone: 9 }]);
  });

  it('records parameterised writes', async () => {
    await run("CREATE TABLE c5 (id INT, v STRING) TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')");
    await run('INSERT INTO c5 VALUES (?, ?)', [{ type: 'INT', value: '1' }, { type: 'STRING', value: "it's" }]);
    await run('UPDATE c5 SET v = :v WHERE id = :id', [{ name: 'v', type: 'STRING', value: 'new' }, { name: 'id', type: 'INT', value: '1' }]);
    assert.deepEqual(await changes("SELECT * FROM table_changes('c5', 1)"), sortChanges([
      change(1, "it's", 'insert', 1), change(1, "it's", 'update_preimage', 2), change(1, 'new', 'update_postimage', 2),
    ]));
  });

  it('reads an end version past the latest as the latest', async () => {
    assert.deepEqual(await rows("SELECT max(_commit_version) AS m FROM table_changes('c1', 3, 99)"), [{ m: '4' }]);
  });
});

describe('retention', () => {
  before(async () => {
    await run("CREATE TABLE r1 (id INT, v STRING) TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')");
    for (let i = 1; i <= 5; i++) await run(`INSERT INTO r1 VALUES (${i}, 'v${i}')`);
  });

  it('expires data like VACUUM: history stays, older reads fail with the retention error', async () => {
    await engine.expireHistory('main.cdf.r1', 3);
    assert.equal((await rows('DESCRIBE HISTORY r1')).length, 6);
    const tt = await failure('SELECT * FROM r1 VERSION AS OF 2');
    assert.equal(tt.errorClass, 'DELTA_UNSUPPORTED_TIME_TRAVEL_BEYOND_DELETED_FILE_RETENTION_DURATION');
    assert.equal(tt.sqlState, '0AKDC');
    assert.match(tt.message, /Cannot time travel beyond delta\.deletedFileRetentionDuration \(168 HOURS\)/);
    assert.equal((await failure("SELECT * FROM table_changes('r1', 1)")).errorClass, 'DELTA_UNSUPPORTED_TIME_TRAVEL_BEYOND_DELETED_FILE_RETENTION_DURATION');
    assert.deepEqual((await rows('SELECT id FROM r1 VERSION AS OF 3 ORDER BY id')).map((r) => r['id']), [1, 2, 3]);
    assert.deepEqual((await rows("SELECT id FROM table_changes('r1', 3) ORDER BY id")).map((r) => r['id']), [3, 4, 5]);
  });

  it('expires the log too: versions leave the history and reads fail with DELTA_VERSION_NOT_FOUND', async () => {
    await engine.expireHistory('main.cdf.r1', 4, { dropLog: true });
    assert.deepEqual((await rows('DESCRIBE HISTORY r1')).map((r) => r['version']), ['5', '4']);
    const e = await failure('SELECT * FROM r1 VERSION AS OF 3');
    assert.equal(e.errorClass, 'DELTA_VERSION_NOT_FOUND');
    assert.match(e.message, /Available versions: \[4, 5\]/);
    assert.equal((await failure("SELECT * FROM table_changes('r1', 3)")).errorClass, 'DELTA_VERSION_NOT_FOUND');
    assert.deepEqual((await rows('SELECT id FROM r1 VERSION AS OF 4 ORDER BY id')).map((r) => r['id']), [1, 2, 3, 4]);
  });

  it('VACUUM RETAIN 0 HOURS leaves only the latest version readable', async () => {
    await run('CREATE TABLE r2 (id INT)');
    await run('INSERT INTO r2 VALUES (1)');
    await run('INSERT INTO r2 VALUES (2)');
    await run('VACUUM r2 RETAIN 0 HOURS');
    assert.equal((await failure('SELECT * FROM r2 VERSION AS OF 1')).errorClass, 'DELTA_UNSUPPORTED_TIME_TRAVEL_BEYOND_DELETED_FILE_RETENTION_DURATION');
    assert.deepEqual((await rows('SELECT id FROM r2 VERSION AS OF 2 ORDER BY id')).map((r) => r['id']), [1, 2]);
    await run('VACUUM r2');
    assert.deepEqual((await rows('SELECT count(*) AS n FROM r2@v2')), [{ n: '2' }]);
  });
});

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('change data feed replay', () => {
  it('replaying table_changes onto version 0 gives the table at every checked version (200 random writes)', async () => {
    const rnd = random(20240601);
    const int = (n: number): number => Math.floor(rnd() * n);
    // tags is an ARRAY: DuckDB rewrites updated nested-type rows under new row ids.
    await run("CREATE TABLE rnd (id INT, a INT, b STRING, tags ARRAY<INT>) TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')");
    await run('INSERT INTO rnd SELECT id, id * 2, concat(\'s\', CAST(id AS STRING)), array(id) FROM range(50)');
    let nextId = 50;
    const expected: Row[][] = [];
    const current = async (): Promise<Row[]> => byId(await rows('SELECT * FROM rnd'));
    expected[0] = [];
    expected[1] = await current();
    for (let step = 0; step < 200; step++) {
      const kind = int(5);
      if (kind === 0) {
        const n = 1 + int(4);
        const values = Array.from({ length: n }, () => `(${nextId++}, ${int(100)}, 'n${int(1000)}', array(${int(9)}))`);
        await run(`INSERT INTO rnd VALUES ${values.join(', ')}`);
      } else if (kind === 1) {
        await run(`UPDATE rnd SET a = a + ${1 + int(5)}, b = concat(b, 'u') WHERE id % ${2 + int(7)} = ${int(2)}`);
      } else if (kind === 2) {
        await run(`UPDATE rnd SET tags = array(${int(50)}, ${int(50)}) WHERE a % 5 = ${int(5)}`);
      } else if (kind === 3) {
        await run(`DELETE FROM rnd WHERE a % ${7 + int(10)} = ${int(3)}`);
      } else {
        const src = Array.from({ length: 4 }, () => (rnd() < 0.6 && nextId > 0 ? int(nextId) : nextId++))
          .filter((id, i, all) => all.indexOf(id) === i)
          .map((id) => `(${id}, ${int(100)}, array(${int(20)}))`);
        await run(`MERGE INTO rnd t USING (SELECT * FROM VALUES ${src.join(', ')} AS s(id, a, tags)) s ON t.id = s.id
                   WHEN MATCHED AND s.a < 20 THEN DELETE
                   WHEN MATCHED THEN UPDATE SET a = s.a + 1000, tags = s.tags
                   WHEN NOT MATCHED THEN INSERT (id, a, b, tags) VALUES (s.id, s.a, 'm', s.tags)`);
      }
      expected.push(await current());
    }
    const latest = expected.length - 1;
    const feed = await rows("SELECT * FROM table_changes('rnd', 0) ORDER BY _commit_version");
    const state = new Map<number, Row>();
    const key = (r: Row): Row => ({ id: r['id'], a: r['a'], b: r['b'], tags: r['tags'] });
    let at = 0;
    const applyThrough = (version: number): void => {
      for (; at <= version; at++) {
        const inVersion = feed.filter((r) => Number(r['_commit_version']) === at);
        for (const r of inVersion) if (r['_change_type'] === 'delete') state.delete(Number(r['id']));
        for (const r of inVersion) {
          if (r['_change_type'] === 'insert' || r['_change_type'] === 'update_postimage') state.set(Number(r['id']), key(r));
        }
      }
    };
    for (let v = 1; v <= latest; v++) {
      applyThrough(v);
      if (v % 20 !== 0 && v !== latest && v !== 1) continue;
      assert.deepEqual(byId([...state.values()]), expected[v], `replay at version ${v}`);
      assert.deepEqual(byId(await rows(`SELECT * FROM rnd VERSION AS OF ${v}`)), expected[v], `VERSION AS OF ${v}`);
    }
    assert.deepEqual(byId([...state.values()]), await current());
    const pre = feed.filter((r) => r['_change_type'] === 'update_preimage').length;
    const post = feed.filter((r) => r['_change_type'] === 'update_postimage').length;
    assert.equal(pre, post);
    assert.ok(pre > 0);
  });
});

describe('versions at scale', () => {
  it('reads old versions and changes of a 30 000-row table quickly', async () => {
    await run("CREATE TABLE big TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true') AS SELECT id, CAST(id % 97 AS INT) AS k, md5(CAST(id AS STRING)) AS s FROM range(30000)");
    await run('UPDATE big SET k = k + 1 WHERE id % 3 = 0');
    await run('DELETE FROM big WHERE id % 10 = 1');
    await run('INSERT INTO big SELECT id + 30000, 0, \'new\' FROM range(5000)');
    const started = Date.now();
    assert.deepEqual(await rows('SELECT count(*) AS n, sum(k) AS k FROM big VERSION AS OF 0'), await rows('SELECT count(*) AS n, sum(CAST(id % 97 AS INT)) AS k FROM range(30000)'));
    assert.deepEqual(await rows('SELECT count(*) AS n FROM big VERSION AS OF 2'), [{ n: '27000' }]);
    assert.deepEqual(await rows("SELECT _change_type, count(*) AS n FROM table_changes('big', 1) GROUP BY 1 ORDER BY 1"), [
      { _change_type: 'delete', n: '3000' }, { _change_type: 'insert', n: '5000' },
      { _change_type: 'update_postimage', n: '10000' }, { _change_type: 'update_preimage', n: '10000' },
    ]);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });
});
