import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';

/**
 * Validates printed messages against the project's copy of the official Airbyte protocol schema
 * (`src/protocol/airbyte-protocol.schema.json`, `#/definitions/AirbyteMessage`).
 *
 * The schema only requires `type`; it does not tie `type: RECORD` to a `record` field. Airbyte's
 * platform does, so this check adds that rule: the field named by `type` must be present.
 */

const schema = JSON.parse(
  readFileSync(new URL('../../src/protocol/airbyte-protocol.schema.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

// strict: false because the schema carries Java code-generation keywords such as `existingJavaType`.
const ajv = new Ajv({ strict: false, allErrors: true });
// ajv-formats is CommonJS; under NodeNext its default import is the module object.
ajvFormats.default(ajv);
ajv.addSchema(schema, 'airbyte');
const validateMessage = ajv.getSchema('airbyte#/definitions/AirbyteMessage');
if (validateMessage === undefined) throw new Error('AirbyteMessage definition not found in the protocol schema');

const payloadField: Readonly<Record<string, string>> = {
  RECORD: 'record',
  STATE: 'state',
  LOG: 'log',
  SPEC: 'spec',
  CONNECTION_STATUS: 'connectionStatus',
  CATALOG: 'catalog',
  TRACE: 'trace',
  CONTROL: 'control',
};

const tracePayloadField: Readonly<Record<string, string>> = {
  ERROR: 'error',
  ESTIMATE: 'estimate',
  STREAM_STATUS: 'stream_status',
  ANALYTICS: 'analytics',
};

/** Returns the list of problems with `obj` as an AirbyteMessage; empty when it is valid. */
export function messageProblems(obj: unknown): string[] {
  const problems: string[] = [];
  if (validateMessage!(obj) !== true) {
    for (const e of validateMessage!.errors ?? []) problems.push(`${e.instancePath || '/'} ${e.message ?? ''}`.trim());
    return problems;
  }
  const message = obj as Record<string, unknown>;
  const field = payloadField[message.type as string];
  if (field !== undefined && message[field] === undefined) problems.push(`/${field} is required for type ${String(message.type)}`);
  if (message.type === 'TRACE') {
    const trace = message.trace as Record<string, unknown>;
    const traceField = tracePayloadField[trace.type as string];
    if (traceField !== undefined && trace[traceField] === undefined) {
      problems.push(`/trace/${traceField} is required for trace type ${String(trace.type)}`);
    }
  }
  if (message.type === 'STATE') {
    const state = message.state as Record<string, unknown>;
    if (state.type === 'STREAM' && state.stream === undefined) problems.push('/state/stream is required for STREAM state');
  }
  return problems;
}

/** Throws with every schema violation listed when `obj` is not a valid AirbyteMessage. */
export function assertValidMessage(obj: unknown): void {
  const problems = messageProblems(obj);
  if (problems.length > 0) {
    throw new Error(`invalid AirbyteMessage: ${problems.join('; ')}\n${JSON.stringify(obj)}`);
  }
}

/** Parses each non-empty line of JSON-lines output and asserts it is a valid AirbyteMessage. */
export function assertValidLines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const obj: unknown = JSON.parse(line);
      assertValidMessage(obj);
      return obj;
    });
}
