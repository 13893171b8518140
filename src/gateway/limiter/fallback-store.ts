import type { QuotaReading } from '../../domain/limits/policy.js';
import { CounterStoreUnavailable, type AdmitInput, type AdmitOutcome, type CounterStore, type QuotaCheck } from './store.js';

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

  admit(input: AdmitInput): Promise<AdmitOutcome> {
    return this.use((store) => store.admit(input));
  }

  readQuota(quota: QuotaCheck, now: number): Promise<QuotaReading[]> {
    return this.use((store) => store.readQuota(quota, now));
  }

  private async use<T>(work: (store: CounterStore) => Promise<T>): Promise<T> {
    if (this.opts.now() >= this.downUntil) {
      try {
        return await work(this.primary);
      } catch (err) {
        if (!(err instanceof CounterStoreUnavailable)) throw err;
        this.downUntil = this.opts.now() + this.opts.retryMs;
        this.opts.onFailover?.(err);
      }
    }
    return work(this.secondary);
  }

  async close(): Promise<void> {
    await Promise.all([this.primary.close(), this.secondary.close()]);
  }
}
