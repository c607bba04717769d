import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { finishRange, observeRangeBatch, startRanged } from '../../../src/state/range-progress.js';

const values = (...v: string[]) => (i: number) => v[i]!;

describe('range progress', () => {
  it('is safe only up to the first unfinished range, whatever later ranges emitted', () => {
    // Ranges: (10, 20], (20, 30], (30, 40].
    let p = startRanged({ cursor: '10' }, ['20', '30', '40'], 0);
    p = observeRangeBatch(p, 2, 3, values('31', '32', '33'));
    p = observeRangeBatch(p, 1, 2, values('21', '22'));
    assert.equal(p.stream.safe, '10', 'range 0 has not emitted anything');
    p = observeRangeBatch(p, 0, 3, values('11', '11', '12'));
    assert.equal(p.stream.safe, '11', 'the group of 12 may still continue');
    p = finishRange(p, 0, 0);
    assert.equal(p.stream.safe, '21', 'range 0 is complete; range 1 is safe up to 21');
    p = finishRange(p, 2, 0);
    assert.equal(p.stream.safe, '21', 'a later range finishing does not move past an open one');
    p = finishRange(p, 1, 0);
    assert.equal(p.stream.safe, '40', 'all finished: the read upper bound');
    assert.equal(p.stream.recordsSinceCheckpoint, 8);
  });

  it('an empty unfinished range after a finished one is safe at its start bound', () => {
    let p = startRanged({ cursor: null }, ['5', '9'], 0);
    assert.equal(p.stream.safe, null);
    p = finishRange(p, 0, 0);
    assert.equal(p.stream.safe, '5');
  });

  it('keeps a migrated inclusive start inclusive until the first range moves', () => {
    let p = startRanged({ cursor: '7', inclusive: true }, ['9'], 0);
    assert.equal(p.stream.safeInclusive, true);
    p = observeRangeBatch(p, 0, 2, values('7', '8'));
    assert.equal(p.stream.safe, '7');
    assert.equal(p.stream.safeInclusive, false);
  });
});
