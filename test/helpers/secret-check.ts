import assert from 'node:assert/strict';

/**
 * The secret check every connector run in the suite goes through (connector-cli.ts for finished
 * runs, live-connector.ts for runs watched or killed part way): no secret value of the config, in
 * full or (for `dapi` tokens) without its well-known prefix, appears anywhere in stdout or stderr.
 * Each test process prints a tally of what it checked when it exits.
 */

const SECRET_KEYS = new Set(['personal_access_token', 'client_secret']);
const tally = { runs: 0, bytes: 0, secrets: 0 };
let reporting = false;

/** Values of secret fields anywhere in a config object. */
export function findSecrets(config: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) {
      for (const [k, v] of Object.entries(node)) {
        if (SECRET_KEYS.has(k) && typeof v === 'string' && v.length > 0) found.push(v);
        else walk(v);
      }
    }
  };
  walk(config);
  return found;
}

/** Fails when any secret appears in the run's output. */
export function assertNoSecrets(output: { readonly stdout: string; readonly stderr: string }, secrets: readonly string[]): void {
  if (!reporting) {
    reporting = true;
    process.on('exit', () => {
      if (tally.runs > 0) process.stderr.write(`secret check: ${tally.runs} connector runs, ${tally.bytes} bytes of output, ${tally.secrets} distinct secrets looked for, 0 found\n`);
    });
  }
  tally.runs += 1;
  tally.bytes += output.stdout.length + output.stderr.length;
  tally.secrets = Math.max(tally.secrets, secrets.length);
  for (const secret of secrets) {
    const forms = secret.startsWith('dapi') && secret.length > 12 ? [secret, secret.slice(4)] : [secret];
    for (const form of forms) {
      assert.ok(!output.stdout.includes(form), 'a secret appears in stdout');
      assert.ok(!output.stderr.includes(form), 'a secret appears in stderr');
    }
  }
}
