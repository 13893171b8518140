import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { apiKeys } from '../db/schema.js';
import type { Clock } from '../domain/clock.js';
import { ApiError, errors } from '../domain/errors.js';
import { displayPrefix, hashSecret, isOwnFormat, isWellFormedSecret, MAX_KEY_LENGTH } from '../domain/keys/secret.js';
import type { KeyStatus, Principal, RateLimitTier } from '../domain/principal.js';
import type { Scope } from '../domain/scopes.js';
import type { IpBlocker } from './ip-blocker.js';
import type { KeyCache } from './key-cache.js';
import type { KnownKeyHashes } from './known-keys.js';
import type { LookupBudget } from './lookup-budget.js';

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

/** A refused key that exists is logged by its stored prefix: a short imported key's first 8 characters may be most of it. */
const loggedPrefix = (p: Principal | null, tokenPrefix: string) => (p ? p.prefix || null : tokenPrefix);

const blocked = (ms: number) => new AuthFailed({ error: errors.ipBlocked(Math.ceil(ms / 1000)), keyPrefix: null, principal: null });

export class Authenticator {
  /** One database lookup per unknown hash, however many requests carry it at once. */
  private readonly pending = new Map<string, Promise<Principal | null>>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly cache: KeyCache,
    private readonly blocker: IpBlocker,
    private readonly budget: LookupBudget,
    private readonly known: KnownKeyHashes,
  ) {}

  /**
   * Seed 002's order: a blocked address is refused before anything else; then the header,
   * the checksum (no database; or, for a foreign-format token, whether any such key exists),
   * the cache, and only on a miss the database. A lookup holds
   * one of the address's failure slots while it runs (see ip-blocker.ts), so concurrent
   * attempts never get past the block's limit.
   */
  async authenticate(authorization: string | undefined, ip: string): Promise<Principal> {
    const now = this.clock.now();
    const blockedMs = this.blocker.blockedFor(ip, now);
    if (blockedMs > 0) throw blocked(blockedMs);

    const match = authorization ? BEARER.exec(authorization) : null;
    if (!match) return this.fail(ip, now, errors.missingAuth(), null, null);
    const token = match[1]!;
    const prefix = displayPrefix(token);
    // Ours stand or fall by the checksum. Any other shape can only be an imported key of a
    // foreign format (capi_…): looked up only where such keys exist, and then like any unknown
    // key, once per hash (the negative cache) within the unknown-key budget.
    const plausible = token.length <= MAX_KEY_LENGTH && (isOwnFormat(token) ? isWellFormedSecret(token) : this.known.foreignFormats);
    if (!plausible) return this.fail(ip, now, errors.invalidKey(), prefix, null);

    const hash = hashSecret(token);
    let principal = this.cache.get(hash);
    if (principal === undefined) {
      const waitMs = await this.blocker.acquire(ip, now);
      if (waitMs > 0) throw blocked(waitMs);
      try {
        // A wait for a slot may have outlasted another request's lookup of this very key.
        principal = this.cache.get(hash) ?? (await this.lookup(hash, ip, now));
      } catch (err) {
        this.blocker.settle(ip, now, false);
        // Over the unknown-key budget: not a failure of this key, and not counted as one.
        if (err instanceof ApiError) throw new AuthFailed({ error: err, keyPrefix: prefix, principal: null });
        throw err;
      }
      const refusal = principal ? this.refusal(principal, now) : errors.invalidKey();
      this.blocker.settle(ip, now, refusal !== null);
      if (refusal) throw new AuthFailed({ error: refusal, keyPrefix: loggedPrefix(principal, prefix), principal });
      return principal!;
    }
    const refusal = principal ? this.refusal(principal, now) : errors.invalidKey();
    if (refusal) return this.fail(ip, now, refusal, loggedPrefix(principal, prefix), principal);
    return principal!;
  }

  private refusal(p: Principal, now: number): ApiError | null {
    if (p.status === 'revoked') return errors.revokedKey();
    if (p.status === 'inactive') return errors.inactiveKey();
    if (p.expiresAt !== null && p.expiresAt <= now) return errors.expiredKey();
    return null;
  }

  /** A failure decided without a lookup: it still needs a free slot, or the address is blocked. */
  private async fail(ip: string, now: number, error: ApiError, keyPrefix: string | null, principal: Principal | null): Promise<never> {
    const waitMs = await this.blocker.acquire(ip, now);
    if (waitMs > 0) throw blocked(waitMs);
    this.blocker.settle(ip, now, true);
    throw new AuthFailed({ error, keyPrefix, principal });
  }

  /**
   * Joins a lookup of the same hash in flight. A new one of a hash not known to exist spends
   * the unknown-key budget, refunded if the key exists after all.
   */
  private lookup(hash: string, ip: string, now: number): Promise<Principal | null> {
    let p = this.pending.get(hash);
    if (!p) {
      const charged = !this.known.has(hash);
      if (charged) this.budget.take(ip, now);
      p = this.load(hash).finally(() => this.pending.delete(hash));
      this.pending.set(hash, p);
      if (charged)
        void p.then(
          (found) => found && this.budget.give(ip, now),
          () => this.budget.give(ip, now),
        );
    }
    return p;
  }

  private async load(hash: string): Promise<Principal | null> {
    const stamp = this.cache.stamp();
    const [k] = await this.db.select().from(apiKeys).where(eq(apiKeys.keyHash, hash));
    if (!k) {
      if (this.cache.unchangedSince(stamp, hash)) this.cache.setUnknown(hash);
      return null;
    }
    const principal: Principal = {
      keyId: k.id,
      keyHash: k.keyHash,
      workspaceId: k.workspaceId,
      name: k.name,
      prefix: k.prefix,
      permissions: k.permissions as Scope[],
      permissionSet: new Set(k.permissions),
      rateLimitTier: k.rateLimitTier as RateLimitTier,
      status: k.status as KeyStatus,
      expiresAt: k.expiresAt ? k.expiresAt.getTime() : null,
      quotas: { total: k.quotaTotal, daily: k.quotaDaily, weekly: k.quotaWeekly, monthly: k.quotaMonthly },
    };
    this.known.add(hash);
    if (this.cache.unchangedSince(stamp, hash)) this.cache.setKnown(hash, principal);
    return principal;
  }
}
