import { LRUCache } from 'lru-cache';
import type { Principal } from '../domain/principal.js';

/**
 * Verified keys and unknown hashes, in process, so that authenticating a request costs a
 * SHA-256 and a map lookup. Entries are dropped on every change (locally at once, on other
 * instances through the invalidation bus); the TTL only bounds staleness if a message is lost.
 */
export class KeyCache {
  private readonly known: LRUCache<string, Principal>;
  private readonly unknown: LRUCache<string, true>;
  /**
   * Invalidations are stamped per key hash, so that a lookup that raced one of its own key does
   * not cache what it read, while the many unrelated invalidations of a busy system do not stop
   * every concurrent lookup from caching.
   */
  private counter = 0;
  /** Everything read before this stamp is suspect: clear(), or a per-hash stamp that was evicted. */
  private wholeSince = 0;
  private readonly touchedKeys: LRUCache<string, number>;

  constructor(opts: { max?: number; ttlMs?: number } = {}) {
    const max = opts.max ?? 50_000;
    const ttl = opts.ttlMs ?? 60_000;
    this.known = new LRUCache({ max, ttl, ttlAutopurge: false });
    this.unknown = new LRUCache({ max, ttl, ttlAutopurge: false });
    // An evicted stamp can no longer be compared: treat everything read before it as suspect.
    const dispose = (stamp: number, _k: string, reason: LRUCache.DisposeReason) => {
      if (reason === 'evict') this.wholeSince = Math.max(this.wholeSince, stamp);
    };
    this.touchedKeys = new LRUCache({ max: 10_000, dispose });
  }

  /** Taken before a lookup; see unchangedSince. */
  stamp(): number {
    return this.counter;
  }

  /** Whether nothing invalidated this hash since `stamp`. */
  unchangedSince(stamp: number, hash: string): boolean {
    return this.wholeSince <= stamp && (this.touchedKeys.get(hash) ?? 0) <= stamp;
  }

  get(hash: string): Principal | null | undefined {
    const hit = this.known.get(hash);
    if (hit) return hit;
    return this.unknown.get(hash) ? null : undefined;
  }

  setKnown(hash: string, p: Principal): void {
    this.unknown.delete(hash);
    this.known.set(hash, p);
  }

  setUnknown(hash: string): void {
    this.unknown.set(hash, true);
  }

  /** Forgets everything, e.g. after invalidations may have been missed. */
  clear(): void {
    this.wholeSince = ++this.counter;
    this.known.clear();
    this.unknown.clear();
  }

  invalidate(hash: string): void {
    this.touchedKeys.set(hash, ++this.counter);
    this.known.delete(hash);
    this.unknown.delete(hash);
  }
}
