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
  /** Bumped by every invalidation, so a lookup that raced one does not cache what it read. */
  epoch = 0;

  constructor(opts: { max?: number; ttlMs?: number } = {}) {
    const max = opts.max ?? 50_000;
    const ttl = opts.ttlMs ?? 60_000;
    this.known = new LRUCache({ max, ttl, ttlAutopurge: false });
    this.unknown = new LRUCache({ max, ttl, ttlAutopurge: false });
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
    this.epoch++;
    this.known.clear();
    this.unknown.clear();
  }

  /** Drops the principals of a workspace's keys: they carry its plan and limit override. */
  invalidateWorkspace(workspaceId: string): void {
    this.epoch++;
    // A linear pass: operator changes are rare, and the cache is bounded.
    const drop = [...this.known.entries()].filter(([, p]) => p.workspaceId === workspaceId);
    for (const [hash] of drop) this.known.delete(hash);
  }

  invalidate(hash: string): void {
    this.epoch++;
    this.known.delete(hash);
    this.unknown.delete(hash);
  }
}
