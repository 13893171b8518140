import { MINUTE_MS, type QuotaReading, type RollingQuota } from '../../domain/limits/policy.js';
import type { KeyHistory } from './store.js';

/**
 * Rolling quotas over fixed buckets, bounded by the window whatever the traffic.
 *
 * Bucket b of size B holds the admissions at times in ((b - 1)B, bB], closed on the right like
 * the window (now - W, now], so an admission on a bucket boundary leaves exactly on time.
 *
 * A key keeps one counter `seq` (its admissions, mod 2^32) and, per bucket size, a ring of
 * `slots` uint32 values: the slot of bucket b holds `seq` as it stood at the end of b (its
 * cumulative count). Buckets (head - slots, head] are valid; `head` is the latest bucket
 * written. The count in a window is `seq` minus the value of the latest bucket that has wholly
 * left it, so it includes every bucket any part of which is still inside: never an
 * under-count, and at most one bucket's admissions too many, which leave one bucket late.
 * Differences are taken mod 2^32, which is exact while a ring's span holds fewer than 2^32
 * admissions (quotas are at most 2^31 - 1).
 *
 * `slots = window / bucket + 2`: the tail bucket of the window (one before the first bucket
 * still inside) must lie in the ring. The Redis store runs the same arithmetic in Lua.
 */
export interface RingLayout {
  bucketMs: number;
  slots: number;
}

export interface QuotaLayout {
  rings: RingLayout[];
  /** Per rolling quota (same order), the index of the ring that counts it. */
  ringOf: number[];
}

export function layoutFor(rolling: RollingQuota[]): QuotaLayout {
  const rings: RingLayout[] = [];
  const ringOf: number[] = [];
  for (const q of rolling) {
    let r = rings.findIndex((x) => x.bucketMs === q.bucketMs);
    if (r < 0) r = rings.push({ bucketMs: q.bucketMs, slots: 0 }) - 1;
    rings[r]!.slots = Math.max(rings[r]!.slots, q.windowMs / q.bucketMs + 2);
    ringOf.push(r);
  }
  return { rings, ringOf };
}

/** Where a seed's history must start for these rings at `now`. */
export function seedSince(layout: QuotaLayout, now: number): number {
  let since = now;
  for (const r of layout.rings) since = Math.min(since, (bucketOf(now, r.bucketMs) - r.slots) * r.bucketMs);
  return since;
}

export const u32 = (n: number) => n >>> 0;

/** The bucket holding time `t`: ((b - 1)B, bB]. */
export const bucketOf = (t: number, bucketMs: number) => Math.ceil(t / bucketMs);

export class Ring {
  constructor(
    readonly bucketMs: number,
    readonly values: Uint32Array,
    public head: number,
  ) {}

  get slots(): number {
    return this.values.length;
  }

  private at(b: number): number {
    return this.values[((b % this.slots) + this.slots) % this.slots]!;
  }

  /**
   * The latest bucket wholly out of the window ending at `now`. A clock behind the ring's head
   * (another instance's) is taken as the head's start, so the tail stays inside the ring.
   */
  private tail(now: number, windowMs: number): number {
    return Math.floor((Math.max(now, (this.head - 1) * this.bucketMs) - windowMs) / this.bucketMs);
  }

  /** Admissions counted in the window ending at `now`. */
  count(now: number, windowMs: number, seq: number): number {
    const t = this.tail(now, windowMs);
    return t >= this.head ? 0 : u32(seq - this.at(t));
  }

  /**
   * When the window holding `count` admissions next has room for one more under `limit` than
   * now (see QuotaReading.nextSlotAt): when enough of its oldest buckets have wholly left it.
   * Null when it counts nothing.
   */
  nextSlotAt(now: number, windowMs: number, count: number, limit: number): number | null {
    if (count === 0) return null;
    const t = this.tail(now, windowMs);
    const base = this.at(t);
    const need = Math.max(1, count + 1 - limit);
    let lo = t + 1;
    let hi = this.head;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (u32(this.at(mid) - base) >= need) hi = mid;
      else lo = mid + 1;
    }
    return lo * this.bucketMs + windowMs;
  }

  /** Records one admission at `now`: `seq` went from `before` to `after`. */
  record(now: number, before: number, after: number): void {
    const b = Math.max(bucketOf(now, this.bucketMs), this.head);
    if (b - this.head >= this.slots) this.values.fill(before);
    else for (let x = this.head + 1; x < b; x++) this.values[x % this.slots] = before;
    this.values[b % this.slots] = after;
    this.head = b;
  }
}

/** A key's rings rebuilt from its per-minute history: the seed after a restart or a quota change. */
export function seedRings(layout: QuotaLayout, history: KeyHistory, now: number): { seq: number; rings: Ring[] } {
  let sum = 0;
  for (const [, n] of history.perMinute) sum += n;
  const seq = u32(sum);
  const rings = layout.rings.map(({ bucketMs, slots }) => {
    const perBucket = new Map<number, number>();
    let head = bucketOf(now, bucketMs);
    for (const [minute, n] of history.perMinute) {
      const b = bucketOf(minute * MINUTE_MS, bucketMs);
      perBucket.set(b, (perBucket.get(b) ?? 0) + n);
      if (b > head) head = b;
    }
    const values = new Uint32Array(slots);
    // Walk back from the head: each bucket's value is seq less what came after it.
    let running = sum;
    for (let b = head; b > head - slots; b--) {
      values[b % slots] = u32(running);
      running -= perBucket.get(b) ?? 0;
    }
    return new Ring(bucketMs, values, head);
  });
  return { seq, rings };
}

/** A key's quota counters as MemoryCounterStore holds them. */
export interface KeyCounters {
  /** All-time admissions (kept only when the key has a total quota). */
  total: number;
  seq: number;
  rings: Ring[];
  /** Per rolling quota, the index of its ring. */
  ringOf: number[];
}

/** Each quota's reading from the counters at `now`: `total` first, then the rolling windows in order. */
export function readCounters(q: { total: number | null; rolling: readonly RollingQuota[] }, c: KeyCounters, now: number): QuotaReading[] {
  const out: QuotaReading[] = [];
  if (q.total !== null) out.push({ name: 'total', limit: q.total, used: c.total, nextSlotAt: null });
  q.rolling.forEach((r, j) => {
    const ring = c.rings[c.ringOf[j]!]!;
    const used = ring.count(now, r.windowMs, c.seq);
    out.push({ name: r.name, limit: r.limit, used, nextSlotAt: ring.nextSlotAt(now, r.windowMs, used, r.limit) });
  });
  return out;
}
