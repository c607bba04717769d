/**
 * Cut points that split a column's values [min, max] into ranges of equal width, so one table can
 * be read by several queries at once. Only integer and DECIMAL columns are split: their text
 * converts exactly to a count of units (BigInt), and the cuts are written back in the same form
 * and bound as typed parameters. Skewed data gives ranges of unequal size, never a wrong result:
 * the ranges always cover [min, max] without overlap.
 */

const INTEGER_TYPES = /^(TINYINT|BYTE|SMALLINT|SHORT|INT|INTEGER|BIGINT|LONG)$/i;
const DECIMAL_TYPE = /^(?:DECIMAL|DEC|NUMERIC)(?:\((\d+)(?:,\s*(\d+))?\))?$/i;

/** The scale (digits after the point) of a splittable type, or undefined when it cannot be split. */
export function splitScale(typeText: string): number | undefined {
  const text = typeText.trim();
  if (INTEGER_TYPES.test(text)) return 0;
  const decimal = DECIMAL_TYPE.exec(text);
  if (decimal === null) return undefined;
  return decimal[2] === undefined ? 0 : Number(decimal[2]);
}

/**
 * Up to `parts - 1` strictly increasing cuts with min <= cut < max. Range i reads
 * (cut[i-1], cut[i]]; the first starts at the read's lower bound and the last ends at max.
 * Empty when the values do not parse, min >= max, or parts < 2.
 */
export function equalWidthCuts(typeText: string, min: string, max: string, parts: number): string[] {
  const scale = splitScale(typeText);
  if (scale === undefined || parts < 2) return [];
  const lo = toUnits(min, scale);
  const hi = toUnits(max, scale);
  if (lo === undefined || hi === undefined || lo >= hi) return [];
  const cuts: string[] = [];
  let previous: bigint | undefined;
  for (let k = 1; k < parts; k += 1) {
    const cut = lo + ((hi - lo) * BigInt(k)) / BigInt(parts);
    if (cut >= hi || (previous !== undefined && cut <= previous)) continue;
    cuts.push(fromUnits(cut, scale));
    previous = cut;
  }
  return cuts;
}

function toUnits(text: string, scale: number): bigint | undefined {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (m === null) return undefined;
  const fraction = m[3] ?? '';
  // A value with more fraction digits than the scale cannot come from this column.
  if (fraction.length > scale && /[1-9]/.test(fraction.slice(scale))) return undefined;
  const units = BigInt(m[2]! + fraction.slice(0, scale).padEnd(scale, '0'));
  return m[1] === '-' ? -units : units;
}

function fromUnits(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}
