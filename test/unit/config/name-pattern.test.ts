import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileNamePatterns, isExactName } from '../../../src/config/name-pattern.js';

describe('name patterns', () => {
  it('matches every name when there are no patterns', () => {
    assert.equal(compileNamePatterns([])('anything'), true);
  });

  it('matches exact names without case and treats _ and . literally', () => {
    const m = compileNamePatterns(['user_events']);
    assert.equal(m('user_events'), true);
    assert.equal(m('USER_EVENTS'), true);
    assert.equal(m('userXevents'), false);
    assert.equal(compileNamePatterns(['a.b'])('aXb'), false);
  });

  it('supports * wildcards and | alternatives across several entries', () => {
    const m = compileNamePatterns(['fact_*|dim_*', 'orders']);
    for (const yes of ['fact_sales', 'dim_', 'DIM_customer', 'orders']) assert.equal(m(yes), true, yes);
    for (const no of ['xfact_sales', 'orders_2', 'dim']) assert.equal(m(no), false, no);
    assert.equal(compileNamePatterns(['*'])('x\ny'), true);
  });

  it('tells exact names from patterns', () => {
    assert.equal(isExactName('orders'), true);
    assert.equal(isExactName('ord*'), false);
    assert.equal(isExactName('a|b'), false);
  });
});
