import { LRUCache } from 'lru-cache';

/** Refills continuously at `perSecond` up to `burst`; starts full. Times come from the caller's clock. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.at = now;
  }

  private refill(now: number): void {
    if (now > this.at) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) * this.perSecond) / 1000);
      this.at = now;
    }
  }

  /** Takes a token: 0 when granted, else the milliseconds until one is available. */
  take(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.perSecond));
  }

  /** Returns a token taken for work that turned out not to count. */
  give(now: number): void {
    this.refill(now);
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }
}

/**
 * One bucket per address, in process. Bounded: the least recently seen addresses are
 * forgotten first, which only ever hands an address a full bucket again.
 */
export class AddressBuckets {
  private readonly buckets = new LRUCache<string, TokenBucket>({ max: 100_000 });

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  take(address: string, now: number): number {
    let b = this.buckets.get(address);
    if (!b) this.buckets.set(address, (b = new TokenBucket(this.perSecond, this.burst, now)));
    return b.take(now);
  }

  give(address: string, now: number): void {
    this.buckets.get(address)?.give(now);
  }
}

/** A bucket's wait as the whole seconds of a Retry-After: a client that waits that long finds a token. */
export const waitSeconds = (waitMs: number) => Math.ceil(waitMs / 1000);
