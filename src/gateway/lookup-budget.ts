import { ApiError } from '../domain/errors.js';
import { AddressBuckets, TokenBucket, waitSeconds } from './token-bucket.js';

export interface LookupBudgetPolicy {
  /** Database lookups of uncached keys per second across all addresses; 0 turns the budget off. */
  perSecond: number;
  /** How many may be spent at once after a quiet spell. */
  burst: number;
  /** The fraction (0–1] of the rate and the burst any one address may spend. */
  addressShare: number;
}

export const DEFAULT_LOOKUP_BUDGET: LookupBudgetPolicy = { perSecond: 50, burst: 500, addressShare: 0.1 };

/**
 * A budget for looking up keys that are not in the cache, so that keys with valid checksums
 * (anyone can compute a CRC32) sent from many addresses cannot become one database query
 * each. A lookup takes a token from the global bucket and from its address's share; a lookup
 * that finds a key gives both back, so only unknown keys spend the budget and legitimate
 * traffic never exhausts it. Cached keys never reach it.
 */
export class LookupBudget {
  private readonly global: TokenBucket | null;
  private readonly perAddress: AddressBuckets | null;

  constructor(policy: LookupBudgetPolicy, now: number) {
    if (policy.perSecond <= 0) {
      this.global = this.perAddress = null;
      return;
    }
    const share = Math.min(1, Math.max(0, policy.addressShare));
    this.global = new TokenBucket(policy.perSecond, Math.max(1, policy.burst), now);
    this.perAddress = new AddressBuckets(policy.perSecond * share, Math.max(1, Math.floor(policy.burst * share)));
  }

  /** Spends one lookup for `ip`, or throws service_unavailable with Retry-After when the budget is spent. */
  take(ip: string, now: number): void {
    if (!this.global || !this.perAddress) return;
    let waitMs = this.perAddress.take(ip, now);
    if (waitMs === 0) {
      waitMs = this.global.take(now);
      if (waitMs === 0) return;
      this.perAddress.give(ip, now);
    }
    // Not invalid_key: the key may well exist (new, or fallen out of the cache), and a 401 tells clients to drop it.
    const seconds = waitSeconds(waitMs);
    throw new ApiError('service_unavailable', `Too many unknown API keys are being tried: this key could not be checked now; retry in ${seconds} s`, {
      'Retry-After': String(seconds),
    });
  }

  /** The lookup found a key: it costs the budget nothing. */
  give(ip: string, now: number): void {
    this.global?.give(now);
    this.perAddress?.give(ip, now);
  }
}
