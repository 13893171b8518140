import * as keys from '../../domain/keys/service.js';
import { keyQuotaUsage } from '../../domain/keys/quota-usage.js';
import * as op from '../../operations/api-keys.js';
import { restKey, restQuotaUsage } from '../serialize.js';
import { optionalParam, pageParams, restPage, restRoute, type RestCall, type RestRoute } from '../route.js';

const id = (c: RestCall) => c.params.id!;
const now = (c: RestCall) => c.ctx.clock.now();

export const apiKeyRoutes: RestRoute[] = [
  restRoute(op.createApiKey, async (c) => {
    const out = await keys.createKey(c.ctx, await c.body());
    return { data: restKey(out.key, now(c), out.secret) };
  }),
  restRoute(op.apiKeys, async (c) => {
    const filter = { category: optionalParam(c, 'category'), state: optionalParam(c, 'state') as never, name: optionalParam(c, 'name') };
    return restPage(await keys.listKeys(c.ctx, filter, pageParams(c)), (r) => restKey(r, now(c)));
  }),
  restRoute(op.apiKey, async (c) => {
    const key = await keys.getKey(c.ctx, id(c));
    return { data: { ...restKey(key, now(c)), quota_usage: restQuotaUsage(await keyQuotaUsage(c.ctx, key)) } };
  }),
  restRoute(op.updateApiKey, async (c) => ({ data: restKey(await keys.updateKey(c.ctx, id(c), await c.body()), now(c)) })),
  restRoute(op.deleteApiKey, async (c) => {
    const row = await keys.deleteKey(c.ctx, id(c));
    return { data: { id: row.id, deleted: true } };
  }),
  restRoute(op.deactivateApiKey, async (c) => ({ data: restKey(await keys.deactivateKey(c.ctx, id(c)), now(c)) })),
  restRoute(op.reactivateApiKey, async (c) => ({ data: restKey(await keys.reactivateKey(c.ctx, id(c)), now(c)) })),
  restRoute(op.revokeApiKey, async (c) => ({ data: restKey(await keys.revokeKey(c.ctx, id(c)), now(c)) })),
  restRoute(op.rotateApiKey, async (c) => {
    const out = await keys.rotateKey(c.ctx, id(c), await c.body());
    return { data: restKey(out.key, now(c), out.secret), previous: restKey(out.previous, now(c)) };
  }),
];
