import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { openDriverSession, queryRows, startTestEmulator } from '../../helpers/emulator.js';
import type { RunningEmulator } from '../../helpers/emulator.js';

function post(emu: RunningEmulator, path: string, form: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${emu.url}${path}`, { method: 'POST', ca: emu.caCertPem, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(form);
  });
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('OAuth M2M (client credentials)', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startTestEmulator({ oauthClients: [{ clientId: 'sp-1', clientSecret: 'sp-secret' }] });
  });
  after(async () => emu?.stop());

  it('issues a JWT-shaped token the driver uses as a bearer token', async () => {
    const reply = await post(emu, '/oidc/v1/token', 'grant_type=client_credentials&scope=all-apis', { authorization: basic('sp-1', 'sp-secret') });
    assert.equal(reply.status, 200);
    const token = reply.body.access_token as string;
    assert.equal(reply.body.token_type, 'Bearer');
    assert.equal(reply.body.expires_in, 3600);
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp: number; iat: number; sub: string };
    assert.equal(payload.sub, 'sp-1');
    assert.equal(payload.exp - payload.iat, 3600);

    const db = await openDriverSession(emu, {
      authType: 'external-token',
      token: undefined,
      getToken: async () => token,
    });
    try {
      assert.deepEqual(await queryRows(db.session, 'SELECT 1 AS one'), [{ one: 1 }]);
    } finally {
      await db.close().catch(() => undefined);
    }
  });

  it('refuses an access token once it has expired (403)', async () => {
    // The driver itself refuses tokens near `exp`, so the server side is checked directly.
    const short = await startTestEmulator({ oauthClients: [{ clientId: 'sp-1', clientSecret: 'sp-secret' }], oauthTokenLifetimeSeconds: 1 });
    try {
      const reply = await post(short, '/oidc/v1/token', 'grant_type=client_credentials&scope=all-apis', { authorization: basic('sp-1', 'sp-secret') });
      const token = reply.body.access_token as string;
      const fresh = await post(short, short.httpPath, '', { authorization: `Bearer ${token}`, 'content-type': 'application/x-thrift' }).catch(() => ({ status: 200 }));
      assert.notEqual(fresh.status, 403);
      await new Promise((r) => setTimeout(r, 1_100));
      const expired = await post(short, short.httpPath, '', { authorization: `Bearer ${token}`, 'content-type': 'application/x-thrift' });
      assert.equal(expired.status, 403);
      assert.equal(expired.body.message, 'Invalid access token.');
    } finally {
      await short.stop();
    }
  });

  it('accepts client_id and client_secret in the form body', async () => {
    const reply = await post(emu, '/oidc/v1/token', 'grant_type=client_credentials&scope=all-apis&client_id=sp-1&client_secret=sp-secret');
    assert.equal(reply.status, 200);
  });

  it('answers a bad client secret with 401 invalid_client', async () => {
    const reply = await post(emu, '/oidc/v1/token', 'grant_type=client_credentials&scope=all-apis', { authorization: basic('sp-1', 'nope') });
    assert.equal(reply.status, 401);
    assert.equal(reply.body.error, 'invalid_client');
  });
});
