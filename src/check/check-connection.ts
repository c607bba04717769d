import type { Warehouse } from '../client/warehouse.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { compileNamePatterns, isExactName } from '../config/name-pattern.js';
import { classifyError } from '../errors/connector-error.js';
import { listSelectedSchemas } from '../discover/list-tables.js';
import { quoteIdentifier } from '../sql/quote-identifier.js';

export type CheckResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

/**
 * What `check` proves, in order, so the first failure says which: the workspace answers and
 * accepts the credentials (connect), the warehouse runs a statement (SELECT 1), the catalog
 * exists, every configured schema exists, and each selected schema's tables can be listed.
 */
export async function checkConnection(
  config: ResolvedConfig,
  connect: () => Promise<Warehouse>,
): Promise<CheckResult> {
  const authType = config.credentials.type;
  const failed = (step: string, err: unknown): CheckResult => ({
    ok: false,
    message: `${step}: ${classifyError(err, { authType }).message}`,
  });
  let warehouse: Warehouse;
  try {
    warehouse = await connect();
  } catch (err) {
    return failed(`Could not connect to ${config.host}${config.httpPath}`, err);
  }
  try {
    try {
      await warehouse.queryRows('SELECT 1 AS `ok`');
    } catch (err) {
      return failed(`The warehouse at ${config.httpPath} did not run a test query`, err);
    }
    let schemas: string[];
    try {
      // SHOW SCHEMAS fails with NO_SUCH_CATALOG_EXCEPTION for a missing catalog, which GetSchemas
      // would answer with an empty list.
      const rows = await warehouse.queryRows(`SHOW SCHEMAS IN ${quoteIdentifier(config.catalog)}`);
      schemas = rows.map((r) => String(r['databaseName'] ?? r['namespace'] ?? Object.values(r)[0]));
    } catch (err) {
      return failed(`The catalog ${JSON.stringify(config.catalog)} cannot be read`, err);
    }
    const lower = new Set(schemas.map((s) => s.toLowerCase()));
    for (const pattern of config.schemas) {
      if (isExactName(pattern) ? !lower.has(pattern.toLowerCase()) : !schemas.some(compileNamePatterns([pattern]))) {
        return {
          ok: false,
          message: `The catalog ${JSON.stringify(config.catalog)} has no schema matching ${JSON.stringify(pattern)} (schemas visible to this user: ${schemas.slice(0, 20).join(', ') || 'none'}).`,
        };
      }
    }
    let selected: string[] = [];
    try {
      selected = await listSelectedSchemas(warehouse, config);
    } catch (err) {
      return failed(`The schemas of catalog ${JSON.stringify(config.catalog)} cannot be listed`, err);
    }
    for (const schema of selected) {
      try {
        await warehouse.getTables(config.catalog, schema);
      } catch (err) {
        return failed(`The tables of schema ${JSON.stringify(`${config.catalog}.${schema}`)} cannot be listed`, err);
      }
    }
    return { ok: true };
  } finally {
    await warehouse.close().catch(() => undefined);
  }
}
