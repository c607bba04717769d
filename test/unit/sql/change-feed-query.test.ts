import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderShowProperties, renderTableChanges } from '../../../src/sql/change-feed-query.js';
import { quoteStringLiteral } from '../../../src/sql/quote-identifier.js';
import { renderSelect } from '../../../src/sql/select-query.js';

const table = { catalog: 'main', schema: 'sales', name: 'orders' };
const names = { version: '_ab_cdc_commit_version', updatedAt: '_ab_cdc_updated_at', deletedAt: '_ab_cdc_deleted_at' };

describe('renderTableChanges', () => {
  it('reads one inclusive version range without pre-images, deletes first within a commit, one net change per key', () => {
    const q = renderTableChanges({ table, columns: ['id', 'note'], names, startVersion: '5', endVersion: '9', primaryKey: ['id'] });
    assert.equal(
      q.sql,
      "SELECT `id`, `note`, `_commit_timestamp` AS `_ab_cdc_updated_at`, CASE WHEN `_change_type` = 'delete' THEN `_commit_timestamp` END AS `_ab_cdc_deleted_at`, " +
        "`_commit_version` AS `_ab_cdc_commit_version` FROM table_changes('`main`.`sales`.`orders`', 5, 9) WHERE `_change_type` <> 'update_preimage' " +
        "QUALIFY `_change_type` <> 'delete' OR COUNT_IF(`_change_type` <> 'delete') OVER (PARTITION BY `_commit_version`, `id`) = 0 " +
        "ORDER BY `_commit_version` ASC, CASE WHEN `_change_type` = 'delete' THEN 0 ELSE 1 END ASC",
    );
    assert.deepEqual(q.parameters, {});
  });

  it('without a key keeps every change, and adds the user filter in parentheses', () => {
    const q = renderTableChanges({ table, columns: ['id'], names, startVersion: '1', endVersion: '1', filter: "region = 'EU'" });
    assert.doesNotMatch(q.sql, /QUALIFY/);
    assert.match(q.sql, /WHERE `_change_type` <> 'update_preimage' AND \(region = 'EU'\) ORDER BY/);
  });

  it('refuses versions that are not plain non-negative integers', () => {
    assert.throws(() => renderTableChanges({ table, columns: ['id'], names, startVersion: '1; DROP TABLE x', endVersion: '2' }), /non-negative integer/);
    assert.throws(() => renderTableChanges({ table, columns: ['id'], names, startVersion: '1', endVersion: '-2' }), /non-negative integer/);
  });

  it('writes a table name with quotes and backslashes as a string literal that cannot be escaped from', () => {
    const odd = { catalog: 'main', schema: "o'k", name: 'a\\b`c' };
    const q = renderTableChanges({ table: odd, columns: ['id'], names, startVersion: '1', endVersion: '2' });
    assert.ok(q.sql.includes("table_changes('`main`.`o\\'k`.`a\\\\b``c`', 1, 2)"), q.sql);
  });
});

describe('quoteStringLiteral', () => {
  it('escapes backslashes before quotes', () => {
    assert.equal(quoteStringLiteral("it's"), "'it\\'s'");
    assert.equal(quoteStringLiteral('a\\'), "'a\\\\'");
    assert.equal(quoteStringLiteral("\\'"), "'\\\\\\''");
  });
});

describe('renderShowProperties', () => {
  it('quotes the three-part name', () => {
    assert.equal(renderShowProperties({ catalog: 'c', schema: 's', name: 't`x' }).sql, 'SHOW TBLPROPERTIES `c`.`s`.`t``x`');
  });
});

describe('renderSelect constants', () => {
  it('binds constant values as parameters and writes NULLs as typed casts', () => {
    const q = renderSelect({
      table,
      columns: ['id'],
      versionAsOf: '7',
      lowerBound: { column: 'id', value: { type: 'BIGINT', value: '10' }, inclusive: false },
      constants: [
        { name: '_ab_cdc_updated_at', value: { type: 'TIMESTAMP', value: '2024-01-01T00:00:00.123456Z' } },
        { name: '_ab_cdc_deleted_at', value: { type: 'TIMESTAMP', value: null } },
        { name: '_ab_cdc_commit_version', value: { type: 'BIGINT', value: '7' } },
      ],
      orderBy: ['id'],
    });
    assert.equal(
      q.sql,
      'SELECT `id`, :c1 AS `_ab_cdc_updated_at`, CAST(NULL AS TIMESTAMP) AS `_ab_cdc_deleted_at`, :c2 AS `_ab_cdc_commit_version` ' +
        'FROM `main`.`sales`.`orders` VERSION AS OF 7 WHERE `id` > :p0 ORDER BY `id` ASC',
    );
    assert.deepEqual(q.parameters, {
      p0: { type: 'BIGINT', value: '10' },
      c1: { type: 'TIMESTAMP', value: '2024-01-01T00:00:00.123456Z' },
      c2: { type: 'BIGINT', value: '7' },
    });
  });

  it('refuses a NULL constant whose type is not a plain type name', () => {
    assert.throws(
      () => renderSelect({ table, columns: ['id'], constants: [{ name: 'x', value: { type: 'INT) x; --', value: null } }] }),
      /plain SQL type/,
    );
  });
});
