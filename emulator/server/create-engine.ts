import type { SqlEngine } from './warehouse-backend.js';

export interface EngineSetup {
  readonly sampleData: boolean;
  readonly seedSql: readonly string[];
}

/**
 * The DuckDB-backed engine (emulator/engine) behind the wire layer's SqlEngine port, loaded on
 * demand so a custom engine needs no DuckDB.
 */
export async function createEngine(setup: EngineSetup): Promise<SqlEngine> {
  const { Engine } = await import('../engine/engine.js');
  const engine = await Engine.create({ sampleData: setup.sampleData, seedSql: setup.seedSql });
  return {
    defaultSession: () => engine.defaultSession(),
    execute: (sql, params, session) => engine.execute(sql, params, session),
    getCatalogs: () => engine.getCatalogs(),
    getSchemas: (_s, f) => engine.getSchemas(f.catalogName ?? null, f.schemaName ?? null),
    getTables: (_s, f) => engine.getTables(f.catalogName ?? null, f.schemaName ?? null, f.tableName ?? null, f.tableTypes ?? null),
    getColumns: (_s, f) => engine.getColumns(f.catalogName ?? null, f.schemaName ?? null, f.tableName ?? null, f.columnName ?? null),
    getPrimaryKeys: (s, f) => engine.getPrimaryKeys(f.catalogName ?? null, f.schemaName ?? s.schema, f.tableName ?? ''),
    getTypeInfo: () => engine.getTypeInfo(),
    getTableTypes: () => engine.getTableTypes(),
    // GetFunctions: the JDBC layout with no rows; the emulator keeps no function catalog.
    getFunctions: (s) =>
      engine.execute(
        'SELECT CAST(NULL AS STRING) AS FUNCTION_CAT, CAST(NULL AS STRING) AS FUNCTION_SCHEM, CAST(NULL AS STRING) AS FUNCTION_NAME, ' +
          'CAST(NULL AS STRING) AS REMARKS, CAST(NULL AS INT) AS FUNCTION_TYPE, CAST(NULL AS STRING) AS SPECIFIC_NAME WHERE 1 = 0',
        [],
        s,
      ).result,
    close: () => engine.close(),
    expireHistory: (table, keepFromVersion, options) => engine.expireHistory(table, keepFromVersion, options),
  };
}
