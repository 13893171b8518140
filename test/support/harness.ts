import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { sql } from 'drizzle-orm';
import findMyWay, { type HTTPVersion } from 'find-my-way';
import { print, type ExecutionResult } from 'graphql';
import { createApp, type App } from '../../src/app.js';
import { openPgliteThread, openPostgres, type Database } from '../../src/db/client.js';
import { migratePostgresUrl } from '../../src/db/migrate.js';
import { seedPlans } from '../../src/db/plans.js';
import { errorCodes } from '../../src/docs/openapi.js';
import { docOperations } from '../../src/docs/operations.js';
import { ManualClock, type Clock } from '../../src/domain/clock.js';
import { Directory } from '../../src/domain/directory.js';
import type { RateLimitTier } from '../../src/domain/principal.js';
import { bootstrapWorkspace } from '../../src/domain/workspaces.js';
import type { TrustProxy } from '../../src/gateway/client-ip.js';
import type { IpBlockPolicy } from '../../src/gateway/ip-blocker.js';
import type { LookupBudgetPolicy } from '../../src/gateway/lookup-budget.js';
import { REST_ROUTES } from '../../src/rest/router.js';

export const T0 = Date.parse('2026-11-22T12:00:00.000Z');

/** Moves the clock to `hhmmss` (UTC) on the day after its current one, so each test starts on fresh windows. */
export function moveToTomorrow(clock: ManualClock, hhmmss: string): number {
  const day = new Date(clock.now() + 86_400_000).toISOString().slice(0, 10);
  clock.set(`${day}T${hhmmss}.000Z`);
  return clock.now();
}

/** PostgreSQL when TEST_DATABASE_URL is set (shared, migrated by global setup); else a PGlite loaded from the migrated template. */
export async function openTestDatabase(): Promise<Database> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const db = openPostgres(url, { max: 10 });
    await seedPlans(db.db);
    return db;
  }
  const template = process.env.PGLITE_TEMPLATE;
  if (!template) throw new Error('PGLITE_TEMPLATE is not set: run the tests through vitest (global setup)');
  return openPgliteThread({ templateFile: template });
}

let ownDatabases = 0;

/**
 * A database of the caller's own, for a test that changes what every app on it would see (the
 * plan catalogue): on PostgreSQL a new database beside TEST_DATABASE_URL's, migrated and seeded,
 * which `drop()` removes once the server using it has closed it; on PGlite a fresh copy of the
 * template, as every test file has anyway.
 */
export async function openOwnDatabase(): Promise<{ database: Database; drop(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return { database: await openTestDatabase(), drop: async () => {} };
  const name = `${new URL(url).pathname.slice(1)}_own_${process.pid}_${++ownDatabases}`;
  const admin = openPostgres(url, { max: 1 });
  try {
    await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    await admin.db.execute(sql.raw(`CREATE DATABASE "${name}"`));
  } finally {
    await admin.close();
  }
  const own = new URL(url);
  own.pathname = `/${name}`;
  await migratePostgresUrl(own.href);
  const database = openPostgres(own.href, { max: 10 });
  await seedPlans(database.db);
  return {
    database,
    async drop() {
      const again = openPostgres(url, { max: 1 });
      try {
        await again.db.execute(sql.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      } finally {
        await again.close();
      }
    },
  };
}

/** A workspace and its admin key on a database no app serves here: plans from a directory of its own. */
export async function bootstrapOn(db: Database, clock: Clock, opts: Parameters<typeof bootstrapWorkspace>[1]) {
  return bootstrapWorkspace({ db: db.db, clock, lookup: await Directory.load(db.db) }, opts);
}

export interface Reply<B = unknown> {
  status: number;
  headers: Headers;
  body: B;
}

export interface CallOptions {
  key?: string;
  headers?: Record<string, string>;
  /** Sent as X-Forwarded-For; the test servers trust their loopback peer (the test itself) as a proxy. */
  ip?: string;
}

export interface Tenant {
  workspaceId: string;
  keyId: string;
  /** Admin key with every scope. */
  key: string;
}

export interface TestServer {
  url: string;
  app: App;
  clock: ManualClock;
  database: Database;
  /** `tier`: the admin key's rate-limit tier (default standard, so the plan's limits apply to it). */
  tenant(opts?: { plan?: string; name?: string; tier?: RateLimitTier }): Promise<Tenant>;
  rest<B = any>(method: string, path: string, opts?: CallOptions & { body?: unknown; rawBody?: string }): Promise<Reply<B>>;
  gql<R, V>(doc: TypedDocumentNode<R, V>, variables?: V, opts?: CallOptions): Promise<Reply<ExecutionResult<R>>>;
  close(): Promise<void>;
}

export interface StartOptions {
  database?: Database;
  clock?: ManualClock;
  ipBlock?: IpBlockPolicy;
  /** Default: no budget. */
  lookupBudget?: LookupBudgetPolicy;
  /** Default: no limit. */
  anonymousPerMinute?: number;
  /** Default: loopback (the test connects over 127.0.0.1 and plays the proxy). */
  trustProxy?: TrustProxy;
  /** Keep the database open on close (when another server shares it). */
  sharedDatabase?: boolean;
  /** Defaults to TEST_REDIS_URL; '' forces in-process counters. */
  redisUrl?: string;
}

const NO_IP_BLOCK: IpBlockPolicy = { maxFailures: 1_000_000_000, windowMs: 60_000, cooldownMs: 60_000 };

function headersFor(opts: CallOptions | undefined): Record<string, string> {
  const h: Record<string, string> = { ...(opts?.headers ?? {}) };
  if (opts?.key) h.authorization = `Bearer ${opts.key}`;
  if (opts?.ip) h['x-forwarded-for'] = opts.ip;
  return h;
}

/** The codes the OpenAPI document says each route can answer, by method and path. */
const documentedCodes = findMyWay<HTTPVersion.V1>({ ignoreTrailingSlash: true, caseSensitive: true });
for (const op of docOperations(REST_ROUTES)) documentedCodes.on(op.method, op.path, () => {}, new Set(errorCodes(op)));

/**
 * Every error a test meets on a route is one its OpenAPI operation lists: a code the document
 * leaves out (a 404 on a route with no id) fails the test that met it, whatever it was testing.
 */
function assertDocumented(method: string, url: string, status: number, body: unknown): void {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  if (status < 400 || typeof code !== 'string') return;
  const codes = documentedCodes.find(method as 'GET', new URL(url).pathname)?.store as Set<string> | undefined;
  if (codes && !codes.has(code)) throw new Error(`${method} ${new URL(url).pathname} answered ${code}, which its OpenAPI operation does not list`);
}

export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  const clock = opts.clock ?? new ManualClock(T0);
  const database = opts.database ?? (await openTestDatabase());
  const app = await createApp({
    database,
    clock,
    serverSecret: Buffer.alloc(32, 7),
    trustProxy: opts.trustProxy ?? ['loopback'],
    lookupBudget: opts.lookupBudget ?? { perSecond: 0, burst: 0, addressShare: 1 },
    anonymousPerMinute: opts.anonymousPerMinute ?? 0,
    redisUrl: opts.redisUrl === undefined ? process.env.TEST_REDIS_URL : opts.redisUrl || undefined,
    ipBlock: opts.ipBlock ?? NO_IP_BLOCK,
    logFlushIntervalMs: 0,
    maintenanceIntervalMs: 3_600_000,
  });
  const url = await app.listen(0);
  let n = 0;
  return {
    url,
    app,
    clock,
    database,
    async tenant(t = {}) {
      const { workspace, admin } = await bootstrapWorkspace(app.services, {
        name: t.name ?? `Tenant ${++n}`,
        plan: t.plan ?? 'enterprise',
        rateLimitTier: t.tier ?? 'standard',
      });
      return { workspaceId: workspace.id, keyId: admin.key.id, key: admin.secret };
    },
    async rest(method, path, o = {}) {
      const headers = headersFor(o);
      let body: string | undefined = o.rawBody;
      if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(url + path, { method, headers, body });
      const text = await res.text();
      const reply = { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
      assertDocumented(method, url + path, reply.status, reply.body);
      return reply;
    },
    async gql(doc, variables, o) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headersFor(o) },
        body: JSON.stringify({ query: print(doc), variables }),
      });
      return { status: res.status, headers: res.headers, body: (await res.json()) as ExecutionResult<any> };
    },
    async close() {
      await app.close({ keepDatabase: opts.sharedDatabase });
    },
  };
}
