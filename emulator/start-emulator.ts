import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { FaultInjector } from './faults/fault-injector.js';
import type { FaultCounters } from './faults/fault-injector.js';
import type { FaultPlan } from './faults/fault-plan.js';
import { AccessTokenSigner } from './oauth/access-token.js';
import type { OAuthClient } from './oauth/oidc-endpoints.js';
import { CloudFetchFiles } from './server/cloud-fetch-files.js';
import { EmulatorServer } from './server/emulator-server.js';
import type { RequestRecord } from './server/emulator-server.js';
import type { StatementRecord } from './server/warehouse-service.js';
import { resultEncoders } from './server/result-encoders.js';
import type { SqlEngine } from './server/warehouse-backend.js';
import { WarehouseService } from './server/warehouse-service.js';
import { makeServerCertificate } from './tls/certificate.js';
import { createEngine } from './server/create-engine.js';

/** Options of {@link startEmulator}; every field is optional. */
export interface EmulatorOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /** Personal access tokens accepted as bearer tokens. Default: one random `dapi...` token. */
  readonly tokens?: readonly string[];
  /** SQL statements (Databricks dialect) run once at start, after the sample data. */
  readonly seedSql?: readonly string[];
  /** Load the built-in sample catalog (default true). */
  readonly sampleData?: boolean;
  /** Faults active from the start. */
  readonly faults?: FaultPlan;
  /** Service principals for OAuth M2M (client-credentials grant). */
  readonly oauthClients?: readonly OAuthClient[];
  /** Lifetime of issued OAuth access tokens, seconds (default 3600). */
  readonly oauthTokenLifetimeSeconds?: number;
  /**
   * Extra host name the certificate is valid for and the name put in CloudFetch links and the
   * OIDC issuer (default 127.0.0.1). Use with a proxy or hosts entry to look like a workspace.
   */
  readonly hostname?: string;
  /** Secret for `/__admin/*` (header `X-Emulator-Admin`). Default: random. */
  readonly adminSecret?: string;
  /** Warehouse id in the HTTP path (default `emulator0000001`). */
  readonly warehouseId?: string;
  /** Arrow results with more rows than this go out as CloudFetch links (default 100000). */
  readonly cloudFetchThresholdRows?: number;
  /** Rows per CloudFetch file (default 50000). */
  readonly cloudFetchFileRows?: number;
  /** CloudFetch link lifetime, ms (default 15 minutes). */
  readonly cloudFetchLinkTtlMs?: number;
  /** How long ExecuteStatement waits for a result before answering RUNNING, ms (default 50). */
  readonly directResultsWaitMs?: number;
  /** Use this engine instead of the DuckDB engine (tests). */
  readonly engine?: SqlEngine;
}

/** Options of {@link RunningEmulator.expireHistory}. */
export interface ExpireHistoryOptions {
  /**
   * Clean the transaction log too (log retention): the versions leave DESCRIBE HISTORY and reads
   * fail with DELTA_VERSION_NOT_FOUND. Default false: a VACUUM, after which reads fail with
   * DELTA_UNSUPPORTED_TIME_TRAVEL_BEYOND_DELETED_FILE_RETENTION_DURATION.
   */
  readonly dropLog?: boolean;
}

/** A running emulator. */
export interface RunningEmulator {
  /** Host to connect to (`127.0.0.1` unless `hostname` was given). */
  readonly host: string;
  readonly port: number;
  /** `/sql/1.0/warehouses/<id>` */
  readonly httpPath: string;
  /** The first accepted personal access token. */
  readonly token: string;
  /** PEM of the self-signed certificate; pass as the driver's `customCaCert`. */
  readonly caCertPem: string;
  /** The same PEM in a file (NODE_EXTRA_CA_CERTS, a connector's CA option). */
  readonly caCertFile: string;
  readonly adminSecret: string;
  /** `https://host:port` */
  readonly url: string;
  /** Replaces the active faults (clock and counters restart). */
  setFaults(plan: FaultPlan): void;
  /** How often each fault fired since the plan was set. */
  faultsFired(): FaultCounters;
  /** Stops accepting a personal access token: 403 from the next request on. */
  revokeToken(token: string): void;
  /** Requests seen so far (RPC names and HTTP status). */
  requests(): readonly RequestRecord[];
  /** Statements executed so far with their bound parameters, oldest first, like Databricks' query history. */
  statements(): readonly StatementRecord[];
  /** Open sessions and operations. */
  counts(): { sessions: number; operations: number };
  /**
   * Makes the versions of a Delta table (`catalog.schema.table`) before `keepFromVersion`
   * unreadable by time travel and `table_changes`, as retention does on Databricks; the latest
   * version always stays. Rejects with the engine's error for an unknown table or a view.
   */
  expireHistory(table: string, keepFromVersion: number, options?: ExpireHistoryOptions): Promise<void>;
  /** Closes connections, sessions, the engine, and deletes the certificate file. */
  stop(): Promise<void>;
}

/** Starts a Databricks SQL warehouse emulator on 127.0.0.1 over HTTPS. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const hostname = options.hostname ?? '127.0.0.1';
  const warehouseId = options.warehouseId ?? 'emulator0000001';
  const tokens = new Set(options.tokens ?? [`dapi${randomBytes(16).toString('hex')}`]);
  const token = [...tokens][0] ?? '';
  const adminSecret = options.adminSecret ?? randomBytes(16).toString('hex');
  const [certificate, engine] = await Promise.all([
    makeServerCertificate(options.hostname),
    options.engine ? Promise.resolve(options.engine) : createEngine({ sampleData: options.sampleData ?? true, seedSql: options.seedSql ?? [] }),
  ]);
  const expireHistory = async (table: string, keepFromVersion: number, expire: ExpireHistoryOptions = {}): Promise<void> => {
    if (engine.expireHistory === undefined) throw new Error('This engine keeps no Delta history to expire.');
    await engine.expireHistory(table, keepFromVersion, expire);
  };
  const faults = new FaultInjector(warehouseId, options.faults ?? {});
  const files = new CloudFetchFiles();
  const delivery = {
    encoders: resultEncoders,
    files,
    baseUrl: '',
    cloudFetchFileRows: options.cloudFetchFileRows ?? 50_000,
    cloudFetchLinkTtlMs: options.cloudFetchLinkTtlMs ?? 15 * 60_000,
    arrowBatchRows: 100_000,
  };
  const service = new WarehouseService({
    engine,
    faults,
    delivery,
    directResultsWaitMs: options.directResultsWaitMs ?? 50,
    cloudFetchThresholdRows: options.cloudFetchThresholdRows ?? 100_000,
  });
  const server = new EmulatorServer({
    certPem: certificate.certPem,
    keyPem: certificate.keyPem,
    warehouseId,
    service,
    faults,
    files,
    tokens,
    signer: new AccessTokenSigner(),
    oauthClients: new Map((options.oauthClients ?? []).map((c) => [c.clientId, c.clientSecret])),
    oauthTokenLifetimeSeconds: options.oauthTokenLifetimeSeconds ?? 3600,
    adminSecret,
    publicHost: hostname,
    expireHistory,
  });
  const port = await server.listen(options.port ?? 0, '127.0.0.1');
  delivery.baseUrl = server.baseUrl;
  let stopped = false;
  return {
    host: hostname,
    port,
    httpPath: `/sql/1.0/warehouses/${warehouseId}`,
    token,
    caCertPem: certificate.certPem,
    caCertFile: certificate.certFile,
    adminSecret,
    url: server.baseUrl,
    setFaults: (plan) => faults.set(plan),
    faultsFired: () => faults.fired,
    revokeToken: (t) => {
      tokens.delete(t);
    },
    requests: () => server.requests,
    statements: () => [...service.history],
    counts: () => service.counts,
    expireHistory,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
      service.closeAll();
      files.clear();
      await engine.close();
      rmSync(dirname(certificate.certFile), { recursive: true, force: true });
    },
  };
}
