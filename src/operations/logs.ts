import { requestLogList } from '../domain/logs/lists.js';
import { pageQueryDoc } from '../domain/pagination.js';
import { defineOperation } from './operation.js';
import { one, page, SHAPES } from './shapes.js';

export const USAGE_QUERY = { from: 'ISO 8601, inclusive (default: 00:00 UTC today)', to: 'ISO 8601, exclusive (default: now)' };
export const LOG_QUERY = {
  key_id: 'Only this key',
  status: 'Exact status, e.g. 429',
  status_class: '2xx, 3xx, 4xx or 5xx',
  endpoint: 'Exact, e.g. "GET /v1/me" or "mutation createApiKey"',
  from: 'ISO 8601, inclusive',
  to: 'ISO 8601, exclusive',
  ...pageQueryDoc(requestLogList),
};
const { key_id: _keyId, ...OWN_LOG_QUERY } = LOG_QUERY;

const read = { kind: 'query', limitClass: 'default', credits: { kind: 'none' }, idempotent: false } as const;

export const requestLogs = defineOperation({
  ...read,
  scope: 'read:logs',
  name: 'requestLogs',
  summary: "Request logs of the workspace's keys, newest first.",
  output: page(SHAPES.RequestLog),
  // key_id names a key of another workspace, or none.
  errors: ['not_found'],
  rest: { method: 'GET', path: '/v1/logs', query: LOG_QUERY },
});

export const workspaceUsage = defineOperation({
  ...read,
  scope: 'read:logs',
  name: 'workspaceUsage',
  summary: 'Usage of the whole workspace: calls, errors, error rate, credits, last used, per endpoint.',
  output: one(SHAPES.Usage),
  rest: { method: 'GET', path: '/v1/usage', query: USAGE_QUERY },
  graphql: 'Workspace.usage',
});

export const ownRequestLogs = defineOperation({
  ...read,
  scope: null,
  name: 'ownRequestLogs',
  summary: "The calling key's own request logs, newest first; any key may read its own.",
  output: page(SHAPES.RequestLog),
  rest: { method: 'GET', path: '/v1/me/logs', query: OWN_LOG_QUERY },
  graphql: 'Viewer.requestLogs',
});

export const ownUsage = defineOperation({
  ...read,
  scope: null,
  name: 'ownUsage',
  summary: "The calling key's own usage; any key may read its own.",
  output: one(SHAPES.Usage),
  rest: { method: 'GET', path: '/v1/me/usage', query: USAGE_QUERY },
  graphql: 'Viewer.usage',
});
