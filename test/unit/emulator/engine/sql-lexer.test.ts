import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { significant, tokenize } from '../../../../emulator/engine/sql-lexer.js';
import { SqlError } from '../../../../emulator/engine/engine-result.js';

const kinds = (sql: string): [string, string][] => significant(tokenize(sql)).map((t) => [t.kind, t.value]);

describe('sql lexer', () => {
  it('decodes backticks with doubled backticks', () => {
    assert.deepEqual(kinds('`a``b`.`c d`'), [['qident', 'a`b'], ['op', '.'], ['qident', 'c d']]);
  });

  it('reads single and double quoted strings with backslash escapes', () => {
    assert.deepEqual(kinds(`'it\\'s\\n' "say \\"hi\\"" 'a\\%'`), [['string', "it's\n"], ['string', 'say "hi"'], ['string', 'a\\%']]);
  });

  it('keeps raw strings raw and reads hex literals', () => {
    assert.deepEqual(kinds("r'\\d+' X'0aFF'"), [['string', '\\d+'], ['hex', '0aFF']]);
  });

  it('finds parameter markers but not casts or markers in strings and comments', () => {
    assert.deepEqual(kinds("x::int = :p AND ? -- :no\n/* ? /* nested */ */ ':no'"), [
      ['word', 'x'], ['op', '::'], ['word', 'int'], ['op', '='], ['param', 'p'], ['word', 'AND'], ['param', ''], ['string', ':no'],
    ]);
  });

  it('reads Spark numeric suffixes as part of the number', () => {
    assert.deepEqual(kinds('1L 2.5BD 3Y 1e3'), [['number', '1L'], ['number', '2.5BD'], ['number', '3Y'], ['number', '1e3']]);
  });

  it('never joins >> so nested type closers parse', () => {
    assert.deepEqual(kinds('ARRAY<ARRAY<INT>>').map(([, v]) => v), ['ARRAY', '<', 'ARRAY', '<', 'INT', '>', '>']);
  });

  it('rejects an unterminated string as PARSE_SYNTAX_ERROR', () => {
    assert.throws(() => tokenize("SELECT 'abc"), (e: unknown) => e instanceof SqlError && e.errorClass === 'PARSE_SYNTAX_ERROR');
  });
});
