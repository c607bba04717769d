/** The benchmark table: 10 columns (BIGINT, INT, DOUBLE, DECIMAL(10,2), two STRINGs, BOOLEAN, DATE, TIMESTAMP, BIGINT). */
export const BENCH_SCHEMA = 'hive_metastore.bench';

export function benchTableName(rows: number): string {
  return `rows_${rows}`;
}

export function benchTableSql(rows: number): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${BENCH_SCHEMA}`,
    `CREATE TABLE ${BENCH_SCHEMA}.${benchTableName(rows)} AS SELECT
       id AS id,
       CAST(id % 100000 AS INT) AS qty,
       CAST(id AS DOUBLE) / 7 AS price,
       CAST(CAST(id % 10000000 AS DECIMAL(10,0)) / 100 AS DECIMAL(10,2)) AS amount,
       concat('customer-', CAST(id % 50000 AS STRING)) AS name,
       md5(CAST(id AS STRING)) AS hash,
       id % 3 = 0 AS active,
       date_add(DATE '2000-01-01', CAST(id % 9000 AS INT)) AS day,
       TIMESTAMP '2020-01-01 00:00:00' + to_seconds(CAST(id AS BIGINT)) AS ts,
       id * 7 AS ref
     FROM range(${rows})`,
  ];
}
