import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressDisplay } from '../../../src/output/progress-display.js';

function fakeOut(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (t: string) => writes.push(t) };
}

describe('ProgressDisplay', () => {
  it('draws nothing when stderr is not a terminal', () => {
    const out = fakeOut(false);
    const p = new ProgressDisplay(out, { now: () => 0 });
    p.add({ name: 'a' }, 10);
    p.finish();
    assert.equal(p.enabled, false);
    assert.deepEqual(out.writes, []);
  });

  it('redraws in place at most once per interval and ends with a newline', () => {
    const out = fakeOut(true);
    let now = 0;
    const p = new ProgressDisplay(out, { intervalMs: 100, now: () => now });
    now = 1000;
    p.add({ name: 'users', namespace: 's' }, 20000);
    now = 1050;
    p.add({ name: 'users', namespace: 's' }, 5);
    now = 2000;
    p.add({ name: 'orders' }, 10);
    p.finish();
    assert.equal(out.writes.length, 4);
    assert.equal(out.writes[0], '\r\x1b[K20k records, 20k/s | s.users 20k');
    assert.equal(out.writes[2], '\r\x1b[K20k records, 10k/s | s.users 20k, orders 10');
    assert.equal(out.writes[3], '\n');
  });
});
