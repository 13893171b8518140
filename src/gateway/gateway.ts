import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Database } from '../db/client.js';
import type { Clock } from '../domain/clock.js';
import { workspaceWithPlan, type QuotaReader } from '../domain/context.js';
import type { Directory } from '../domain/directory.js';
import { catalogError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { overrideOf } from '../domain/limits/override.js';
import { REQUEST_FLUSH_TIMEOUT_MS, type RequestLogWriter } from '../domain/logs/writer.js';
import type { Principal } from '../domain/principal.js';
import { AnonymousLimit } from './anonymous-limit.js';
import { AuthFailed, Authenticator } from './authenticate.js';
import { clientIpResolver, type TrustProxy } from './client-ip.js';
import { InvalidationBus } from './invalidation.js';
import type { IpBlocker } from './ip-blocker.js';
import { KeyCache } from './key-cache.js';
import { KnownKeyHashes } from './known-keys.js';
import { LookupBudget, type LookupBudgetPolicy } from './lookup-budget.js';
import { requestIdFor } from './request-id.js';
import { Limiter } from './limiter/limiter.js';
import type { CounterStore } from './limiter/store.js';
import { keyHistory, pointsSince } from '../domain/logs/history.js';
import type { LimitClass } from '../domain/limits/policy.js';

/** The status logged for a request whose client closed the connection before the answer was sent. */
export const CLIENT_CLOSED_REQUEST = 499;

/** Per-request facts the gateway gathers for enforcement and the request log. */
export interface RequestState {
  readonly requestId: string;
  readonly ip: string;
  readonly method: string;
  readonly startedAt: number;
  readonly startedPerf: number;
  /** "GET /v1/api-keys/:id" or, for GraphQL, "mutation createApiKey". */
  endpoint: string;
  operationType: string | null;
  operationName: string | null;
  principal: Principal | null;
  /** Set when a key was presented but refused: its display prefix, never the secret. */
  keyPrefix: string | null;
  refusedKeyId: string | null;
  refusedWorkspaceId: string | null;
  credits: number;
  /** The Idempotency-Key header, read by a surface only for an operation that honours it. */
  idempotencyKey: string | null;
  /** The answer replays an earlier one under the same Idempotency-Key: the surface says so in Idempotent-Replayed. */
  replayed: boolean;
  /** Admitted past limits and quotas: the request counts against them. */
  counted: boolean;
  /** Rate-limit points consumed. */
  cost: number;
  errorCode: string | null;
  ttfbMs: number | null;
  /** Only requests that reached authentication are logged (not GraphiQL's page or health checks). */
  logged: boolean;
}

export interface GatewayDeps {
  database: Database;
  counters: CounterStore;
  clock: Clock;
  /** The app's one source of workspace and plan facts; admission reads them there, as the domain does. */
  directory: Directory;
  logWriter: RequestLogWriter;
  blocker: IpBlocker;
  trustProxy: TrustProxy;
  lookupBudget: LookupBudgetPolicy;
  /** Requests without a key per address per minute; 0 turns the limit off. */
  anonymousPerMinute: number;
  /** Background failures nobody awaits (e.g. re-reading facts after the bus reconnected). */
  onError?: (err: unknown) => void;
}

export class Gateway {
  readonly cache: KeyCache;
  readonly authenticator: Authenticator;
  private readonly bus: InvalidationBus;
  readonly limiter: Limiter;
  readonly clientIp: (req: IncomingMessage) => string;
  readonly known = new KnownKeyHashes();
  private readonly anonymous: AnonymousLimit;
  /** The limiter's quota counters, for the domain's ServiceContext (a key reading its own quota usage). */
  readonly quotas: QuotaReader = { read: (key) => this.limiter.readQuotas(key, this.deps.clock.now()) };
  private readonly directory: Directory;

  constructor(private readonly deps: GatewayDeps) {
    this.cache = new KeyCache();
    this.directory = deps.directory;
    const budget = new LookupBudget(deps.lookupBudget, deps.clock.now());
    this.authenticator = new Authenticator(deps.database.db, deps.clock, this.cache, deps.blocker, budget, this.known);
    this.clientIp = clientIpResolver(deps.trustProxy);
    this.anonymous = new AnonymousLimit(deps.anonymousPerMinute);
    this.bus = new InvalidationBus(deps.database);
    const db = deps.database.db;
    // Seeds read the logs, so what this process has queued goes in first.
    this.limiter = new Limiter(deps.counters, (id) => this.directory.cachedPlan(id), {
      pointsSince: async (ws, since) => (await this.flushLogs(), pointsSince(db, ws, since)),
      keyHistory: async (keyId, since, withTotal) => (await this.flushLogs(), keyHistory(db, keyId, since, withTotal)),
    });
  }

  /**
   * Counts the request against its key's quotas and its workspace's plan windows (plan and
   * override as the directory holds them); sets the rate-limit headers on the response, or
   * throws quota_exceeded / rate_limited (with them).
   */
  async admit(state: RequestState, res: ServerResponse, principal: Principal, cls: LimitClass, cost: number): Promise<void> {
    const { workspace } = await workspaceWithPlan(this.directory, principal.workspaceId);
    const subject = { ...principal, planId: workspace.planId, override: overrideOf(workspace) };
    const { headers } = await this.limiter.admit(subject, this.deps.clock.now(), cls, cost);
    state.counted = true;
    state.cost = Math.max(1, cost);
    for (const name in headers) res.setHeader(name, headers[name]!);
  }

  async start(): Promise<void> {
    await this.bus.start(
      (m) => {
        if ('workspace' in m) return this.directory.forget(m.workspace);
        this.cache.invalidate(m.hash);
        // Every key change is announced, its creation (and import) included.
        this.known.add(m.hash, { foreign: m.foreign === true });
      },
      // A revocation or workspace change announced while the subscription was broken was missed:
      // forget every verified key and workspace rather than serve one for up to the caches' TTL.
      // So may an import of a foreign-format key have been: look again.
      () => {
        this.cache.clear();
        this.directory.forgetAll();
        this.known.loadForeignFormats(this.deps.database.db).catch((err: unknown) => this.deps.onError?.(err));
      },
    );
    // After subscribing, so that no key is created unseen in between.
    await this.known.load(this.deps.database.db);
  }

  async stop(): Promise<void> {
    await this.bus.stop();
    await this.deps.counters.close();
  }

  /** Starts a request: assigns its id (echoed on the response) and arranges its log entry. */
  begin(req: IncomingMessage, res: ServerResponse, endpoint: string): RequestState {
    const now = this.deps.clock.now();
    const state: RequestState = {
      requestId: requestIdFor(req.headers['x-request-id'], now),
      ip: this.clientIp(req),
      method: req.method ?? 'GET',
      startedAt: now,
      startedPerf: performance.now(),
      endpoint,
      operationType: null,
      operationName: null,
      principal: null,
      keyPrefix: null,
      refusedKeyId: null,
      refusedWorkspaceId: null,
      credits: 0,
      idempotencyKey: null,
      replayed: false,
      counted: false,
      cost: 0,
      errorCode: null,
      ttfbMs: null,
      logged: false,
    };
    res.setHeader('X-Request-ID', state.requestId);
    const writeHead = res.writeHead;
    res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
      state.ttfbMs ??= performance.now() - state.startedPerf;
      return writeHead.apply(this, args);
    } as ServerResponse['writeHead'];
    // 'close' comes after 'finish', and also when the client went away first: such a request
    // may have been admitted, so it is logged too (499, as proxies record a client's abort).
    res.once('close', () => this.log(state, res.writableFinished ? res.statusCode : CLIENT_CLOSED_REQUEST));
    return state;
  }

  /**
   * A request without a key (GraphQL introspection): logged, and limited per address so that
   * nobody without a key can take the server's time from those with one.
   */
  admitAnonymous(state: RequestState): void {
    state.logged = true;
    try {
      this.anonymous.admit(state.ip, this.deps.clock.now());
    } catch (err) {
      this.recordError(state, err);
      throw err;
    }
  }

  /** Authenticates the request's bearer key; on refusal records why (for the log) and rethrows the catalog error. */
  async authenticate(state: RequestState, authorization: string | undefined): Promise<Principal> {
    state.logged = true;
    try {
      const p = await this.authenticator.authenticate(authorization, state.ip);
      state.principal = p;
      return p;
    } catch (err) {
      if (err instanceof AuthFailed) {
        const f = err.failure;
        state.keyPrefix = f.keyPrefix;
        state.refusedKeyId = f.principal?.keyId ?? null;
        state.refusedWorkspaceId = f.principal?.workspaceId ?? null;
        state.errorCode = f.error.code;
        throw f.error;
      }
      throw err;
    }
  }

  /**
   * A request that needs its key's logs written first waits at most REQUEST_FLUSH_TIMEOUT_MS;
   * then it fails 503 service_unavailable (DB_TIMEOUT) rather than answer from stale counts.
   */
  private flushLogs(): Promise<void> {
    return this.deps.logWriter.flush({ timeoutMs: REQUEST_FLUSH_TIMEOUT_MS });
  }

  /** At once on this instance; within a notification's latency on every other one. */
  async keyChanged(hash: string, opts: { foreign?: boolean } = {}): Promise<void> {
    this.cache.invalidate(hash);
    this.known.add(hash, opts);
    await this.bus.publish(opts.foreign ? { hash, foreign: true } : { hash });
  }

  /** A workspace's name, plan or limit override changed: at once here, within a notification's latency elsewhere. */
  async workspaceChanged(id: string): Promise<void> {
    this.directory.forget(id);
    await this.bus.publish({ workspace: id });
  }

  recordError(state: RequestState, err: unknown): void {
    state.errorCode = catalogError(err)?.code ?? 'internal_error';
  }

  private log(state: RequestState, status: number): void {
    if (!state.logged) return;
    const p = state.principal;
    this.deps.logWriter.enqueue({
      id: newId('requestLog', state.startedAt),
      workspaceId: p?.workspaceId ?? state.refusedWorkspaceId,
      keyId: p?.keyId ?? state.refusedKeyId,
      // A key imported by hash with no prefix given has '' for one: nothing to log.
      keyPrefix: p ? p.prefix || null : state.keyPrefix,
      requestId: state.requestId,
      method: state.method,
      endpoint: state.endpoint,
      operationType: state.operationType,
      operationName: state.operationName,
      status,
      durationMs: Math.round((state.ttfbMs ?? performance.now() - state.startedPerf) * 1000) / 1000,
      ip: state.ip,
      credits: state.credits,
      counted: state.counted,
      cost: state.cost,
      errorCode: state.errorCode,
      at: new Date(state.startedAt),
      authenticated: p !== null,
    });
  }
}
