import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../../../src/cli/args.js';
import { ConnectorError } from '../../../src/errors/connector-error.js';

function misuse(argv: string[]): string {
  try {
    parseArgs(argv);
  } catch (err) {
    assert.ok(err instanceof ConnectorError);
    assert.equal(err.failureType, 'config_error');
    assert.match(err.message, /usage: source-databricks spec/);
    return err.message.split('\n')[0]!;
  }
  assert.fail(`expected ${argv.join(' ')} to be refused`);
}

describe('parseArgs', () => {
  it('parses every command', () => {
    assert.deepEqual(parseArgs(['spec']), { command: 'spec' });
    assert.deepEqual(parseArgs(['check', '--config', 'c.json']), { command: 'check', configPath: 'c.json' });
    assert.deepEqual(parseArgs(['discover', '--config=c.json']), { command: 'discover', configPath: 'c.json' });
    assert.deepEqual(parseArgs(['read', '--config', 'c.json', '--catalog', 'k.json']), {
      command: 'read',
      configPath: 'c.json',
      catalogPath: 'k.json',
    });
    assert.deepEqual(parseArgs(['read', '--state', 's.json', '--catalog=k.json', '--config', 'c.json']), {
      command: 'read',
      configPath: 'c.json',
      catalogPath: 'k.json',
      statePath: 's.json',
    });
  });

  const refused: Array<[string[], string]> = [
    [[], 'missing command'],
    [['sync'], 'unknown command "sync"'],
    [['check'], 'check needs --config'],
    [['read', '--config', 'c.json'], 'read needs --catalog'],
    [['check', '--config'], '--config needs a file path'],
    [['check', '--config', '--catalog', 'x'], '--config needs a file path'],
    [['check', '--config='], '--config needs a file path'],
    [['spec', '--config', 'c.json'], 'spec does not take --config'],
    [['check', '--config', 'a', '--config', 'b'], '--config is given twice'],
    [['check', 'c.json'], 'unexpected argument "c.json"'],
    [['discover', '--config', 'c', '--state', 's'], 'discover does not take --state'],
  ];
  for (const [argv, reason] of refused) {
    it(`refuses ${JSON.stringify(argv)}: ${reason}`, () => assert.equal(misuse(argv), reason));
  }
});
