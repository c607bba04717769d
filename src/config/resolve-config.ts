import { availableParallelism } from 'node:os';
import type { z } from 'zod';
import { configError } from '../errors/connector-error.js';
import type { StreamDescriptor } from '../protocol/airbyte-protocol.js';
import { checkUserPredicate } from '../sql/user-predicate.js';
import { configSchema, type ParsedConfig } from './config-schema.js';
import { misspeltFields } from './unknown-fields.js';
import { parseWorkspaceAddress } from './workspace-address.js';

export type Credentials =
  | { readonly type: 'personal_access_token'; readonly token: string }
  | { readonly type: 'oauth_m2m'; readonly clientId: string; readonly clientSecret: string };

/** A row filter for one stream; `namespace` undefined means "this table name in any schema". */
export interface StreamFilter {
  readonly namespace: string | undefined;
  readonly name: string;
  /** The user's SQL predicate, checked by `checkUserPredicate`. */
  readonly predicate: string;
}

/** The normalized configuration the rest of the connector uses. */
export interface ResolvedConfig {
  /** Host name only, e.g. `mycompany.cloud.databricks.com`. */
  readonly host: string;
  readonly port: number;
  /** e.g. `/sql/1.0/warehouses/<id>`. */
  readonly httpPath: string;
  readonly credentials: Credentials;
  readonly catalog: string;
  /** Schema name patterns (see `name-pattern.ts`); empty means every schema except information_schema. */
  readonly schemas: readonly string[];
  /** Table name patterns; empty means every table and view. */
  readonly tables: readonly string[];
  /** Column offered as every stream's default cursor when the table has it. */
  readonly defaultCursorField: string | undefined;
  readonly streamFilters: readonly StreamFilter[];
  /** Rows per fetch round trip. */
  readonly batchSize: number;
  readonly checkpointIntervalRecords: number;
  readonly checkpointIntervalSeconds: number;
  readonly maxConcurrentStreams: number;
  /** Ranges one ordered read of a large table is split into. */
  readonly rangesPerStream: number;
  /** Worker threads encoding records; 0 encodes on the main thread. */
  readonly encoderThreads: number;
  /** Total time budget for retrying transient failures, in seconds; 0 disables retries. */
  readonly retryMaxSeconds: number;
  /** Look up which tables have the Delta change feed on during discovery. */
  readonly changeDataFeedDiscovery: boolean;
  /** A change-feed stream whose history is gone reads a new snapshot instead of failing. */
  readonly changeDataFeedResnapshot: boolean;
  /** Extra trusted CA certificate(s), PEM. */
  readonly tlsCaCertificate: string | undefined;
  /** Every secret value in the config, for the output Redactor. */
  readonly secrets: readonly string[];
}

/**
 * Validates a parsed config file and normalises it. Throws a config_error ConnectorError whose
 * message names the offending field (`config.batch_size: must be at least 1`) and never contains
 * a submitted value, so a secret typed into the wrong field is not echoed.
 */
export function resolveConfig(raw: unknown): ResolvedConfig {
  // reportInput only lets issueReason tell a missing field from a wrong one; inputs are never printed.
  const parsed = configSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    throw configError(`Invalid configuration: ${parsed.error.issues.map(describeIssue).join('; ')}`);
  }
  const c = parsed.data;
  const problems: string[] = [];
  const fail = (field: string, reason: string): void => {
    problems.push(`config.${field}: ${reason}`);
  };
  for (const typo of misspeltFields(raw, Object.keys(configSchema.shape))) {
    fail(typo.field, `is not a field of this connector; did you mean "${typo.meant}"?`);
  }

  const address = parseWorkspaceAddress(c.workspace_url);
  if (typeof address === 'string') fail('workspace_url', address);
  const addressPort = typeof address === 'string' ? undefined : address.port;
  if (addressPort !== undefined && c.port !== undefined && addressPort !== c.port) {
    fail('port', `is ${c.port} but workspace_url names port ${addressPort}`);
  }

  if (c.warehouse_id !== undefined && c.http_path !== undefined) {
    fail('warehouse_id', 'give either warehouse_id or http_path, not both');
  } else if (c.warehouse_id === undefined && c.http_path === undefined) {
    fail('http_path', 'is required (or give warehouse_id)');
  }

  const credentials = resolveCredentials(c, fail);

  if (c.schemas !== undefined && c.schema !== undefined) fail('schema', 'give either schemas or schema, not both');
  if (c.tables !== undefined && c.table !== undefined) fail('table', 'give either tables or table, not both');

  const streamFilters = (c.stream_filters ?? []).map((f, i): StreamFilter => {
    const reason = checkUserPredicate(f.filter);
    if (reason !== undefined) fail(`stream_filters[${i}].filter`, reason);
    const dot = f.stream.lastIndexOf('.');
    return dot < 0
      ? { namespace: undefined, name: f.stream, predicate: f.filter }
      : { namespace: f.stream.slice(0, dot), name: f.stream.slice(dot + 1), predicate: f.filter };
  });
  streamFilters.forEach((f, i) => {
    const earlier = streamFilters.findIndex((g) => sameFilterTarget(f, g));
    if (earlier < i) fail(`stream_filters[${i}].stream`, `repeats stream_filters[${earlier}]; combine the predicates with AND`);
  });

  if (problems.length > 0 || credentials === undefined || typeof address === 'string') {
    throw configError(`Invalid configuration: ${problems.join('; ')}`);
  }

  const secrets = credentials.type === 'personal_access_token' ? [credentials.token] : [credentials.clientSecret];
  return {
    host: address.host,
    port: addressPort ?? c.port ?? 443,
    httpPath: c.http_path ?? `/sql/1.0/warehouses/${c.warehouse_id}`,
    credentials,
    catalog: c.catalog,
    schemas: c.schemas ?? (c.schema === undefined ? [] : [c.schema]),
    tables: c.tables ?? (c.table === undefined ? [] : [c.table]),
    defaultCursorField: c.cursor_field,
    streamFilters,
    batchSize: c.batch_size,
    checkpointIntervalRecords: c.checkpoint_interval_records,
    checkpointIntervalSeconds: c.checkpoint_interval_seconds,
    maxConcurrentStreams: c.max_concurrent_streams,
    rangesPerStream: c.ranges_per_stream,
    encoderThreads: c.encoder_threads ?? defaultEncoderThreads(availableParallelism()),
    retryMaxSeconds: c.retry_max_seconds,
    changeDataFeedDiscovery: c.change_data_feed_discovery,
    changeDataFeedResnapshot: c.change_data_feed_resnapshot,
    tlsCaCertificate: c.tls_ca_certificate === undefined || c.tls_ca_certificate.trim() === '' ? undefined : c.tls_ca_certificate,
    secrets,
  };
}

/**
 * Encoder threads when the config names none: the CPUs beside the main thread (which fetches and
 * writes), at most 4; none on a single CPU. Measured by the benchmark on 2 CPUs that also ran
 * the warehouse (bench/results.md, c against c0), two runs: one thread read 6–13% faster at 1M
 * rows and 29–39% faster at 5M than encoding on the main thread, for 27–38 MB more peak RSS
 * (200 and 214 MB against 170–173 and 176–178 MB).
 */
export function defaultEncoderThreads(cpus: number): number {
  return cpus <= 1 ? 0 : Math.min(4, cpus - 1);
}

/**
 * The row filter for a stream: a `schema.table` entry wins over a bare `table` entry. Names
 * compare case-insensitively, as Databricks does.
 */
export function streamFilterFor(config: Pick<ResolvedConfig, 'streamFilters'>, stream: StreamDescriptor): string | undefined {
  const name = stream.name.toLowerCase();
  const namespace = stream.namespace?.toLowerCase();
  const exact = config.streamFilters.find(
    (f) => f.namespace !== undefined && f.namespace.toLowerCase() === namespace && f.name.toLowerCase() === name,
  );
  return (exact ?? config.streamFilters.find((f) => f.namespace === undefined && f.name.toLowerCase() === name))?.predicate;
}

function sameFilterTarget(a: StreamFilter, b: StreamFilter): boolean {
  return a.namespace?.toLowerCase() === b.namespace?.toLowerCase() && a.name.toLowerCase() === b.name.toLowerCase();
}

function resolveCredentials(c: ParsedConfig, fail: (field: string, reason: string) => void): Credentials | undefined {
  if (c.credentials !== undefined && c.personal_access_token !== undefined) {
    fail('personal_access_token', 'give either credentials or personal_access_token, not both');
    return undefined;
  }
  if (c.credentials === undefined) {
    if (c.personal_access_token === undefined) {
      fail('credentials', 'is required');
      return undefined;
    }
    return { type: 'personal_access_token', token: c.personal_access_token };
  }
  return c.credentials.auth_type === 'personal_access_token'
    ? { type: 'personal_access_token', token: c.credentials.personal_access_token }
    : { type: 'oauth_m2m', clientId: c.credentials.client_id, clientSecret: c.credentials.client_secret };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = ['config', ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))]
    .join('.')
    .replaceAll('.[', '[');
  return `${path}: ${issueReason(issue)}`;
}

// Reasons are written from the issue's metadata only: zod's own messages may quote the input.
function issueReason(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${article(issue.expected)}`;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'must not be empty' : `must have at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `must have at least ${issue.minimum} entries`;
      return `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `must have at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `must have at most ${issue.maximum} entries`;
      return `must be at most ${issue.maximum}`;
    case 'invalid_union': {
      // Discriminated unions report the allowed discriminator values in `options` (zod 4).
      const options = (issue as { options?: unknown }).options;
      if (Array.isArray(options)) return `must be one of ${options.map(String).join(', ')}`;
      return 'does not match any allowed form';
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      // Custom regex messages are ours (see config-schema.ts) and never contain the input.
      return issue.message.startsWith('must') ? issue.message : `has an invalid format (${issue.format})`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    default:
      return 'is invalid';
  }
}

function article(expected: string): string {
  const noun = expected === 'int' ? 'integer' : expected;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}
