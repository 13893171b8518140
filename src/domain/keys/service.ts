import { and, eq, gt, inArray, isNotNull, isNull, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { apiKeys, requestLogs, type ApiKeyRow, type PlanRow } from '../../db/schema.js';
import { ownWorkspace, requireScope, type ServiceContext } from '../context.js';
import { ApiError, errors } from '../errors.js';
import { newId } from '../ids.js';
import { runIdempotent } from '../idempotency.js';
import type { KeyQuotas, RateLimitTier } from '../principal.js';
import { assertScopesFitPlan, expandScopes, type Scope } from '../scopes.js';
import { loadTablePage, readPage, type PageQuery, type PageResult } from '../pagination.js';
import { parseInput } from '../validation.js';
import { recordKeyEvent } from './events.js';
import { apiKeyList } from './lists.js';
import {
  createKeyInput,
  listKeysInput,
  newKeyQuotas,
  RATE_LIMIT_TIERS,
  rotateKeyInput,
  updateKeyInput,
  type CreateKeyInput,
  type ListKeysInput,
  type RotateKeyInput,
  type UpdateKeyInput,
} from './inputs.js';
import { displayParts, generateSecret, hashSecret, type DisplayParts } from './secret.js';
import { deserializeKeyRow, serializeKeyRow } from './state.js';

const ADMIN_SCOPE = 'admin:api_keys';

export interface IssuedKey {
  key: ApiKeyRow;
  /** The plaintext secret: returned by create and rotate, never stored, never shown again. */
  secret: string;
}

export interface NewKeyFields {
  workspaceId: string;
  name: string;
  description: string | null;
  category: string | null;
  permissions: readonly Scope[];
  rateLimitTier: RateLimitTier;
  expiresAt: Date | null;
  quotas: KeyQuotas;
  createdByKeyId: string | null;
  rotatedFromId?: string | null;
}

/** Serialises name checks and renames within a workspace (the partial "active" condition depends on time). */
export async function lockWorkspaceKeys(tx: Db, workspaceId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${workspaceId}, 7))`);
}

/** Seed 003: names are unique among active keys only; rotated-out keys in their grace period don't count. */
export async function assertNameFree(tx: Db, workspaceId: string, name: string, now: number, exceptId?: string): Promise<void> {
  const conds: SQL[] = [
    eq(apiKeys.workspaceId, workspaceId),
    eq(apiKeys.name, name),
    eq(apiKeys.status, 'active'),
    isNull(apiKeys.replacedById),
    or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, new Date(now)))!,
  ];
  if (exceptId) conds.push(ne(apiKeys.id, exceptId));
  const [clash] = await tx
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(...conds))
    .limit(1);
  if (clash) throw errors.duplicateName(name);
}

/** What is stored of a key's secret: its hash, what is shown of it, and whether it is in our format. */
export interface StoredSecret extends DisplayParts {
  keyHash: string;
  foreignFormat: boolean;
}

/** Inserts a key row with a fresh secret. Used by create, rotate and the CLI's bootstrap. */
export async function insertKey(tx: Db, fields: NewKeyFields, now: number): Promise<IssuedKey> {
  const secret = generateSecret();
  const key = await insertKeyRow(
    tx,
    fields,
    { keyHash: hashSecret(secret), ...displayParts(secret), foreignFormat: false },
    now,
    fields.rotatedFromId ? { rotatedFrom: fields.rotatedFromId } : undefined,
  );
  return { key, secret };
}

/** The row and its `created` event; `detail` says how it came to be (rotated from, imported). */
export async function insertKeyRow(tx: Db, fields: NewKeyFields, stored: StoredSecret, now: number, detail?: Record<string, unknown>): Promise<ApiKeyRow> {
  const at = new Date(now);
  const [key] = await tx
    .insert(apiKeys)
    .values({
      id: newId('apiKey', now),
      workspaceId: fields.workspaceId,
      name: fields.name,
      description: fields.description,
      category: fields.category,
      permissions: [...fields.permissions],
      rateLimitTier: fields.rateLimitTier,
      keyHash: stored.keyHash,
      prefix: stored.prefix,
      start: stored.start,
      last4: stored.last4,
      foreignFormat: stored.foreignFormat,
      status: 'active',
      expiresAt: fields.expiresAt,
      quotaTotal: fields.quotas.total,
      quotaDaily: fields.quotas.daily,
      quotaWeekly: fields.quotas.weekly,
      quotaMonthly: fields.quotas.monthly,
      createdAt: at,
      updatedAt: at,
      createdByKeyId: fields.createdByKeyId,
      rotatedFromId: fields.rotatedFromId ?? null,
    })
    .returning();
  await recordKeyEvent(tx, { workspaceId: fields.workspaceId, keyId: key!.id, type: 'created', actorKeyId: fields.createdByKeyId, at: now, detail });
  return key!;
}

const TIER_RANK = new Map<string, number>(RATE_LIMIT_TIERS.map((tier, i) => [tier, i]));

/** What a caller does to a key: `create` a new one, or a verb on an existing key's id. */
type KeyAction = { verb: 'create' } | { verb: 'update' | 'deactivate' | 'reactivate' | 'revoke' | 'rotate' | 'delete'; id: string };

/**
 * The one rule for creating and changing keys: a key may create, change, rotate, deactivate,
 * reactivate, revoke or delete only a key it could have minted itself, one whose every scope it
 * holds and whose tier is no higher than its own. Otherwise a narrower key could mint a wider
 * one, or stop, throttle or replace a stronger one (the workspace's admin key included). A key
 * acting on itself passes. Reading keys is not restricted.
 */
function assertCouldMint(ctx: ServiceContext, target: { permissions: readonly string[]; rateLimitTier: string }, action: KeyAction): void {
  const own = ctx.principal.rateLimitTier;
  const lacking = target.permissions.filter((scope) => !ctx.principal.permissionSet.has(scope));
  if (lacking.length) {
    const what = action.verb === 'create' ? 'Cannot create a key with' : `Cannot ${action.verb} ${action.id}: it holds`;
    throw new ApiError('insufficient_permissions', `${what} ${lacking.join(', ')}, which this key lacks`);
  }
  if ((TIER_RANK.get(target.rateLimitTier) ?? Infinity) > TIER_RANK.get(own)!) {
    throw new ApiError(
      'insufficient_permissions',
      action.verb === 'create'
        ? `Cannot create a key on the ${target.rateLimitTier} tier: this key is on the ${own} tier`
        : `Cannot ${action.verb} ${action.id}: it is on the ${target.rateLimitTier} tier, above this key's ${own} tier`,
    );
  }
}

export function assertFuture(field: string, at: Date | null | undefined, now: number): void {
  if (at && at.getTime() <= now) throw errors.validation(field, 'must be in the future');
}

/** `plan`: the caller's workspace's, read from the directory before any transaction opens. */
function prepareCreate(ctx: ServiceContext, raw: unknown, plan: PlanRow) {
  const input = parseInput(createKeyInput, raw);
  const { scopes, unknown } = expandScopes(input.permissions);
  if (unknown.length) throw errors.validation('permissions', `has an unknown scope "${unknown[0]}"`);
  assertScopesFitPlan(scopes, plan.id);
  const tier = input.rateLimitTier ?? 'standard';
  assertCouldMint(ctx, { permissions: scopes, rateLimitTier: tier }, { verb: 'create' });
  assertFuture('expiresAt', input.expiresAt, ctx.clock.now());
  // Only an unmetered key passes the rule above for this; its workspace may since have moved to a plan without the tier.
  if (tier === 'unmetered' && !plan.allowsUnmetered) {
    throw errors.validation('rateLimitTier', 'unmetered is only available on enterprise plans');
  }
  return { input, scopes, tier };
}

async function createInTx(ctx: ServiceContext, tx: Db, prepared: ReturnType<typeof prepareCreate>): Promise<IssuedKey> {
  const { input, scopes, tier } = prepared;
  const now = ctx.clock.now();
  await lockWorkspaceKeys(tx, ctx.principal.workspaceId);
  await assertNameFree(tx, ctx.principal.workspaceId, input.name, now);
  return insertKey(
    tx,
    {
      workspaceId: ctx.principal.workspaceId,
      name: input.name,
      description: input.description ?? null,
      category: input.category ?? null,
      permissions: scopes,
      rateLimitTier: tier,
      expiresAt: input.expiresAt ?? null,
      quotas: newKeyQuotas(input.quotas),
      createdByKeyId: ctx.principal.keyId,
    },
    now,
  );
}

/** Honours the request's Idempotency-Key (`ctx.idempotencyKey`): a retry replays the key first issued. */
export async function createKey(ctx: ServiceContext, raw: CreateKeyInput | unknown): Promise<IssuedKey & { replayed: boolean }> {
  requireScope(ctx, ADMIN_SCOPE);
  const serialize = (v: IssuedKey) => JSON.stringify({ key: serializeKeyRow(v.key), secret: v.secret });
  const deserialize = (s: string): IssuedKey => {
    const o = JSON.parse(s) as { key: string; secret: string };
    return { key: deserializeKeyRow(o.key), secret: o.secret };
  };
  const { plan } = await ownWorkspace(ctx);
  let issued: IssuedKey;
  let replayed = false;
  if (ctx.idempotencyKey !== null) {
    const out = await runIdempotent(ctx, {
      key: ctx.idempotencyKey,
      operation: 'createApiKey',
      request: raw,
      successStatus: 201,
      execute: (tx) => createInTx(ctx, tx, prepareCreate(ctx, raw, plan)),
      serialize,
      deserialize,
    });
    issued = out.value;
    replayed = out.replayed;
  } else {
    const prepared = prepareCreate(ctx, raw, plan);
    issued = await ctx.db.transaction((tx) => createInTx(ctx, tx, prepared));
  }
  // Drops a cached "unknown key" verdict for this hash, however unlikely.
  if (!replayed) await ctx.keyChanged(issued.key.keyHash);
  return { ...issued, replayed };
}

function byIdInWorkspace(ctx: ServiceContext, id: string): SQL {
  return and(eq(apiKeys.id, id), eq(apiKeys.workspaceId, ctx.principal.workspaceId))!;
}

export async function getKey(ctx: ServiceContext, id: string): Promise<ApiKeyRow> {
  requireScope(ctx, ADMIN_SCOPE);
  const [row] = await ctx.db.select().from(apiKeys).where(byIdInWorkspace(ctx, id));
  if (!row) throw errors.notFound('API key');
  return row;
}

/** For loaders: keys of the caller's workspace by id, other workspaces' ids silently absent. */
export async function getKeysByIds(ctx: ServiceContext, ids: readonly string[]): Promise<Map<string, ApiKeyRow>> {
  requireScope(ctx, ADMIN_SCOPE);
  const rows = ids.length
    ? await ctx.db
        .select()
        .from(apiKeys)
        .where(and(eq(apiKeys.workspaceId, ctx.principal.workspaceId), inArray(apiKeys.id, [...ids])))
    : [];
  return new Map(rows.map((r) => [r.id, r]));
}

function stateCondition(state: string, now: Date): SQL {
  const unexpired = or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now))!;
  switch (state) {
    case 'active':
      return and(eq(apiKeys.status, 'active'), unexpired)!;
    case 'expired':
      return and(ne(apiKeys.status, 'revoked'), ne(apiKeys.status, 'inactive'), isNotNull(apiKeys.expiresAt), lte(apiKeys.expiresAt, now))!;
    default:
      return eq(apiKeys.status, state);
  }
}

/** Newest first. */
export async function listKeys(
  ctx: ServiceContext,
  rawFilter: Pick<ListKeysInput, 'category' | 'state' | 'name'>,
  query: PageQuery,
): Promise<PageResult<ApiKeyRow>> {
  requireScope(ctx, ADMIN_SCOPE);
  const filter = parseInput(listKeysInput, rawFilter);
  const page = readPage(apiKeyList, query);
  const conds: SQL[] = [eq(apiKeys.workspaceId, ctx.principal.workspaceId)];
  if (filter.category !== undefined) conds.push(eq(apiKeys.category, filter.category));
  if (filter.name !== undefined) conds.push(sql`${apiKeys.name} ilike ${'%' + filter.name.replace(/[\\%_]/g, '\\$&') + '%'}`);
  if (filter.state) conds.push(stateCondition(filter.state, new Date(ctx.clock.now())));
  return loadTablePage(ctx.db, apiKeys, conds, page);
}

/** Loads a key of the caller's workspace inside `tx`, with the workspace's key lock held. */
async function lockedKey(ctx: ServiceContext, tx: Db, id: string, verb: Exclude<KeyAction['verb'], 'create'>): Promise<ApiKeyRow> {
  await lockWorkspaceKeys(tx, ctx.principal.workspaceId);
  const [row] = await tx.select().from(apiKeys).where(byIdInWorkspace(ctx, id));
  if (!row) throw errors.notFound('API key');
  assertCouldMint(ctx, row, { verb, id: row.id });
  return row;
}

async function mutateKey(
  ctx: ServiceContext,
  id: string,
  verb: 'update' | 'deactivate' | 'reactivate' | 'revoke',
  change: (tx: Db, row: ApiKeyRow, now: number) => Promise<ApiKeyRow>,
): Promise<ApiKeyRow> {
  requireScope(ctx, ADMIN_SCOPE);
  const now = ctx.clock.now();
  const row = await ctx.db.transaction(async (tx) => change(tx, await lockedKey(ctx, tx, id, verb), now));
  await ctx.keyChanged(row.keyHash);
  return row;
}

async function saveKey(tx: Db, id: string, set: Partial<ApiKeyRow>): Promise<ApiKeyRow> {
  const [row] = await tx.update(apiKeys).set(set).where(eq(apiKeys.id, id)).returning();
  return row!;
}

export async function updateKey(ctx: ServiceContext, id: string, raw: UpdateKeyInput | unknown): Promise<ApiKeyRow> {
  requireScope(ctx, ADMIN_SCOPE);
  const input = parseInput(updateKeyInput, raw);
  return mutateKey(ctx, id, 'update', async (tx, row, now) => {
    if (row.status === 'revoked') throw errors.invalidState('A revoked API key cannot be changed');
    assertFuture('expiresAt', input.expiresAt, now);
    if (input.name !== undefined && input.name !== row.name && row.status === 'active' && !row.replacedById) {
      await assertNameFree(tx, row.workspaceId, input.name, now, row.id);
    }
    const set: Partial<ApiKeyRow> = { updatedAt: new Date(now) };
    if (input.name !== undefined) set.name = input.name;
    if (input.description !== undefined) set.description = input.description;
    if (input.category !== undefined) set.category = input.category;
    if (input.expiresAt !== undefined) set.expiresAt = input.expiresAt;
    if (input.quotas === null) Object.assign(set, { quotaTotal: null, quotaDaily: null, quotaWeekly: null, quotaMonthly: null });
    else if (input.quotas) {
      const q = input.quotas;
      if (q.total !== undefined) set.quotaTotal = q.total;
      if (q.daily !== undefined) set.quotaDaily = q.daily;
      if (q.weekly !== undefined) set.quotaWeekly = q.weekly;
      if (q.monthly !== undefined) set.quotaMonthly = q.monthly;
    }
    const saved = await saveKey(tx, row.id, set);
    await recordKeyEvent(tx, {
      workspaceId: row.workspaceId,
      keyId: row.id,
      type: 'updated',
      actorKeyId: ctx.principal.keyId,
      at: now,
      detail: { fields: Object.keys(input) },
    });
    return saved;
  });
}

export async function deactivateKey(ctx: ServiceContext, id: string): Promise<ApiKeyRow> {
  return mutateKey(ctx, id, 'deactivate', async (tx, row, now) => {
    if (row.status === 'revoked') throw errors.invalidState('A revoked API key cannot be deactivated');
    if (row.status === 'inactive') return row;
    const saved = await saveKey(tx, row.id, { status: 'inactive', deactivatedAt: new Date(now), updatedAt: new Date(now) });
    await recordKeyEvent(tx, { workspaceId: row.workspaceId, keyId: row.id, type: 'deactivated', actorKeyId: ctx.principal.keyId, at: now });
    return saved;
  });
}

export async function reactivateKey(ctx: ServiceContext, id: string): Promise<ApiKeyRow> {
  return mutateKey(ctx, id, 'reactivate', async (tx, row, now) => {
    if (row.status === 'revoked') throw errors.invalidState('A revoked API key cannot be reactivated');
    if (row.status === 'active') return row;
    if (!row.replacedById) await assertNameFree(tx, row.workspaceId, row.name, now, row.id);
    const saved = await saveKey(tx, row.id, { status: 'active', deactivatedAt: null, updatedAt: new Date(now) });
    await recordKeyEvent(tx, { workspaceId: row.workspaceId, keyId: row.id, type: 'reactivated', actorKeyId: ctx.principal.keyId, at: now });
    return saved;
  });
}

export async function revokeKey(ctx: ServiceContext, id: string): Promise<ApiKeyRow> {
  return mutateKey(ctx, id, 'revoke', async (tx, row, now) => {
    if (row.status === 'revoked') return row;
    const saved = await saveKey(tx, row.id, { status: 'revoked', revokedAt: new Date(now), updatedAt: new Date(now) });
    await recordKeyEvent(tx, { workspaceId: row.workspaceId, keyId: row.id, type: 'revoked', actorKeyId: ctx.principal.keyId, at: now });
    return saved;
  });
}

/**
 * A replacement keeps the old key's expiry unless the caller names another (`null`: none): a
 * rotation replaces the secret, not the key's lifetime. An expiry already past would be born
 * dead, so then the caller must choose.
 */
function replacementExpiry(old: ApiKeyRow, asked: Date | null | undefined, now: number): Date | null {
  if (asked !== undefined) return asked;
  if (old.expiresAt && old.expiresAt.getTime() <= now) {
    throw errors.validation('expiresAt', `is required: this key expired at ${old.expiresAt.toISOString()}; give its replacement an expiry, or null for none`);
  }
  return old.expiresAt;
}

export interface RotatedKey extends IssuedKey {
  previous: ApiKeyRow;
}

/**
 * A new key with the old one's permissions, category, tier, quotas and description. The old
 * key is revoked at once, or keeps working for `gracePeriodSeconds` (never past its own expiry).
 */
export async function rotateKey(ctx: ServiceContext, id: string, raw: RotateKeyInput | unknown): Promise<RotatedKey> {
  requireScope(ctx, ADMIN_SCOPE);
  const input = parseInput(rotateKeyInput, raw ?? {});
  const now = ctx.clock.now();
  assertFuture('expiresAt', input.expiresAt, now);
  const { plan } = await ownWorkspace(ctx);
  const out = await ctx.db.transaction(async (tx) => {
    const old = await lockedKey(ctx, tx, id, 'rotate');
    if (old.status === 'revoked') throw errors.invalidState('A revoked API key cannot be rotated');
    if (old.replacedById) throw errors.invalidState('This API key was already rotated');
    // The replacement is a new key: it may not carry a scope its workspace's plan no longer allows.
    assertScopesFitPlan(old.permissions, plan.id);
    const name = input.name ?? old.name;
    await assertNameFree(tx, old.workspaceId, name, now, old.id);
    const issued = await insertKey(
      tx,
      {
        workspaceId: old.workspaceId,
        name,
        description: old.description,
        category: old.category,
        permissions: old.permissions as Scope[],
        rateLimitTier: old.rateLimitTier as RateLimitTier,
        expiresAt: replacementExpiry(old, input.expiresAt, now),
        quotas: { total: old.quotaTotal, daily: old.quotaDaily, weekly: old.quotaWeekly, monthly: old.quotaMonthly },
        createdByKeyId: ctx.principal.keyId,
        rotatedFromId: old.id,
      },
      now,
    );
    const grace = input.gracePeriodSeconds ?? 0;
    const at = new Date(now);
    const oldSet: Partial<ApiKeyRow> = { replacedById: issued.key.id, rotatedAt: at, updatedAt: at };
    if (grace === 0) Object.assign(oldSet, { status: 'revoked', revokedAt: at });
    else {
      const graceEnd = now + grace * 1000;
      if (!old.expiresAt || old.expiresAt.getTime() > graceEnd) oldSet.expiresAt = new Date(graceEnd);
    }
    const previous = await saveKey(tx, old.id, oldSet);
    await recordKeyEvent(tx, {
      workspaceId: old.workspaceId,
      keyId: old.id,
      type: 'rotated',
      actorKeyId: ctx.principal.keyId,
      at: now,
      detail: { replacedBy: issued.key.id, gracePeriodSeconds: grace },
    });
    return { ...issued, previous };
  });
  await ctx.keyChanged(out.previous.keyHash);
  await ctx.keyChanged(out.key.keyHash);
  return out;
}

/** Seed 001: only a key that was never used can be deleted; history is kept for billing and audit. */
export async function deleteKey(ctx: ServiceContext, id: string): Promise<ApiKeyRow> {
  requireScope(ctx, ADMIN_SCOPE);
  await ctx.flushLogs();
  const now = ctx.clock.now();
  const row = await ctx.db.transaction(async (tx) => {
    const key = await lockedKey(ctx, tx, id, 'delete');
    const [used] = await tx.select({ id: requestLogs.id }).from(requestLogs).where(eq(requestLogs.keyId, key.id)).limit(1);
    if (key.lastUsedAt || used) throw errors.keyInUse();
    await tx.delete(apiKeys).where(eq(apiKeys.id, key.id));
    await recordKeyEvent(tx, { workspaceId: key.workspaceId, keyId: key.id, type: 'deleted', actorKeyId: ctx.principal.keyId, at: now });
    return key;
  });
  await ctx.keyChanged(row.keyHash);
  return row;
}

/** The calling key's own record: every key may read itself, no admin scope needed. */
export async function getOwnKey(ctx: ServiceContext): Promise<ApiKeyRow> {
  const [row] = await ctx.db.select().from(apiKeys).where(byIdInWorkspace(ctx, ctx.principal.keyId));
  if (!row) throw errors.notFound('API key');
  return row;
}
