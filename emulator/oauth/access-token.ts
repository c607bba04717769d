import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Claims of an access token the emulator issues. */
export interface AccessTokenClaims {
  readonly sub: string;
  readonly iat: number;
  readonly exp: number;
  readonly scope: string;
  readonly iss: string;
}

/**
 * Signs and checks JWT-shaped access tokens (HS256 with a key made at start). JWT-shaped
 * because the driver base64-decodes the payload to read `exp` (spike NOTES §1 "OAuth M2M").
 */
export class AccessTokenSigner {
  readonly #key = randomBytes(32);

  sign(claims: AccessTokenClaims): string {
    const head = b64json({ alg: 'HS256', typ: 'JWT' });
    const body = b64json(claims);
    return `${head}.${body}.${this.#mac(`${head}.${body}`)}`;
  }

  /** The claims of a token this signer made, or undefined for anything else. Does not check exp. */
  verify(token: string): AccessTokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [head, body, mac] = parts as [string, string, string];
    const expected = Buffer.from(this.#mac(`${head}.${body}`));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as AccessTokenClaims;
    } catch {
      return undefined;
    }
  }

  #mac(data: string): string {
    return createHmac('sha256', this.#key).update(data).digest('base64url');
  }
}

function b64json(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
