import type { ApiKeyRow } from '../../db/schema.js';
import { apiKeyList } from '../../domain/keys/lists.js';
import * as keys from '../../domain/keys/service.js';
import { keyQuotaUsage, type QuotaUsage } from '../../domain/keys/quota-usage.js';
import { keyState } from '../../domain/keys/state.js';
import { displayHint } from '../../domain/keys/secret.js';
import * as op from '../../operations/api-keys.js';
import type { Operation } from '../../operations/index.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { rootOperation } from '../declared.js';
import { listConnection } from '../pagination.js';
import { loadWorkspace, WorkspaceRef } from './workspace.js';

export const RateLimitTierEnum = builder.enumType('RateLimitTier', {
  values: {
    STANDARD: { value: 'standard', description: "The plan's limits." },
    HIGH: { value: 'high', description: "A multiple of the plan's limits." },
    UNMETERED: { value: 'unmetered', description: 'No plan limits (enterprise plans only); key quotas still apply.' },
  } as const,
});

export const KeyStateEnum = builder.enumType('ApiKeyState', {
  values: {
    ACTIVE: { value: 'active' },
    INACTIVE: { value: 'inactive', description: 'Deactivated; can be reactivated.' },
    REVOKED: { value: 'revoked', description: 'Final.' },
    EXPIRED: { value: 'expired', description: 'Past expiresAt.' },
  } as const,
});

interface QuotaShape {
  total: number | null;
  daily: number | null;
  weekly: number | null;
  monthly: number | null;
}

export const QuotaRef = builder.objectRef<QuotaShape>('Quota').implement({
  description: 'Per-key request caps on rolling windows (seed 001). Null means no cap.',
  fields: (t) => ({
    total: t.exposeInt('total', { nullable: true, description: 'All time; the key is blocked for good once reached.' }),
    daily: t.exposeInt('daily', { nullable: true, description: 'Last 24 hours, rolling.' }),
    weekly: t.exposeInt('weekly', { nullable: true, description: 'Last 7 days, rolling.' }),
    monthly: t.exposeInt('monthly', { nullable: true, description: 'Last 30 days, rolling.' }),
  }),
});

const QuotaWindowEnum = builder.enumType('QuotaWindow', {
  values: {
    TOTAL: { value: 'total', description: 'All time.' },
    DAILY: { value: 'daily', description: 'The last 24 hours, rolling.' },
    WEEKLY: { value: 'weekly', description: 'The last 7 days, rolling.' },
    MONTHLY: { value: 'monthly', description: 'The last 30 days, rolling.' },
  } as const,
});

export const QuotaUsageRef = builder.objectRef<QuotaUsage>('QuotaUsage').implement({
  description: 'Where a key stands against one of its quotas, as the limiter counts it (reading it counts no request).',
  fields: (t) => ({
    window: t.field({ type: QuotaWindowEnum, resolve: (u) => u.name }),
    limit: t.exposeInt('limit'),
    used: t.exposeInt('used', {
      description:
        'Requests counted: for a rolling window, those in its one-minute (monthly: ten-minute) buckets not yet wholly out of it. May exceed limit after the quota was lowered.',
    }),
    remaining: t.exposeInt('remaining'),
    nextSlotAt: t.expose('nextSlotAt', {
      type: 'DateTime',
      nullable: true,
      description:
        'When remaining next goes up: when a full window has room again, else when its oldest counted requests leave it. Null for TOTAL (it never frees) and while nothing is counted.',
    }),
  }),
});

const QuotaInput = builder.inputType('QuotaInput', {
  description: 'Omit a field to leave it unchanged (on update) or uncapped (on create); null removes the cap.',
  fields: (t) => ({
    total: t.int(),
    daily: t.int(),
    weekly: t.int(),
    monthly: t.int(),
  }),
});

export const ApiKeyRef = builder.objectRef<ApiKeyRow>('ApiKey');

async function loadKeys(ids: readonly string[], ctx: GraphQLContext): Promise<(ApiKeyRow | null)[]> {
  const found = await keys.getKeysByIds(ctx.service(), ids);
  return ids.map((id) => found.get(id) ?? null);
}

builder.node(ApiKeyRef, {
  description: 'An API key. The secret is never readable: only its prefix and last four characters.',
  id: { resolve: (k) => k.id },
  loadMany: loadKeys,
  isTypeOf: (v) => typeof v === 'object' && v !== null && 'keyHash' in v,
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    category: t.exposeString('category', { nullable: true, description: 'production, development, staging or a custom label.' }),
    permissions: t.exposeStringList('permissions'),
    rateLimitTier: t.field({ type: RateLimitTierEnum, resolve: (k) => k.rateLimitTier as 'standard' }),
    prefix: t.exposeString('prefix', {
      description: "The secret's first 8 characters. A key imported by hash: the prefix the operator gave, or empty when none was.",
    }),
    last4: t.exposeString('last4', { nullable: true, description: "The secret's last 4 characters; null for a key imported by hash (never seen)." }),
    hint: t.string({
      description:
        'What tells this key apart at a glance: its first 12 and last 4 characters, e.g. wbk_live_4s0H…9R2x; less of a short imported key; "(imported by hash)" when nothing of the secret is known.',
      resolve: (k) => displayHint(k),
    }),
    state: t.field({ type: KeyStateEnum, resolve: (k, _a, ctx) => keyState(k, ctx.service().clock.now()) }),
    quotas: t.field({
      type: QuotaRef,
      resolve: (k) => ({ total: k.quotaTotal, daily: k.quotaDaily, weekly: k.quotaWeekly, monthly: k.quotaMonthly }),
    }),
    quotaUsage: t.field({
      type: [QuotaUsageRef],
      description:
        'Used and remaining per quota the key has (TOTAL, DAILY, WEEKLY, MONTHLY; none without quotas). Priced as a page of 100 nodes: it may seed the counters from the logs.',
      resolve: (k, _a, ctx) => keyQuotaUsage(ctx.service(), k),
    }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    deactivatedAt: t.expose('deactivatedAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    rotatedFrom: t.field({
      type: ApiKeyRef,
      nullable: true,
      resolve: async (k, _a, ctx) => (k.rotatedFromId ? ((await loadKeys([k.rotatedFromId], ctx))[0] ?? null) : null),
    }),
    replacedBy: t.field({
      type: ApiKeyRef,
      nullable: true,
      resolve: async (k, _a, ctx) => (k.replacedById ? ((await loadKeys([k.replacedById], ctx))[0] ?? null) : null),
    }),
    workspace: t.field({
      type: WorkspaceRef,
      resolve: (k, _a, ctx) => loadWorkspace(ctx, k.workspaceId),
    }),
  }),
});

const ApiKeyFilter = builder.inputType('ApiKeyFilter', {
  fields: (t) => ({
    category: t.string(),
    state: t.field({ type: KeyStateEnum }),
    name: t.string({ description: 'Case-insensitive substring.' }),
  }),
});

rootOperation(op.apiKey, (t, declared) =>
  t.field({
    ...declared,
    type: ApiKeyRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => keys.getKey(ctx.service(), String(args.id)),
  }),
);

const keyPages = listConnection('apiKeys', apiKeyList);

rootOperation(op.apiKeys, (t, declared) =>
  t.connection({
    ...declared,
    type: ApiKeyRef,
    args: { filter: t.arg({ type: ApiKeyFilter }) },
    resolve: (_r, args, ctx) =>
      keyPages.resolve(args, (page) =>
        keys.listKeys(
          ctx.service(),
          { category: args.filter?.category ?? undefined, state: args.filter?.state ?? undefined, name: args.filter?.name ?? undefined },
          page,
        ),
      ),
  }),
);

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: '1 to 120 characters; unique among active keys.' }),
    permissions: t.stringList({ required: true, description: 'Scopes, e.g. read:contacts; read, write and lexi are shorthands.' }),
    description: t.string(),
    category: t.string(),
    rateLimitTier: t.field({ type: RateLimitTierEnum }),
    expiresAt: t.field({ type: 'DateTime' }),
    quotas: t.field({ type: QuotaInput }),
  }),
});

const UpdateApiKeyInput = builder.inputType('UpdateApiKeyInput', {
  description: 'Omitted fields are left as they are; null clears description, category, expiry or quotas.',
  fields: (t) => ({
    name: t.string(),
    description: t.string(),
    category: t.string(),
    expiresAt: t.field({ type: 'DateTime' }),
    quotas: t.field({ type: QuotaInput }),
  }),
});

const RotateApiKeyInput = builder.inputType('RotateApiKeyInput', {
  fields: (t) => ({
    name: t.string({ description: "Defaults to the old key's name." }),
    gracePeriodSeconds: t.int({ description: 'How long the old key keeps working (never past its own expiry); 0 or absent: it stops at once.' }),
    expiresAt: t.field({ type: 'DateTime', description: "Expiry of the new key; absent keeps the old key's expiry, null sets none." }),
  }),
});

/** GraphQL input objects carry nulls for "clear"; absent fields are simply missing. Both mean the same to the domain as to REST. */
const plain = <T extends object>(o: T | null | undefined) => (o ? { ...o } : undefined);

const IssuedKeyRef = builder.objectRef<{ secret: string; key: ApiKeyRow; replayed: boolean }>('CreateApiKeyPayload').implement({
  fields: (t) => ({
    secret: t.exposeString('secret', { description: 'The plaintext key. Shown once: store it now.' }),
    apiKey: t.field({ type: ApiKeyRef, resolve: (p) => p.key }),
    replayed: t.exposeBoolean('replayed', { description: 'True when an Idempotency-Key replayed an earlier result.' }),
  }),
});

const RotatedKeyRef = builder.objectRef<keys.RotatedKey>('RotateApiKeyPayload').implement({
  fields: (t) => ({
    secret: t.exposeString('secret', { description: 'The new plaintext key. Shown once: store it now.' }),
    apiKey: t.field({ type: ApiKeyRef, resolve: (p) => p.key }),
    previousApiKey: t.field({ type: ApiKeyRef, resolve: (p) => p.previous }),
  }),
});

const ApiKeyPayloadRef = builder.objectRef<{ key: ApiKeyRow }>('ApiKeyPayload').implement({
  fields: (t) => ({ apiKey: t.field({ type: ApiKeyRef, resolve: (p) => p.key }) }),
});

const DeletePayloadRef = builder.objectRef<{ id: string }>('DeleteApiKeyPayload').implement({
  fields: (t) => ({ deletedApiKeyId: t.exposeID('id') }),
});

rootOperation(op.createApiKey, (t, declared) =>
  t.field({
    ...declared,
    type: IssuedKeyRef,
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    resolve: (_r, { input }, ctx) => keys.createKey(ctx.service(), { ...input, quotas: plain(input.quotas) }),
  }),
);

rootOperation(op.updateApiKey, (t, declared) =>
  t.field({
    ...declared,
    type: ApiKeyPayloadRef,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateApiKeyInput, required: true }) },
    resolve: async (_r, { id, input }, ctx) => ({
      key: await keys.updateKey(ctx.service(), String(id), { ...input, quotas: input.quotas === null ? null : plain(input.quotas) }),
    }),
  }),
);

const lifecycle = (operation: Operation & { kind: 'mutation' }, run: (ctx: GraphQLContext, id: string) => Promise<ApiKeyRow>) =>
  rootOperation(operation, (t, declared) =>
    t.field({
      ...declared,
      type: ApiKeyPayloadRef,
      args: { id: t.arg.id({ required: true }) },
      resolve: async (_r, { id }, ctx) => ({ key: await run(ctx, String(id)) }),
    }),
  );

lifecycle(op.deactivateApiKey, (ctx, id) => keys.deactivateKey(ctx.service(), id));
lifecycle(op.reactivateApiKey, (ctx, id) => keys.reactivateKey(ctx.service(), id));
lifecycle(op.revokeApiKey, (ctx, id) => keys.revokeKey(ctx.service(), id));

rootOperation(op.rotateApiKey, (t, declared) =>
  t.field({
    ...declared,
    type: RotatedKeyRef,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: RotateApiKeyInput }) },
    resolve: (_r, { id, input }, ctx) => keys.rotateKey(ctx.service(), String(id), plain(input) ?? {}),
  }),
);

rootOperation(op.deleteApiKey, (t, declared) =>
  t.field({
    ...declared,
    type: DeletePayloadRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, { id }, ctx) => ({ id: (await keys.deleteKey(ctx.service(), String(id))).id }),
  }),
);
