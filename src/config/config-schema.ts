import { z } from 'zod';

/**
 * The connector's configuration: the single source of truth for both validation and the spec's
 * connectionSpecification (see `src/spec/connector-spec.ts`). `.meta()` carries the Airbyte UI
 * keywords (title, description, order, examples, airbyte_secret, airbyte_hidden, multiline).
 *
 * Fields marked `airbyte_hidden` exist so configs written for the connector's original design keep
 * working (`schema`, `table`, top-level `personal_access_token`); the UI does not show them.
 */

const personalAccessToken = z
  .object({
    auth_type: z.literal('personal_access_token').meta({ title: 'Authentication type', order: 0 }),
    personal_access_token: z.string().min(1).meta({
      title: 'Personal access token',
      description: 'A Databricks personal access token (User Settings > Developer > Access tokens).',
      airbyte_secret: true,
      order: 1,
    }),
  })
  .meta({ title: 'Personal access token' });

const oauthM2m = z
  .object({
    auth_type: z.literal('oauth_m2m').meta({ title: 'Authentication type', order: 0 }),
    client_id: z.string().min(1).meta({
      title: 'Client ID',
      description: 'The OAuth client ID (application ID) of a Databricks service principal.',
      order: 1,
    }),
    client_secret: z.string().min(1).meta({
      title: 'Client secret',
      description: 'An OAuth secret generated for the service principal.',
      airbyte_secret: true,
      order: 2,
    }),
  })
  .meta({ title: 'OAuth machine-to-machine (service principal)' });

const streamFilter = z.object({
  stream: z.string().min(1).meta({
    title: 'Stream',
    description: 'The table the filter applies to, as `schema.table` or just `table` (matches it in every schema).',
    examples: ['analytics.user_events'],
    order: 0,
  }),
  filter: z.string().min(1).meta({
    title: 'Filter',
    description:
      'A Databricks SQL boolean expression over the table\'s columns, added to every query of the stream as `AND (<filter>)`.',
    examples: ["event_type <> 'heartbeat'"],
    order: 1,
  }),
});

export const configSchema = z
  .object({
    workspace_url: z.string().min(1).meta({
      title: 'Workspace URL or host',
      description:
        'The workspace address: an https URL or a host name, with an optional port (any cloud, or a private endpoint).',
      examples: [
        'https://mycompany.cloud.databricks.com',
        'adb-1234567890123456.7.azuredatabricks.net',
        '1234567890123456.7.gcp.databricks.com',
      ],
      order: 0,
    }),
    warehouse_id: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, "-" and "_"')
      .optional()
      .meta({
        title: 'SQL warehouse ID',
        description: 'The ID of the SQL warehouse to query (its Connection details page). Give this or HTTP path.',
        examples: ['1234567890abcdef'],
        order: 1,
      }),
    http_path: z
      .string()
      .regex(/^\/\S*$/, 'must start with "/" and contain no spaces')
      .optional()
      .meta({
        title: 'HTTP path',
        description: 'The HTTP path of the SQL warehouse or cluster, from its Connection details. Give this or warehouse ID.',
        examples: ['/sql/1.0/warehouses/1234567890abcdef'],
        order: 2,
      }),
    credentials: z.discriminatedUnion('auth_type', [personalAccessToken, oauthM2m]).optional().meta({
      title: 'Authentication',
      description: 'How the connector signs in to Databricks.',
      order: 3,
    }),
    catalog: z.string().min(1).meta({
      title: 'Catalog',
      description: 'The Unity Catalog catalog to read, or `hive_metastore` for the legacy metastore.',
      examples: ['main', 'hive_metastore'],
      order: 4,
    }),
    schemas: z
      .array(z.string().min(1))
      .optional()
      .meta({
        title: 'Schemas',
        description:
          'Schemas to read. Each entry is a name or a pattern where `*` matches any characters and `|` separates alternatives (case-insensitive). Empty: every schema except information_schema.',
        examples: [['analytics'], ['sales_*', 'marketing']],
        order: 5,
      }),
    tables: z
      .array(z.string().min(1))
      .optional()
      .meta({
        title: 'Tables',
        description:
          'Tables and views to read, by the same name-or-pattern rules as Schemas (`*` any characters, `|` alternatives, case-insensitive). Empty: all.',
        examples: [['user_events'], ['fact_*|dim_*']],
        order: 6,
      }),
    cursor_field: z
      .string()
      .min(1)
      .optional()
      .meta({
        title: 'Default cursor column',
        description:
          'A column offered as the default cursor for incremental syncs of every table that has it (e.g. an update timestamp).',
        examples: ['updated_at'],
        order: 7,
      }),
    stream_filters: z
      .array(streamFilter)
      .optional()
      .meta({
        title: 'Row filters',
        description: 'Per-stream SQL predicates that restrict which rows are read.',
        order: 8,
      }),
    batch_size: z.int().min(1).max(1_000_000).default(10_000).meta({
      title: 'Fetch batch size',
      description: 'Rows per fetch round trip to the warehouse.',
      order: 9,
    }),
    checkpoint_interval_records: z.int().min(1).max(100_000_000).default(10_000).meta({
      title: 'Checkpoint every N records',
      description:
        'Emit a state checkpoint after at least this many records of a stream (at the next change of cursor value).',
      order: 10,
    }),
    checkpoint_interval_seconds: z.int().min(1).max(86_400).default(60).meta({
      title: 'Checkpoint every N seconds',
      description: 'Emit a state checkpoint at least this often while a stream is read (at the next change of cursor value).',
      order: 11,
    }),
    max_concurrent_streams: z.int().min(1).max(16).default(2).meta({
      title: 'Concurrent streams',
      description: 'How many tables are read at the same time.',
      order: 12,
    }),
    ranges_per_stream: z.int().min(1).max(16).default(1).meta({
      title: 'Ranges read at once per table',
      description:
        'Split each large table (100,000 rows or more) into up to this many ranges of its cursor, or of its primary key\'s leading column, read by parallel queries. Applies to integer and decimal columns. 1 reads every table with one query.',
      order: 13,
    }),
    retry_max_seconds: z.int().min(0).max(3600).default(600).meta({
      title: 'Retry for up to (seconds)',
      description:
        'How long to keep retrying transient failures such as a warehouse starting up (a classic warehouse can take several minutes). 0 disables retries.',
      order: 14,
    }),
    change_data_feed_discovery: z.boolean().default(true).meta({
      title: 'Offer Change Data Feed sync',
      description:
        'During discovery, look up which Delta tables have the change feed on (delta.enableChangeDataFeed) and offer them the `_ab_cdc_commit_version` cursor, which syncs inserts, updates and deletes. One metadata query per table; turn off for schemas with very many tables.',
      order: 15,
    }),
    change_data_feed_resnapshot: z.boolean().default(false).meta({
      title: 'Re-snapshot when change history is gone',
      description:
        'When a Change Data Feed stream\'s saved table version is no longer in the table\'s history (retention or VACUUM), read a fresh snapshot instead of failing. Rows deleted while the history was missing then stay in the destination until its next full refresh.',
      order: 16,
    }),
    tls_ca_certificate: z
      .string()
      .optional()
      .meta({
        title: 'Custom CA certificate (PEM)',
        description:
          'A PEM certificate of a private certificate authority to trust in addition to the public ones, for private endpoints or TLS-inspecting proxies.',
        multiline: true,
        airbyte_secret: false,
        order: 17,
      }),
    port: z.int().min(1).max(65535).optional().meta({
      title: 'Port',
      description: 'The HTTPS port, if not 443 and not given in the workspace URL.',
      examples: [443],
      order: 18,
    }),
    encoder_threads: z.int().min(0).max(16).optional().meta({
      title: 'Encoder threads',
      description:
        'Worker threads that turn fetched Arrow data into records while the next data is fetched. Default: one fewer than the CPUs (at most 4), so 1 on 2 CPUs; 0 encodes on the main thread (the default on 1 CPU), which uses less memory.',
      order: 19,
    }),
    personal_access_token: z.string().min(1).optional().meta({
      title: 'Personal access token (legacy)',
      description: 'Shorthand for credentials of type personal access token.',
      airbyte_secret: true,
      airbyte_hidden: true,
    }),
    schema: z.string().min(1).optional().meta({
      title: 'Schema (legacy)',
      description: 'A single schema; use Schemas instead.',
      airbyte_hidden: true,
    }),
    table: z.string().min(1).optional().meta({
      title: 'Table (legacy)',
      description: 'A single table name or pattern; use Tables instead.',
      airbyte_hidden: true,
    }),
  })
  // Airbyte may add fields of its own to a config; unknown keys must not fail validation.
  .loose()
  .meta({ title: 'Databricks Source Spec' });

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
