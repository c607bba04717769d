import { configError } from '../errors/connector-error.js';

/**
 * The Airbyte source command line: `spec`, `check --config F`, `discover --config F`,
 * `read --config F --catalog F [--state F]`. Flags may also be written `--config=F`.
 */
export type Command =
  | { readonly command: 'spec' }
  | { readonly command: 'check'; readonly configPath: string }
  | { readonly command: 'discover'; readonly configPath: string }
  | { readonly command: 'read'; readonly configPath: string; readonly catalogPath: string; readonly statePath?: string };

export const USAGE = [
  'usage: source-databricks spec',
  '       source-databricks check --config <config.json>',
  '       source-databricks discover --config <config.json>',
  '       source-databricks read --config <config.json> --catalog <catalog.json> [--state <state.json>]',
].join('\n');

const FLAGS: Readonly<Record<Command['command'], { readonly required: readonly string[]; readonly optional: readonly string[] }>> = {
  spec: { required: [], optional: [] },
  check: { required: ['config'], optional: [] },
  discover: { required: ['config'], optional: [] },
  read: { required: ['config', 'catalog'], optional: ['state'] },
};

/** Parses the arguments after the program name; throws a config_error with the usage on misuse. */
export function parseArgs(argv: readonly string[]): Command {
  const [name, ...rest] = argv;
  const fail = (reason: string): never => {
    throw configError(`${reason}\n${USAGE}`);
  };
  if (name === undefined) return fail('missing command');
  if (!Object.hasOwn(FLAGS, name)) return fail(`unknown command ${JSON.stringify(name)}`);
  const command = name as Command['command'];
  const allowed = FLAGS[command];
  const values = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i]!;
    if (!arg.startsWith('--')) return fail(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const flag = arg.slice(2, eq < 0 ? undefined : eq);
    if (!allowed.required.includes(flag) && !allowed.optional.includes(flag)) {
      return fail(`${command} does not take --${flag}`);
    }
    let value: string | undefined;
    if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else {
      value = rest[i + 1];
      i += 1;
    }
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) return fail(`--${flag} needs a file path`);
    if (values.has(flag)) return fail(`--${flag} is given twice`);
    values.set(flag, value);
  }
  for (const flag of allowed.required) if (!values.has(flag)) fail(`${command} needs --${flag}`);
  switch (command) {
    case 'spec':
      return { command };
    case 'check':
    case 'discover':
      return { command, configPath: values.get('config')! };
    case 'read': {
      const statePath = values.get('state');
      return {
        command,
        configPath: values.get('config')!,
        catalogPath: values.get('catalog')!,
        ...(statePath === undefined ? {} : { statePath }),
      };
    }
  }
}
