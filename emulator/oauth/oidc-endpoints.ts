import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { AccessTokenSigner } from './access-token.js';

/** A service principal allowed to use the client-credentials grant. */
export interface OAuthClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** A JSON answer: status and body. */
export interface JsonReply {
  readonly status: number;
  readonly body: object;
}

/**
 * `GET /oidc/.well-known/oauth-authorization-server`: the discovery document openid-client reads
 * (`Issuer.discover`), pointing at this server's token endpoint (spike NOTES §1 "OAuth M2M").
 */
export function discoveryDocument(baseUrl: string): JsonReply {
  const oidc = `${baseUrl}/oidc`;
  return {
    status: 200,
    body: {
      issuer: oidc,
      authorization_endpoint: `${oidc}/v1/authorize`,
      token_endpoint: `${oidc}/v1/token`,
      jwks_uri: `${oidc}/jwks.json`,
      grant_types_supported: ['client_credentials', 'authorization_code', 'refresh_token'],
      response_types_supported: ['code', 'id_token'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      scopes_supported: ['all-apis', 'offline_access', 'openid', 'profile', 'email', 'sql'],
      code_challenge_methods_supported: ['S256'],
    },
  };
}

/**
 * `POST /oidc/v1/token` with grant_type=client_credentials. Credentials come from HTTP Basic
 * (client_secret_basic, what the driver and the Databricks SDKs send) or from the form body
 * (client_secret_post). A bad client answers 401 {"error":"invalid_client"} like Databricks' OIDC
 * (spike NOTES §1: the driver surfaces `OPError invalid_client`).
 */
export function issueToken(
  req: IncomingMessage,
  body: Buffer,
  clients: ReadonlyMap<string, string>,
  signer: AccessTokenSigner,
  lifetimeSeconds: number,
  issuer: string,
): JsonReply {
  const form = new URLSearchParams(body.toString('utf8'));
  let clientId = form.get('client_id') ?? undefined;
  let clientSecret = form.get('client_secret') ?? undefined;
  const auth = req.headers.authorization ?? '';
  if (auth.startsWith('Basic ')) {
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) {
      // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
      clientId = decodeURIComponent(decoded.slice(0, colon).replaceAll('+', ' '));
      clientSecret = decodeURIComponent(decoded.slice(colon + 1).replaceAll('+', ' '));
    }
  }
  const grantType = form.get('grant_type');
  if (grantType !== 'client_credentials') {
    return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'Only client_credentials is supported' } };
  }
  const expected = clientId === undefined ? undefined : clients.get(clientId);
  if (expected === undefined || clientSecret === undefined || !sameSecret(expected, clientSecret)) {
    return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
  }
  const scope = form.get('scope') ?? 'all-apis';
  const iat = Math.floor(Date.now() / 1000);
  const token = signer.sign({ sub: clientId as string, iat, exp: iat + lifetimeSeconds, scope, iss: issuer });
  return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: lifetimeSeconds, scope } };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
