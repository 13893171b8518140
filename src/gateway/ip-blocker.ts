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
  blockedFor(ip: string, now: number): Promise<number> | number;
  recordFailure(ip: string, now: number): Promise<void> | void;
}

interface Entry {
  /** Times of the most recent failures, oldest first, at most maxFailures of them. */
  failures: number[];
  blockedUntil: number;
}

/** Sliding-log counter per address, in process. Bounded: the least recently seen addresses are forgotten first. */
export class MemoryIpBlocker implements IpBlocker {
  private readonly entries = new LRUCache<string, Entry>({ max: 100_000 });
  constructor(private readonly policy: IpBlockPolicy) {}

  blockedFor(ip: string, now: number): number {
    const e = this.entries.get(ip);
    return e && e.blockedUntil > now ? e.blockedUntil - now : 0;
  }

  recordFailure(ip: string, now: number): void {
    if (this.policy.maxFailures === 0) return;
    let e = this.entries.get(ip);
    if (!e) this.entries.set(ip, (e = { failures: [], blockedUntil: 0 }));
    e.failures.push(now);
    while (e.failures.length > this.policy.maxFailures || (e.failures[0] ?? now) <= now - this.policy.windowMs) e.failures.shift();
    if (e.failures.length >= this.policy.maxFailures) {
      e.blockedUntil = now + this.policy.cooldownMs;
      e.failures = [];
    }
  }
}
