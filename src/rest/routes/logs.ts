import type { RequestLogRow } from '../../db/schema.js';
import { errors } from '../../domain/errors.js';
import { listOwnRequestLogs, listRequestLogs, ownUsage, usage, type LogFilterInput, type StatusClass, type Usage } from '../../domain/logs/query.js';
import * as keyOps from '../../operations/api-keys.js';
import * as logs from '../../operations/logs.js';
import type { PageQuery, PageResult } from '../../domain/pagination.js';
import { numberParam, optionalParam, pageParams, restPage, restRoute, type RestCall, type RestRoute } from '../route.js';

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

type ListLogs = (filter: LogFilterInput, page: PageQuery) => Promise<PageResult<RequestLogRow>>;

async function logPage(c: RestCall, list: ListLogs, keyId?: string) {
  const filter: LogFilterInput = {
    apiKeyId: keyId ?? optionalParam(c, 'key_id'),
    status: numberParam(c, 'status'),
    statusClass: optionalParam(c, 'status_class') as StatusClass | undefined,
    endpoint: optionalParam(c, 'endpoint'),
    from: optionalParam(c, 'from'),
    to: optionalParam(c, 'to'),
  };
  // The domain's apiKeyId is what the caller sent: the path's id on a key's own logs, else the key_id parameter.
  const page = await list(filter, pageParams(c)).catch((err: unknown) => {
    throw errors.renamed(err, 'apiKeyId', keyId === undefined ? 'key_id' : 'id');
  });
  return restPage(page, restLog);
}

const workspaceLogs =
  (c: RestCall): ListLogs =>
  (filter, page) =>
    listRequestLogs(c.ctx, filter, page);

/** The calling key's logs: a key_id here would look like a filter while it could only ever name the caller. */
function ownLogs(c: RestCall): ListLogs {
  if (c.query.has('key_id')) {
    throw errors.validation('key_id', "is not accepted here: /v1/me/logs lists the calling key's own requests; other keys' are on /v1/logs, with read:logs");
  }
  return ({ apiKeyId: _own, ...filter }, page) => listOwnRequestLogs(c.ctx, filter, page);
}

const windowParams = (c: RestCall) => ({ from: optionalParam(c, 'from'), to: optionalParam(c, 'to') });

export const logRoutes: RestRoute[] = [
  restRoute(logs.requestLogs, (c) => logPage(c, workspaceLogs(c))),
  restRoute(keyOps.apiKeyRequestLogs, (c) => logPage(c, workspaceLogs(c), c.params.id)),
  restRoute(logs.ownRequestLogs, (c) => logPage(c, ownLogs(c))),
  restRoute(logs.workspaceUsage, async (c) => ({ data: restUsage(await usage(c.ctx, windowParams(c))) })),
  restRoute(keyOps.apiKeyUsage, async (c) => ({ data: restUsage(await usage(c.ctx, { apiKeyId: c.params.id, ...windowParams(c) })) })),
  restRoute(logs.ownUsage, async (c) => ({ data: restUsage(await ownUsage(c.ctx, windowParams(c))) })),
];
