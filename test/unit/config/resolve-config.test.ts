import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { defaultEncoderThreads, resolveConfig, streamFilterFor } from '../../../src/config/resolve-config.js';
import { ConnectorError } from '../../../src/errors/connector-error.js';

const TOKEN = 'dapi0123456789abcdef0123456789abcdef';

const base = {
  workspace_url: 'https://mycompany.cloud.databricks.com',
  warehouse_id: 'abc123',
  credentials: { auth_type: 'personal_access_token', personal_access_token: TOKEN },
  catalog: 'main',
};

function configErrorOf(raw: unknown): ConnectorError {
  try {
    resolveConfig(raw);
  } catch (err) {
    assert.ok(err instanceof ConnectorError);
    assert.equal(err.failureType, 'config_error');
    return err;
  }
  assert.fail('expected a config error');
}

describe('resolveConfig', () => {
  it('accepts the original design example unchanged', () => {
    const c = resolveConfig({
      workspace_url: 'https://mycompany.cloud.databricks.com',
      personal_access_token: TOKEN,
      catalog: 'hive_metastore',
      schema: 'analytics',
      table: 'user_events',
      cursor_field: 'event_timestamp',
      warehouse_id: '1234567890abcdef',
      batch_size: 10000,
    });
    assert.deepEqual(c, {
      host: 'mycompany.cloud.databricks.com',
      port: 443,
      httpPath: '/sql/1.0/warehouses/1234567890abcdef',
      credentials: { type: 'personal_access_token', token: TOKEN },
      catalog: 'hive_metastore',
      schemas: ['analytics'],
      tables: ['user_events'],
      defaultCursorField: 'event_timestamp',
      streamFilters: [],
      batchSize: 10000,
      checkpointIntervalRecords: 10000,
      checkpointIntervalSeconds: 60,
      maxConcurrentStreams: 2,
      retryMaxSeconds: 600,
      rangesPerStream: 1,
      encoderThreads: defaultEncoderThreads(availableParallelism()),
      changeDataFeedDiscovery: true,
      changeDataFeedResnapshot: false,
      tlsCaCertificate: undefined,
      secrets: [TOKEN],
    });
  });

  it('encodes on the CPUs beside the main thread (none on 1 CPU, at most 4) unless the config names a number', () => {
    assert.deepEqual([1, 2, 3, 4, 8, 64].map(defaultEncoderThreads), [0, 1, 2, 3, 4, 4]);
    assert.equal(resolveConfig({ ...base, encoder_threads: 0 }).encoderThreads, 0);
    assert.equal(resolveConfig({ ...base, encoder_threads: 7 }).encoderThreads, 7);
    assert.throws(() => resolveConfig({ ...base, encoder_threads: 17 }), /encoder_threads/);
  });

  it('fills defaults and keeps fields Airbyte adds', () => {
    const c = resolveConfig({ ...base, some_platform_field: { x: 1 } });
    assert.equal(c.batchSize, 10000);
    assert.deepEqual(c.schemas, []);
    assert.deepEqual(c.tables, []);
  });

  const hosts: Array<[string, string, number]> = [
    ['https://mycompany.cloud.databricks.com', 'mycompany.cloud.databricks.com', 443],
    ['https://mycompany.cloud.databricks.com/', 'mycompany.cloud.databricks.com', 443],
    ['https://adb-1234567890123456.7.azuredatabricks.net/?o=1234567890123456#', 'adb-1234567890123456.7.azuredatabricks.net', 443],
    ['1234567890123456.7.gcp.databricks.com', '1234567890123456.7.gcp.databricks.com', 443],
    ['HTTPS://Dbc-1.Cloud.Databricks.com', 'dbc-1.cloud.databricks.com', 443],
    ['127.0.0.1:8443', '127.0.0.1', 8443],
    ['https://localhost:9443', 'localhost', 9443],
    ['  private-link.example.internal  ', 'private-link.example.internal', 443],
  ];
  for (const [input, host, port] of hosts) {
    it(`reads host and port from ${JSON.stringify(input)}`, () => {
      const c = resolveConfig({ ...base, workspace_url: input });
      assert.equal(c.host, host);
      assert.equal(c.port, port);
    });
  }

  it('takes the port from the port field when the URL has none', () => {
    assert.equal(resolveConfig({ ...base, workspace_url: 'h.example', port: 8443 }).port, 8443);
  });

  const badHosts: Array<[string, RegExp]> = [
    ['http://mycompany.cloud.databricks.com', /config\.workspace_url: must be an https URL/],
    ['https://host/sql/1.0/warehouses/abc', /config\.workspace_url: must be the workspace address only/],
    ['https://user:pw@host', /config\.workspace_url: must not contain a user name/],
    ['https://', /config\.workspace_url: is not a host name/],
  ];
  for (const [input, message] of badHosts) {
    it(`rejects workspace_url ${JSON.stringify(input)}`, () => {
      assert.match(configErrorOf({ ...base, workspace_url: input }).message, message);
    });
  }

  it('rejects a port that contradicts the URL', () => {
    assert.match(configErrorOf({ ...base, workspace_url: 'h:8443', port: 443 }).message, /config\.port: is 443 but workspace_url names port 8443/);
  });

  it('uses http_path as given', () => {
    const { warehouse_id: _, ...rest } = base;
    assert.equal(resolveConfig({ ...rest, http_path: '/sql/protocolv1/o/1/0123-abc' }).httpPath, '/sql/protocolv1/o/1/0123-abc');
  });

  it('requires exactly one of warehouse_id and http_path', () => {
    const { warehouse_id: _, ...rest } = base;
    assert.match(configErrorOf(rest).message, /config\.http_path: is required \(or give warehouse_id\)/);
    assert.match(configErrorOf({ ...base, http_path: '/sql/1.0/warehouses/x' }).message, /not both/);
  });

  it('refuses a warehouse_id that would change the path', () => {
    assert.match(configErrorOf({ ...base, warehouse_id: '../x' }).message, /config\.warehouse_id: must contain only letters/);
  });

  it('resolves OAuth M2M credentials and lists the client secret as a secret', () => {
    const c = resolveConfig({ ...base, credentials: { auth_type: 'oauth_m2m', client_id: 'cid', client_secret: 'shh-secret' } });
    assert.deepEqual(c.credentials, { type: 'oauth_m2m', clientId: 'cid', clientSecret: 'shh-secret' });
    assert.deepEqual(c.secrets, ['shh-secret']);
  });

  it('requires credentials and refuses two kinds at once', () => {
    const { credentials: _, ...rest } = base;
    assert.match(configErrorOf(rest).message, /config\.credentials: is required/);
    assert.match(configErrorOf({ ...base, personal_access_token: TOKEN }).message, /config\.personal_access_token: give either/);
  });

  it('names the field of an unknown auth_type', () => {
    const m = configErrorOf({ ...base, credentials: { auth_type: 'password', password: 'x' } }).message;
    assert.match(m, /config\.credentials\.auth_type: must be one of personal_access_token, oauth_m2m/);
  });

  it('names the field and bound of out-of-range numbers', () => {
    assert.match(configErrorOf({ ...base, batch_size: 0 }).message, /config\.batch_size: must be at least 1/);
    assert.match(configErrorOf({ ...base, batch_size: 2_000_000 }).message, /config\.batch_size: must be at most 1000000/);
    assert.match(configErrorOf({ ...base, max_concurrent_streams: 1.5 }).message, /config\.max_concurrent_streams: must be an integer/);
    assert.match(configErrorOf({ ...base, retry_max_seconds: '600' }).message, /config\.retry_max_seconds: must be a number/);
  });

  it('reports every problem at once', () => {
    const m = configErrorOf({ workspace_url: '', batch_size: -1 }).message;
    assert.match(m, /config\.workspace_url: must not be empty/);
    assert.match(m, /config\.catalog: is required/);
    assert.match(m, /config\.batch_size: must be at least 1/);
  });

  it('never echoes a secret put into the wrong field', () => {
    const m = configErrorOf({ ...base, catalog: 12345, port: TOKEN, credentials: { auth_type: 'personal_access_token', personal_access_token: 42 } }).message;
    assert.ok(!m.includes(TOKEN), m);
    assert.match(m, /config\.credentials\.personal_access_token: must be a string/);
    assert.match(m, /config\.port: must be a number/);
  });

  it('says a non-object config is not an object', () => {
    assert.match(configErrorOf([]).message, /config: must be an object/);
    assert.match(configErrorOf(null).message, /config: must be an object/);
  });

  it('accepts both schema lists and the legacy single schema, but not together', () => {
    assert.deepEqual(resolveConfig({ ...base, schemas: ['a', 'b*'] }).schemas, ['a', 'b*']);
    assert.match(configErrorOf({ ...base, schemas: ['a'], schema: 'a' }).message, /config\.schema: give either/);
    assert.match(configErrorOf({ ...base, tables: ['a'], table: 'a' }).message, /config\.table: give either/);
  });

  it('keeps a custom CA certificate and drops a blank one', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    assert.equal(resolveConfig({ ...base, tls_ca_certificate: pem }).tlsCaCertificate, pem);
    assert.equal(resolveConfig({ ...base, tls_ca_certificate: '  ' }).tlsCaCertificate, undefined);
  });

  it('splits stream filters into schema and table and checks their SQL', () => {
    const c = resolveConfig({
      ...base,
      stream_filters: [
        { stream: 'analytics.user_events', filter: "event_type <> 'heartbeat'" },
        { stream: 'orders', filter: 'amount > 0' },
      ],
    });
    assert.deepEqual(c.streamFilters, [
      { namespace: 'analytics', name: 'user_events', predicate: "event_type <> 'heartbeat'" },
      { namespace: undefined, name: 'orders', predicate: 'amount > 0' },
    ]);
    assert.match(
      configErrorOf({ ...base, stream_filters: [{ stream: 'a', filter: 'x > 1 -- recent' }] }).message,
      /config\.stream_filters\[0\]\.filter: must not contain a -- comment/,
    );
    assert.match(
      configErrorOf({ ...base, stream_filters: [{ stream: 'a', filter: 'x' }, { stream: 'A', filter: 'y' }] }).message,
      /config\.stream_filters\[1\]\.stream: repeats stream_filters\[0\]/,
    );
  });
});

describe('streamFilterFor', () => {
  const config = resolveConfig({
    ...base,
    stream_filters: [
      { stream: 'orders', filter: 'any_schema' },
      { stream: 'Sales.orders', filter: 'sales_only' },
    ],
  });
  it('prefers the schema-qualified filter, compares names without case, falls back to the bare name', () => {
    assert.equal(streamFilterFor(config, { name: 'ORDERS', namespace: 'sales' }), 'sales_only');
    assert.equal(streamFilterFor(config, { name: 'orders', namespace: 'other' }), 'any_schema');
    assert.equal(streamFilterFor(config, { name: 'customers', namespace: 'sales' }), undefined);
  });
});

describe('misspelt config fields', () => {
  const base = {
    workspace_url: 'https://example.cloud.databricks.com',
    http_path: '/sql/1.0/warehouses/abc',
    credentials: { auth_type: 'personal_access_token', personal_access_token: 'dapi0123456789' },
    catalog: 'main',
  };
  for (const [typo, meant] of [
    ['batchsize', 'batch_size'],
    ['Catalog', 'catalog'],
    ['warehouse_Id', 'warehouse_id'],
    ['cursor-field', 'cursor_field'],
    ['retry_max_second', 'retry_max_seconds'],
    ['stream_filter', 'stream_filters'],
  ] as const) {
    it(`refuses "${typo}", naming it and suggesting "${meant}"`, () => {
      assert.throws(
        () => resolveConfig({ ...base, [typo]: 5 }),
        (err: unknown) =>
          err instanceof Error && err.message.includes(`config.${typo}: is not a field of this connector; did you mean "${meant}"?`),
      );
    });
  }
  it('accepts unknown fields that are not near any field (the platform may add its own)', () => {
    assert.equal(resolveConfig({ ...base, airbyte_workspace: 'x', sourceType: 'databricks' }).catalog, 'main');
  });
});
