import { request } from 'node:https';
import { rootCertificates } from 'node:tls';
import { configError, transientError, systemError } from '../errors/connector-error.js';

/** Where and how to ask a workspace for service-principal tokens. */
export interface OAuthM2MOptions {
  readonly host: string;
  readonly port: number;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Extra trusted CA (PEM), added to Node's bundled roots. */
  readonly caCertPem?: string;
  /** Seconds before expiry at which a token is replaced. Default 300. */
  readonly refreshMarginSeconds?: number;
  /** Clock, for tests. */
  readonly now?: () => number;
}

export interface TokenProvider {
  getToken(): Promise<string>;
}

interface CachedToken {
  readonly value: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

/**
 * OAuth machine-to-machine for Databricks service principals: the client-credentials grant
 * against the workspace's own token endpoint, `POST https://<workspace>/oidc/v1/token` with HTTP
 * Basic client authentication and `scope=all-apis` (Databricks docs, "Authorize unattended access
 * to Databricks resources with a service principal using OAuth"). The connector does this itself
 * rather than through the driver's `databricks-oauth` mode because the driver only accepts
 * `*.cloud.databricks.com`-style hosts and ignores the port, which rules out private endpoints.
 * Tokens are cached and replaced `refreshMarginSeconds` before they expire; concurrent callers
 * share one request.
 */
export function oauthM2MTokenProvider(options: OAuthM2MOptions): TokenProvider {
  const now = options.now ?? Date.now;
  const marginMs = (options.refreshMarginSeconds ?? 300) * 1000;
  let cached: CachedToken | undefined;
  let pending: Promise<CachedToken> | undefined;

  return {
    async getToken(): Promise<string> {
      if (cached !== undefined && cached.expiresAt - marginMs > now()) return cached.value;
      pending ??= requestToken(options, now).finally(() => {
        pending = undefined;
      });
      cached = await pending;
      return cached.value;
    },
  };
}

async function requestToken(options: OAuthM2MOptions, now: () => number): Promise<CachedToken> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', scope: 'all-apis' }).toString();
  const basic = Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64');
  const started = now();
  const { status, text } = await post(options, body, basic);
  if (status === 400 || status === 401 || status === 403) {
    throw configError(
      `The workspace rejected the OAuth service principal credentials (HTTP ${status}): check credentials.client_id and credentials.client_secret.`,
      { internalMessage: safeErrorCode(text) },
    );
  }
  if (status === 404) {
    throw configError('The workspace has no OAuth token endpoint at /oidc/v1/token: check workspace_url.');
  }
  if (status === 429 || status >= 500) {
    throw transientError(`The workspace's OAuth token endpoint answered HTTP ${status}; try again later.`);
  }
  if (status !== 200) {
    throw systemError(`The workspace's OAuth token endpoint answered HTTP ${status}.`);
  }
  let parsed: { access_token?: unknown; expires_in?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw systemError('The workspace OAuth token endpoint answered with a body that is not JSON.');
  }
  if (typeof parsed.access_token !== 'string' || parsed.access_token === '') {
    throw systemError('The workspace OAuth token endpoint answered without an access_token.');
  }
  const expiresIn = typeof parsed.expires_in === 'number' ? parsed.expires_in : jwtLifetimeSeconds(parsed.access_token, started);
  return { value: parsed.access_token, expiresAt: started + (expiresIn ?? 3600) * 1000 };
}

/** Seconds until the JWT's `exp`, when the token is a JWT (Databricks' tokens are). */
function jwtLifetimeSeconds(token: string, nowMs: number): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp - Math.floor(nowMs / 1000) : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps only the OAuth `error` code of a failure body: the body itself may echo the request. */
function safeErrorCode(text: string): string | undefined {
  try {
    const code = (JSON.parse(text) as { error?: unknown }).error;
    return typeof code === 'string' ? `OAuth error: ${code}` : undefined;
  } catch {
    return undefined;
  }
}

function post(options: OAuthM2MOptions, body: string, basic: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: options.host,
        port: options.port,
        path: '/oidc/v1/token',
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          authorization: `Basic ${basic}`,
        },
        ...(options.caCertPem === undefined ? {} : { ca: [...rootCertificates, options.caCertPem] }),
        timeout: 60_000,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('OAuth token request timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}
