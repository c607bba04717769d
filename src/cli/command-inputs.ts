import { resolveConfig, type ResolvedConfig } from '../config/resolve-config.js';
import type { ConfiguredAirbyteCatalog } from '../protocol/airbyte-protocol.js';
import { parseConfiguredCatalog } from '../protocol/configured-catalog.js';
import { streamDescriptor } from '../protocol/messages.js';
import { parseIncomingState, type IncomingState } from '../state/parse-state.js';
import type { Command } from './args.js';
import { readJsonFile } from './read-json-file.js';

/** Everything a command needs from its files, read and validated (all errors are config_error). */
export type CommandInputs =
  | { readonly command: 'spec' }
  | { readonly command: 'check' | 'discover'; readonly config: ResolvedConfig }
  | {
      readonly command: 'read';
      readonly config: ResolvedConfig;
      readonly catalog: ConfiguredAirbyteCatalog;
      readonly state: IncomingState;
    };

/**
 * Reads and validates the command's files. `onConfig` runs as soon as the config is resolved and
 * before anything else can fail, so the caller can register its secrets with the Redactor.
 */
export async function loadCommandInputs(
  command: Command,
  onConfig: (config: ResolvedConfig) => void = () => undefined,
): Promise<CommandInputs> {
  if (command.command === 'spec') return { command: 'spec' };
  const config = resolveConfig(await readJsonFile(command.configPath, 'config'));
  onConfig(config);
  if (command.command !== 'read') return { command: command.command, config };
  const catalog = parseConfiguredCatalog(await readJsonFile(command.catalogPath, 'catalog'));
  const stateRaw = command.statePath === undefined ? null : await readJsonFile(command.statePath, 'state');
  const configured = catalog.streams.map((s) => streamDescriptor(s.stream.name, s.stream.namespace));
  return { command: 'read', config, catalog, state: parseIncomingState(stateRaw, configured) };
}
