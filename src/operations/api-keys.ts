import { createKeyInput, rotateKeyInput, updateKeyInput } from '../domain/keys/inputs.js';
import { apiKeyList } from '../domain/keys/service.js';
import { pageQueryDoc } from '../domain/pagination.js';
import { defineOperation } from './operation.js';
import { LOG_QUERY, USAGE_QUERY } from './logs.js';

const scope = 'admin:api_keys';
const plain = { scope, limitClass: 'default', credits: { kind: 'none' }, idempotent: false } as const;
const PAGE_QUERY = pageQueryDoc(apiKeyList);

export const createApiKey = defineOperation({
  ...plain,
  name: 'createApiKey',
  kind: 'mutation',
  summary: 'Create an API key; the plaintext secret is in data.key, shown only here. Honours Idempotency-Key.',
  description: 'Needs admin:api_keys, and every scope the new key grants.',
  idempotent: true,
  input: createKeyInput,
  rest: { method: 'POST', path: '/v1/api-keys', status: 201 },
  examples: { request: { name: 'CI deploys', permissions: ['read:contacts'], category: 'production', quotas: { daily: 1000 } } },
});

export const apiKeys = defineOperation({
  ...plain,
  name: 'apiKeys',
  kind: 'query',
  summary: 'List API keys, newest first.',
  rest: {
    method: 'GET',
    path: '/v1/api-keys',
    query: { category: 'Exact category', state: 'active, inactive, revoked or expired', name: 'Case-insensitive substring', ...PAGE_QUERY },
  },
});

export const apiKey = defineOperation({
  ...plain,
  name: 'apiKey',
  kind: 'query',
  summary: 'One API key, with quota_usage: where it stands against each of its quotas (lists leave this out).',
  rest: { method: 'GET', path: '/v1/api-keys/:id' },
});

export const updateApiKey = defineOperation({
  ...plain,
  name: 'updateApiKey',
  kind: 'mutation',
  summary: 'Update name, description, category, quotas or expiry; null clears.',
  input: updateKeyInput,
  rest: { method: 'PATCH', path: '/v1/api-keys/:id' },
});

export const deleteApiKey = defineOperation({
  ...plain,
  name: 'deleteApiKey',
  kind: 'mutation',
  summary: 'Delete a key that was never used (else 409 key_in_use).',
  rest: { method: 'DELETE', path: '/v1/api-keys/:id' },
});

export const deactivateApiKey = defineOperation({
  ...plain,
  name: 'deactivateApiKey',
  kind: 'mutation',
  summary: 'Block the key at once; it can be reactivated.',
  rest: { method: 'POST', path: '/v1/api-keys/:id/deactivate' },
});

export const reactivateApiKey = defineOperation({
  ...plain,
  name: 'reactivateApiKey',
  kind: 'mutation',
  summary: 'Let a deactivated key work again.',
  rest: { method: 'POST', path: '/v1/api-keys/:id/reactivate' },
});

export const revokeApiKey = defineOperation({
  ...plain,
  name: 'revokeApiKey',
  kind: 'mutation',
  summary: 'Stop the key for good.',
  rest: { method: 'POST', path: '/v1/api-keys/:id/revoke' },
});

export const rotateApiKey = defineOperation({
  ...plain,
  name: 'rotateApiKey',
  kind: 'mutation',
  summary:
    "Issue a replacement with the old key's settings, its expiry included unless expires_at is given (null: none); the old key stops at once or after grace_period_seconds.",
  input: rotateKeyInput,
  rest: { method: 'POST', path: '/v1/api-keys/:id/rotate', status: 201 },
});

export const apiKeyRequestLogs = defineOperation({
  ...plain,
  scope: 'read:logs',
  name: 'apiKeyRequestLogs',
  kind: 'query',
  summary: "One key's request logs, newest first.",
  rest: { method: 'GET', path: '/v1/api-keys/:id/logs', query: LOG_QUERY },
  graphql: 'ApiKey.requestLogs',
});

export const apiKeyUsage = defineOperation({
  ...plain,
  scope: 'read:logs',
  name: 'apiKeyUsage',
  kind: 'query',
  summary: "One key's usage.",
  rest: { method: 'GET', path: '/v1/api-keys/:id/usage', query: USAGE_QUERY },
  graphql: 'ApiKey.usage',
});
