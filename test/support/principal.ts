import type { Principal } from '../../src/domain/principal.js';

/** A key as the gateway sees it after authentication, for limiter tests that skip HTTP. */
export function principal(planId: string, over: Partial<Principal> = {}): Principal {
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
