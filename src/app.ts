import { createServer, maxHeaderSize, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Readable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { Database } from './db/client.js';
import { dbTimeout, withTimeout } from './db/errors.js';
import { seedPlans } from './db/plans.js';
import { systemClock, type Clock } from './domain/clock.js';
import { serviceContexts, type ServiceContextFactory, type ServiceDeps } from './domain/context.js';
import { Directory } from './domain/directory.js';
import { catalogError } from './domain/errors.js';
import { purgeIdempotencyRecords } from './domain/idempotency.js';
import { purgeRequestLogs } from './domain/logs/query.js';
import { REQUEST_FLUSH_TIMEOUT_MS, RequestLogWriter } from './domain/logs/writer.js';
import { createSealer } from './domain/sealer.js';
import { Gateway } from './gateway/gateway.js';
import type { TrustProxy } from './gateway/client-ip.js';
import { DEFAULT_LOOKUP_BUDGET, type LookupBudgetPolicy } from './gateway/lookup-budget.js';
import { requestIdFor } from './gateway/request-id.js';
import { FallbackCounterStore } from './gateway/limiter/fallback-store.js';
import { MemoryCounterStore } from './gateway/limiter/memory-store.js';
import { RedisCounterStore } from './gateway/limiter/redis-store.js';
import { DEFAULT_IP_BLOCK_POLICY, MemoryIpBlocker, type IpBlockPolicy } from './gateway/ip-blocker.js';
import type { ServerContext } from './graphql/context.js';
import { createFastPath, fastPathEligible, sendGraphQLError } from './graphql/fast-path.js';
import { IntrospectionCache } from './graphql/introspection-cache.js';
import { createGraphQLServer } from './graphql/yoga.js';
import { buildOpenApi } from './docs/openapi.js';
import { renderApiDocs, serveDocsAsset } from './docs/page.js';
import { assertDeclaredLength, DEFAULT_MAX_BODY_BYTES, isJsonType, parseJson, readBody } from './http/body.js';
import { sendHtml, sendJson } from './http/respond.js';
import { createRestHandler, REST_ROUTES } from './rest/router.js';
import { createLeadIndex } from './domain/leads/memory/lead-index.js';

/** Seeds' base URL for the REST API (`…/functions/v1/api-gateway/v1/contacts`), served as an alias of `/v1`. */
export const COMPAT_PREFIX = '/functions/v1/api-gateway';

export interface AppOptions {
  database: Database;
  /** ≥32 bytes; keys the sealing of idempotent replays at rest. */
  serverSecret: Buffer;
  clock?: Clock;
  logger?: Logger;
  /** Keep lead filter columns in memory for fast counts and searches (default true); false: SQL alone. */
  leadSearchIndex?: boolean;
  /** Which proxies' X-Forwarded-For to believe (default: none). */
  trustProxy?: TrustProxy;
  ipBlock?: IpBlockPolicy;
  /** Database lookups of keys not in the cache (default DEFAULT_LOOKUP_BUDGET). */
  lookupBudget?: LookupBudgetPolicy;
  /** GraphQL requests without a key per address per minute (default 60; 0 = no limit). */
  anonymousPerMinute?: number;
  /** Rate-limit and quota counters: Redis when set (falling back to this process while it is unreachable). */
  redisUrl?: string;
  /** 0 disables the timer (tests flush explicitly). */
  logFlushIntervalMs?: number;
  maintenanceIntervalMs?: number;
  /** Request logs older than this are purged (default 90; 0 keeps them forever). */
  logRetentionDays?: number;
  /** Bound on close(): in-flight requests, the last request logs, the database (default 10 s). */
  shutdownTimeoutMs?: number;
  /** Largest request body on any path of either surface (default 1 MiB); larger is 413 payload_too_large. */
  maxBodyBytes?: number;
}

export interface App {
  server: Server;
  gateway: Gateway;
  /** The one source of workspace and plan facts, for the gateway's admission and the domain alike. */
  directory: Directory;
  /** The long-lived parts of every ServiceContext (and of the CLI's commands run by this server). */
  services: ServiceDeps;
  /** Builds a request's ServiceContext from `services`, its caller and its record. */
  contexts: ServiceContextFactory;
  /** Answers to introspection without a key, kept for the life of the process. */
  introspection: IntrospectionCache;
  database: Database;
  logWriter: RequestLogWriter;
  clock: Clock;
  listen(port: number, host?: string): Promise<string>;
  /**
   * Stops accepting requests, flushes request logs, closes the database, all within
   * `shutdownTimeoutMs`; resolves to the number of request logs it could not write.
   */
  close(opts?: { keepDatabase?: boolean }): Promise<{ unwrittenLogs: number }>;
}

/** Migrates and seeds: run once per process before serving. */
export async function prepareDatabase(database: Database): Promise<void> {
  await database.migrate();
  await seedPlans(database.db);
}

export async function createApp(opts: AppOptions): Promise<App> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? pino({ level: 'silent' });
  const onUnexpected = (err: unknown) => logger.error({ err }, 'unexpected error');
  const logWriter = new RequestLogWriter(opts.database, {
    flushIntervalMs: opts.logFlushIntervalMs,
    onError: (err) => logger.error({ err }, 'request log flush failed; will retry'),
  });
  const counters = opts.redisUrl
    ? new FallbackCounterStore(new RedisCounterStore(opts.redisUrl), new MemoryCounterStore(), {
        retryMs: 5_000,
        now: () => clock.now(),
        onFailover: (err) => logger.warn({ err }, 'Redis unreachable: enforcing limits in this process for 5 s'),
      })
    : new MemoryCounterStore();
  const directory = await Directory.load(opts.database.db);
  const gateway = new Gateway({
    database: opts.database,
    counters,
    clock,
    directory,
    logWriter,
    blocker: new MemoryIpBlocker(opts.ipBlock ?? DEFAULT_IP_BLOCK_POLICY),
    trustProxy: opts.trustProxy ?? false,
    lookupBudget: opts.lookupBudget ?? DEFAULT_LOOKUP_BUDGET,
    anonymousPerMinute: opts.anonymousPerMinute ?? 60,
    onError: onUnexpected,
  });
  await gateway.start();
  // The gateway authenticates, admits and logs; what a domain function works with is wired here.
  const services: ServiceDeps = {
    db: opts.database.db,
    clock,
    sealer: createSealer(opts.serverSecret, 'idempotency'),
    lookup: directory,
    quotas: gateway.quotas,
    leadIndex: createLeadIndex(opts.database.db, {
      enabled: opts.leadSearchIndex ?? true,
      log: (message, facts) => logger.info(facts, message),
      onError: (err) => (catalogError(err) ? logger.warn({ err }, 'lead search index: load failed; searches use SQL until it loads') : onUnexpected(err)),
    }),
    keyChanged: (hash, o) => gateway.keyChanged(hash, o),
    workspaceChanged: (id) => gateway.workspaceChanged(id),
    // A request that needs its logs written first waits a bounded time, then fails 503 rather than answer from stale counts.
    flushLogs: () => logWriter.flush({ timeoutMs: REQUEST_FLUSH_TIMEOUT_MS }),
  };
  const contexts = serviceContexts(services);
  const introspection = new IntrospectionCache();
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const yoga = createGraphQLServer(onUnexpected, { maxBodyBytes, introspection, contexts });
  const rest = createRestHandler(gateway, onUnexpected, { maxBodyBytes, contexts });
  // Yoga's node listener merges extra arguments into the server context; its typings omit them.
  const fastPath = createFastPath(yoga);
  const yogaListener = yoga.requestListener as unknown as (req: IncomingMessage, res: ServerResponse, ctx: ServerContext) => Promise<void>;

  async function graphql(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const state = gateway.begin(req, res, `${req.method ?? 'GET'} /graphql`);
    const wantsPage = req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
    // GraphiQL starts with the header `Authorization: Bearer ` for the caller to complete: until a
    // key is pasted that carries no credential, so it is read as no key and introspection works.
    const authorization = /^\s*(bearer)?\s*$/i.test(req.headers.authorization ?? '') ? undefined : req.headers.authorization;
    let body: Buffer;
    let params: unknown;
    try {
      assertDeclaredLength(req, maxBodyBytes);
      if (!wantsPage) {
        // Without a key only introspection is served (and limited per address); with one, it is checked here.
        // CORS preflights never carry a key, and are not requests for the API: Yoga answers them.
        if (authorization !== undefined) await gateway.authenticate(state, authorization);
        else if (req.method !== 'OPTIONS') gateway.admitAnonymous(state);
      }
      // Read here, within the limit, for both paths: Yoga's handler would otherwise buffer up to its own 25 MB.
      body = await readBody(req, maxBodyBytes);
      if (req.method === 'POST' && isJsonType(req.headers['content-type'])) params = parseJson(body);
    } catch (err) {
      gateway.recordError(state, err);
      const known = catalogError(err);
      if (!known) throw err;
      return sendGraphQLError(res, known);
    }
    const ctx: ServerContext = { gateway, state, res, requestHeaders: req.headers };
    if (!wantsPage && fastPathEligible(req)) return fastPath(params, res, ctx);
    // whatwg-node reads a body a framework already consumed from `req.body` (body-parser's convention).
    if (body.length) Object.assign(req, { body: Readable.from([body]) });
    await yogaListener(req, res, ctx);
  }

  let docsPage: string | undefined;
  let openApi: object | undefined;
  const server = createServer((req, res) => {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    let work: Promise<void> | undefined;
    if (path === '/graphql') work = graphql(req, res);
    else if (path.startsWith('/v1/') || path === '/v1') work = rest(req, res, new URL(raw, 'http://localhost'));
    // The hosted product's documented base URL: existing integrations change only the host. Same
    // route table, logged under the canonical path.
    else if (path.startsWith(COMPAT_PREFIX + '/v1/') || path === COMPAT_PREFIX + '/v1') {
      work = rest(req, res, new URL(raw.slice(COMPAT_PREFIX.length), 'http://localhost'));
    } else {
      // Outside the API too, every response carries a request id.
      res.setHeader('X-Request-ID', requestIdFor(req.headers['x-request-id'], clock.now()));
      if (path === '/healthz') sendJson(res, 200, { status: 'ok' });
      else if (path === '/api-docs' || path === '/api-docs/') sendHtml(res, (docsPage ??= renderApiDocs(REST_ROUTES)));
      else if (path === '/api-docs/openapi.json') sendJson(res, 200, (openApi ??= buildOpenApi(REST_ROUTES, directory.plans())));
      else if (path.startsWith('/api-docs/assets/') && serveDocsAsset(res, path)) return;
      else sendJson(res, 404, { error: { code: 'not_found', message: `No route ${req.method} ${path}` } });
    }
    if (work) {
      work.catch((err: unknown) => {
        const known = catalogError(err);
        if (!known) onUnexpected(err);
        if (res.headersSent) res.destroy();
        else if (known) sendJson(res, known.status, { error: { code: known.code, message: known.message } }, { ...known.headers });
        else sendJson(res, 500, { error: { code: 'internal_error', message: 'Internal error' } });
      });
    }
  });
  server.keepAliveTimeout = 65_000;
  server.on('clientError', (err: NodeJS.ErrnoException & { reason?: string }, socket: Duplex) => {
    // Requests Node's parser refused never reach the handler: answer them in the catalog's envelope too.
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) return void socket.destroy();
    const [status, body] = clientErrorReply(err);
    const payload = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(payload)}\r\nX-Request-ID: ${requestIdFor(undefined, clock.now())}\r\nConnection: close\r\n\r\n${payload}`,
    );
  });

  const retentionDays = opts.logRetentionDays ?? 90;
  // An outage is not a bug: the next run tries again.
  const onMaintenanceError = (err: unknown) => (catalogError(err) ? logger.warn({ err }, 'maintenance skipped: database unavailable') : onUnexpected(err));
  const maintenance = setInterval(() => {
    purgeIdempotencyRecords(opts.database.db, clock.now()).catch(onMaintenanceError);
    purgeRequestLogs(opts.database.db, clock.now(), retentionDays).catch(onMaintenanceError);
  }, opts.maintenanceIntervalMs ?? 600_000);
  maintenance.unref();

  let closed = false;
  return {
    server,
    gateway,
    directory,
    services,
    contexts,
    introspection,
    database: opts.database,
    logWriter,
    clock,
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const a = server.address() as AddressInfo;
          resolve(`http://${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}`);
        });
      });
    },
    async close(closeOpts = {}) {
      if (closed) return { unwrittenLogs: logWriter.pending };
      closed = true;
      clearInterval(maintenance);
      services.leadIndex.close();
      // Each step gets what is left of one budget, so a database that is down cannot hold the
      // process: requests in flight get up to 40% of it, then their connections are cut.
      const budget = opts.shutdownTimeoutMs ?? 10_000;
      const deadline = Date.now() + budget;
      const left = () => Math.max(0, deadline - Date.now());
      const expired = () => dbTimeout('shutdown step timed out');
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await withTimeout(stopped, budget * 0.4, expired).catch(() => server.closeAllConnections());
      // Leave a little for closing the database itself.
      const unwrittenLogs = await logWriter.close({ timeoutMs: Math.max(0, left() - Math.min(1_000, budget * 0.1)) });
      if (unwrittenLogs > 0) logger.error({ unwrittenLogs }, `shutdown: ${unwrittenLogs} request logs could not be written`);
      await withTimeout(gateway.stop(), left(), expired).catch((err: unknown) => logger.warn({ err }, 'shutdown: gateway did not stop cleanly'));
      if (!closeOpts.keepDatabase) {
        await withTimeout(opts.database.close(), Math.max(1, left()), expired).catch((err: unknown) =>
          logger.warn({ err }, 'shutdown: database did not close cleanly'),
        );
      }
      return { unwrittenLogs };
    },
  };
}

function clientErrorReply(err: NodeJS.ErrnoException & { reason?: string }): [number, object] {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    const message = `Request line and headers must be at most ${maxHeaderSize} bytes in total; send long values in the body`;
    return [431, { error: { code: 'request_header_too_large', message } }];
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return [400, { error: { code: 'validation_error', message: 'The request was not received in full in time; send it again' } }];
  }
  const reason = err.reason ? `: ${err.reason}` : '';
  return [400, { error: { code: 'validation_error', message: `The HTTP request is malformed and was not read${reason}` } }];
}
