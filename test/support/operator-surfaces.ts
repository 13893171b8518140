import type { OperatorWorkspaceFieldsFragment, PlanFieldsFragment } from '../gql/graphql.js';
import type { TestServer } from './harness.js';
import * as ops from './operator-operations.js';
import { gqlOutcome, restOutcome, type Outcome } from './surfaces.js';

/**
 * The operator API, one driver per surface (as surfaces.ts does for the rest), so each rule is
 * written once and proven on REST and GraphQL. Inputs are the domain's camelCase.
 */
export interface OverrideView {
  multiplier: number | null;
  requestsPerSecond: number | null;
  requestsPerMinute: number | null;
  requestsPerDay: number | null;
  aiRequestsPerMinute: number | null;
  expiresAt: string;
  reason: string | null;
}

export interface PlanView {
  id: string;
  name: string;
  requestsPerSecond: number;
  requestsPerMinute: number;
  requestsPerDay: number;
  aiRequestsPerMinute: number;
  override: OverrideView | null;
}

export interface ManagedView {
  id: string;
  name: string;
  plan: PlanView;
  creditBalance: number;
  keyCount: number;
  callsToday: number;
}

export interface AuditView {
  id: string;
  actor: string;
  action: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  at: string;
}

export interface OperatorSurface {
  name: 'rest' | 'graphql';
  list(key: string, q?: { name?: string; plan?: string; first?: number; after?: string }): Promise<Outcome<{ items: ManagedView[]; next: string | null }>>;
  get(key: string, id: string): Promise<Outcome<ManagedView>>;
  update(key: string, id: string, input: Record<string, unknown>): Promise<Outcome<ManagedView>>;
  setOverride(key: string, id: string, input: Record<string, unknown>): Promise<Outcome<ManagedView>>;
  clearOverride(key: string, id: string): Promise<Outcome<ManagedView>>;
  addCredits(key: string, id: string, amount: number): Promise<Outcome<ManagedView>>;
  audit(key: string, id: string, q?: { first?: number; after?: string }): Promise<Outcome<{ items: AuditView[]; next: string | null }>>;
  /** The caller's own plan as `me` and its workspace show it (REST /v1/me and /v1/workspace; GraphQL viewer.plan and viewer.workspace.plan). */
  ownPlans(key: string): Promise<Outcome<{ me: PlanView; workspace: PlanView }>>;
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const snakeKeys = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [snake(k), v]));

type Json = Record<string, any>;
const restOverride = (o: Json | null): OverrideView | null =>
  o && {
    multiplier: o.multiplier,
    requestsPerSecond: o.requests_per_second,
    requestsPerMinute: o.requests_per_minute,
    requestsPerDay: o.requests_per_day,
    aiRequestsPerMinute: o.ai_requests_per_minute,
    expiresAt: o.expires_at,
    reason: o.reason,
  };
const restPlan = (p: Json): PlanView => ({
  id: p.id,
  name: p.name,
  requestsPerSecond: p.requests_per_second,
  requestsPerMinute: p.requests_per_minute,
  requestsPerDay: p.requests_per_day,
  aiRequestsPerMinute: p.ai_requests_per_minute,
  override: restOverride(p.override),
});
const restWorkspace = (w: Json): ManagedView => ({
  id: w.id,
  name: w.name,
  plan: restPlan(w.plan),
  creditBalance: w.credit_balance,
  keyCount: w.key_count,
  callsToday: w.calls_today,
});
const restAudit = (a: Json): AuditView => ({ id: a.id, actor: a.actor, action: a.action, before: a.before, after: a.after, at: a.at });

const iso = (s: string) => new Date(s).toISOString();
const gqlPlan = (p: PlanFieldsFragment): PlanView => ({
  id: p.id,
  name: p.name,
  requestsPerSecond: p.requestsPerSecond,
  requestsPerMinute: p.requestsPerMinute,
  requestsPerDay: p.requestsPerDay,
  aiRequestsPerMinute: p.aiRequestsPerMinute,
  override: p.override && { ...p.override, expiresAt: iso(p.override.expiresAt) },
});
const gqlWorkspace = (w: OperatorWorkspaceFieldsFragment): ManagedView => ({
  id: w.id,
  name: w.name,
  plan: gqlPlan(w.plan),
  creditBalance: w.creditBalance,
  keyCount: w.keyCount,
  callsToday: w.callsToday,
});

function query(q: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
  return p.size ? `?${p}` : '';
}

export function restOperator(t: TestServer): OperatorSurface {
  const path = (id: string, rest = '') => `/v1/operator/workspaces/${id}${rest}`;
  return {
    name: 'rest',
    list: async (key, q = {}) =>
      restOutcome(await t.rest('GET', `/v1/operator/workspaces${query({ name: q.name, plan: q.plan, limit: q.first, cursor: q.after })}`, { key }), (b) => ({
        items: b.data.map(restWorkspace),
        next: b.next_cursor,
      })),
    get: async (key, id) => restOutcome(await t.rest('GET', path(id), { key }), (b) => restWorkspace(b.data)),
    update: async (key, id, input) => restOutcome(await t.rest('PATCH', path(id), { key, body: snakeKeys(input) }), (b) => restWorkspace(b.data)),
    setOverride: async (key, id, input) =>
      restOutcome(await t.rest('PUT', path(id, '/override'), { key, body: snakeKeys(input) }), (b) => restWorkspace(b.data)),
    clearOverride: async (key, id) => restOutcome(await t.rest('DELETE', path(id, '/override'), { key }), (b) => restWorkspace(b.data)),
    addCredits: async (key, id, amount) => restOutcome(await t.rest('POST', path(id, '/credits'), { key, body: { amount } }), (b) => restWorkspace(b.data)),
    audit: async (key, id, q = {}) =>
      restOutcome(await t.rest('GET', path(id, `/audit${query({ limit: q.first, cursor: q.after })}`), { key }), (b) => ({
        items: b.data.map(restAudit),
        next: b.next_cursor,
      })),
    async ownPlans(key) {
      const me = await t.rest('GET', '/v1/me', { key });
      if (me.status >= 400) return restOutcome(me, () => undefined as never);
      return restOutcome(await t.rest('GET', '/v1/workspace', { key }), (b) => ({ me: restPlan(me.body.data.plan), workspace: restPlan(b.data.plan) }));
    },
  };
}

export function graphqlOperator(t: TestServer): OperatorSurface {
  return {
    name: 'graphql',
    async list(key, q = {}) {
      const r = await t.gql(ops.OperatorWorkspaces, { first: q.first, after: q.after, filter: { name: q.name, plan: q.plan } }, { key });
      return gqlOutcome(r, (d) => ({
        items: d.operatorWorkspaces.edges.map((e) => gqlWorkspace(e.node)),
        next: d.operatorWorkspaces.pageInfo.hasNextPage ? (d.operatorWorkspaces.pageInfo.endCursor ?? null) : null,
      }));
    },
    get: async (key, id) => gqlOutcome(await t.gql(ops.OperatorWorkspace, { id }, { key }), (d) => gqlWorkspace(d.operatorWorkspace)),
    update: async (key, id, input) =>
      gqlOutcome(await t.gql(ops.OperatorUpdateWorkspace, { id, input: input as never }, { key }), (d) => gqlWorkspace(d.operatorUpdateWorkspace.workspace)),
    setOverride: async (key, id, input) =>
      gqlOutcome(await t.gql(ops.OperatorSetLimitOverride, { id, input: input as never }, { key }), (d) => gqlWorkspace(d.operatorSetLimitOverride.workspace)),
    clearOverride: async (key, id) =>
      gqlOutcome(await t.gql(ops.OperatorClearLimitOverride, { id }, { key }), (d) => gqlWorkspace(d.operatorClearLimitOverride.workspace)),
    addCredits: async (key, id, amount) =>
      gqlOutcome(await t.gql(ops.OperatorAddCredits, { id, input: { amount } }, { key }), (d) => gqlWorkspace(d.operatorAddCredits.workspace)),
    async audit(key, id, q = {}) {
      const r = await t.gql(ops.OperatorAudit, { id, first: q.first, after: q.after }, { key });
      return gqlOutcome(r, (d) => ({
        items: d.operatorWorkspace.audit.edges.map((e) => ({ ...e.node, at: iso(e.node.at) })),
        next: d.operatorWorkspace.audit.pageInfo.hasNextPage ? (d.operatorWorkspace.audit.pageInfo.endCursor ?? null) : null,
      }));
    },
    ownPlans: async (key) =>
      gqlOutcome(await t.gql(ops.OwnPlans, {}, { key }), (d) => ({ me: gqlPlan(d.viewer.plan), workspace: gqlPlan(d.viewer.workspace.plan) })),
  };
}

export const OPERATOR_SURFACES = [
  ['rest', restOperator],
  ['graphql', graphqlOperator],
] as const;
