import { z } from 'zod';
import { configSchema } from '../config/config-schema.js';
import type { ConnectorSpecification } from '../protocol/airbyte-protocol.js';
import { toAirbyteConnectionSpecification } from './airbyte-spec-rules.js';

export const DOCUMENTATION_URL = 'https://docs.airbyte.com/integrations/sources/databricks';

/** The SPEC answer, generated from the config schema so the two cannot drift apart. */
export function connectorSpecification(): ConnectorSpecification {
  // io 'input': describe what a user writes (fields with defaults are optional), not what parsing yields.
  const generated = z.toJSONSchema(configSchema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  return {
    documentationUrl: DOCUMENTATION_URL,
    connectionSpecification: toAirbyteConnectionSpecification(generated),
    supportsIncremental: true,
  };
}
