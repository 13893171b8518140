import type { Principal } from '../../src/domain/principal.js';
import type { LimitSubject } from '../../src/gateway/limiter/limiter.js';

/** A key as the gateway admits it (its principal, its workspace's plan and override), for limiter tests that skip HTTP. */
export function principal(planId: string, over: Partial<Principal & LimitSubject> = {}): Principal & LimitSubject {
  return {
    keyId: `key_${planId}`,
    keyHash: 'h',
    workspaceId: `ws_${planId}`,
    planId,
    override: null,
    name: 'k',
    prefix: 'wbk_live',
    permissions: [],
    permissionSet: new Set(),
    rateLimitTier: 'standard',
    status: 'active',
    expiresAt: null,
    quotas: { total: null, daily: null, weekly: null, monthly: null },
    ...over,
  };
}
