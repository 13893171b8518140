/**
 * Response shapes of the REST surface, declared once per resource as JSON Schema (what
 * src/rest/serialize.ts and the route files write; test/api-docs.test.ts checks real responses
 * against them), and the facts about a route that its table does not carry yet.
 */
export type JsonSchema = Record<string, unknown>;

const str = { type: 'string' };
const int = { type: 'integer' };
const time = { type: 'string', format: 'date-time' };
const nullable = (s: JsonSchema): JsonSchema => ({ ...s, type: [s.type as string, 'null'] });
const strs = { type: 'array', items: str };

/** An object whose every property is present (the serializers always write all of them). */
const obj = (properties: Record<string, JsonSchema>): JsonSchema => ({ type: 'object', required: Object.keys(properties), properties });

const quotas = obj({ total: nullable(int), daily: nullable(int), weekly: nullable(int), monthly: nullable(int) });

const apiKeyFields = {
  id: str,
  prefix: str,
  name: str,
  description: nullable(str),
  permissions: strs,
  rate_limit_tier: { type: 'string', enum: ['standard', 'high', 'unmetered'] },
  expires_at: nullable(time),
  created_at: time,
  category: nullable(str),
  quotas,
  state: { type: 'string', enum: ['active', 'inactive', 'revoked', 'expired'] },
  last4: str,
  hint: str,
  workspace_id: str,
  updated_at: time,
  last_used_at: nullable(time),
  deactivated_at: nullable(time),
  revoked_at: nullable(time),
  rotated_from_id: nullable(str),
  replaced_by_id: nullable(str),
};

const quotaUsage = {
  type: 'object',
  description: 'Only the quotas the key has, by name (total, daily, weekly, monthly); `{}` without quotas.',
  additionalProperties: obj({ limit: int, used: int, remaining: int, next_slot_at: nullable(time) }),
};

const limitOverride = nullable({
  ...obj({
    multiplier: nullable({ type: 'number' }),
    requests_per_second: nullable(int),
    requests_per_minute: nullable(int),
    requests_per_day: nullable(int),
    ai_requests_per_minute: nullable(int),
    expires_at: time,
    reason: nullable(str),
  }),
  type: 'object',
});

const workspaceFields = { id: str, name: str, plan_id: str, created_at: time };

const requestLog = obj({
  id: str,
  request_id: str,
  endpoint: str,
  method: str,
  operation_type: nullable(str),
  operation_name: nullable(str),
  status: int,
  duration_ms: { type: 'number' },
  ip: str,
  credits: int,
  cost: { ...int, description: 'Rate-limit points the request consumed (GraphQL: by its cost; REST: 1)' },
  error_code: nullable(str),
  key_id: nullable(str),
  key_prefix: nullable(str),
  at: time,
});

export const SCHEMAS = {
  ApiKey: obj(apiKeyFields),
  ApiKeyWithSecret: obj({ ...apiKeyFields, key: { type: 'string', description: 'The plaintext secret, `wbk_live_…`; shown only in this response.' } }),
  ApiKeyWithQuotaUsage: obj({ ...apiKeyFields, quota_usage: quotaUsage }),
  Plan: obj({
    id: str,
    name: str,
    requests_per_second: int,
    requests_per_minute: int,
    requests_per_day: int,
    ai_requests_per_minute: int,
    allows_unmetered: { type: 'boolean' },
    override: limitOverride,
  }),
  Workspace: obj(workspaceFields),
  WorkspaceWithBalance: obj({ ...workspaceFields, credit_balance: int, plan: { $ref: '#/components/schemas/Plan' } }),
  Me: obj({
    id: str,
    name: str,
    prefix: str,
    permissions: strs,
    rate_limit_tier: apiKeyFields.rate_limit_tier,
    expires_at: nullable(time),
    workspace: { $ref: '#/components/schemas/Workspace' },
    plan: { $ref: '#/components/schemas/Plan' },
    quota_usage: quotaUsage,
  }),
  ManagedWorkspace: obj({
    ...workspaceFields,
    plan: { $ref: '#/components/schemas/Plan' },
    credit_balance: int,
    key_count: int,
    calls_today: int,
  }),
  AuditEntry: obj({ id: str, workspace_id: str, actor: { ...str, description: 'The operator key\'s id, or "cli"' }, action: str, before: { type: 'object' }, after: { type: 'object' }, at: time }),
  RequestLog: requestLog,
  Usage: obj({
    from: time,
    to: time,
    calls: int,
    errors: int,
    error_rate: { type: 'number' },
    credits_used: int,
    last_used_at: nullable(time),
    endpoints: { type: 'array', items: obj({ endpoint: str, calls: int, errors: int, error_rate: { type: 'number' } }) },
  }),
  Deleted: obj({ id: str, deleted: { const: true } }),
} satisfies Record<string, JsonSchema>;

export type SchemaName = keyof typeof SCHEMAS;

const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });
const one = (name: SchemaName): JsonSchema => obj({ data: ref(name) });
const page = (name: SchemaName): JsonSchema =>
  obj({ data: { type: 'array', items: ref(name) }, has_more: { type: 'boolean' }, next_cursor: { ...nullable(str), description: 'Pass as `cursor` for the next page' } });

/**
 * What a route's table entry does not say yet: its success body, the GraphQL field that does the
 * same, and whether it honours Idempotency-Key. An operation declaration, where a route has
 * one, takes precedence for the GraphQL field and idempotency.
 */
export interface RouteFacts {
  response: JsonSchema;
  /** Operation name and kind as the GraphQL schema has them; `graphql`: the coordinate when not a root field. */
  name: string;
  kind: 'query' | 'mutation';
  graphql?: string;
  idempotent?: boolean;
  /** A request body for the code samples, in REST's snake_case. */
  requestExample?: unknown;
  /** 409 codes particular to the route. */
  conflicts?: readonly ('duplicate_name' | 'invalid_state' | 'key_in_use')[];
}

export const ROUTE_FACTS: Readonly<Record<string, RouteFacts>> = {
  'GET /v1/me': { response: one('Me'), name: 'viewer', kind: 'query' },
  'GET /v1/workspace': { response: one('WorkspaceWithBalance'), name: 'workspace', kind: 'query', graphql: 'Viewer.workspace' },
  'POST /v1/api-keys': {
    response: one('ApiKeyWithSecret'),
    name: 'createApiKey',
    kind: 'mutation',
    idempotent: true,
    requestExample: { name: 'CRM sync', permissions: ['read:contacts', 'write:contacts'], category: 'integrations', quotas: { daily: 5000 } },
    conflicts: ['duplicate_name'],
  },
  'GET /v1/api-keys': { response: page('ApiKey'), name: 'apiKeys', kind: 'query' },
  'GET /v1/api-keys/:id': { response: one('ApiKeyWithQuotaUsage'), name: 'apiKey', kind: 'query' },
  'PATCH /v1/api-keys/:id': {
    response: one('ApiKey'),
    name: 'updateApiKey',
    kind: 'mutation',
    requestExample: { description: 'Nightly CRM sync', expires_at: null },
    conflicts: ['duplicate_name', 'invalid_state'],
  },
  'DELETE /v1/api-keys/:id': { response: one('Deleted'), name: 'deleteApiKey', kind: 'mutation', conflicts: ['key_in_use'] },
  'POST /v1/api-keys/:id/deactivate': { response: one('ApiKey'), name: 'deactivateApiKey', kind: 'mutation', conflicts: ['invalid_state'] },
  'POST /v1/api-keys/:id/reactivate': { response: one('ApiKey'), name: 'reactivateApiKey', kind: 'mutation', conflicts: ['invalid_state', 'duplicate_name'] },
  'POST /v1/api-keys/:id/revoke': { response: one('ApiKey'), name: 'revokeApiKey', kind: 'mutation', conflicts: ['invalid_state'] },
  'POST /v1/api-keys/:id/rotate': {
    response: obj({ data: ref('ApiKeyWithSecret'), previous: ref('ApiKey') }),
    name: 'rotateApiKey',
    kind: 'mutation',
    requestExample: { grace_period_seconds: 3600 },
    conflicts: ['invalid_state'],
  },
  'GET /v1/logs': { response: page('RequestLog'), name: 'requestLogs', kind: 'query' },
  'GET /v1/api-keys/:id/logs': { response: page('RequestLog'), name: 'apiKeyRequestLogs', kind: 'query', graphql: 'ApiKey.requestLogs' },
  'GET /v1/me/logs': { response: page('RequestLog'), name: 'ownRequestLogs', kind: 'query', graphql: 'Viewer.requestLogs' },
  'GET /v1/usage': { response: one('Usage'), name: 'workspaceUsage', kind: 'query', graphql: 'Workspace.usage' },
  'GET /v1/api-keys/:id/usage': { response: one('Usage'), name: 'apiKeyUsage', kind: 'query', graphql: 'ApiKey.usage' },
  'GET /v1/me/usage': { response: one('Usage'), name: 'ownUsage', kind: 'query', graphql: 'Viewer.usage' },
  'GET /v1/operator/workspaces': { response: page('ManagedWorkspace'), name: 'operatorWorkspaces', kind: 'query' },
  'GET /v1/operator/workspaces/:id': { response: one('ManagedWorkspace'), name: 'operatorWorkspace', kind: 'query' },
  'PATCH /v1/operator/workspaces/:id': { response: one('ManagedWorkspace'), name: 'operatorUpdateWorkspace', kind: 'mutation', requestExample: { plan: 'pro' } },
  'PUT /v1/operator/workspaces/:id/override': {
    response: one('ManagedWorkspace'),
    name: 'operatorSetLimitOverride',
    kind: 'mutation',
    requestExample: { multiplier: 3, expires_at: '2026-12-01T00:00:00Z', reason: 'Launch week' },
  },
  'DELETE /v1/operator/workspaces/:id/override': { response: one('ManagedWorkspace'), name: 'operatorClearLimitOverride', kind: 'mutation' },
  'POST /v1/operator/workspaces/:id/credits': { response: one('ManagedWorkspace'), name: 'operatorAddCredits', kind: 'mutation', requestExample: { amount: 1000 } },
  'GET /v1/operator/workspaces/:id/audit': { response: page('AuditEntry'), name: 'operatorWorkspaceAudit', kind: 'query', graphql: 'OperatorWorkspace.audit' },
};
