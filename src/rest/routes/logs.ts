import type { RequestLogRow } from '../../db/schema.js';
import { ApiError, errors } from '../../domain/errors.js';
import { listOwnRequestLogs, listRequestLogs, ownUsage, usage, type LogFilterInput, type LogPage, type StatusClass, type Usage } from '../../domain/logs/query.js';
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

type ListLogs = (filter: LogFilterInput, page: LogPage) => Promise<RequestLogRow[]>;

async function logPage(c: RestCall, list: ListLogs, keyId?: string) {
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
  const rows = await list(filter, { after: param(c, 'cursor'), limit: limit + 1 }).catch((err: unknown) => {
    // The domain's apiKeyId is REST's key_id: name it as the caller sent it.
    if (err instanceof ApiError && err.field === 'apiKeyId') throw errors.validation('key_id', err.message.slice('apiKeyId '.length));
    throw err;
  });
  const page = rows.slice(0, limit);
  const more = rows.length > limit;
  return ok({ data: page.map(restLog), has_more: more, next_cursor: more ? page[page.length - 1]!.id : null });
}

const workspaceLogs = (c: RestCall): ListLogs => (filter, page) => listRequestLogs(c.ctx, filter, page);

/** The calling key's logs: a key_id here would look like a filter while it could only ever name the caller. */
function ownLogs(c: RestCall): ListLogs {
  if (c.query.has('key_id')) {
    throw errors.validation('key_id', "is not accepted here: /v1/me/logs lists the calling key's own requests; other keys' are on /v1/logs, with read:logs");
  }
  return ({ apiKeyId: _own, ...filter }, page) => listOwnRequestLogs(c.ctx, filter, page);
}

const windowParams = (c: RestCall) => ({ from: param(c, 'from'), to: param(c, 'to') });

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

const { key_id: _keyId, ...OWN_LOG_QUERY } = LOG_QUERY;

export const logRoutes: RestRoute[] = [
  { method: 'GET', path: '/v1/logs', doc: { summary: "Request logs of the workspace's keys, newest first.", scope: 'read:logs', query: LOG_QUERY }, handler: (c) => logPage(c, workspaceLogs(c)) },
  {
    method: 'GET',
    path: '/v1/api-keys/:id/logs',
    doc: { summary: "One key's request logs, newest first.", scope: 'read:logs', query: LOG_QUERY },
    handler: (c) => logPage(c, workspaceLogs(c), c.params.id),
  },
  {
    method: 'GET',
    path: '/v1/me/logs',
    doc: { summary: "The calling key's own request logs, newest first; any key may read its own.", query: OWN_LOG_QUERY },
    handler: (c) => logPage(c, ownLogs(c)),
  },
  {
    method: 'GET',
    path: '/v1/usage',
    doc: { summary: 'Usage of the whole workspace: calls, errors, error rate, credits, last used, per endpoint.', scope: 'read:logs', query: USAGE_QUERY },
    handler: async (c) => ok({ data: restUsage(await usage(c.ctx, windowParams(c))) }),
  },
  {
    method: 'GET',
    path: '/v1/api-keys/:id/usage',
    doc: { summary: "One key's usage.", scope: 'read:logs', query: USAGE_QUERY },
    handler: async (c) => ok({ data: restUsage(await usage(c.ctx, { apiKeyId: c.params.id, ...windowParams(c) })) }),
  },
  {
    method: 'GET',
    path: '/v1/me/usage',
    doc: { summary: "The calling key's own usage; any key may read its own.", query: USAGE_QUERY },
    handler: async (c) => ok({ data: restUsage(await ownUsage(c.ctx, windowParams(c))) }),
  },
];
