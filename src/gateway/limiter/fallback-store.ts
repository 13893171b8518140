import { CounterStoreUnavailable, type AdmitInput, type AdmitOutcome, type CounterStore } from './store.js';

/**
 * Redis first; while it is unreachable, counters in this process (re-seeded from the request
 * logs), so limits still hold per instance instead of every request failing or none being
 * limited. Redis is tried again after `retryMs`. Only CounterStoreUnavailable (a connection
 * failure) falls back: any other error is a bug, and counting elsewhere would hide it and split
 * a shared limit between instances, so it fails the request.
 */
export class FallbackCounterStore implements CounterStore {
  private downUntil = 0;

  constructor(
    private readonly primary: CounterStore,
    private readonly secondary: CounterStore,
    private readonly opts: { retryMs: number; now: () => number; onFailover?: (err: unknown) => void },
  ) {}

  get kind(): 'memory' | 'redis' {
    return this.opts.now() < this.downUntil ? this.secondary.kind : this.primary.kind;
  }

  async admit(input: AdmitInput): Promise<AdmitOutcome> {
    if (this.opts.now() >= this.downUntil) {
      try {
        return await this.primary.admit(input);
      } catch (err) {
        if (!(err instanceof CounterStoreUnavailable)) throw err;
        this.downUntil = this.opts.now() + this.opts.retryMs;
        this.opts.onFailover?.(err);
      }
    }
    return this.secondary.admit(input);
  }

  async close(): Promise<void> {
    await Promise.all([this.primary.close(), this.secondary.close()]);
  }
}
