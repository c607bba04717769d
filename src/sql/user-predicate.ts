/**
 * Checks a user-written SQL predicate (from `stream_filters`) before it is pasted into a query
 * as `AND (<predicate>)`. The user owns their credentials, so this is not a security boundary; it
 * stops mistakes that would silently change the query around the predicate: a `--` comment that
 * swallows the closing parenthesis and ORDER BY, an unbalanced parenthesis, a second statement.
 * String literals ('...' and "...") and quoted identifiers (`...`) are skipped while scanning.
 */

/** Returns why the predicate cannot be used, or undefined when it can. */
export function checkUserPredicate(predicate: string): string | undefined {
  if (predicate.trim().length === 0) return 'is empty';
  let depth = 0;
  for (let i = 0; i < predicate.length; i += 1) {
    const c = predicate[i]!;
    if (c === "'" || c === '"' || c === '`') {
      const end = closingQuote(predicate, i, c);
      if (end < 0) return `has an unterminated ${c === '`' ? 'quoted identifier' : 'string literal'}`;
      i = end;
    } else if (c === '-' && predicate[i + 1] === '-') {
      return 'must not contain a -- comment';
    } else if (c === '/' && predicate[i + 1] === '*') {
      return 'must not contain a /* */ comment';
    } else if (c === ';') {
      return 'must be a single expression (no ";")';
    } else if (c === '(') {
      depth += 1;
    } else if (c === ')') {
      depth -= 1;
      if (depth < 0) return 'has a ")" without a matching "("';
    }
  }
  return depth === 0 ? undefined : 'has a "(" without a matching ")"';
}

// Databricks string literals escape a quote with a backslash or by doubling it; identifiers by doubling.
function closingQuote(text: string, start: number, quote: string): number {
  for (let i = start + 1; i < text.length; i += 1) {
    const c = text[i];
    if (c === '\\' && quote !== '`') {
      i += 1;
    } else if (c === quote) {
      if (text[i + 1] === quote) i += 1;
      else return i;
    }
  }
  return -1;
}
