import { z } from 'zod';
import { keyStateFilter, RATE_LIMIT_TIERS } from '../domain/keys/inputs.js';
import { PLATFORMS, SENIORITIES } from '../domain/leads/inputs.js';
import type { AuditAction } from '../domain/operator/audit.js';

/**
 * What REST answers, as zod: the resources every operation's `output` is built from. REST
 * writes snake_case, so these do too. Each shape in `SHAPES` is a named component of the
 * OpenAPI document (its key is the name); test/api-docs.test.ts checks real responses of every
 * route against what they render to.
 */

const str = z.string();
const int = z.int();
const time = z.iso.datetime();
const strs = z.array(str);

const quotas = z.object({ total: int.nullable(), daily: int.nullable(), weekly: int.nullable(), monthly: int.nullable() });

const rateLimitTier = z.enum(RATE_LIMIT_TIERS);

const apiKeyFields = {
  id: str,
  prefix: str,
  name: str,
  description: str.nullable(),
  permissions: strs,
  rate_limit_tier: rateLimitTier,
  expires_at: time.nullable(),
  created_at: time,
  category: str.nullable(),
  quotas,
  state: z.enum(keyStateFilter.options),
  last4: str,
  hint: str,
  workspace_id: str,
  updated_at: time,
  last_used_at: time.nullable(),
  deactivated_at: time.nullable(),
  revoked_at: time.nullable(),
  rotated_from_id: str.nullable(),
  replaced_by_id: str.nullable(),
};

const quotaUsage = z
  .partialRecord(z.enum(['total', 'daily', 'weekly', 'monthly']), z.object({ limit: int, used: int, remaining: int, next_slot_at: time.nullable() }))
  .describe('Only the quotas the key has, by name; `{}` without quotas.');

const limitOverride = z.object({
  multiplier: z.number().nullable(),
  requests_per_second: int.nullable(),
  requests_per_minute: int.nullable(),
  requests_per_day: int.nullable(),
  ai_requests_per_minute: int.nullable(),
  expires_at: time,
  reason: str.nullable(),
});

const Plan = z.object({
  id: str,
  name: str,
  requests_per_second: int,
  requests_per_minute: int,
  requests_per_day: int,
  ai_requests_per_minute: int,
  allows_unmetered: z.boolean(),
  override: limitOverride.nullable(),
});

const workspaceFields = { id: str, name: str, plan_id: str, created_at: time };
const Workspace = z.object(workspaceFields);

const ApiKey = z.object(apiKeyFields);

const text = str.nullable();
const num = z.number().nullable();
/** What every lead row of a search carries beyond its own columns. */
const leadRowFields = {
  id: str.describe('Stable across imports: derived from the kind and the external id'),
  external_id: str.describe("The importer's id of the row"),
  updated_at: time.describe('When the row was last imported'),
  charged: z.boolean().describe('Whether this request paid for the row (false: the workspace had unlocked it before)'),
};

const B2bLead = z.object({
  ...leadRowFields,
  first_name: text,
  last_name: text,
  title: text,
  seniority: z.enum(SENIORITIES).nullable(),
  department: text,
  email: text,
  phone: text,
  linkedin_url: text,
  city: text,
  region: text,
  country: text.describe('ISO 3166-1 alpha-2'),
  company_name: text,
  company_domain: text,
  industry: text,
  company_size: int.nullable().describe('Employees'),
  revenue_range: text,
  company_city: text,
  company_country: text,
});

const LocalLead = z.object({
  ...leadRowFields,
  name: str,
  category: text,
  address: text,
  city: text,
  region: text,
  country: text.describe('ISO 3166-1 alpha-2'),
  postal_code: text,
  latitude: num,
  longitude: num,
  phone: text,
  website: text,
  email: text,
  rating: num.describe('0 to 5'),
  review_count: int.nullable(),
});

const CreatorLead = z.object({
  ...leadRowFields,
  display_name: text,
  handle: str,
  platform: z.enum(PLATFORMS),
  profile_url: text,
  followers: int,
  engagement_rate: num.describe('A fraction: 0.045 is 4.5%'),
  niches: strs.describe('Lower case'),
  country: text.describe('ISO 3166-1 alpha-2'),
  language: text,
  email: text,
  verified: z.boolean(),
});

const AUDIT_ACTIONS = ['workspace_updated', 'override_set', 'override_cleared', 'credits_added'] as const satisfies readonly AuditAction[];

export const SHAPES = {
  ApiKey,
  ApiKeyWithSecret: z.object({ ...apiKeyFields, key: str.describe('The plaintext secret, `wbk_live_…`; shown only in this response.') }),
  ApiKeyWithQuotaUsage: z.object({ ...apiKeyFields, quota_usage: quotaUsage }),
  Plan,
  Workspace,
  WorkspaceWithBalance: z.object({ ...workspaceFields, credit_balance: int, plan: Plan }),
  Me: z.object({
    id: str,
    name: str,
    prefix: str,
    permissions: strs,
    rate_limit_tier: rateLimitTier,
    expires_at: time.nullable(),
    workspace: Workspace,
    plan: Plan,
    quota_usage: quotaUsage,
  }),
  ManagedWorkspace: z.object({ ...workspaceFields, plan: Plan, credit_balance: int, key_count: int, calls_today: int }),
  AuditEntry: z.object({
    id: str,
    workspace_id: str,
    actor: str.describe('The operator key\'s id, or "cli"'),
    action: z.enum(AUDIT_ACTIONS),
    before: z.record(str, z.unknown()).describe('The changed fields before'),
    after: z.record(str, z.unknown()).describe('The same fields after'),
    at: time,
  }),
  RequestLog: z.object({
    id: str,
    request_id: str,
    endpoint: str,
    method: str,
    operation_type: str.nullable(),
    operation_name: str.nullable(),
    status: int,
    duration_ms: z.number(),
    ip: str,
    credits: int,
    cost: int.describe('Rate-limit points the request consumed (GraphQL: by its cost; REST: 1)'),
    error_code: str.nullable(),
    key_id: str.nullable(),
    key_prefix: str.nullable(),
    at: time,
  }),
  Usage: z.object({
    from: time,
    to: time,
    calls: int,
    errors: int,
    error_rate: z.number(),
    credits_used: int,
    last_used_at: time.nullable(),
    endpoints: z.array(z.object({ endpoint: str, calls: int, errors: int, error_rate: z.number() })),
  }),
  Deleted: z.object({ id: str, deleted: z.literal(true) }),
  B2bLead,
  LocalLead,
  CreatorLead,
  LeadCount: z.object({ total: int.describe('Rows matching the filters; none is unlocked or charged') }),
} satisfies Record<string, z.ZodType>;

/** A body of one resource: `{"data": …}`. */
export const one = <T extends z.ZodType>(shape: T) => z.object({ data: shape });

/** A page of a newest-first list. */
export const page = <T extends z.ZodType>(shape: T) =>
  z.object({ data: z.array(shape), has_more: z.boolean(), next_cursor: str.nullable().describe('Pass as `cursor` for the next page') });
