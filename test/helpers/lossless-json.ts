/**
 * A JSON reader that keeps every number as the exact text it was written with, so tests can
 * compare BIGINT beyond 2^53 and DECIMAL(38,18) values digit for digit (JSON.parse would round
 * them to doubles). Objects keep their key order.
 */

/** A JSON number, as written. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type LosslessValue = null | boolean | string | JsonNumber | LosslessValue[] | { [key: string]: LosslessValue };

/** Parses JSON text; numbers become {@link JsonNumber}. Throws on malformed input. */
export function parseLossless(text: string): LosslessValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at offset ${i} of ${JSON.stringify(text.slice(Math.max(0, i - 20), i + 20))}`);
  };
  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i += 1;
  };
  const value = (): LosslessValue => {
    skipSpace();
    const c = text[i];
    if (c === '{') {
      i += 1;
      const obj: { [key: string]: LosslessValue } = {};
      skipSpace();
      if (text[i] === '}') {
        i += 1;
        return obj;
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') fail('expected a key');
        const key = string();
        skipSpace();
        if (text[i] !== ':') fail('expected ":"');
        i += 1;
        obj[key] = value();
        skipSpace();
        if (text[i] === ',') {
          i += 1;
          continue;
        }
        if (text[i] === '}') {
          i += 1;
          return obj;
        }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i += 1;
      const list: LosslessValue[] = [];
      skipSpace();
      if (text[i] === ']') {
        i += 1;
        return list;
      }
      for (;;) {
        list.push(value());
        skipSpace();
        if (text[i] === ',') {
          i += 1;
          continue;
        }
        if (text[i] === ']') {
          i += 1;
          return list;
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return string();
    for (const [word, result] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return result;
      }
    }
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (match === null) return fail('unexpected character');
    i += match[0].length;
    return new JsonNumber(match[0]);
  };
  const string = (): string => {
    const start = i;
    i += 1;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i += 1;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const result = value();
  skipSpace();
  if (i !== text.length) fail('trailing characters');
  return result;
}

/**
 * Compact JSON text of a lossless value with numbers exactly as they were read, for exact
 * comparisons (`losslessText(parseLossless('{"a":1.50}')) === '{"a":1.50}'`).
 */
export function losslessText(value: LosslessValue): string {
  if (value instanceof JsonNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(losslessText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${losslessText(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
