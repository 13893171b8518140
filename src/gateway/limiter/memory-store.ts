import { LRUCache } from 'lru-cache';
import { bindingQuota, tightestQuota, type QuotaReading } from '../../domain/limits/policy.js';
import { layoutFor, readCounters, seedRings, seedSince, u32, type KeyCounters } from './rolling.js';
import type { AdmitInput, AdmitOutcome, CounterStore, QuotaCheck } from './store.js';
import { pointsFor } from './store.js';

interface Fixed {
  count: number;
  resetAt: number;
}

interface KeyState extends KeyCounters {
  signature: string;
}

/** Bytes a key's state holds in this process beyond its rings' counters: object headers, fields, the signature. */
const KEY_STATE_OVERHEAD = 512;
const keyStateBytes = (s: KeyState) => KEY_STATE_OVERHEAD + s.rings.reduce((n, r) => n + r.values.byteLength, 0);

/** Counters in this process: one instance's limits hold (the check-and-consume below never yields). */
export class MemoryCounterStore implements CounterStore {
  readonly kind = 'memory' as const;
  private readonly fixed = new Map<string, Fixed>();
  /**
   * A key's state is bounded by its quotas' windows (at most 57,616 B of counters, see
   * domain/limits/policy.ts), and all keys together by `maxSize`: an evicted key is re-seeded
   * from the request logs when it is next used.
   */
  private readonly keys = new LRUCache<string, KeyState>({ max: 100_000, maxSize: 256 * 1024 * 1024, sizeCalculation: keyStateBytes });
  private readonly seeding = new Map<string, Promise<unknown>>();
  private admits = 0;

  async admit(input: AdmitInput): Promise<AdmitOutcome> {
    const { now } = input;
    // Seeds are the only awaits; everything after them runs without yielding.
    for (const f of input.fixed) {
      if (f.seed && !this.live(f.key, now)) await this.seedFixed(f.key, f.resetAt, f.seed);
    }
    const q = input.quota;
    return this.checkAndConsume(input, q ? await this.keyState(q, now) : undefined);
  }

  async readQuota(q: QuotaCheck, now: number): Promise<QuotaReading[]> {
    return readCounters(q, await this.keyState(q, now), now);
  }

  /** The key's counters under these settings, seeded from the logs when this process holds none. */
  private async keyState(q: QuotaCheck, now: number): Promise<KeyState> {
    const state = this.keys.get(q.keyId);
    // The state in hand is used even if the cache evicted it meanwhile: this admission counts.
    return state?.signature === q.signature ? state : this.seedKey(q, now);
  }

  private checkAndConsume(input: AdmitInput, state: KeyState | undefined): AdmitOutcome {
    const { now } = input;
    const q = input.quota;
    const current = input.fixed.map((f) => this.live(f.key, now)?.count ?? 0);
    const before = q && state ? readCounters(q, state, now) : [];
    const refusedBy = bindingQuota(before);
    if (refusedBy) return { ok: false, reason: 'quota', quota: refusedBy, current };
    const used: number[] = [];
    for (let i = 0; i < input.fixed.length; i++) {
      const f = input.fixed[i]!;
      const next = current[i]! + pointsFor(input.cost, f.limit);
      if (next > f.limit) return { ok: false, reason: 'limit', index: i, retryAt: f.resetAt, current, quota: tightestQuota(before) };
      used.push(next);
    }
    for (let i = 0; i < input.fixed.length; i++) {
      const f = input.fixed[i]!;
      this.fixed.set(f.key, { count: used[i]!, resetAt: f.resetAt });
    }
    let quota: QuotaReading | null = null;
    if (q && state) {
      state.total++;
      const seq = state.seq;
      state.seq = u32(seq + 1);
      for (const ring of state.rings) ring.record(now, seq, state.seq);
      quota = tightestQuota(readCounters(q, state, now));
    }
    if (++this.admits % 10_000 === 0) this.sweep(now);
    return { ok: true, used, quota };
  }

  private live(key: string, now: number): Fixed | undefined {
    const f = this.fixed.get(key);
    return f && f.resetAt > now ? f : undefined;
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

  private seedKey(q: QuotaCheck, now: number): Promise<KeyState> {
    return this.once(`k:${q.keyId}:${q.signature}`, async () => {
      const layout = layoutFor(q.rolling);
      const h = await q.seed(seedSince(layout, now));
      const { seq, rings } = seedRings(layout, h, now);
      const state: KeyState = { signature: q.signature, total: h.total, seq, rings, ringOf: layout.ringOf };
      this.keys.set(q.keyId, state);
      return state;
    });
  }

  /** Bytes the key's quota state holds here (tests check the bound), or 0 if none. */
  stateBytes(keyId: string): number {
    const s = this.keys.peek(keyId);
    return s ? keyStateBytes(s) : 0;
  }

  async close(): Promise<void> {}
}
