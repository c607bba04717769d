import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { quoteIdentifier, quoteTableName } from '../../../src/sql/quote-identifier.js';
import {
  renderCount,
  renderDescribeDetail,
  renderLatestVersion,
  renderMaxCursor,
  renderSelect,
} from '../../../src/sql/select-query.js';

const table = { catalog: 'main', schema: 'analytics', name: 'user_events' };
const ts = (value: string) => ({ type: 'TIMESTAMP', value });

describe('quoteIdentifier', () => {
  const cases: Array<[string, string]> = [
    ['plain', '`plain`'],
    ['with`tick', '`with``tick`'],
    ['``', '``````'],
    ['a.b', '`a.b`'],
    ['has space', '`has space`'],
    ["it's", "`it's`"],
    ['x"y', '`x"y`'],
    ['a; DROP TABLE t; --', '`a; DROP TABLE t; --`'],
    ['`; DROP TABLE t; --', '```; DROP TABLE t; --`'],
    ['Ünïcødé_列', '`Ünïcødé_列`'],
    ['line\nbreak', '`line\nbreak`'],
  ];
  for (const [name, quoted] of cases) {
    it(`quotes ${JSON.stringify(name)} as ${quoted}`, () => assert.equal(quoteIdentifier(name), quoted));
  }
  it('refuses an empty name', () => assert.throws(() => quoteIdentifier(''), /empty/));
  it('quotes each part of a table name', () => {
    assert.equal(quoteTableName({ catalog: 'c`', schema: 's.x', name: 't t' }), '`c```.`s.x`.`t t`');
  });
});

describe('renderSelect', () => {
  it('reads whole table columns in order', () => {
    assert.deepEqual(renderSelect({ columns: ['id', 'name'], table }), {
      sql: 'SELECT `id`, `name` FROM `main`.`analytics`.`user_events`',
      parameters: {},
    });
  });

  it('reads an incremental slice with bound parameters, filter and order', () => {
    const q = renderSelect({
      columns: ['id', 'event_timestamp'],
      table,
      lowerBound: { column: 'event_timestamp', value: ts('2024-01-01T00:00:00.000001Z'), inclusive: false },
      upperBound: { column: 'event_timestamp', value: ts('2024-02-01T00:00:00Z'), inclusive: true },
      filter: "event_type <> 'heartbeat'",
      orderBy: ['event_timestamp'],
    });
    assert.equal(
      q.sql,
      'SELECT `id`, `event_timestamp` FROM `main`.`analytics`.`user_events` WHERE `event_timestamp` > :p0 AND `event_timestamp` <= :p1 AND (event_type <> \'heartbeat\') ORDER BY `event_timestamp` ASC',
    );
    assert.deepEqual(q.parameters, { p0: ts('2024-01-01T00:00:00.000001Z'), p1: ts('2024-02-01T00:00:00Z') });
  });

  it('uses >= for an inclusive lower bound and < for an exclusive upper bound', () => {
    const q = renderSelect({
      columns: ['id'],
      table,
      lowerBound: { column: 'id', value: { type: 'BIGINT', value: '10' }, inclusive: true },
      upperBound: { column: 'id', value: { type: 'BIGINT', value: '20' }, inclusive: false },
    });
    assert.equal(q.sql, 'SELECT `id` FROM `main`.`analytics`.`user_events` WHERE `id` >= :p0 AND `id` < :p1');
  });

  it('numbers parameters from p0 when only an upper bound is given', () => {
    const q = renderSelect({ columns: ['id'], table, upperBound: { column: 'id', value: { type: 'INT', value: '5' }, inclusive: true } });
    assert.equal(q.sql, 'SELECT `id` FROM `main`.`analytics`.`user_events` WHERE `id` <= :p0');
    assert.deepEqual(Object.keys(q.parameters), ['p0']);
  });

  it('keeps injection attempts in names inside quoted identifiers', () => {
    const q = renderSelect({
      columns: ['a`; DROP TABLE x; --', "b' OR '1'='1", 'c.d', 'e f', 'ñ'],
      table: { catalog: 'main', schema: 'sch`ema', name: 'tab;le' },
      orderBy: ['a`; DROP TABLE x; --'],
    });
    assert.equal(
      q.sql,
      "SELECT `a``; DROP TABLE x; --`, `b' OR '1'='1`, `c.d`, `e f`, `ñ` FROM `main`.`sch``ema`.`tab;le` ORDER BY `a``; DROP TABLE x; --` ASC",
    );
  });

  it('never puts a value into the SQL text', () => {
    const evil = "x' OR 1=1; DROP TABLE t; --";
    const q = renderSelect({ columns: ['s'], table, lowerBound: { column: 's', value: { type: 'STRING', value: evil }, inclusive: false } });
    assert.ok(!q.sql.includes(evil));
    assert.equal(q.parameters.p0?.value, evil);
  });

  it('reads a pinned Delta version and a limit', () => {
    assert.equal(
      renderSelect({ columns: ['id'], table, versionAsOf: 42n, orderBy: ['id', 'ts'], limit: 10 }).sql,
      'SELECT `id` FROM `main`.`analytics`.`user_events` VERSION AS OF 42 ORDER BY `id` ASC, `ts` ASC LIMIT 10',
    );
    assert.throws(() => renderSelect({ columns: ['id'], table, versionAsOf: '1; DROP' }), /non-negative integer/);
    assert.throws(() => renderSelect({ columns: ['id'], table, versionAsOf: -1 }), /non-negative integer/);
    assert.throws(() => renderSelect({ columns: ['id'], table, limit: 1.5 }), /non-negative integer/);
  });

  it('ignores a blank filter and refuses an empty column list', () => {
    assert.equal(renderSelect({ columns: ['id'], table, filter: '  ' }).sql, 'SELECT `id` FROM `main`.`analytics`.`user_events`');
    assert.throws(() => renderSelect({ columns: [], table }), /at least one column/);
  });
});

describe('bound and estimate queries', () => {
  const scan = {
    table,
    lowerBound: { column: 'ts', value: ts('2024-01-01T00:00:00Z'), inclusive: false },
    filter: 'x = 1',
  };

  it('finds the max cursor over the same rows the read will see', () => {
    assert.deepEqual(renderMaxCursor(scan, 'ts'), {
      sql: 'SELECT MAX(`ts`) AS `max_cursor` FROM `main`.`analytics`.`user_events` WHERE `ts` > :p0 AND (x = 1)',
      parameters: { p0: ts('2024-01-01T00:00:00Z') },
    });
  });

  it('counts the rows of a scan', () => {
    assert.deepEqual(renderCount({ table }), { sql: 'SELECT COUNT(*) AS `row_count` FROM `main`.`analytics`.`user_events`', parameters: {} });
    assert.equal(
      renderCount({ ...scan, versionAsOf: 3 }).sql,
      'SELECT COUNT(*) AS `row_count` FROM `main`.`analytics`.`user_events` VERSION AS OF 3 WHERE `ts` > :p0 AND (x = 1)',
    );
  });

  it('describes a table and its latest version', () => {
    assert.equal(renderDescribeDetail({ catalog: 'c', schema: 's', name: 't`x' }).sql, 'DESCRIBE DETAIL `c`.`s`.`t``x`');
    assert.equal(renderLatestVersion(table).sql, 'DESCRIBE HISTORY `main`.`analytics`.`user_events` LIMIT 1');
  });
});
