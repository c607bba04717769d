import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { connectorSpecification } from '../../../src/spec/connector-spec.js';
import { airbyteSpecProblems, toAirbyteConnectionSpecification } from '../../../src/spec/airbyte-spec-rules.js';
import { specMessage } from '../../../src/protocol/messages.js';
import { assertValidMessage } from '../../helpers/protocol-validator.js';

const goldenUrl = new URL('./spec.golden.json', import.meta.url);
const spec = connectorSpecification();
const connection = spec.connectionSpecification as Record<string, any>;

function walk(node: unknown, fn: (node: Record<string, unknown>, path: string) => void, path = '#'): void {
  if (Array.isArray(node)) node.forEach((c, i) => walk(c, fn, `${path}/${i}`));
  else if (typeof node === 'object' && node !== null) {
    fn(node as Record<string, unknown>, path);
    for (const [k, v] of Object.entries(node)) if (k !== 'examples' && k !== 'default') walk(v, fn, `${path}/${k}`);
  }
}

describe('connector spec', () => {
  it('matches the checked-in golden spec (UPDATE_GOLDEN=1 rewrites it)', () => {
    const actual = `${JSON.stringify(spec, null, 2)}\n`;
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(goldenUrl, actual);
    assert.equal(actual, readFileSync(goldenUrl, 'utf8'));
  });

  it('is a valid SPEC message', () => {
    assertValidMessage(JSON.parse(JSON.stringify(specMessage(spec))));
  });

  it('uses no $ref, anyOf or allOf anywhere', () => {
    walk(connection, (node, path) => {
      for (const k of ['$ref', '$defs', 'definitions', 'anyOf', 'allOf']) assert.ok(!(k in node), `${path} has ${k}`);
    });
  });

  it('gives every oneOf variant a required const discriminator with a default', () => {
    let seen = 0;
    walk(connection, (node) => {
      if (!Array.isArray(node.oneOf)) return;
      for (const variant of node.oneOf as Array<Record<string, any>>) {
        seen += 1;
        assert.equal(typeof variant.title, 'string');
        assert.ok(variant.required.includes('auth_type'));
        assert.equal(typeof variant.properties.auth_type.const, 'string');
        assert.equal(variant.properties.auth_type.default, variant.properties.auth_type.const);
      }
    });
    assert.equal(seen, 2);
  });

  it('marks every secret with airbyte_secret and the CA certificate as multiline, not secret', () => {
    const variants = connection.properties.credentials.oneOf;
    assert.equal(variants[0].properties.personal_access_token.airbyte_secret, true);
    assert.equal(variants[1].properties.client_secret.airbyte_secret, true);
    assert.equal(connection.properties.personal_access_token.airbyte_secret, true);
    assert.equal(connection.properties.tls_ca_certificate.airbyte_secret, false);
    assert.equal(connection.properties.tls_ca_certificate.multiline, true);
    assert.deepEqual(airbyteSpecProblems(connection), []);
  });

  it('gives every visible top-level field a title, description and unique order', () => {
    const orders = new Set<number>();
    for (const [name, prop] of Object.entries<Record<string, any>>(connection.properties)) {
      assert.equal(typeof prop.title, 'string', name);
      assert.equal(typeof prop.description, 'string', name);
      if (prop.airbyte_hidden === true) continue;
      assert.equal(typeof prop.order, 'number', name);
      assert.ok(!orders.has(prop.order), `duplicate order ${prop.order}`);
      orders.add(prop.order);
    }
  });

  it('allows fields Airbyte adds to the config', () => {
    assert.equal(connection.additionalProperties, true);
    assert.equal(connection.$schema, 'http://json-schema.org/draft-07/schema#');
  });

  it('accepts the original design example config and rejects a bad one, as the platform would', () => {
    const validate = new Ajv({ strict: false }).compile(connection);
    const original = {
      workspace_url: 'https://mycompany.cloud.databricks.com',
      personal_access_token: 'dapi-x',
      catalog: 'hive_metastore',
      schema: 'analytics',
      table: 'user_events',
      cursor_field: 'event_timestamp',
      warehouse_id: '1234567890abcdef',
      batch_size: 10000,
    };
    assert.equal(validate(original), true, JSON.stringify(validate.errors));
    assert.equal(validate({ ...original, credentials: { auth_type: 'oauth_m2m', client_id: 'c', client_secret: 's' } }), true);
    assert.equal(validate({ ...original, batch_size: 0 }), false);
    assert.equal(validate({ ...original, credentials: { auth_type: 'other' } }), false);
  });
});

describe('Airbyte spec rules', () => {
  it('refuses anyOf and $ref, and oneOf without a const discriminator', () => {
    assert.throws(
      () => toAirbyteConnectionSpecification({ type: 'object', properties: { a: { anyOf: [{ type: 'string' }, { type: 'null' }] } } }),
      /#\/properties\/a: uses anyOf/,
    );
    assert.throws(() => toAirbyteConnectionSpecification({ type: 'object', properties: { a: { $ref: '#/x' } } }), /uses \$ref/);
    assert.throws(
      () => toAirbyteConnectionSpecification({ type: 'object', properties: { a: { oneOf: [{ type: 'object', properties: { k: { type: 'string' } } }] } } }),
      /const value/,
    );
  });

  it('refuses an unmarked secret', () => {
    assert.deepEqual(airbyteSpecProblems({ additionalProperties: true, properties: { api_token: { type: 'string' } } }), [
      '#/properties/api_token: a secret must have airbyte_secret: true',
    ]);
  });
});
