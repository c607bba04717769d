import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEmulator, type RunningEmulator } from '../../helpers/emulator.js';
import { describeRun, emulatorConfig, runConnector, type ConnectorRun } from '../../helpers/connector-cli.js';

let emulator: RunningEmulator;
const OAUTH_CLIENT = { clientId: 'sp-airbyte-e2e', clientSecret: 'dose0123456789abcdef0123456789abcd' };

/** The single CONNECTION_STATUS of a check run; check always exits 0 and reports in the status. */
function connectionStatus(run: ConnectorRun): { status: string; message?: string } {
  assert.equal(run.exitCode, 0, describeRun(run));
  const statuses = run.messages.filter((m) => m.type === 'CONNECTION_STATUS');
  assert.equal(statuses.length, 1, describeRun(run));
  return statuses[0]!.connectionStatus;
}

/** A message a person can act on: one line of prose, no stack frames, no serialized objects. */
function assertPlainSentence(message: string | undefined): asserts message is string {
  assert.ok(message !== undefined && message.length > 0, 'FAILED status without a message');
  assert.doesNotMatch(message, /\n/, `multi-line message: ${message}`);
  assert.doesNotMatch(message, /\bat .+:\d+:\d+/, `stack frame in message: ${message}`);
  assert.doesNotMatch(message, /\[object Object\]|undefined|^\w*Error:|\{".*":/, `not a plain sentence: ${message}`);
  assert.match(message, /^[A-Z].*[.)]$/, `not a sentence: ${message}`);
}

async function check(overrides: Record<string, unknown>): Promise<{ status: string; message?: string }> {
  const run = await runConnector('check', { config: emulatorConfig(emulator, overrides), secrets: [emulator.token] });
  return connectionStatus(run);
}

describe('connector CLI: check', () => {
  before(async () => {
    emulator = await startTestEmulator({
      seedSql: ['CREATE SCHEMA main.sales', 'CREATE TABLE main.sales.orders (id BIGINT, updated_at TIMESTAMP)'],
      oauthClients: [OAUTH_CLIENT],
    });
  });
  after(async () => {
    await emulator?.stop();
  });

  it('succeeds with a valid token, warehouse, catalog and schema', async () => {
    assert.deepEqual(await check({ schemas: ['sales'] }), { status: 'SUCCEEDED' });
  });

  it('fails with a plain sentence for a wrong token', async () => {
    const wrong = 'dapi00000000000000000000000000000000';
    const result = await check({ credentials: { auth_type: 'personal_access_token', personal_access_token: wrong } });
    assert.equal(result.status, 'FAILED');
    assertPlainSentence(result.message);
    assert.match(result.message, /token|credentials/i);
  });

  it('fails with a plain sentence for an unknown host', async () => {
    const result = await check({ workspace_url: 'https://nonexistent.invalid' });
    assert.equal(result.status, 'FAILED');
    assertPlainSentence(result.message);
    assert.match(result.message, /nonexistent\.invalid/);
  });

  it('fails with a plain sentence for a warehouse that does not exist (wrong http_path)', async () => {
    const result = await check({ http_path: '/sql/1.0/warehouses/doesnotexist42' });
    assert.equal(result.status, 'FAILED');
    assertPlainSentence(result.message);
    assert.match(result.message, /warehouse/i);
  });

  it('fails with a plain sentence naming a catalog that does not exist', async () => {
    const result = await check({ catalog: 'no_such_catalog' });
    assert.equal(result.status, 'FAILED');
    assertPlainSentence(result.message);
    assert.match(result.message, /no_such_catalog/);
  });

  // NO_SUCH_CATALOG_EXCEPTION carries SQLSTATE 42704, the same as SCHEMA_NOT_FOUND; the error
  // class is the more specific fact and must win.
  it('a missing catalog is not reported as a missing schema (SQLSTATE 42704 shared with SCHEMA_NOT_FOUND)', async () => {
    const result = await check({ catalog: 'no_such_catalog' });
    assert.equal(result.status, 'FAILED');
    assert.doesNotMatch(String(result.message), /schema was not found|`schemas` setting/, String(result.message));
    assert.match(String(result.message), /catalog was not found/i);
  });

  it('fails with a plain sentence naming a schema that does not exist', async () => {
    const result = await check({ schemas: ['sales', 'no_such_schema'] });
    assert.equal(result.status, 'FAILED');
    assertPlainSentence(result.message);
    assert.match(result.message, /no_such_schema/);
  });

  it('fails with a plain sentence pointing at tls_ca_certificate when the certificate is not trusted', async () => {
    const result = await check({ tls_ca_certificate: undefined });
    assert.equal(result.status, 'FAILED');
    assertPlainSentence(result.message);
    assert.match(result.message, /tls_ca_certificate/);
  });

  it('succeeds with OAuth machine-to-machine credentials', async () => {
    const credentials = { auth_type: 'oauth_m2m', client_id: OAUTH_CLIENT.clientId, client_secret: OAUTH_CLIENT.clientSecret };
    assert.deepEqual(await check({ credentials, schemas: ['sales'] }), { status: 'SUCCEEDED' });
  });

  it('fails with a plain sentence for a wrong OAuth client secret, without printing either secret', async () => {
    const credentials = { auth_type: 'oauth_m2m', client_id: OAUTH_CLIENT.clientId, client_secret: 'dose-wrong-wrong-wrong-wrong-wrong' };
    const run = await runConnector('check', {
      config: emulatorConfig(emulator, { credentials }),
      secrets: [emulator.token, OAUTH_CLIENT.clientSecret],
    });
    const result = connectionStatus(run);
    assert.equal(result.status, 'FAILED');
    assertPlainSentence(result.message);
    assert.match(result.message, /client_id|client_secret|OAuth/);
  });
});
