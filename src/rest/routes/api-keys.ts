import * as keys from '../../domain/keys/service.js';
import { createKeyInput, rotateKeyInput, updateKeyInput } from '../../domain/keys/inputs.js';
import { keyQuotaUsage } from '../../domain/keys/quota-usage.js';
import { restKey, restQuotaUsage } from '../serialize.js';
import { ok, optionalParam, pageByCursor, type RestCall, type RestRoute } from '../route.js';

const id = (c: RestCall) => c.params.id!;
const now = (c: RestCall) => c.ctx.clock.now();

export const apiKeyRoutes: RestRoute[] = [
  {
    method: 'POST',
    path: '/v1/api-keys',
    doc: { summary: 'Create an API key; the plaintext secret is in data.key, shown only here. Honours Idempotency-Key.', scope: 'admin:api_keys', body: createKeyInput, status: 201 },
    async handler(c) {
      const idem = c.headers['idempotency-key'];
      const out = await keys.createKey(c.ctx, await c.body(), { idempotencyKey: typeof idem === 'string' ? idem : null });
      return ok({ data: restKey(out.key, now(c), out.secret) }, 201, out.replayed ? { 'Idempotent-Replayed': 'true' } : undefined);
    },
  },
  {
    method: 'GET',
    path: '/v1/api-keys',
    doc: {
      summary: 'List API keys, newest first.',
      scope: 'admin:api_keys',
      query: { category: 'Exact category', state: 'active, inactive, revoked or expired', name: 'Case-insensitive substring', limit: '1 to 100 (default 20)', cursor: 'next_cursor of the previous page' },
    },
    handler: (c) =>
      pageByCursor(
        c,
        (page) =>
          keys.listKeys(c.ctx, { category: optionalParam(c, 'category'), state: optionalParam(c, 'state') as never, name: optionalParam(c, 'name') }, page),
        (r) => restKey(r, now(c)),
      ),
  },
  {
    method: 'GET',
    path: '/v1/api-keys/:id',
    doc: { summary: 'One API key, with quota_usage: where it stands against each of its quotas (lists leave this out).', scope: 'admin:api_keys' },
    async handler(c) {
      const key = await keys.getKey(c.ctx, id(c));
      return ok({ data: { ...restKey(key, now(c)), quota_usage: restQuotaUsage(await keyQuotaUsage(c.ctx, key)) } });
    },
  },
  {
    method: 'PATCH',
    path: '/v1/api-keys/:id',
    doc: { summary: 'Update name, description, category, quotas or expiry; null clears.', scope: 'admin:api_keys', body: updateKeyInput },
    handler: async (c) => ok({ data: restKey(await keys.updateKey(c.ctx, id(c), await c.body()), now(c)) }),
  },
  {
    method: 'DELETE',
    path: '/v1/api-keys/:id',
    doc: { summary: 'Delete a key that was never used (else 409 key_in_use).', scope: 'admin:api_keys' },
    async handler(c) {
      const row = await keys.deleteKey(c.ctx, id(c));
      return ok({ data: { id: row.id, deleted: true } });
    },
  },
  {
    method: 'POST',
    path: '/v1/api-keys/:id/deactivate',
    doc: { summary: 'Block the key at once; it can be reactivated.', scope: 'admin:api_keys' },
    handler: async (c) => ok({ data: restKey(await keys.deactivateKey(c.ctx, id(c)), now(c)) }),
  },
  {
    method: 'POST',
    path: '/v1/api-keys/:id/reactivate',
    doc: { summary: 'Let a deactivated key work again.', scope: 'admin:api_keys' },
    handler: async (c) => ok({ data: restKey(await keys.reactivateKey(c.ctx, id(c)), now(c)) }),
  },
  {
    method: 'POST',
    path: '/v1/api-keys/:id/revoke',
    doc: { summary: 'Stop the key for good.', scope: 'admin:api_keys' },
    handler: async (c) => ok({ data: restKey(await keys.revokeKey(c.ctx, id(c)), now(c)) }),
  },
  {
    method: 'POST',
    path: '/v1/api-keys/:id/rotate',
    doc: { summary: "Issue a replacement with the old key's settings, its expiry included unless expires_at is given (null: none); the old key stops at once or after grace_period_seconds.", scope: 'admin:api_keys', body: rotateKeyInput, status: 201 },
    async handler(c) {
      const out = await keys.rotateKey(c.ctx, id(c), await c.body());
      return ok({ data: restKey(out.key, now(c), out.secret), previous: restKey(out.previous, now(c)) }, 201);
    },
  },
];
