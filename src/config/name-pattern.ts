/**
 * Name patterns for the `schemas` and `tables` settings, in the syntax of Databricks'
 * `SHOW TABLES LIKE`: `*` matches any characters, `|` separates alternatives, and matching
 * ignores case (Databricks stores unquoted names in lower case). Everything else is literal,
 * so `user_events` matches only `user_events` (unlike SQL LIKE, where `_` is a wildcard).
 */

export type NameMatcher = (name: string) => boolean;

/** A matcher that accepts a name matching any of `patterns`; no patterns means every name. */
export function compileNamePatterns(patterns: readonly string[]): NameMatcher {
  const alternatives = patterns.flatMap((p) => p.split('|')).map((p) => p.trim()).filter((p) => p.length > 0);
  if (alternatives.length === 0) return () => true;
  const source = alternatives.map((p) => p.split('*').map(escapeRegExp).join('.*')).join('|');
  const regex = new RegExp(`^(?:${source})$`, 'is');
  return (name) => regex.test(name);
}

/** True when the pattern names exactly one object (no wildcard, no alternatives). */
export function isExactName(pattern: string): boolean {
  return !pattern.includes('*') && !pattern.includes('|');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
