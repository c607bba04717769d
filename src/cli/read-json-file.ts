import { readFile } from 'node:fs/promises';
import { configError } from '../errors/connector-error.js';

/**
 * Reads one of the JSON files Airbyte hands the connector. Errors name the file and its role;
 * they never quote the file's content, which for the config holds secrets.
 */
export async function readJsonFile(path: string, role: 'config' | 'catalog' | 'state'): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? 'error'})`;
    throw configError(`${role} file ${path} ${reason}`, { cause: err, internalMessage: `${role} file ${path}: ${code ?? 'read error'}` });
  }
  // A state file may legitimately be empty on a first sync.
  if (role === 'state' && text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw configError(`${role} file ${path} is not valid JSON: ${describeSyntaxError(err, text)}`, {
      internalMessage: `${role} file ${path}: JSON syntax error`,
    });
  }
}

// V8's messages quote part of the input (`Unexpected token 'x', "{"token": x..." is not valid JSON`);
// keep the reason, drop the quoted text, and add a line and column where V8 gives a position.
function describeSyntaxError(err: unknown, text: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const reason = message.replace(/,\s*".*" is not valid JSON$/s, '').replace(/\s*(?:in JSON )?at position \d+.*$/s, '');
  const position = /position (\d+)/.exec(message)?.[1];
  if (position === undefined) return reason;
  const before = text.slice(0, Number(position));
  const line = before.split('\n').length;
  const column = Number(position) - before.lastIndexOf('\n');
  return `${reason} (line ${line}, column ${column})`;
}
