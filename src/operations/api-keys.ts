import { createKeyInput, rotateKeyInput, updateKeyInput } from '../domain/keys/inputs.js';
import { apiKeyList } from '../domain/keys/lists.js';
import { pageQueryDoc } from '../domain/pagination.js';
import { LOG_QUERY, USAGE_QUERY } from './logs.js';
import { defineOperation } from './operation.js';
import { one, page, SHAPES } from './shapes.js';

const scope = 'admin:api_keys';
const plain = { scope, limitClass: 'default', credits: { kind: 'none' }, idempotent: false } as const;
const PAGE_QUERY = pageQueryDoc(apiKeyList);
const key = one(SHAPES.ApiKey);

export const createApiKey = defineOperation({
  ...plain,
  name: 'createApiKey',
  kind: 'mutation',
  summary: 'Create an API key; its plaintext secret is in this answer only.',
  description: 'The caller must also hold every scope the new key grants.',
  idempotent: true,
  input: createKeyInput,
  output: one(SHAPES.ApiKeyWithSecret),
  errors: ['duplicate_name'],
  rest: { method: 'POST', path: '/v1/api-keys', status: 201 },
  examples: { request: { name: 'CI deploys', permissions: ['read:contacts'], category: 'production', quotas: { daily: 1000 } } },
});

export const apiKeys = defineOperation({
  ...plain,
  name: 'apiKeys',
  kind: 'query',
  summary: "List the workspace's API keys, newest first.",
  output: page(SHAPES.ApiKey),
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
  summary: 'One API key, with where it stands against each of its quotas.',
  output: one(SHAPES.ApiKeyWithQuotaUsage),
  rest: { method: 'GET', path: '/v1/api-keys/:id' },
});

export const updateApiKey = defineOperation({
  ...plain,
  name: 'updateApiKey',
  kind: 'mutation',
  summary: "Update a key's name, description, category, quotas or expiry; null clears.",
  input: updateKeyInput,
  output: key,
  errors: ['duplicate_name', 'invalid_state'],
  rest: { method: 'PATCH', path: '/v1/api-keys/:id' },
  examples: { request: { description: 'Nightly CRM sync', expires_at: null } },
});

export const deleteApiKey = defineOperation({
  ...plain,
  name: 'deleteApiKey',
  kind: 'mutation',
  summary: 'Delete a key that was never used; a used one answers key_in_use (deactivate or revoke it instead).',
  output: one(SHAPES.Deleted),
  errors: ['key_in_use'],
  rest: { method: 'DELETE', path: '/v1/api-keys/:id' },
});

export const deactivateApiKey = defineOperation({
  ...plain,
  name: 'deactivateApiKey',
  kind: 'mutation',
  summary: 'Block the key at once; its history and settings are kept, and it can be reactivated.',
  output: key,
  errors: ['invalid_state'],
  rest: { method: 'POST', path: '/v1/api-keys/:id/deactivate' },
});

export const reactivateApiKey = defineOperation({
  ...plain,
  name: 'reactivateApiKey',
  kind: 'mutation',
  summary: 'Let a deactivated key work again.',
  output: key,
  errors: ['invalid_state', 'duplicate_name'],
  rest: { method: 'POST', path: '/v1/api-keys/:id/reactivate' },
});

export const revokeApiKey = defineOperation({
  ...plain,
  name: 'revokeApiKey',
  kind: 'mutation',
  summary: 'Stop the key for good.',
  output: key,
  errors: ['invalid_state'],
  rest: { method: 'POST', path: '/v1/api-keys/:id/revoke' },
});

export const rotateApiKey = defineOperation({
  ...plain,
  name: 'rotateApiKey',
  kind: 'mutation',
  summary:
    "Issue a replacement with the old key's permissions, category, tier, quotas, description and expiry (unless a new expiry is given; null: none); the old key stops at once or after the grace period.",
  input: rotateKeyInput,
  output: one(SHAPES.ApiKeyWithSecret).extend({ previous: SHAPES.ApiKey }),
  errors: ['invalid_state', 'duplicate_name'],
  rest: { method: 'POST', path: '/v1/api-keys/:id/rotate', status: 201 },
  examples: { request: { grace_period_seconds: 3600 } },
});

export const apiKeyRequestLogs = defineOperation({
  ...plain,
  scope: 'read:logs',
  name: 'apiKeyRequestLogs',
  kind: 'query',
  summary: "One key's request logs, newest first.",
  output: page(SHAPES.RequestLog),
  rest: { method: 'GET', path: '/v1/api-keys/:id/logs', query: LOG_QUERY },
  graphql: 'ApiKey.requestLogs',
});

export const apiKeyUsage = defineOperation({
  ...plain,
  scope: 'read:logs',
  name: 'apiKeyUsage',
  kind: 'query',
  summary: "One key's usage: calls, errors, error rate, credits, last used, per endpoint.",
  output: one(SHAPES.Usage),
  rest: { method: 'GET', path: '/v1/api-keys/:id/usage', query: USAGE_QUERY },
  graphql: 'ApiKey.usage',
});
