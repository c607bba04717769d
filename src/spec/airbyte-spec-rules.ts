/**
 * Turns zod's JSON schema into one Airbyte's UI accepts, and checks the rules Airbyte documents
 * for connectionSpecification (docs.airbyte.com, "Connector Specification Reference"):
 * draft-07, no `$ref`, no `anyOf`/`allOf`, every `oneOf` variant an object whose discriminator
 * property has a `const`, and unknown top-level keys allowed so platform-added fields validate.
 */

type Json = { [key: string]: unknown };

const FORBIDDEN_KEYWORDS = ['$ref', '$defs', 'definitions', 'anyOf', 'allOf', 'not'];

/** Returns an Airbyte-ready copy of `schema`; throws when the schema breaks a rule it cannot fix. */
export function toAirbyteConnectionSpecification(schema: Json): Json {
  const copy = structuredClone(schema);
  delete copy.$schema;
  const result: Json = { $schema: 'http://json-schema.org/draft-07/schema#', ...copy, additionalProperties: true };
  visit(result, '#', (node, path) => {
    // zod writes `additionalProperties: {}` for loose objects; `true` says the same to every validator.
    if (path !== '#' && isObject(node.additionalProperties) && Object.keys(node.additionalProperties).length === 0) {
      node.additionalProperties = true;
    }
    if (Array.isArray(node.oneOf)) markDiscriminators(node.oneOf);
  });
  const problems = airbyteSpecProblems(result);
  if (problems.length > 0) throw new Error(`connectionSpecification breaks Airbyte rules: ${problems.join('; ')}`);
  return result;
}

/** Lists every Airbyte spec rule `schema` breaks (empty when it is fine). */
export function airbyteSpecProblems(schema: Json): string[] {
  const problems: string[] = [];
  if (schema.additionalProperties !== true) problems.push('#: additionalProperties must be true');
  visit(schema, '#', (node, path) => {
    // The keys of a `properties` object are field names, not keywords.
    if (!path.endsWith('/properties')) {
      for (const keyword of FORBIDDEN_KEYWORDS) if (keyword in node) problems.push(`${path}: uses ${keyword}`);
    }
    if (Array.isArray(node.oneOf)) {
      const key = discriminatorOf(node.oneOf);
      if (key === undefined) problems.push(`${path}: oneOf variants need one property with a const value in every variant`);
    }
    if (isObject(node.properties)) {
      for (const [name, prop] of Object.entries(node.properties)) {
        if (isObject(prop) && isSecretName(name) && prop.airbyte_secret !== true) {
          problems.push(`${path}/properties/${name}: a secret must have airbyte_secret: true`);
        }
      }
    }
  });
  return problems;
}

/** The property every variant fixes with `const` (Airbyte's UI switches on it), if there is one. */
export function discriminatorOf(variants: readonly unknown[]): string | undefined {
  const first = variants[0];
  if (!isObject(first) || !isObject(first.properties)) return undefined;
  return Object.keys(first.properties).find((key) =>
    variants.every((v) => {
      if (!isObject(v) || !isObject(v.properties) || !Array.isArray(v.required) || !v.required.includes(key)) return false;
      const prop = v.properties[key];
      return isObject(prop) && typeof prop.const === 'string';
    }),
  );
}

function markDiscriminators(variants: unknown[]): void {
  const key = discriminatorOf(variants);
  if (key === undefined) return;
  for (const variant of variants) {
    const prop = ((variant as Json).properties as Json)[key] as Json;
    // Airbyte's form fills the hidden discriminator from `default`; without it the UI sends nothing.
    prop.default = prop.const;
    prop.title ??= key;
  }
}

function isSecretName(name: string): boolean {
  return /(secret|password|token)$/i.test(name);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function visit(node: unknown, path: string, fn: (node: Json, path: string) => void): void {
  if (Array.isArray(node)) {
    node.forEach((child, i) => visit(child, `${path}/${i}`, fn));
    return;
  }
  if (!isObject(node)) return;
  fn(node, path);
  for (const [key, child] of Object.entries(node)) {
    // `examples` and `default` hold data, not subschemas.
    if (key !== 'examples' && key !== 'default' && key !== 'const' && key !== 'enum') visit(child, `${path}/${key}`, fn);
  }
}
