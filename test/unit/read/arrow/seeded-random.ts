/** A small deterministic generator (mulberry32), so random tests fail the same way every run. */
export interface SeededRandom {
  /** In [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  uint32(): number;
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const uint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return { uint32, next: () => uint32() / 4294967296, int: (n) => Math.floor((uint32() / 4294967296) * n) };
}
