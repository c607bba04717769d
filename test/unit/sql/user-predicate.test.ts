import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkUserPredicate } from '../../../src/sql/user-predicate.js';

describe('checkUserPredicate', () => {
  const accepted = [
    "event_type <> 'heartbeat'",
    'amount > 0 AND (region = \'eu\' OR region = "us")',
    "note = 'semi;colon -- not a comment /* nor this */ (('",
    "name = 'it''s' AND other = 'back\\'slash'",
    '`weird -- col` IS NOT NULL',
    'a IN (1, 2, (3))',
  ];
  for (const p of accepted) it(`accepts ${p}`, () => assert.equal(checkUserPredicate(p), undefined));

  const refused: Array<[string, string]> = [
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['x > 1 -- recent only', 'must not contain a -- comment'],
    ['x > 1 /* c */', 'must not contain a /* */ comment'],
    ['x > 1; DROP TABLE t', 'must be a single expression (no ";")'],
    ['x > 1) OR (1 = 1', 'has a ")" without a matching "("'],
    ['(x > 1', 'has a "(" without a matching ")"'],
    ["x = 'open", 'has an unterminated string literal'],
    ['`col = 1', 'has an unterminated quoted identifier'],
  ];
  for (const [p, reason] of refused) it(`refuses ${JSON.stringify(p)}: ${reason}`, () => assert.equal(checkUserPredicate(p), reason));
});
