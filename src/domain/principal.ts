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
 * What the gateway knows about a calling key after authentication: the key's own facts, cached
 * in process. Its workspace's plan and limit override are the directory's (WorkspaceLookup), so
 * that a change to them is read the same way everywhere.
 */
export interface Principal {
  keyId: string;
  keyHash: string;
  workspaceId: string;
  name: string;
  prefix: string;
  permissions: readonly Scope[];
  permissionSet: ReadonlySet<string>;
  rateLimitTier: RateLimitTier;
  status: KeyStatus;
  expiresAt: number | null;
  quotas: KeyQuotas;
}
