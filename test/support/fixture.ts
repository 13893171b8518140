import { afterAll, beforeAll, test as base } from 'vitest';
import type { Database, Db } from '../../src/db/client.js';
import type { ApiKeyRow, WorkspaceRow } from '../../src/db/schema.js';
import { ManualClock } from '../../src/domain/clock.js';
import { serviceContexts, type KeyAnnouncer, type ServiceContext } from '../../src/domain/context.js';
import { newKeyQuotas } from '../../src/domain/keys/inputs.js';
import { insertKey } from '../../src/domain/keys/service.js';
import { keyHistory, pointsSince } from '../../src/domain/logs/history.js';
import { RequestLogWriter, type RequestLogEntry } from '../../src/domain/logs/writer.js';
import type { CliOperator } from '../../src/domain/operator/access.js';
import type { Principal, RateLimitTier } from '../../src/domain/principal.js';
import type { Scope } from '../../src/domain/scopes.js';
import { createSealer } from '../../src/domain/sealer.js';
import { Directory } from '../../src/domain/directory.js';
import { bootstrapWorkspace } from '../../src/domain/workspaces.js';
import { Authenticator } from '../../src/gateway/authenticate.js';
import { MemoryIpBlocker } from '../../src/gateway/ip-blocker.js';
import { KeyCache } from '../../src/gateway/key-cache.js';
import { KnownKeyHashes } from '../../src/gateway/known-keys.js';
import { Limiter } from '../../src/gateway/limiter/limiter.js';
import { MemoryCounterStore } from '../../src/gateway/limiter/memory-store.js';
import { LookupBudget } from '../../src/gateway/lookup-budget.js';
import { createLeadIndex } from '../../src/domain/leads/memory/lead-index.js';
import { openTestDatabase, startServer, T0, type StartOptions, type TestServer } from './harness.js';

/**
 * The one place tests get their setup from.
 *
 * - Surface tests (HTTP, both surfaces): `const t = serverForFile();` starts one server for the
 *   file and closes it after the file's last test.
 * - Domain tests (test/domain, the fast tier): `test` from here, whose fixtures are a migrated
 *   database (PGlite by default, PostgreSQL when TEST_DATABASE_URL is set), a ManualClock at T0,
 *   and `domain`, which makes workspaces and callers with chosen scopes and builds the
 *   ServiceContext a domain function takes, as a surface would for a request, without HTTP.
 */

/**
 * One test server for the whole file, started before its first test and closed after its last.
 * The handle is filled in by the file's first `beforeAll`, so use it inside tests and hooks only.
 */
export function serverForFile(opts?: StartOptions): TestServer {
  const handle = {} as TestServer;
  beforeAll(async () => {
    Object.assign(handle, await startServer(opts));
  });
  afterAll(() => handle.close?.());
  return handle;
}

/** A ServiceContext that keeps what the call reported through it. */
export interface RecordingContext extends ServiceContext {
  readonly recorded: { credits: number; replayed: boolean; idempotencyKey: string | null };
}

/** A key that calls domain functions: its row, its secret, and the principal the gateway makes of it. */
export interface Caller {
  key: ApiKeyRow;
  secret: string;
  principal: Principal;
  /** A fresh context for one call, as a surface builds one per request (with the Idempotency-Key it read, if any). */
  ctx(opts?: { idempotencyKey?: string }): RecordingContext;
}

export interface TestWorkspace {
  workspace: WorkspaceRow;
  /** The bootstrap admin key: every scope its plan allows. */
  admin: Caller;
}

export interface KeyOptions {
  permissions: readonly Scope[];
  tier?: RateLimitTier;
  name?: string;
}

export interface Domain {
  database: Database;
  db: Db;
  clock: ManualClock;
  /** Hashes of keys whose change a domain function announced, oldest first. */
  readonly announcedKeys: string[];
  /** Workspaces whose change a domain function announced, oldest first. */
  readonly announcedWorkspaces: string[];
  /** A new workspace (default: enterprise plan, standard-tier admin key). */
  workspace(opts?: { plan?: string; name?: string; tier?: RateLimitTier; credits?: number }): Promise<TestWorkspace>;
  /** A new key of `ws` holding exactly `opts.permissions`, and the principal it authenticates as. */
  caller(ws: TestWorkspace, opts: KeyOptions): Promise<Caller>;
  /** The principal of an existing key's secret, as the gateway authenticates it now. */
  callerFor(key: ApiKeyRow, secret: string): Promise<Caller>;
  /** The command line as an operator: no key, audited as "cli". */
  cli(): CliOperator;
  /** Announces a changed key as the app does (an import passes it to importKeys). */
  announceKey: KeyAnnouncer;
  /** The cached directory of plans and workspaces, as the app holds it. */
  lookup: Directory;
  /** Queues request-log entries as the gateway does; domain functions flush them before reading. */
  log(...entries: RequestLogEntry[]): void;
}

const SERVER_SECRET = Buffer.alloc(32, 7);

/**
 * What a ServiceContext is built from: the app's dependencies, in process, without HTTP. An
 * announced change drops the caches here, as the gateway's does, and is kept for assertions.
 */
async function domainParts(database: Database, clock: ManualClock) {
  const db = database.db;
  const logWriter = new RequestLogWriter(database, { flushIntervalMs: 0 });
  const directory = new Directory(db);
  await directory.loadPlans();
  const flushLogs = () => logWriter.flush();
  const limiter = new Limiter(new MemoryCounterStore(), (id) => directory.cachedPlan(id), {
    pointsSince: async (ws, since) => (await flushLogs(), pointsSince(db, ws, since)),
    keyHistory: async (keyId, since, withTotal) => (await flushLogs(), keyHistory(db, keyId, since, withTotal)),
  });
  const cache = new KeyCache();
  const known = new KnownKeyHashes();
  const authenticator = new Authenticator(
    db,
    clock,
    cache,
    new MemoryIpBlocker({ maxFailures: 1_000_000_000, windowMs: 60_000, cooldownMs: 60_000 }),
    new LookupBudget({ perSecond: 0, burst: 0, addressShare: 1 }, clock.now()),
    known,
  );
  const announcedKeys: string[] = [];
  const announcedWorkspaces: string[] = [];
  return {
    db,
    clock,
    sealer: createSealer(SERVER_SECRET, 'idempotency'),
    directory,
    limiter,
    logWriter,
    authenticator,
    leadIndex: createLeadIndex(db),
    flushLogs,
    announcedKeys,
    announcedWorkspaces,
    async keyChanged(hash: string, opts: { foreign?: boolean } = {}): Promise<void> {
      cache.invalidate(hash);
      known.add(hash, opts);
      announcedKeys.push(hash);
    },
    async workspaceChanged(id: string): Promise<void> {
      directory.forget(id);
      announcedWorkspaces.push(id);
    },
  };
}

type DomainParts = Awaited<ReturnType<typeof domainParts>>;

/** The ServiceContext for one call by `principal`: built from the parts here only, as the app builds one per request. */
function serviceContext(parts: DomainParts, principal: Principal, idempotencyKey: string | null): RecordingContext {
  const recorded = { credits: 0, replayed: false, idempotencyKey };
  const contexts = serviceContexts({
    db: parts.db,
    clock: parts.clock,
    sealer: parts.sealer,
    lookup: parts.directory,
    quotas: { read: (key) => parts.limiter.readQuotas(key, parts.clock.now()) },
    leadIndex: parts.leadIndex,
    keyChanged: (hash, opts) => parts.keyChanged(hash, opts),
    workspaceChanged: parts.workspaceChanged,
    flushLogs: parts.flushLogs,
  });
  return { ...contexts(principal, recorded), recorded };
}

async function createDomain(database: Database, clock: ManualClock): Promise<Domain> {
  const parts = await domainParts(database, clock);
  let n = 0;

  async function callerFor(key: ApiKeyRow, secret: string): Promise<Caller> {
    const principal = await parts.authenticator.authenticate(`Bearer ${secret}`, '127.0.0.1');
    return { key, secret, principal, ctx: (opts) => serviceContext(parts, principal, opts?.idempotencyKey ?? null) };
  }

  return {
    database,
    db: parts.db,
    clock,
    announcedKeys: parts.announcedKeys,
    announcedWorkspaces: parts.announcedWorkspaces,
    async workspace(opts = {}) {
      const { workspace, admin } = await bootstrapWorkspace(
        { db: parts.db, clock, lookup: parts.directory },
        {
          name: opts.name ?? `Domain tenant ${++n}`,
          plan: opts.plan ?? 'enterprise',
          rateLimitTier: opts.tier ?? 'standard',
          credits: opts.credits,
        },
      );
      return { workspace, admin: await callerFor(admin.key, admin.secret) };
    },
    async caller(ws, opts) {
      const issued = await parts.db.transaction((tx) =>
        insertKey(
          tx,
          {
            workspaceId: ws.workspace.id,
            name: opts.name ?? `caller ${++n}`,
            description: null,
            category: null,
            permissions: opts.permissions,
            rateLimitTier: opts.tier ?? 'standard',
            expiresAt: null,
            quotas: newKeyQuotas(null),
            createdByKeyId: ws.admin.key.id,
          },
          clock.now(),
        ),
      );
      return callerFor(issued.key, issued.secret);
    },
    callerFor,
    announceKey: parts.keyChanged,
    lookup: parts.directory,
    cli: () => ({ kind: 'cli', db: parts.db, clock, lookup: parts.directory, workspaceChanged: parts.workspaceChanged, flushLogs: parts.flushLogs }),
    log: (...entries) => entries.forEach((e) => parts.logWriter.enqueue(e)),
  };
}

/** vitest's `test` with the domain tier's fixtures; each is set up once per file, on first use. */
export const test = base
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads what a fixture depends on from its destructuring; this one depends on nothing.
  .extend('database', { scope: 'file' }, async ({}, { onCleanup }) => {
    const database = await openTestDatabase();
    onCleanup(() => database.close());
    return database;
  })
  .extend('clock', { scope: 'file' }, () => new ManualClock(T0))
  .extend('domain', { scope: 'file' }, ({ database, clock }) => createDomain(database, clock));

export { describe, expect } from 'vitest';
