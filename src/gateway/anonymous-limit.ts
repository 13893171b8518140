import { ApiError } from '../domain/errors.js';
import { AddressBuckets, waitSeconds } from './token-bucket.js';

/**
 * Requests without a key (GraphQL introspection is the only thing they may do) per address
 * per minute, in process: a token bucket of `perMinute` that refills evenly over the minute.
 * 0 turns the limit off.
 */
export class AnonymousLimit {
  private readonly buckets: AddressBuckets | null;

  constructor(private readonly perMinute: number) {
    this.buckets = perMinute > 0 ? new AddressBuckets(perMinute / 60, perMinute) : null;
  }

  /** Throws rate_limited with Retry-After when `ip` is over its share. */
  admit(ip: string, now: number): void {
    const waitMs = this.buckets?.take(ip, now) ?? 0;
    if (waitMs === 0) return;
    const seconds = waitSeconds(waitMs);
    throw new ApiError(
      'rate_limited',
      `Rate limit exceeded: at most ${this.perMinute} requests a minute without an API key from one address; retry in ${seconds} s or send a key`,
      { 'Retry-After': String(seconds) },
    );
  }
}
