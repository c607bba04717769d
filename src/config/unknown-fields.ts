/**
 * Top-level config keys that look like a misspelt field. Unknown keys are allowed (the platform
 * may add its own), but one that differs from a known field only by case, `_`/`-`, or up to two
 * edits is almost surely a typo whose value would otherwise be ignored in silence.
 */
export function misspeltFields(raw: unknown, known: readonly string[]): { readonly field: string; readonly meant: string }[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [];
  const knownSet = new Set(known);
  const found: { field: string; meant: string }[] = [];
  for (const key of Object.keys(raw)) {
    if (knownSet.has(key)) continue;
    const meant = known.find((k) => looksLike(key, k));
    if (meant !== undefined) found.push({ field: key, meant });
  }
  return found;
}

function looksLike(key: string, known: string): boolean {
  const a = normalise(key);
  const b = normalise(known);
  if (a === b) return true;
  return Math.min(a.length, b.length) >= 5 && editDistance(a, b) <= 2;
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, '');
}

/** Levenshtein distance, two rows. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
