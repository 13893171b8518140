import { LRUCache } from 'lru-cache';

export interface IpBlockPolicy {
  /** Failed authentications within `windowMs` that block an address; 0 turns blocking off. */
  maxFailures: number;
  windowMs: number;
  /** How long a blocked address stays blocked. */
  cooldownMs: number;
}

export const DEFAULT_IP_BLOCK_POLICY: IpBlockPolicy = { maxFailures: 20, windowMs: 60_000, cooldownMs: 300_000 };

export interface IpBlocker {
  /** Milliseconds until the address may try again; 0 when it is not blocked. */
  blockedFor(ip: string, now: number): number;
  /**
   * Holds one of the address's failure slots for an attempt that may fail: resolves to 0 with
   * the slot held, or to the milliseconds the address is blocked for. Every attempt that got a
   * slot must `settle` it.
   */
  acquire(ip: string, now: number): Promise<number> | number;
  /** Ends an attempt: a failure fills its slot (blocking the address at the limit); a success frees it. */
  settle(ip: string, now: number, failed: boolean): void;
}

interface Entry {
  /** Times of the most recent failures, oldest first, at most maxFailures of them. */
  failures: number[];
  /** Attempts holding a slot whose outcome is not known yet (a database lookup in flight). */
  pending: number;
  blockedUntil: number;
  /** Attempts waiting for a pending one to settle. */
  waiters: (() => void)[];
}

/**
 * Sliding-log counter per address, in process. Exact under concurrency: an attempt that may
 * fail takes a slot before its (asynchronous) key lookup, and when every free slot is held the
 * next attempt waits for one to settle, so however many requests arrive at once, at most
 * `maxFailures` of them fail before the address is blocked. Bounded: the least recently seen
 * addresses are forgotten first.
 */
export class MemoryIpBlocker implements IpBlocker {
  private readonly entries = new LRUCache<string, Entry>({
    max: 100_000,
    // An address forgotten while attempts wait on it must not leave them waiting: they retry afresh.
    dispose: (e) => MemoryIpBlocker.wake(e),
  });

  constructor(private readonly policy: IpBlockPolicy) {}

  blockedFor(ip: string, now: number): number {
    const e = this.entries.get(ip);
    return e && e.blockedUntil > now ? e.blockedUntil - now : 0;
  }

  acquire(ip: string, now: number): Promise<number> | number {
    if (this.policy.maxFailures === 0) return 0;
    let e = this.entries.get(ip);
    if (!e) this.entries.set(ip, (e = { failures: [], pending: 0, blockedUntil: 0, waiters: [] }));
    if (e.blockedUntil > now) return e.blockedUntil - now;
    this.prune(e, now);
    if (e.failures.length + e.pending < this.policy.maxFailures) {
      e.pending++;
      return 0;
    }
    const entry = e;
    return new Promise<void>((resolve) => entry.waiters.push(resolve)).then(() => this.acquire(ip, now));
  }

  settle(ip: string, now: number, failed: boolean): void {
    if (this.policy.maxFailures === 0) return;
    const e = this.entries.get(ip);
    if (!e) return;
    e.pending = Math.max(0, e.pending - 1);
    if (failed) {
      e.failures.push(now);
      this.prune(e, now);
      if (e.failures.length >= this.policy.maxFailures) {
        e.blockedUntil = now + this.policy.cooldownMs;
        e.failures = [];
      }
    }
    MemoryIpBlocker.wake(e);
  }

  private prune(e: Entry, now: number): void {
    while (e.failures.length > this.policy.maxFailures || (e.failures.length > 0 && e.failures[0]! <= now - this.policy.windowMs)) e.failures.shift();
  }

  private static wake(e: Entry): void {
    const waiters = e.waiters;
    e.waiters = [];
    for (const w of waiters) w();
  }
}
