import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCommandInputs } from '../../../src/cli/command-inputs.js';
import { readJsonFile } from '../../../src/cli/read-json-file.js';
import { ConnectorError } from '../../../src/errors/connector-error.js';
import { streamKey } from '../../../src/state/parse-state.js';

const TOKEN = 'dapi-very-secret-token-value';
let dir: string;
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

async function configErrorOf(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ConnectorError, String(err));
    assert.equal(err.failureType, 'config_error');
    return err;
  }
  assert.fail('expected a config error');
}

const config = {
  workspace_url: 'https://x.cloud.databricks.com',
  warehouse_id: 'w1',
  personal_access_token: TOKEN,
  catalog: 'main',
};
const catalog = {
  streams: [
    {
      stream: { name: 'users', namespace: 'analytics', json_schema: { type: 'object' }, supported_sync_modes: ['incremental'] },
      sync_mode: 'incremental',
      cursor_field: ['updated_at'],
      destination_sync_mode: 'append',
    },
  ],
};

describe('command inputs', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'source-databricks-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('names a missing file', async () => {
    const err = await configErrorOf(readJsonFile(join(dir, 'nope.json'), 'config'));
    assert.match(err.message, /^config file .*nope\.json does not exist$/);
  });

  it('names a file that is not JSON without quoting its content', async () => {
    const path = file('bad.json', `{"personal_access_token": ${TOKEN}}`);
    const err = await configErrorOf(readJsonFile(path, 'config'));
    assert.match(err.message, /^config file .*bad\.json is not valid JSON: /);
    assert.ok(!err.message.includes(TOKEN), err.message);
    assert.ok(!err.message.includes('very-secret'), err.message);
  });

  it('gives a line and column when the parser reports a position', async () => {
    const err = await configErrorOf(readJsonFile(file('trailing.json', '{"a": 1,\n "b": 2} x'), 'catalog'));
    assert.match(err.message, /^catalog file .*trailing\.json is not valid JSON: Unexpected non-whitespace character after JSON \(line 2, column 10\)$/);
  });

  it('treats an empty state file as no state', async () => {
    assert.equal(await readJsonFile(file('empty-state.json', '\n'), 'state'), null);
  });

  it('loads and validates read inputs and hands over the config before reading the rest', async () => {
    const seen: string[] = [];
    const inputs = await loadCommandInputs(
      {
        command: 'read',
        configPath: file('config.json', JSON.stringify(config)),
        catalogPath: file('catalog.json', JSON.stringify(catalog)),
        statePath: file(
          'state.json',
          JSON.stringify([
            { type: 'STREAM', stream: { stream_descriptor: { name: 'users', namespace: 'analytics' }, stream_state: { version: 1, cursor_field: ['updated_at'], cursor: '2024-01-01' } } },
          ]),
        ),
      },
      (c) => seen.push(...c.secrets),
    );
    assert.deepEqual(seen, [TOKEN]);
    assert.equal(inputs.command, 'read');
    if (inputs.command !== 'read') return;
    assert.equal(inputs.catalog.streams[0]!.stream.name, 'users');
    assert.equal(inputs.state.streams.get(streamKey({ name: 'users', namespace: 'analytics' }))?.cursor, '2024-01-01');
  });

  it('reads no files for spec', async () => {
    assert.deepEqual(await loadCommandInputs({ command: 'spec' }), { command: 'spec' });
  });

  it('refuses a catalog with a bad sync mode, naming the field', async () => {
    const bad = { streams: [{ ...catalog.streams[0], sync_mode: 'sometimes' }] };
    const err = await configErrorOf(
      loadCommandInputs({ command: 'read', configPath: file('c2.json', JSON.stringify(config)), catalogPath: file('k2.json', JSON.stringify(bad)) }),
    );
    assert.match(err.message, /catalog\.streams\[0\]\.sync_mode: must be one of full_refresh, incremental/);
  });
});
