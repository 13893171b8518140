import type { LimitOverride } from './limits/override.js';
import type { Scope } from './scopes.js';

export type RateLimitTier = 'standard' | 'high' | 'unmetered';
export type KeyStatus = 'active' | 'inactive' | 'revoked';
export type KeyState = KeyStatus | 'expired';

export interface KeyQuotas {
  total: number | null;
  daily: number | null;
  weekly: number | null;
  monthly: number | null;
}

/**
 * What the gateway knows about a calling key after authentication. Cached in process, so
 * everything a request needs to be authorised and limited is here without a database query.
 */
export interface Principal {
  keyId: string;
  keyHash: string;
  workspaceId: string;
  planId: string;
  /** The workspace's limit override as stored (it may have expired; the limiter judges that per request). */
  override: LimitOverride | null;
  name: string;
  prefix: string;
  permissions: readonly Scope[];
  permissionSet: ReadonlySet<string>;
  rateLimitTier: RateLimitTier;
  status: KeyStatus;
  expiresAt: number | null;
  quotas: KeyQuotas;
}
