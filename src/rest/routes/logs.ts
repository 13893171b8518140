import type { RequestLogRow } from '../../db/schema.js';
import { ApiError, errors } from '../../domain/errors.js';
import { listOwnRequestLogs, listRequestLogs, ownUsage, usage, type LogFilterInput, type LogPage, type StatusClass, type Usage } from '../../domain/logs/query.js';
import * as keyOps from '../../operations/api-keys.js';
import * as logs from '../../operations/logs.js';
import { restRoute, type RestCall, type RestRoute } from '../route.js';

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
  return { data: page.map(restLog), has_more: more, next_cursor: more ? page[page.length - 1]!.id : null };
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

export const logRoutes: RestRoute[] = [
  restRoute(logs.requestLogs, (c) => logPage(c, workspaceLogs(c))),
  restRoute(keyOps.apiKeyRequestLogs, (c) => logPage(c, workspaceLogs(c), c.params.id)),
  restRoute(logs.ownRequestLogs, (c) => logPage(c, ownLogs(c))),
  restRoute(logs.workspaceUsage, async (c) => ({ data: restUsage(await usage(c.ctx, windowParams(c))) })),
  restRoute(keyOps.apiKeyUsage, async (c) => ({ data: restUsage(await usage(c.ctx, { apiKeyId: c.params.id, ...windowParams(c) })) })),
  restRoute(logs.ownUsage, async (c) => ({ data: restUsage(await ownUsage(c.ctx, windowParams(c))) })),
];
