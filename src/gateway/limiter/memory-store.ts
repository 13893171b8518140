import { LRUCache } from 'lru-cache';
import type { AdmitInput, AdmitOutcome, CounterStore, KeyHistory, QuotaCheck } from './store.js';
import { pointsFor } from './store.js';

interface Fixed {
  count: number;
  resetAt: number;
}

interface KeyState {
  signature: string;
  total: number;
  /** Admission times, ascending, from `head` on; older entries are dropped lazily. */
  log: number[];
  head: number;
}

/** First index in log[from..] whose value is > t. */
function firstAfter(log: number[], from: number, t: number): number {
  let lo = from;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (log[mid]! > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Counters in this process: exact for one instance (the check-and-consume below never yields). */
export class MemoryCounterStore implements CounterStore {
  readonly kind = 'memory' as const;
  private readonly fixed = new Map<string, Fixed>();
  private readonly keys = new LRUCache<string, KeyState>({ max: 100_000 });
  private readonly seeding = new Map<string, Promise<unknown>>();
  private admits = 0;

  async admit(input: AdmitInput): Promise<AdmitOutcome> {
    const { now } = input;
    // Seeds are the only awaits; everything after them runs without yielding.
    for (const f of input.fixed) {
      if (f.seed && !this.live(f.key, now)) await this.seedFixed(f.key, f.resetAt, f.seed);
    }
    const q = input.quota;
    if (q && this.keys.get(q.keyId)?.signature !== q.signature) await this.seedKey(q);
    return this.checkAndConsume(input);
  }

  private checkAndConsume(input: AdmitInput): AdmitOutcome {
    const { now } = input;
    const q = input.quota;
    const state = q ? this.keys.get(q.keyId) : undefined;
    const current = input.fixed.map((f) => this.live(f.key, now)?.count ?? 0);
    if (q && state) {
      if (q.total !== null && state.total + 1 > q.total) return { ok: false, reason: 'quota', quota: 'total', retryAt: null, current };
      for (const r of q.rolling) {
        const start = firstAfter(state.log, state.head, now - r.windowMs);
        const inWindow = state.log.length - start;
        if (inWindow + 1 > r.limit) {
          // A slot frees when the oldest admission that keeps the window full leaves it.
          const retryAt = state.log[start + inWindow - r.limit]! + r.windowMs;
          return { ok: false, reason: 'quota', quota: r.name, retryAt, current };
        }
      }
    }
    const used: number[] = [];
    for (let i = 0; i < input.fixed.length; i++) {
      const f = input.fixed[i]!;
      const next = current[i]! + pointsFor(input.cost, f.limit);
      if (next > f.limit) return { ok: false, reason: 'limit', index: i, retryAt: f.resetAt, current };
      used.push(next);
    }
    for (let i = 0; i < input.fixed.length; i++) {
      const f = input.fixed[i]!;
      this.fixed.set(f.key, { count: used[i]!, resetAt: f.resetAt });
    }
    if (q && state) {
      state.total++;
      if (q.rolling.length) {
        state.log.push(now);
        this.trim(state, now - Math.max(...q.rolling.map((r) => r.windowMs)));
      }
    }
    if (++this.admits % 10_000 === 0) this.sweep(now);
    return { ok: true, used };
  }

  private live(key: string, now: number): Fixed | undefined {
    const f = this.fixed.get(key);
    return f && f.resetAt > now ? f : undefined;
  }

  private trim(state: KeyState, before: number): void {
    state.head = firstAfter(state.log, state.head, before);
    if (state.head > 1024 && state.head > state.log.length / 2) {
      state.log = state.log.slice(state.head);
      state.head = 0;
    }
  }

  private sweep(now: number): void {
    for (const [k, f] of this.fixed) if (f.resetAt <= now) this.fixed.delete(k);
  }

  private once<T>(id: string, work: () => Promise<T>): Promise<T> {
    let p = this.seeding.get(id) as Promise<T> | undefined;
    if (!p) {
      p = work().finally(() => this.seeding.delete(id));
      this.seeding.set(id, p);
    }
    return p;
  }

  private async seedFixed(key: string, resetAt: number, seed: () => Promise<number>): Promise<void> {
    await this.once(`f:${key}`, async () => {
      // Every request for this window waits for this promise, so none was counted meanwhile.
      this.fixed.set(key, { count: await seed(), resetAt });
    });
  }

  private async seedKey(q: QuotaCheck): Promise<void> {
    await this.once(`k:${q.keyId}:${q.signature}`, async () => {
      const h: KeyHistory = await q.seed();
      this.keys.set(q.keyId, { signature: q.signature, total: h.total, log: [...h.recent], head: 0 });
    });
  }

  async close(): Promise<void> {}
}
