import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { apiKeys, workspaces } from '../db/schema.js';
import type { Clock } from '../domain/clock.js';
import { ApiError, errors } from '../domain/errors.js';
import { displayPrefix, hashSecret, isWellFormedSecret } from '../domain/keys/secret.js';
import type { KeyStatus, Principal, RateLimitTier } from '../domain/principal.js';
import type { Scope } from '../domain/scopes.js';
import type { IpBlocker } from './ip-blocker.js';
import type { KeyCache } from './key-cache.js';

/** What the request log may say about a failed attempt: never the secret. */
export interface AuthFailure {
  error: ApiError;
  keyPrefix: string | null;
  principal: Principal | null;
}

export class AuthFailed extends Error {
  constructor(readonly failure: AuthFailure) {
    super(failure.error.message);
  }
}

const BEARER = /^Bearer ([^\s]+)$/i;

export class Authenticator {
  /** One database lookup per unknown hash, however many requests carry it at once. */
  private readonly pending = new Map<string, Promise<Principal | null>>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly cache: KeyCache,
    private readonly blocker: IpBlocker,
  ) {}

  /**
   * Seed 002's order: a blocked address is refused before anything else; then the header,
   * the checksum (no database), the cache, and only on a miss the database.
   */
  async authenticate(authorization: string | undefined, ip: string): Promise<Principal> {
    const now = this.clock.now();
    const blockedMs = await this.blocker.blockedFor(ip, now);
    if (blockedMs > 0) throw new AuthFailed({ error: errors.ipBlocked(Math.ceil(blockedMs / 1000)), keyPrefix: null, principal: null });

    const match = authorization ? BEARER.exec(authorization) : null;
    if (!match) return this.fail(ip, now, errors.missingAuth(), null, null);
    const token = match[1]!;
    const prefix = displayPrefix(token);
    if (!isWellFormedSecret(token)) return this.fail(ip, now, errors.invalidKey(), prefix, null);

    const hash = hashSecret(token);
    let principal = this.cache.get(hash);
    if (principal === undefined) principal = await this.lookup(hash);
    if (!principal) return this.fail(ip, now, errors.invalidKey(), prefix, null);
    if (principal.status === 'revoked') return this.fail(ip, now, errors.revokedKey(), prefix, principal);
    if (principal.status === 'inactive') return this.fail(ip, now, errors.inactiveKey(), prefix, principal);
    if (principal.expiresAt !== null && principal.expiresAt <= now) return this.fail(ip, now, errors.expiredKey(), prefix, principal);
    return principal;
  }

  private async fail(ip: string, now: number, error: ApiError, keyPrefix: string | null, principal: Principal | null): Promise<never> {
    await this.blocker.recordFailure(ip, now);
    throw new AuthFailed({ error, keyPrefix, principal });
  }

  private lookup(hash: string): Promise<Principal | null> {
    let p = this.pending.get(hash);
    if (!p) {
      p = this.load(hash).finally(() => this.pending.delete(hash));
      this.pending.set(hash, p);
    }
    return p;
  }

  private async load(hash: string): Promise<Principal | null> {
    const epoch = this.cache.epoch;
    const [row] = await this.db
      .select({ key: apiKeys, planId: workspaces.planId })
      .from(apiKeys)
      .innerJoin(workspaces, eq(workspaces.id, apiKeys.workspaceId))
      .where(eq(apiKeys.keyHash, hash));
    const fresh = this.cache.epoch === epoch;
    if (!row) {
      if (fresh) this.cache.setUnknown(hash);
      return null;
    }
    const k = row.key;
    const principal: Principal = {
      keyId: k.id,
      keyHash: k.keyHash,
      workspaceId: k.workspaceId,
      planId: row.planId,
      name: k.name,
      prefix: k.prefix,
      permissions: k.permissions as Scope[],
      permissionSet: new Set(k.permissions),
      rateLimitTier: k.rateLimitTier as RateLimitTier,
      status: k.status as KeyStatus,
      expiresAt: k.expiresAt ? k.expiresAt.getTime() : null,
      quotas: { total: k.quotaTotal, daily: k.quotaDaily, weekly: k.quotaWeekly, monthly: k.quotaMonthly },
    };
    if (fresh) this.cache.setKnown(hash, principal);
    return principal;
  }
}
