/**
 * The sample dataset, as Databricks SQL run through the engine so it exercises the same dialect
 * and catalog paths users hit. Deterministic: every value is a function of a row number.
 *
 * - hive_metastore.analytics.user_events: 3000 click-stream events with ties on event_timestamp
 *   (three events per minute) and NULLs in user_id, properties and amount.
 * - main.sales.customers / orders (PRIMARY KEY, cursor column updated_at) / order_summary (view).
 * - main.types.all_types: one column per Spark type; rows with extremes, unicode, empties, NULLs.
 * - main.types.wide: 200 columns.
 * - samples.nyctaxi.trips: a small table in the `samples` catalog every workspace has.
 */
export function sampleStatements(): string[] {
  return [
    ...userEvents(),
    ...sales(),
    ...allTypes(),
    ...wide(),
    ...nyctaxi(),
  ];
}

const USER_EVENTS_ROWS = 3000;

function userEvents(): string[] {
  return [
    'CREATE SCHEMA IF NOT EXISTS hive_metastore.analytics',
    `CREATE TABLE hive_metastore.analytics.user_events (
       event_id BIGINT NOT NULL COMMENT 'Unique event id',
       user_id BIGINT,
       event_type STRING,
       event_timestamp TIMESTAMP COMMENT 'When the event happened (UTC)',
       properties MAP<STRING, STRING>,
       amount DECIMAL(12,2),
       session_id STRING
     ) USING DELTA COMMENT 'Click-stream events' TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')`,
    `INSERT INTO hive_metastore.analytics.user_events
     SELECT id + 1,
            CASE WHEN id % 97 = 0 THEN NULL ELSE id % 250 + 1 END,
            CASE id % 4 WHEN 0 THEN 'view' WHEN 1 THEN 'click' WHEN 2 THEN 'purchase' ELSE 'signup' END,
            TIMESTAMP '2024-01-01 00:00:00' + to_seconds(CAST((id div 3) * 60 AS BIGINT)),
            CASE WHEN id % 11 = 0 THEN NULL
                 ELSE map('source', CASE id % 3 WHEN 0 THEN 'web' WHEN 1 THEN 'ios' ELSE 'android' END, 'page', concat('/p/', CAST(id % 17 AS STRING))) END,
            CASE WHEN id % 4 = 2 THEN CAST((id * 37 % 100000) / 100.0 AS DECIMAL(12,2)) END,
            concat('s-', CAST(id div 10 AS STRING))
     FROM range(${USER_EVENTS_ROWS})`,
  ];
}

function sales(): string[] {
  return [
    'CREATE SCHEMA IF NOT EXISTS main.sales',
    `CREATE TABLE main.sales.customers (
       customer_id BIGINT NOT NULL,
       name STRING,
       email STRING,
       country CHAR(2),
       created_at TIMESTAMP,
       CONSTRAINT customers_pk PRIMARY KEY (customer_id)
     ) USING DELTA COMMENT 'Customers'`,
    `INSERT INTO main.sales.customers
     SELECT id + 1, concat('Customer ', CAST(id + 1 AS STRING)), concat('c', CAST(id + 1 AS STRING), '@example.com'),
            CASE id % 4 WHEN 0 THEN 'US' WHEN 1 THEN 'FR' WHEN 2 THEN 'DE' ELSE 'JP' END,
            TIMESTAMP '2023-06-01 00:00:00' + to_seconds(CAST(id * 3600 AS BIGINT))
     FROM range(200)`,
    `CREATE TABLE main.sales.orders (
       order_id BIGINT NOT NULL COMMENT 'Order number',
       customer_id BIGINT,
       status STRING,
       total DECIMAL(10,2),
       created_at TIMESTAMP,
       updated_at TIMESTAMP COMMENT 'Cursor for incremental reads',
       CONSTRAINT orders_pk PRIMARY KEY (order_id)
     ) USING DELTA COMMENT 'Orders' TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')`,
    `INSERT INTO main.sales.orders
     SELECT id + 1, id % 200 + 1,
            CASE id % 5 WHEN 0 THEN 'new' WHEN 1 THEN 'paid' WHEN 2 THEN 'shipped' WHEN 3 THEN 'delivered' ELSE 'cancelled' END,
            CAST((id * 7919 % 50000) / 100.0 AS DECIMAL(10,2)),
            TIMESTAMP '2024-01-01 00:00:00' + to_seconds(CAST(id * 600 AS BIGINT)),
            TIMESTAMP '2024-01-01 00:00:00' + to_seconds(CAST((id div 2) * 1200 + 300 AS BIGINT))
     FROM range(1000)`,
    `CREATE VIEW main.sales.order_summary COMMENT 'Totals per customer' AS
     SELECT customer_id, count(*) AS order_count, sum(total) AS total_spent FROM main.sales.orders GROUP BY customer_id`,
  ];
}

function allTypes(): string[] {
  const struct = (name: string, city: string, zip: string, tags: string): string =>
    `named_struct('name', ${name}, 'address', named_struct('city', ${city}, 'zip', ${zip}), 'tags', ${tags})`;
  return [
    'CREATE SCHEMA IF NOT EXISTS main.types',
    `CREATE TABLE main.types.all_types (
       id INT NOT NULL,
       c_tinyint TINYINT, c_smallint SMALLINT, c_int INT, c_bigint BIGINT,
       c_float FLOAT, c_double DOUBLE, c_decimal_38_18 DECIMAL(38,18), c_decimal_10_2 DECIMAL(10,2),
       c_string STRING, c_char CHAR(10), c_varchar VARCHAR(20), c_binary BINARY, c_boolean BOOLEAN,
       c_date DATE, c_timestamp TIMESTAMP, c_timestamp_ntz TIMESTAMP_NTZ,
       c_interval_ym INTERVAL YEAR TO MONTH, c_interval_dt INTERVAL DAY TO SECOND,
       c_array ARRAY<INT>, c_map MAP<STRING, INT>,
       c_struct STRUCT<name: STRING, address: STRUCT<city: STRING, zip: INT>, tags: ARRAY<STRING>>
     ) USING DELTA COMMENT 'One column of every type'`,
    `INSERT INTO main.types.all_types VALUES
     (1, 1Y, 2S, 3, 4L, 1.5F, 2.25D, 12345.678901234567890123BD, 19.99BD, 'hello', 'abc', 'varchar', X'DEADBEEF', true,
      DATE '2024-02-29', TIMESTAMP '2024-02-29 12:34:56.123456', TIMESTAMP_NTZ '2024-02-29 12:34:56.123456',
      INTERVAL '1-2' YEAR TO MONTH, INTERVAL '3 04:05:06.789' DAY TO SECOND,
      array(1, 2, 3), map('a', 1, 'b', 2), ${struct("'Ada'", "'London'", '12345', "array('x', 'y')")}),
     (2, 127Y, 32767S, 2147483647, 9223372036854775807L, CAST('Infinity' AS FLOAT), CAST('NaN' AS DOUBLE),
      99999999999999999999.999999999999999999BD, 99999999.99BD, 'héllo wörld 日本語 🎉', 'ü', '', X'00FF', false,
      DATE '9999-12-31', TIMESTAMP '1969-12-31 23:59:59.999999', TIMESTAMP_NTZ '1900-01-01 00:00:00.000001',
      INTERVAL '-100-11' YEAR TO MONTH, INTERVAL '-10 10:10:10.5' DAY TO SECOND,
      array(), map(), ${struct("''", 'NULL', 'NULL', 'array()')}),
     (3, -128Y, -32768S, -2147483648, CAST('-9223372036854775808' AS BIGINT), CAST('-Infinity' AS FLOAT), CAST('-Infinity' AS DOUBLE),
      -99999999999999999999.999999999999999999BD, -99999999.99BD, 'line1\\nline2\\ttab "quoted" \\'single\\'', ' ', 'x', X'', true,
      DATE '1900-01-01', TIMESTAMP '1900-01-01 00:00:00.000001', TIMESTAMP_NTZ '1969-12-31 23:59:59.999999',
      INTERVAL '0-0' YEAR TO MONTH, INTERVAL '0 00:00:00' DAY TO SECOND,
      array(NULL, 1), map('k', NULL), ${struct('NULL', "'Zürich'", '8000', 'array(NULL)')}),
     (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
      NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
  ];
}

const WIDE_COLUMNS = 200;

function wide(): string[] {
  const cols = Array.from({ length: WIDE_COLUMNS }, (_, i) => {
    const name = `c${String(i).padStart(3, '0')}`;
    const type = i % 4 === 0 ? 'BIGINT' : i % 4 === 1 ? 'STRING' : i % 4 === 2 ? 'DOUBLE' : 'DECIMAL(10,2)';
    const value = i % 4 === 0 ? `id * ${i + 1}` : i % 4 === 1 ? `concat('v${i}_', CAST(id AS STRING))` : i % 4 === 2 ? `id / ${i + 1}.0` : `CAST(id + ${i} AS DECIMAL(10,2))`;
    return { name, type, value };
  });
  return [
    `CREATE TABLE main.types.wide (id BIGINT NOT NULL, ${cols.map((c) => `${c.name} ${c.type}`).join(', ')}) USING DELTA`,
    `INSERT INTO main.types.wide SELECT id, ${cols.map((c) => c.value).join(', ')} FROM range(50)`,
  ];
}

function nyctaxi(): string[] {
  return [
    'CREATE CATALOG IF NOT EXISTS samples',
    'CREATE SCHEMA IF NOT EXISTS samples.nyctaxi',
    `CREATE TABLE samples.nyctaxi.trips (
       tpep_pickup_datetime TIMESTAMP, tpep_dropoff_datetime TIMESTAMP, trip_distance DOUBLE,
       fare_amount DOUBLE, pickup_zip INT, dropoff_zip INT
     ) USING DELTA`,
    `INSERT INTO samples.nyctaxi.trips
     SELECT TIMESTAMP '2016-02-01 00:00:00' + to_seconds(CAST(id * 97 AS BIGINT)),
            TIMESTAMP '2016-02-01 00:00:00' + to_seconds(CAST(id * 97 + 600 + id % 900 AS BIGINT)),
            round((id % 130) / 10.0, 2), round(2.5 + (id % 400) / 10.0, 2), 10001 + CAST(id % 100 AS INT), 10001 + CAST(id * 7 % 100 AS INT)
     FROM range(500)`,
  ];
}
