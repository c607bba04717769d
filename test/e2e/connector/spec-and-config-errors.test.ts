import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { describeRun, messagesOf, rawFile, runConnector, type ConnectorRun } from '../../helpers/connector-cli.js';

const golden = readFileSync(new URL('../../unit/spec/spec.golden.json', import.meta.url), 'utf8');

// runConnector itself rejects any run with a stack trace on stderr or a non-JSON stdout line.

function singleConfigError(run: ConnectorRun): Record<string, unknown> {
  const errors = messagesOf(run, 'TRACE:ERROR');
  assert.equal(errors.length, 1, describeRun(run));
  const error = errors[0]!.trace.error as Record<string, unknown>;
  assert.equal(error.failure_type, 'config_error', describeRun(run));
  return error;
}

describe('connector CLI: spec and unusable input', () => {
  it('spec prints one SPEC message equal to the golden spec and exits 0', async () => {
    const run = await runConnector('spec');
    assert.equal(run.exitCode, 0, describeRun(run));
    assert.equal(run.messages.length, 1, describeRun(run));
    assert.equal(run.messages[0]!.type, 'SPEC');
    assert.deepEqual(run.messages[0]!.spec, JSON.parse(golden));
  });

  it('the run check rejects output that contains a secret (guards every other test)', async () => {
    await assert.rejects(runConnector('spec', { secrets: ['connectionSpecification'] }), /a secret appears in stdout/);
  });

  it('a config file that is not JSON gives a config_error trace, a non-zero exit and no stack trace outside JSON', async () => {
    const run = await runConnector('check', { config: rawFile('{"workspace_url": "https://x", ') });
    assert.notEqual(run.exitCode, 0, describeRun(run));
    const error = singleConfigError(run);
    assert.match(String(error.message), /config/i);
    assert.equal(run.stderr, '');
  });

  it('a config that is valid JSON but not an object of the spec names the bad field without echoing its value', async () => {
    const secretLookingValue = 'dapi0123456789abcdef0123456789abcdef';
    const run = await runConnector('discover', {
      config: { workspace_url: 'https://127.0.0.1:1', catalog: 'main', batch_size: secretLookingValue },
      secrets: [secretLookingValue],
    });
    assert.notEqual(run.exitCode, 0, describeRun(run));
    const error = singleConfigError(run);
    assert.match(String(error.message), /batch_size/);
  });

  it('read without --catalog is a config_error with the usage, non-zero exit', async () => {
    const run = await runConnector('read', { config: { catalog: 'main' } });
    assert.notEqual(run.exitCode, 0, describeRun(run));
    const error = singleConfigError(run);
    assert.match(String(error.message), /--catalog/);
  });
});
