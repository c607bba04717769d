import { randomBytes } from 'node:crypto';

interface StoredFile {
  readonly body: Buffer;
  readonly expiresAt: number;
}

/**
 * Result files behind CloudFetch links, addressed by an unguessable token (the stand-in for a
 * presigned cloud storage URL: no bearer token needed). A file lives until it has been downloaded
 * completely once or its link expires; a cut download can be retried.
 */
export class CloudFetchFiles {
  readonly #files = new Map<string, StoredFile>();
  #bytes = 0;

  put(body: Buffer, ttlMs: number): { token: string; expiresAt: number } {
    this.#sweep();
    const token = randomBytes(24).toString('base64url');
    const expiresAt = Date.now() + ttlMs;
    this.#files.set(token, { body, expiresAt });
    this.#bytes += body.length;
    return { token, expiresAt };
  }

  /** The file if the token is known and not expired. */
  get(token: string): Buffer | undefined {
    const file = this.#files.get(token);
    if (!file) return undefined;
    if (file.expiresAt <= Date.now()) {
      this.delete(token);
      return undefined;
    }
    return file.body;
  }

  delete(token: string): void {
    const file = this.#files.get(token);
    if (!file) return;
    this.#files.delete(token);
    this.#bytes -= file.body.length;
  }

  get size(): number {
    return this.#files.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  clear(): void {
    this.#files.clear();
    this.#bytes = 0;
  }

  #sweep(): void {
    const now = Date.now();
    for (const [token, file] of this.#files) if (file.expiresAt <= now) this.delete(token);
  }
}
