import type { ApiKeyRow, OperatorAuditRow, WorkspaceRow } from '../db/schema.js';
import type { EffectivePlan } from '../domain/limits/override.js';
import { overrideRecord } from '../domain/operator/audit.js';
import type { ManagedWorkspace } from '../domain/operator/workspaces.js';
import { keyState } from '../domain/keys/state.js';
import { displayHint } from '../domain/keys/secret.js';
import type { Principal } from '../domain/principal.js';
import type { QuotaUsage } from '../domain/keys/quota-usage.js';
import type { SearchedLead } from '../domain/leads/search.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Seed 003's fields first, in its order; then ours. `key` only where the secret is issued. */
export function restKey(row: ApiKeyRow, now: number, secret?: string) {
  return {
    id: row.id,
    ...(secret !== undefined ? { key: secret } : {}),
    prefix: row.prefix,
    name: row.name,
    description: row.description,
    permissions: row.permissions,
    rate_limit_tier: row.rateLimitTier,
    expires_at: iso(row.expiresAt),
    created_at: iso(row.createdAt),
    category: row.category,
    quotas: { total: row.quotaTotal, daily: row.quotaDaily, weekly: row.quotaWeekly, monthly: row.quotaMonthly },
    state: keyState(row, now),
    last4: row.last4,
    hint: displayHint(row),
    workspace_id: row.workspaceId,
    updated_at: iso(row.updatedAt),
    last_used_at: iso(row.lastUsedAt),
    deactivated_at: iso(row.deactivatedAt),
    revoked_at: iso(row.revokedAt),
    rotated_from_id: row.rotatedFromId,
    replaced_by_id: row.replacedById,
  };
}

/** Only the quotas the key has, by name: `{"daily": {"limit", "used", "remaining", "next_slot_at"}}`; `{}` without quotas. */
export function restQuotaUsage(usage: QuotaUsage[]) {
  return Object.fromEntries(usage.map((u) => [u.name, { limit: u.limit, used: u.used, remaining: u.remaining, next_slot_at: iso(u.nextSlotAt) }]));
}

/** The plan's limits as they hold now; `override` says when lifted numbers end (null: the plan's own). */
export function restPlan(p: EffectivePlan) {
  return {
    id: p.id,
    name: p.name,
    requests_per_second: p.requestsPerSecond,
    requests_per_minute: p.requestsPerMinute,
    requests_per_day: p.requestsPerDay,
    ai_requests_per_minute: p.aiRequestsPerMinute,
    allows_unmetered: p.allowsUnmetered,
    override: overrideRecord(p.override),
  };
}

export function restWorkspace(w: Pick<WorkspaceRow, 'id' | 'name' | 'planId' | 'createdAt'>) {
  return { id: w.id, name: w.name, plan_id: w.planId, created_at: iso(w.createdAt) };
}

export function restMe(p: Principal, workspace: Omit<WorkspaceRow, 'creditBalance'>, plan: EffectivePlan, quotaUsage: QuotaUsage[]) {
  return {
    id: p.keyId,
    name: p.name,
    prefix: p.prefix,
    permissions: p.permissions,
    rate_limit_tier: p.rateLimitTier,
    expires_at: p.expiresAt === null ? null : new Date(p.expiresAt).toISOString(),
    workspace: restWorkspace(workspace),
    plan: restPlan(plan),
    quota_usage: restQuotaUsage(quotaUsage),
  };
}

/** A workspace as an operator sees it. */
export function restManagedWorkspace(w: ManagedWorkspace) {
  return {
    id: w.id,
    name: w.name,
    plan_id: w.plan.id,
    created_at: iso(w.createdAt),
    plan: restPlan(w.plan),
    credit_balance: w.creditBalance,
    key_count: w.keyCount,
    calls_today: w.callsToday,
  };
}

export function restAuditEntry(a: OperatorAuditRow) {
  return { id: a.id, workspace_id: a.workspaceId, actor: a.actor, action: a.action, before: a.before, after: a.after, at: iso(a.at) };
}

/** A lead row of a search: every column in snake_case, and whether this request paid for it. */
export function restB2bLead(r: SearchedLead<'b2b'>) {
  return {
    id: r.id,
    external_id: r.externalId,
    first_name: r.firstName,
    last_name: r.lastName,
    title: r.title,
    seniority: r.seniority,
    department: r.department,
    email: r.email,
    phone: r.phone,
    linkedin_url: r.linkedinUrl,
    city: r.city,
    region: r.region,
    country: r.country,
    company_name: r.companyName,
    company_domain: r.companyDomain,
    industry: r.industry,
    company_size: r.companySize,
    revenue_range: r.revenueRange,
    company_city: r.companyCity,
    company_country: r.companyCountry,
    updated_at: iso(r.updatedAt),
    charged: r.charged,
  };
}

export function restLocalLead(r: SearchedLead<'local'>) {
  return {
    id: r.id,
    external_id: r.externalId,
    name: r.name,
    category: r.category,
    address: r.address,
    city: r.city,
    region: r.region,
    country: r.country,
    postal_code: r.postalCode,
    latitude: r.latitude,
    longitude: r.longitude,
    phone: r.phone,
    website: r.website,
    email: r.email,
    rating: r.rating,
    review_count: r.reviewCount,
    updated_at: iso(r.updatedAt),
    charged: r.charged,
  };
}

export function restCreatorLead(r: SearchedLead<'creators'>) {
  return {
    id: r.id,
    external_id: r.externalId,
    display_name: r.displayName,
    handle: r.handle,
    platform: r.platform,
    profile_url: r.profileUrl,
    followers: r.followers,
    engagement_rate: r.engagementRate,
    niches: r.niches,
    country: r.country,
    language: r.language,
    email: r.email,
    verified: r.verified,
    updated_at: iso(r.updatedAt),
    charged: r.charged,
  };
}
