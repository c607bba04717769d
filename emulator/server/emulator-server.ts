import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultInjector } from '../faults/fault-injector.js';
import { parseFaultPlan } from '../faults/fault-plan.js';
import type { AccessTokenSigner } from '../oauth/access-token.js';
import { discoveryDocument, issueToken } from '../oauth/oidc-endpoints.js';
import type { CloudFetchFiles } from './cloud-fetch-files.js';
import { cutResponse, peekRpcName, processThrift, writeThriftReply } from './thrift-http.js';
import { WarehouseService } from './warehouse-service.js';

export interface EmulatorServerOptions {
  readonly certPem: string;
  readonly keyPem: string;
  readonly warehouseId: string;
  readonly service: WarehouseService;
  readonly faults: FaultInjector;
  readonly files: CloudFetchFiles;
  /** Personal access tokens accepted as bearer tokens; mutable so tokens can be revoked. */
  readonly tokens: Set<string>;
  readonly signer: AccessTokenSigner;
  /** client_id -> client_secret of service principals for the client-credentials grant. */
  readonly oauthClients: ReadonlyMap<string, string>;
  readonly oauthTokenLifetimeSeconds: number;
  readonly adminSecret: string;
  /** Host name put in URLs this server hands out (CloudFetch links, OIDC issuer). */
  readonly publicHost: string;
  /** Behind `POST /__admin/expire-history`. */
  readonly expireHistory: (table: string, keepFromVersion: number, options: { readonly dropLog?: boolean }) => Promise<void>;
}

/** One line of the request log. */
export interface RequestRecord {
  readonly name: string;
  readonly status: number;
}

const MAX_LOG = 2000;

/**
 * The HTTPS front end: Thrift on the warehouse path, CloudFetch files, OIDC, the telemetry
 * feature-flag stub and the admin endpoint. Auth and faults are applied here, before Thrift.
 */
export class EmulatorServer {
  readonly #opts: EmulatorServerOptions;
  readonly #server: Server;
  readonly #handler: Record<string, (req: never) => Promise<unknown>>;
  readonly #notReadyHandler: Record<string, (req: never) => Promise<unknown>>;
  readonly #log: RequestRecord[] = [];
  #port = 0;

  constructor(opts: EmulatorServerOptions) {
    this.#opts = opts;
    this.#handler = opts.service.handler();
    this.#notReadyHandler = WarehouseService.notReadyHandler(this.#handler);
    this.#server = createServer({ cert: opts.certPem, key: opts.keyPem }, (req, res) => {
      this.#onRequest(req, res).catch((error: unknown) => {
        if (!res.headersSent) json(res, 500, { error_code: 'INTERNAL_ERROR', message: String(error) });
        else res.destroy();
      });
    });
    // Keep idle keep-alive sockets from holding the process open after stop().
    this.#server.keepAliveTimeout = 5_000;
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#port = (this.#server.address() as AddressInfo).port;
        resolve(this.#port);
      });
    });
  }

  get port(): number {
    return this.#port;
  }

  get baseUrl(): string {
    return `https://${this.#opts.publicHost}:${this.#port}`;
  }

  /** Requests seen (RPC names, `CloudFetch`, HTTP routes) with their HTTP status, oldest first. */
  get requests(): readonly RequestRecord[] {
    return this.#log;
  }

  clearRequests(): void {
    this.#log.length = 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  #record(name: string, status: number): void {
    if (this.#log.length >= MAX_LOG) this.#log.shift();
    this.#log.push({ name, status });
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'https://emulator');
    const path = url.pathname;
    if (req.method === 'POST' && path.startsWith('/sql/')) return this.#onThrift(req, res, path, body);
    if (req.method === 'GET' && path.startsWith('/cloud-fetch/')) return this.#onCloudFetch(res, path.slice('/cloud-fetch/'.length));
    if (path.startsWith('/__admin/')) return this.#onAdmin(req, res, path, body);
    if (req.method === 'GET' && path === '/oidc/.well-known/oauth-authorization-server') {
      const reply = discoveryDocument(this.baseUrl);
      this.#record('oidc-discovery', reply.status);
      return json(res, reply.status, reply.body);
    }
    if (req.method === 'POST' && path === '/oidc/v1/token') {
      const o = this.#opts;
      const reply = issueToken(req, body, o.oauthClients, o.signer, o.oauthTokenLifetimeSeconds, `${this.baseUrl}/oidc`);
      this.#record('oidc-token', reply.status);
      return json(res, reply.status, reply.body);
    }
    if (req.method === 'GET' && path.startsWith('/api/2.0/connector-service/feature-flags/')) {
      // The driver's telemetry asks for feature flags; none are set (NOTES §1 "Telemetry").
      return json(res, 200, { flags: [], ttl_seconds: 900 });
    }
    this.#record(`${req.method} ${path}`, 404);
    return json(res, 404, { error_code: 'ENDPOINT_NOT_FOUND', message: `No API found for '${req.method} ${path}'` });
  }

  async #onThrift(req: IncomingMessage, res: ServerResponse, path: string, body: Buffer): Promise<void> {
    const rpc = peekRpcName(body) || 'unknown';
    const auth = this.#authenticate(req);
    if (auth !== 'ok') {
      this.#record(rpc, auth === 'missing' ? 401 : 403);
      return auth === 'missing' ? missingCredential(res) : invalidToken(res);
    }
    if (!this.#isWarehousePath(path)) {
      this.#record(rpc, 404);
      // Connectors match RESOURCE_DOES_NOT_EXIST for a deleted warehouse ([POSTHOG]); a wrong path
      // prefix is a 404 ([NODE-137]). The exact status for an unknown id is unconfirmed.
      return json(res, 404, {
        error_code: 'RESOURCE_DOES_NOT_EXIST',
        message: `SQL warehouse ${warehouseIdOf(path)} does not exist.`,
      });
    }
    const latency = this.#opts.faults.latencyMs;
    if (latency > 0) await sleep(latency);
    const decision = this.#opts.faults.decide(rpc);
    if (decision.kind === 'http') {
      this.#record(rpc, decision.status);
      res.writeHead(decision.status, { ...decision.headers, 'content-type': 'application/json' });
      res.end(JSON.stringify(decision.body));
      return;
    }
    const handler = decision.kind === 'session-not-ready' ? this.#notReadyHandler : this.#handler;
    processThrift(handler, body, (reply) => {
      this.#record(rpc, 200);
      res.once('close', () => this.#opts.service.runDeferred());
      writeThriftReply(res, reply, decision.kind === 'reset' ? decision.afterBytes : undefined);
    });
  }

  async #onCloudFetch(res: ServerResponse, token: string): Promise<void> {
    const file = this.#opts.files.get(token);
    if (!file) {
      this.#record('CloudFetch', 404);
      // What cloud storage answers for an expired or unknown presigned URL.
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
      return;
    }
    const latency = this.#opts.faults.latencyMs;
    if (latency > 0) await sleep(latency);
    const decision = this.#opts.faults.decide('CloudFetch');
    if (decision.kind === 'http') {
      this.#record('CloudFetch', decision.status);
      res.writeHead(decision.status, decision.headers);
      res.end();
      return;
    }
    if (decision.kind === 'reset') {
      this.#record('CloudFetch', 0);
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      cutResponse(res, file, decision.afterBytes);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.length });
    this.#record('CloudFetch', 200);
    // A file goes away once delivered in full; a cut download can be retried.
    res.end(file, () => this.#opts.files.delete(token));
  }

  async #onAdmin(req: IncomingMessage, res: ServerResponse, path: string, body: Buffer): Promise<void> {
    const given = header(req, 'x-emulator-admin');
    if (!given || !sameSecret(given, this.#opts.adminSecret)) return json(res, 403, { error_code: 'PERMISSION_DENIED', message: 'Admin secret required.' });
    const faults = this.#opts.faults;
    if (path === '/__admin/faults' && req.method === 'GET') return json(res, 200, { plan: faults.plan, fired: faults.fired });
    if (path === '/__admin/faults' && req.method === 'POST') {
      try {
        faults.set(parseFaultPlan(JSON.parse(body.toString('utf8') || '{}')));
      } catch (error) {
        return json(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: error instanceof Error ? error.message : String(error) });
      }
      return json(res, 200, { plan: faults.plan, fired: faults.fired });
    }
    if (path === '/__admin/tokens/revoke' && req.method === 'POST') {
      let token: unknown;
      try {
        token = (JSON.parse(body.toString('utf8')) as { token?: unknown }).token;
      } catch {
        token = undefined;
      }
      if (typeof token !== 'string') return json(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'token required' });
      return json(res, 200, { revoked: this.#opts.tokens.delete(token) });
    }
    if (path === '/__admin/expire-history' && req.method === 'POST') {
      let request: { table?: unknown; keep_from_version?: unknown; drop_log?: unknown } = {};
      try {
        request = JSON.parse(body.toString('utf8') || '{}') as typeof request;
      } catch {
        // Answered below as a missing field.
      }
      const { table, keep_from_version: keep, drop_log: dropLog = false } = request;
      if (typeof table !== 'string' || !Number.isSafeInteger(keep) || typeof dropLog !== 'boolean') {
        return json(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'table (string), keep_from_version (integer) and optional drop_log (boolean) required' });
      }
      try {
        await this.#opts.expireHistory(table, keep as number, { dropLog });
      } catch (error) {
        const errorClass = (error as { errorClass?: unknown }).errorClass;
        return json(res, 400, { error_code: typeof errorClass === 'string' ? errorClass : 'INVALID_PARAMETER_VALUE', message: error instanceof Error ? error.message : String(error) });
      }
      return json(res, 200, { table, keep_from_version: keep, drop_log: dropLog });
    }
    if (path === '/__admin/statements' && req.method === 'GET') {
      // The last statements with when each was accepted and finished (the benchmark's clock).
      return json(res, 200, { statements: this.#opts.service.history.slice(-200) });
    }
    if (path === '/__admin/state' && req.method === 'GET') {
      return json(res, 200, { ...this.#opts.service.counts, cloudFetchFiles: this.#opts.files.size, requests: this.#log.slice(-200) });
    }
    return json(res, 404, { error_code: 'ENDPOINT_NOT_FOUND', message: `No admin API '${req.method} ${path}'` });
  }

  #isWarehousePath(path: string): boolean {
    const id = this.#opts.warehouseId;
    return (
      path === `/sql/1.0/warehouses/${id}` ||
      path === `/sql/1.0/endpoints/${id}` ||
      new RegExp(`^/sql/protocolv1/o/[^/]+/${escapeRegExp(id)}$`).test(path)
    );
  }

  #authenticate(req: IncomingMessage): 'ok' | 'missing' | 'invalid' {
    const value = header(req, 'authorization');
    if (!value?.startsWith('Bearer ') || value.length <= 7) return 'missing';
    const token = value.slice(7).trim();
    if (this.#opts.tokens.has(token)) return 'ok';
    const claims = this.#opts.signer.verify(token);
    if (claims && claims.exp * 1000 > Date.now()) return 'ok';
    return 'invalid';
  }
}

/** 401 as the Thrift gateway sends it (databricks-behaviour.md §6 [JREC-AUTH]). */
function missingCredential(res: ServerResponse): void {
  const phrase = 'Credential was not sent or was of an unsupported type for this API.';
  const requestId = randomUUID();
  res.writeHead(401, {
    'www-authenticate': 'Bearer realm="DatabricksRealm"',
    'x-databricks-reason-phrase': phrase,
    'content-type': 'application/json; charset=utf-8',
    server: 'databricks',
    'x-request-id': requestId,
  });
  res.end(JSON.stringify({ error_code: 401, message: `${phrase} [ReqId: ${requestId}]` }));
}

/** 403 for a token that is not (or no longer) valid (databricks-behaviour.md §6 [JREC-SEA-AUTH][SDKGO-873]). */
function invalidToken(res: ServerResponse): void {
  res.writeHead(403, {
    'x-databricks-reason-phrase': 'Invalid access token.',
    'content-type': 'application/json; charset=utf-8',
    server: 'databricks',
    'x-request-id': randomUUID(),
  });
  res.end(JSON.stringify({ error_code: 403, message: 'Invalid access token.' }));
}

function json(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function warehouseIdOf(path: string): string {
  return path.split('/').filter(Boolean).at(-1) ?? '';
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
