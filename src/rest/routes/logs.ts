import type { RequestLogRow } from '../../db/schema.js';
import { ApiError, errors } from '../../domain/errors.js';
import { listRequestLogs, usage, type LogFilterInput, type StatusClass, type Usage } from '../../domain/logs/query.js';
import { ok, type RestCall, type RestRoute } from '../route.js';

function restLog(l: RequestLogRow) {
  return {
    id: l.id,
    request_id: l.requestId,
    endpoint: l.endpoint,
    method: l.method,
    operation_type: l.operationType,
    operation_name: l.operationName,
    status: l.status,
    duration_ms: l.durationMs,
    ip: l.ip,
    credits: l.credits,
    cost: l.cost,
    error_code: l.errorCode,
    key_id: l.keyId,
    key_prefix: l.keyPrefix,
    at: l.at.toISOString(),
  };
}

function restUsage(u: Usage) {
  return {
    from: u.from.toISOString(),
    to: u.to.toISOString(),
    calls: u.calls,
    errors: u.errors,
    error_rate: u.errorRate,
    credits_used: u.creditsUsed,
    last_used_at: u.lastUsedAt?.toISOString() ?? null,
    endpoints: u.endpoints.map((e) => ({ endpoint: e.endpoint, calls: e.calls, errors: e.errors, error_rate: e.errorRate })),
  };
}

const param = (c: RestCall, name: string) => c.query.get(name) ?? undefined;

function intParam(c: RestCall, name: string): number | undefined {
  const raw = c.query.get(name);
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw)) throw errors.validation(name, 'must be a whole number');
  return Number(raw);
}

async function logPage(c: RestCall, keyId?: string) {
  const limit = intParam(c, 'limit') ?? 50;
  if (limit < 1 || limit > 100) throw errors.validation('limit', 'must be a whole number from 1 to 100');
  const filter: LogFilterInput = {
    apiKeyId: keyId ?? param(c, 'key_id'),
    status: intParam(c, 'status'),
    statusClass: param(c, 'status_class') as StatusClass | undefined,
    endpoint: param(c, 'endpoint'),
    from: param(c, 'from'),
    to: param(c, 'to'),
  };
  const rows = await listRequestLogs(c.ctx, filter, { after: param(c, 'cursor'), limit: limit + 1 }).catch((err: unknown) => {
    // The domain's apiKeyId is REST's key_id: name it as the caller sent it.
    if (err instanceof ApiError && err.field === 'apiKeyId') throw errors.validation('key_id', err.message.slice('apiKeyId '.length));
    throw err;
  });
  const page = rows.slice(0, limit);
  const more = rows.length > limit;
  return ok({ data: page.map(restLog), has_more: more, next_cursor: more ? page[page.length - 1]!.id : null });
}

const USAGE_QUERY = { from: 'ISO 8601, inclusive (default: 00:00 UTC today)', to: 'ISO 8601, exclusive (default: now)' };
const LOG_QUERY = {
  key_id: 'Only this key',
  status: 'Exact status, e.g. 429',
  status_class: '2xx, 3xx, 4xx or 5xx',
  endpoint: 'Exact, e.g. "GET /v1/me" or "mutation createApiKey"',
  from: 'ISO 8601, inclusive',
  to: 'ISO 8601, exclusive',
  limit: '1 to 100 (default 50)',
  cursor: 'next_cursor of the previous page',
};

export const logRoutes: RestRoute[] = [
  { method: 'GET', path: '/v1/logs', doc: { summary: "Request logs of the workspace's keys, newest first.", scope: 'read:logs', query: LOG_QUERY }, handler: (c) => logPage(c) },
  {
    method: 'GET',
    path: '/v1/api-keys/:id/logs',
    doc: { summary: "One key's request logs, newest first.", scope: 'read:logs', query: LOG_QUERY },
    handler: (c) => logPage(c, c.params.id),
  },
  {
    method: 'GET',
    path: '/v1/usage',
    doc: { summary: 'Usage of the whole workspace: calls, errors, error rate, credits, last used, per endpoint.', scope: 'read:logs', query: USAGE_QUERY },
    handler: async (c) => ok({ data: restUsage(await usage(c.ctx, { from: param(c, 'from'), to: param(c, 'to') })) }),
  },
  {
    method: 'GET',
    path: '/v1/api-keys/:id/usage',
    doc: { summary: "One key's usage.", scope: 'read:logs', query: USAGE_QUERY },
    handler: async (c) => ok({ data: restUsage(await usage(c.ctx, { apiKeyId: c.params.id, from: param(c, 'from'), to: param(c, 'to') })) }),
  },
];
