import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ERROR_STATUS, type ErrorCode } from '../../src/domain/errors.js';
import type { LeadKind } from '../../src/domain/leads/inputs.js';
import type { KeyFieldsFragment, LogFieldsFragment, QuotaUsageFieldsFragment, UsageFieldsFragment } from '../gql/graphql.js';
import type { CallOptions, Reply, TestServer } from './harness.js';
import * as ops from './operations.js';

/**
 * One driver per surface, so every rule is written once and proven on both. Inputs are the
 * domain's camelCase; the REST driver sends them in snake_case as a REST client would.
 */
export interface KeyView {
  id: string;
  name: string;
  description: string | null;
  category: string | null;
  permissions: string[];
  rateLimitTier: string;
  prefix: string;
  last4: string | null;
  hint: string;
  state: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  quotas: { total: number | null; daily: number | null; weekly: number | null; monthly: number | null };
  rotatedFromId: string | null;
  replacedById: string | null;
}

export interface Outcome<T> {
  /** The catalog status: the HTTP status on REST, the status of the error code on GraphQL. */
  status: number;
  /** The HTTP status actually sent. */
  httpStatus: number;
  code?: string;
  message?: string;
  data?: T;
  headers: Headers;
}

export interface CreateInput {
  name?: unknown;
  permissions?: unknown;
  description?: unknown;
  category?: unknown;
  rateLimitTier?: unknown;
  expiresAt?: unknown;
  quotas?: unknown;
}

export interface LogView {
  id: string;
  requestId: string;
  endpoint: string;
  status: number;
  durationMs: number;
  ip: string;
  credits: number;
  cost: number;
  errorCode: string | null;
  keyPrefix: string | null;
  apiKeyId: string | null;
  at: string;
}

export interface LogQuery {
  apiKeyId?: string;
  status?: number;
  statusClass?: '2xx' | '3xx' | '4xx' | '5xx';
  endpoint?: string;
  from?: string;
  to?: string;
  first?: number;
  after?: string;
}

export interface UsageView {
  calls: number;
  errors: number;
  errorRate: number;
  creditsUsed: number;
  lastUsedAt: string | null;
  endpoints: { endpoint: string; calls: number; errors: number; errorRate: number }[];
}

export interface QuotaUsageView {
  limit: number;
  used: number;
  remaining: number;
  nextSlotAt: string | null;
}

/** Only the quotas the key has, by window: total, daily, weekly, monthly. */
export type QuotaUsagesView = Record<string, QuotaUsageView>;

export type OwnLogQuery = Omit<LogQuery, 'apiKeyId'>;

/** A lead search as the domain reads it (camelCase); the REST driver sends it in snake_case, the GraphQL one as filter/first/after/maxCredits. */
export interface LeadSearchQuery {
  filters?: Record<string, unknown>;
  limit?: number;
  cursor?: string | null;
  maxCredits?: number;
}

/** A lead row as both surfaces show it, in camelCase, enums in lower case (as REST sends them). */
export type LeadView = Record<string, unknown> & { id: string; externalId: string; charged: boolean };

export interface LeadPageView {
  items: LeadView[];
  hasMore: boolean;
  nextCursor: string | null;
  /** REST's credits_used; GraphQL's creditsUsed on the connection. */
  creditsUsed: number;
  /** What the answer reports beside the data: REST's credits_used again, GraphQL's extensions.credits_used. */
  reportedCredits: unknown;
}

export interface Surface {
  name: 'rest' | 'graphql';
  createKey(key: string, input: CreateInput, opts?: CallOptions): Promise<Outcome<KeyView & { secret: string; replayed: boolean }>>;
  getKey(key: string, id: string, opts?: CallOptions): Promise<Outcome<KeyView>>;
  listKeys(
    key: string,
    q?: { category?: string; state?: string; name?: string; first?: number; after?: string },
  ): Promise<Outcome<{ items: KeyView[]; next: string | null }>>;
  updateKey(key: string, id: string, patch: Record<string, unknown>): Promise<Outcome<KeyView>>;
  deactivateKey(key: string, id: string): Promise<Outcome<KeyView>>;
  reactivateKey(key: string, id: string): Promise<Outcome<KeyView>>;
  revokeKey(key: string, id: string): Promise<Outcome<KeyView>>;
  rotateKey(
    key: string,
    id: string,
    input?: { name?: string; gracePeriodSeconds?: number; expiresAt?: string },
  ): Promise<Outcome<{ key: KeyView; secret: string; previous: KeyView }>>;
  deleteKey(key: string, id: string): Promise<Outcome<{ id: string }>>;
  me(
    key: string | undefined,
    opts?: CallOptions,
  ): Promise<Outcome<{ id: string; name: string; prefix: string; permissions: string[]; workspaceId: string; planName: string }>>;
  /** Workspace logs, or one key's (REST: /v1/api-keys/:id/logs; GraphQL: ApiKey.requestLogs) with `viaKey`. */
  logs(key: string, q?: LogQuery, viaKey?: string): Promise<Outcome<{ items: LogView[]; next: string | null }>>;
  usage(key: string, keyId?: string): Promise<Outcome<UsageView>>;
  creditBalance(key: string): Promise<Outcome<number>>;
  /** One key's quota usage (REST: GET /v1/api-keys/:id; GraphQL: ApiKey.quotaUsage). */
  quotaUsage(key: string, id: string): Promise<Outcome<QuotaUsagesView>>;
  /** The calling key's own (REST: GET /v1/me; GraphQL: Viewer.quotaUsage). */
  ownQuotaUsage(key: string): Promise<Outcome<QuotaUsagesView>>;
  /** REST: /v1/me/logs; GraphQL: viewer.requestLogs. */
  ownLogs(key: string, q?: OwnLogQuery): Promise<Outcome<{ items: LogView[]; next: string | null }>>;
  /** REST: /v1/me/usage; GraphQL: viewer.usage. */
  ownUsage(key: string, window?: { from?: string; to?: string }): Promise<Outcome<UsageView>>;
  searchLeads(key: string, kind: LeadKind, q?: LeadSearchQuery): Promise<Outcome<LeadPageView>>;
  /** `creditsUsed`: REST's credits_used, GraphQL's extensions.credits_used. */
  countLeads(key: string, kind: LeadKind, q?: { filters?: Record<string, unknown> }): Promise<Outcome<{ total: number; creditsUsed: unknown }>>;
  /** The endpoint name a `me` call is logged under. */
  meEndpoint: string;
  /** The endpoint name a lead search of `kind` is logged under. */
  leadSearchEndpoint(kind: LeadKind): string;
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const snakeKeys = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [snake(k), v]));
const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Field names in snake_case at every depth, as a REST client writes a body. */
function snakeDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(snakeDeep);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [snake(k), snakeDeep(x)]));
}

const restLead = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).map(([k, v]) => [camel(k), v])) as LeadView;

const GQL_ENUM_FILTERS = ['seniorities', 'platforms'];
/** The domain's filters as GraphQL's typed filter: enum values in upper case. */
function gqlFilter(filters: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!filters) return undefined;
  const out = { ...filters };
  for (const f of GQL_ENUM_FILTERS) if (Array.isArray(out[f])) out[f] = (out[f] as unknown[]).map((v) => (typeof v === 'string' ? v.toUpperCase() : v));
  return out;
}

function gqlLead(node: Record<string, unknown>): LeadView {
  const out: Record<string, unknown> = { ...node };
  for (const f of ['seniority', 'platform']) if (typeof out[f] === 'string') out[f] = (out[f] as string).toLowerCase();
  out.updatedAt = new Date(out.updatedAt as string).toISOString();
  return out as LeadView;
}

type AnyDocument = TypedDocumentNode<any, any>;
const GQL_LEADS: Record<LeadKind, { search: AnyDocument; count: AnyDocument; field: string; countField: string; operation: string }> = {
  b2b: { search: ops.SearchB2bLeads, count: ops.CountB2bLeads, field: 'searchB2bLeads', countField: 'countB2bLeads', operation: 'SearchB2bLeads' },
  local: { search: ops.SearchLocalLeads, count: ops.CountLocalLeads, field: 'searchLocalLeads', countField: 'countLocalLeads', operation: 'SearchLocalLeads' },
  creators: {
    search: ops.SearchCreatorLeads,
    count: ops.CountCreatorLeads,
    field: 'searchCreatorLeads',
    countField: 'countCreatorLeads',
    operation: 'SearchCreatorLeads',
  },
};

type RestKey = Record<string, any>;
function fromRest(k: RestKey): KeyView {
  return {
    id: k.id,
    name: k.name,
    description: k.description,
    category: k.category,
    permissions: k.permissions,
    rateLimitTier: k.rate_limit_tier,
    prefix: k.prefix,
    last4: k.last4,
    hint: k.hint,
    state: k.state,
    expiresAt: k.expires_at,
    lastUsedAt: k.last_used_at,
    quotas: k.quotas,
    rotatedFromId: k.rotated_from_id,
    replacedById: k.replaced_by_id,
  };
}

function fromGql(k: KeyFieldsFragment): KeyView {
  return {
    id: k.id,
    name: k.name,
    description: k.description ?? null,
    category: k.category ?? null,
    permissions: k.permissions,
    rateLimitTier: k.rateLimitTier.toLowerCase(),
    prefix: k.prefix,
    last4: k.last4 ?? null,
    hint: k.hint,
    state: k.state.toLowerCase(),
    expiresAt: k.expiresAt ? new Date(k.expiresAt).toISOString() : null,
    lastUsedAt: k.lastUsedAt ? new Date(k.lastUsedAt).toISOString() : null,
    quotas: { total: k.quotas.total ?? null, daily: k.quotas.daily ?? null, weekly: k.quotas.weekly ?? null, monthly: k.quotas.monthly ?? null },
    rotatedFromId: k.rotatedFrom?.id ?? null,
    replacedById: k.replacedBy?.id ?? null,
  };
}

function fromRestLog(l: Record<string, any>): LogView {
  return {
    id: l.id,
    requestId: l.request_id,
    endpoint: l.endpoint,
    status: l.status,
    durationMs: l.duration_ms,
    ip: l.ip,
    credits: l.credits,
    cost: l.cost,
    errorCode: l.error_code,
    keyPrefix: l.key_prefix,
    apiKeyId: l.key_id,
    at: l.at,
  };
}

function fromRestUsage(u: Record<string, any>): UsageView {
  return {
    calls: u.calls,
    errors: u.errors,
    errorRate: u.error_rate,
    creditsUsed: u.credits_used,
    lastUsedAt: u.last_used_at,
    endpoints: u.endpoints.map((e: Record<string, any>) => ({ endpoint: e.endpoint, calls: e.calls, errors: e.errors, errorRate: e.error_rate })),
  };
}

function fromGqlLog(l: LogFieldsFragment): LogView {
  return {
    id: l.id,
    requestId: l.requestId,
    endpoint: l.endpoint,
    status: l.status,
    durationMs: l.durationMs,
    ip: l.ip,
    credits: l.credits,
    cost: l.cost,
    errorCode: l.errorCode ?? null,
    keyPrefix: l.keyPrefix ?? null,
    apiKeyId: l.apiKeyId ?? null,
    at: new Date(l.at).toISOString(),
  };
}

function fromGqlUsage(u: UsageFieldsFragment): UsageView {
  return {
    calls: u.calls,
    errors: u.errors,
    errorRate: u.errorRate,
    creditsUsed: u.creditsUsed,
    lastUsedAt: u.lastUsedAt ? new Date(u.lastUsedAt).toISOString() : null,
    endpoints: u.endpoints.map((e) => ({ ...e })),
  };
}

function fromRestQuotaUsage(u: Record<string, Record<string, any>>): QuotaUsagesView {
  return Object.fromEntries(Object.entries(u).map(([name, q]) => [name, { limit: q.limit, used: q.used, remaining: q.remaining, nextSlotAt: q.next_slot_at }]));
}

function fromGqlQuotaUsage(u: readonly QuotaUsageFieldsFragment[]): QuotaUsagesView {
  return Object.fromEntries(
    u.map((q) => [
      q.window.toLowerCase(),
      { limit: q.limit, used: q.used, remaining: q.remaining, nextSlotAt: q.nextSlotAt ? new Date(q.nextSlotAt).toISOString() : null },
    ]),
  );
}

function logParams(q: LogQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.apiKeyId) p.set('key_id', q.apiKeyId);
  if (q.status !== undefined) p.set('status', String(q.status));
  if (q.statusClass) p.set('status_class', q.statusClass);
  if (q.endpoint) p.set('endpoint', q.endpoint);
  if (q.from) p.set('from', q.from);
  if (q.to) p.set('to', q.to);
  if (q.first !== undefined) p.set('limit', String(q.first));
  if (q.after) p.set('cursor', q.after);
  return p;
}

const STATUS_CLASSES = { '2xx': 'SUCCESS', '3xx': 'REDIRECTION', '4xx': 'CLIENT_ERROR', '5xx': 'SERVER_ERROR' } as const;

export function restOutcome<T>(r: Reply<any>, map: (b: any) => T): Outcome<T> {
  if (r.status >= 400) return { status: r.status, httpStatus: r.status, code: r.body?.error?.code, message: r.body?.error?.message, headers: r.headers };
  return { status: r.status, httpStatus: r.status, data: map(r.body), headers: r.headers };
}

export function gqlOutcome<R, T>(
  r: Reply<{ data?: R | null; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }>,
  map: (d: R) => T,
  okStatus = 200,
): Outcome<T> {
  const err = r.body.errors?.[0];
  if (err) {
    const code = String(err.extensions?.code);
    return { status: ERROR_STATUS[code as ErrorCode] ?? 500, httpStatus: r.status, code, message: err.message, headers: r.headers };
  }
  return { status: okStatus, httpStatus: r.status, data: map(r.body.data as R), headers: r.headers };
}

export function restSurface(t: TestServer): Surface {
  return {
    name: 'rest',
    createKey: async (key, input, opts) =>
      restOutcome(await t.rest('POST', '/v1/api-keys', { key, body: snakeKeys(input as Record<string, unknown>), ...opts }), (b) => ({
        ...fromRest(b.data),
        secret: b.data.key,
        replayed: false,
      })),
    getKey: async (key, id, opts) => restOutcome(await t.rest('GET', `/v1/api-keys/${id}`, { key, ...opts }), (b) => fromRest(b.data)),
    async listKeys(key, q = {}) {
      const params = new URLSearchParams();
      if (q.category !== undefined) params.set('category', q.category);
      if (q.state !== undefined) params.set('state', q.state);
      if (q.name !== undefined) params.set('name', q.name);
      if (q.first !== undefined) params.set('limit', String(q.first));
      if (q.after !== undefined) params.set('cursor', q.after);
      return restOutcome(await t.rest('GET', `/v1/api-keys?${params}`, { key }), (b) => ({ items: b.data.map(fromRest), next: b.next_cursor }));
    },
    updateKey: async (key, id, patch) => restOutcome(await t.rest('PATCH', `/v1/api-keys/${id}`, { key, body: snakeKeys(patch) }), (b) => fromRest(b.data)),
    deactivateKey: async (key, id) => restOutcome(await t.rest('POST', `/v1/api-keys/${id}/deactivate`, { key }), (b) => fromRest(b.data)),
    reactivateKey: async (key, id) => restOutcome(await t.rest('POST', `/v1/api-keys/${id}/reactivate`, { key }), (b) => fromRest(b.data)),
    revokeKey: async (key, id) => restOutcome(await t.rest('POST', `/v1/api-keys/${id}/revoke`, { key }), (b) => fromRest(b.data)),
    rotateKey: async (key, id, input) =>
      restOutcome(await t.rest('POST', `/v1/api-keys/${id}/rotate`, { key, body: input ? snakeKeys(input) : undefined }), (b) => ({
        key: fromRest(b.data),
        secret: b.data.key,
        previous: fromRest(b.previous),
      })),
    deleteKey: async (key, id) => restOutcome(await t.rest('DELETE', `/v1/api-keys/${id}`, { key }), (b) => ({ id: b.data.id })),
    me: async (key, opts) =>
      restOutcome(await t.rest('GET', '/v1/me', { key, ...opts }), (b) => ({
        id: b.data.id,
        name: b.data.name,
        prefix: b.data.prefix,
        permissions: b.data.permissions,
        workspaceId: b.data.workspace.id,
        planName: b.data.plan.name,
      })),
    async logs(key, q = {}, viaKey) {
      const path = viaKey ? `/v1/api-keys/${viaKey}/logs` : '/v1/logs';
      return restOutcome(await t.rest('GET', `${path}?${logParams(q)}`, { key }), (b) => ({ items: b.data.map(fromRestLog), next: b.next_cursor }));
    },
    usage: async (key, keyId) => restOutcome(await t.rest('GET', keyId ? `/v1/api-keys/${keyId}/usage` : '/v1/usage', { key }), (b) => fromRestUsage(b.data)),
    creditBalance: async (key) => restOutcome(await t.rest('GET', '/v1/workspace', { key }), (b) => b.data.credit_balance as number),
    quotaUsage: async (key, id) => restOutcome(await t.rest('GET', `/v1/api-keys/${id}`, { key }), (b) => fromRestQuotaUsage(b.data.quota_usage)),
    ownQuotaUsage: async (key) => restOutcome(await t.rest('GET', '/v1/me', { key }), (b) => fromRestQuotaUsage(b.data.quota_usage)),
    ownLogs: async (key, q = {}) =>
      restOutcome(await t.rest('GET', `/v1/me/logs?${logParams(q)}`, { key }), (b) => ({ items: b.data.map(fromRestLog), next: b.next_cursor })),
    async ownUsage(key, w = {}) {
      const p = new URLSearchParams(Object.entries(w).filter((e): e is [string, string] => e[1] !== undefined));
      return restOutcome(await t.rest('GET', `/v1/me/usage?${p}`, { key }), (b) => fromRestUsage(b.data));
    },
    searchLeads: async (key, kind, q = {}) =>
      restOutcome(await t.rest('POST', `/v1/leads/${kind}/search`, { key, body: snakeDeep(q) }), (b) => ({
        items: b.data.map(restLead),
        hasMore: b.has_more,
        nextCursor: b.next_cursor,
        creditsUsed: b.credits_used,
        reportedCredits: b.credits_used,
      })),
    countLeads: async (key, kind, q = {}) =>
      restOutcome(await t.rest('POST', `/v1/leads/${kind}/count`, { key, body: snakeDeep(q) }), (b) => ({ total: b.data.total, creditsUsed: b.credits_used })),
    meEndpoint: 'GET /v1/me',
    leadSearchEndpoint: (kind) => `POST /v1/leads/${kind}/search`,
  };
}

const gqlTier = (v: unknown) => (typeof v === 'string' ? v.toUpperCase() : v);

export function graphqlSurface(t: TestServer): Surface {
  return {
    name: 'graphql',
    async createKey(key, input, opts) {
      const gi = { ...input, rateLimitTier: input.rateLimitTier === undefined ? undefined : gqlTier(input.rateLimitTier) };
      const r = await t.gql(ops.CreateKey, { input: gi as never }, { key, ...opts });
      return gqlOutcome(r, (d) => ({ ...fromGql(d.createApiKey.apiKey), secret: d.createApiKey.secret, replayed: d.createApiKey.replayed }), 201);
    },
    getKey: async (key, id, opts) => gqlOutcome(await t.gql(ops.GetKey, { id }, { key, ...opts }), (d) => fromGql(d.apiKey)),
    async listKeys(key, q = {}) {
      const filter = { category: q.category, name: q.name, state: q.state?.toUpperCase() as never };
      const r = await t.gql(ops.ListKeys, { first: q.first, after: q.after, filter }, { key });
      return gqlOutcome(r, (d) => ({
        items: d.apiKeys.edges.map((e) => fromGql(e.node)),
        next: d.apiKeys.pageInfo.hasNextPage ? (d.apiKeys.pageInfo.endCursor ?? null) : null,
      }));
    },
    updateKey: async (key, id, patch) => gqlOutcome(await t.gql(ops.UpdateKey, { id, input: patch as never }, { key }), (d) => fromGql(d.updateApiKey.apiKey)),
    deactivateKey: async (key, id) => gqlOutcome(await t.gql(ops.DeactivateKey, { id }, { key }), (d) => fromGql(d.deactivateApiKey.apiKey)),
    reactivateKey: async (key, id) => gqlOutcome(await t.gql(ops.ReactivateKey, { id }, { key }), (d) => fromGql(d.reactivateApiKey.apiKey)),
    revokeKey: async (key, id) => gqlOutcome(await t.gql(ops.RevokeKey, { id }, { key }), (d) => fromGql(d.revokeApiKey.apiKey)),
    rotateKey: async (key, id, input) =>
      gqlOutcome(
        await t.gql(ops.RotateKey, { id, input }, { key }),
        (d) => ({ key: fromGql(d.rotateApiKey.apiKey), secret: d.rotateApiKey.secret, previous: fromGql(d.rotateApiKey.previousApiKey) }),
        201,
      ),
    deleteKey: async (key, id) => gqlOutcome(await t.gql(ops.DeleteKey, { id }, { key }), (d) => ({ id: d.deleteApiKey.deletedApiKeyId })),
    me: async (key, opts) =>
      gqlOutcome(await t.gql(ops.Viewer, {}, { key, ...opts }), (d) => ({
        id: d.viewer.id,
        name: d.viewer.name,
        prefix: d.viewer.prefix,
        permissions: d.viewer.permissions,
        workspaceId: d.viewer.workspace.id,
        planName: d.viewer.plan.name,
      })),
    async logs(key, q = {}, viaKey) {
      const { first, after, statusClass, ...rest } = q;
      const filter = { ...rest, statusClass: statusClass ? STATUS_CLASSES[statusClass] : undefined };
      if (viaKey) {
        const r = await t.gql(ops.KeyLogs, { id: viaKey, first, after, filter }, { key });
        return gqlOutcome(r, (d) => ({
          items: d.apiKey.requestLogs.edges.map((e) => fromGqlLog(e.node)),
          next: d.apiKey.requestLogs.pageInfo.hasNextPage ? (d.apiKey.requestLogs.pageInfo.endCursor ?? null) : null,
        }));
      }
      const r = await t.gql(ops.Logs, { first, after, filter }, { key });
      return gqlOutcome(r, (d) => ({
        items: d.requestLogs.edges.map((e) => fromGqlLog(e.node)),
        next: d.requestLogs.pageInfo.hasNextPage ? (d.requestLogs.pageInfo.endCursor ?? null) : null,
      }));
    },
    async usage(key, keyId) {
      if (keyId) return gqlOutcome(await t.gql(ops.KeyUsage, { id: keyId }, { key }), (d) => fromGqlUsage(d.apiKey.usage));
      return gqlOutcome(await t.gql(ops.WorkspaceUsage, {}, { key }), (d) => fromGqlUsage(d.viewer.workspace.usage));
    },
    creditBalance: async (key) => gqlOutcome(await t.gql(ops.WorkspaceUsage, {}, { key }), (d) => d.viewer.workspace.creditBalance),
    quotaUsage: async (key, id) => gqlOutcome(await t.gql(ops.KeyQuotaUsage, { id }, { key }), (d) => fromGqlQuotaUsage(d.apiKey.quotaUsage)),
    ownQuotaUsage: async (key) => gqlOutcome(await t.gql(ops.ViewerQuotaUsage, {}, { key }), (d) => fromGqlQuotaUsage(d.viewer.quotaUsage)),
    async ownLogs(key, q = {}) {
      const { first, after, statusClass, ...rest } = q;
      const filter = { ...rest, statusClass: statusClass ? STATUS_CLASSES[statusClass] : undefined };
      const r = await t.gql(ops.ViewerLogs, { first, after, filter }, { key });
      return gqlOutcome(r, (d) => ({
        items: d.viewer.requestLogs.edges.map((e) => fromGqlLog(e.node)),
        next: d.viewer.requestLogs.pageInfo.hasNextPage ? (d.viewer.requestLogs.pageInfo.endCursor ?? null) : null,
      }));
    },
    ownUsage: async (key, w = {}) => gqlOutcome(await t.gql(ops.ViewerUsage, w, { key }), (d) => fromGqlUsage(d.viewer.usage)),
    async searchLeads(key, kind, q = {}) {
      const { search, field } = GQL_LEADS[kind];
      const variables = { filter: gqlFilter(q.filters), first: q.limit, after: q.cursor, maxCredits: q.maxCredits };
      const r = await t.gql(search, variables, { key });
      return gqlOutcome(r, (d) => {
        const c = d[field];
        return {
          items: c.edges.map((e: { node: Record<string, unknown> }) => gqlLead(e.node)),
          hasMore: c.pageInfo.hasNextPage,
          nextCursor: c.pageInfo.hasNextPage ? c.pageInfo.endCursor : null,
          creditsUsed: c.creditsUsed,
          reportedCredits: r.body.extensions?.credits_used,
        };
      });
    },
    async countLeads(key, kind, q = {}) {
      const { count, countField } = GQL_LEADS[kind];
      const r = await t.gql(count, { filter: gqlFilter(q.filters) }, { key });
      return gqlOutcome(r, (d) => ({ total: d[countField].total, creditsUsed: r.body.extensions?.credits_used }));
    },
    meEndpoint: 'query Viewer',
    leadSearchEndpoint: (kind) => `query ${GQL_LEADS[kind].operation}`,
  };
}

export const SURFACES = [
  ['rest', restSurface],
  ['graphql', graphqlSurface],
] as const;
