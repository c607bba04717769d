/**
 * Replaces registered secrets (tokens, client secrets) with `****` in any text: log lines, error
 * messages, stack traces. Secrets are registered as soon as the config is parsed, so nothing the
 * connector prints afterwards can carry them.
 */
export class Redactor {
  #secrets = new Set<string>();
  #pattern: RegExp | undefined;

  /** The replacement text. */
  static readonly mask = '****';

  /**
   * Registers a secret, plus the forms it takes inside JSON strings and URLs. Values shorter than
   * 4 characters are ignored: masking them would garble ordinary text and they protect nothing.
   */
  add(secret: string | undefined): void {
    if (secret === undefined || secret.length < 4) return;
    for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]) {
      this.#secrets.add(form);
    }
    const alternatives = [...this.#secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.#pattern = new RegExp(alternatives.join('|'), 'g');
  }

  /** The text with every registered secret masked; bound, so it can be passed as a callback. */
  readonly redact = (text: string): string =>
    this.#pattern === undefined ? text : text.replace(this.#pattern, Redactor.mask);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
