import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import { parseConfiguredCatalog } from '../../../src/protocol/configured-catalog.js';
import { connectorSpecification } from '../../../src/spec/connector-spec.js';
import { parseIncomingState } from '../../../src/state/parse-state.js';

const json = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

describe('integration_tests files for the Airbyte acceptance tests', () => {
  it('spec.json is the spec the connector prints', () => {
    assert.deepEqual(json('integration_tests/spec.json'), JSON.parse(JSON.stringify(connectorSpecification())));
  });

  it('sample_config.json is the original design config and resolves', () => {
    const config = resolveConfig(json('integration_tests/sample_config.json'));
    assert.equal(config.httpPath, '/sql/1.0/warehouses/1234567890abcdef');
    assert.deepEqual(config.schemas, ['analytics']);
    assert.equal(config.defaultCursorField, 'event_timestamp');
  });

  it('invalid_config.json is well formed (it fails only against a workspace)', () => {
    assert.equal(resolveConfig(json('integration_tests/invalid_config.json')).catalog, 'hive_metastore');
  });

  it('configured_catalog.json and abnormal_state.json parse for the same stream', () => {
    const catalog = parseConfiguredCatalog(json('integration_tests/configured_catalog.json'));
    const stream = catalog.streams[0]!.stream;
    assert.equal(`${stream.namespace}.${stream.name}`, 'analytics.user_events');
    const state = parseIncomingState(json('integration_tests/abnormal_state.json'), [{ name: stream.name, namespace: stream.namespace! }]);
    assert.equal(state.streams.size, 1);
  });
});
