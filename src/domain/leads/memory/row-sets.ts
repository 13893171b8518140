/**
 * Sets of row numbers (0 … size-1) for the in-memory lead index: a bitmap while a query is
 * worked out, and sorted lists (one shared array with offsets) for what the index stores, since
 * most values and words occur in few rows and a bitmap each would cost a million bits apiece.
 */

/** A bitmap over `size` rows. */
export class Bits {
  readonly words: Uint32Array;

  constructor(
    readonly size: number,
    words?: Uint32Array,
  ) {
    this.words = words ?? new Uint32Array((size + 31) >>> 5);
  }

  static all(size: number): Bits {
    const b = new Bits(size);
    b.words.fill(0xffffffff);
    const tail = size & 31;
    if (tail) b.words[b.words.length - 1] = (1 << tail) - 1;
    return b;
  }

  clone(): Bits {
    return new Bits(this.size, this.words.slice());
  }

  has(row: number): boolean {
    return (this.words[row >>> 5]! & (1 << (row & 31))) !== 0;
  }

  add(row: number): void {
    this.words[row >>> 5]! |= 1 << (row & 31);
  }

  delete(row: number): void {
    this.words[row >>> 5]! &= ~(1 << (row & 31));
  }

  /** Keeps the rows also in `other` (or, `inverted`, those not in it). */
  and(other: Bits, inverted = false): this {
    const a = this.words;
    const b = other.words;
    if (inverted) for (let i = 0; i < a.length; i++) a[i]! &= ~b[i]!;
    else for (let i = 0; i < a.length; i++) a[i]! &= b[i]!;
    return this;
  }

  /** Adds the rows in `a` but not in `b`. */
  orDifference(a: Bits, b: Bits): this {
    const w = this.words;
    const x = a.words;
    const y = b.words;
    for (let i = 0; i < w.length; i++) w[i]! |= x[i]! & ~y[i]!;
    return this;
  }

  /** Keeps the rows `test` accepts. */
  keepIf(test: (row: number) => boolean): this {
    const a = this.words;
    for (let w = 0; w < a.length; w++) {
      let v = a[w]!;
      if (v === 0) continue;
      let kept = v;
      while (v !== 0) {
        const low = v & -v;
        if (!test((w << 5) + (31 - Math.clz32(low)))) kept &= ~low;
        v ^= low;
      }
      a[w] = kept >>> 0;
    }
    return this;
  }

  or(other: Bits): this {
    const a = this.words;
    const b = other.words;
    for (let i = 0; i < a.length; i++) a[i]! |= b[i]!;
    return this;
  }

  /** The rows not in this set. */
  invert(): this {
    const a = this.words;
    for (let i = 0; i < a.length; i++) a[i] = ~a[i]! >>> 0;
    const tail = this.size & 31;
    if (tail) a[a.length - 1]! &= (1 << tail) - 1;
    return this;
  }

  count(): number {
    let n = 0;
    const a = this.words;
    for (let i = 0; i < a.length; i++) {
      let v = a[i]!;
      if (v === 0) continue;
      v -= (v >>> 1) & 0x55555555;
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      n += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    return n;
  }

  /** The first row at or after `from` in the set, or -1. */
  next(from: number): number {
    if (from >= this.size) return -1;
    const a = this.words;
    let w = from >>> 5;
    let v = a[w]! & (0xffffffff << (from & 31));
    for (;;) {
      if (v !== 0) {
        const row = (w << 5) + (31 - Math.clz32(v & -v));
        return row < this.size ? row : -1;
      }
      if (++w >= a.length) return -1;
      v = a[w]!;
    }
  }

  /** Calls `fn` for each row in the set, in order; `fn` may delete the row it is given. */
  forEach(fn: (row: number) => void): void {
    const a = this.words;
    for (let w = 0; w < a.length; w++) {
      let v = a[w]!;
      while (v !== 0) {
        const low = v & -v;
        fn((w << 5) + (31 - Math.clz32(low)));
        v ^= low;
      }
    }
  }
}

/** Lists of rows per term (a value or a word) in one array: term t's rows are data[start[t]] … data[start[t+1]-1], ascending. */
export interface Postings {
  start: Uint32Array;
  data: Uint32Array;
}

export const postingCount = (p: Postings, term: number) => p.start[term + 1]! - p.start[term]!;

/** Adds term `term`'s rows to `into`. */
export function orPosting(into: Bits, p: Postings, term: number): void {
  const end = p.start[term + 1]!;
  for (let i = p.start[term]!; i < end; i++) into.add(p.data[i]!);
}

/** A growable list of numbers. */
export class U32List {
  private buf: Uint32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.buf = new Uint32Array(capacity);
  }

  push(v: number): void {
    if (this.length === this.buf.length) {
      const bigger = new Uint32Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.length++] = v;
  }

  get(i: number): number {
    return this.buf[i]!;
  }

  /** The numbers, in an array of their own length. */
  done(): Uint32Array {
    return this.buf.slice(0, this.length);
  }
}

/** Collects (term, row) pairs with rows in ascending order, then lays them out as Postings. */
export class PostingsBuilder {
  private terms = new U32List(1 << 16);
  private rows = new U32List(1 << 16);

  add(term: number, row: number): void {
    this.terms.push(term);
    this.rows.push(row);
  }

  build(termCount: number): Postings {
    const start = new Uint32Array(termCount + 1);
    for (let i = 0; i < this.terms.length; i++) start[this.terms.get(i) + 1]!++;
    for (let t = 0; t < termCount; t++) start[t + 1]! += start[t]!;
    const fill = start.slice(0, termCount);
    const data = new Uint32Array(this.terms.length);
    // Pairs were added in row order, so each term's rows land in ascending order.
    for (let i = 0; i < this.terms.length; i++) data[fill[this.terms.get(i)]!++] = this.rows.get(i);
    return { start, data };
  }
}

/**
 * The rows with a value (NaN, a null, left out), ordered by value, equal values by row: a stable
 * LSD radix sort on the values' bits, 16 at a time. A comparator sort of a million rows held the
 * event loop for most of a second per column; this takes a few tens of milliseconds.
 */
export function orderByValue(values: Float64Array): Uint32Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  let count = 0;
  for (let r = 0; r < values.length; r++) if (!Number.isNaN(values[r]!)) count++;
  let rows = new Uint32Array(count);
  let hi = new Uint32Array(count);
  let lo = new Uint32Array(count);
  for (let r = 0, i = 0; r < values.length; r++) {
    const x = values[r]!;
    if (Number.isNaN(x)) continue;
    // IEEE 754 bits made to sort as unsigned integers: negatives inverted, positives with the sign bit set; -0 is 0.
    let h = bits[2 * r + 1]!;
    let l = bits[2 * r]!;
    if (x === 0) {
      h = 0;
      l = 0;
    }
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    rows[i] = r;
    hi[i] = h;
    lo[i] = l;
    i++;
  }
  let rows2 = new Uint32Array(count);
  let hi2 = new Uint32Array(count);
  let lo2 = new Uint32Array(count);
  const counts = new Uint32Array(1 << 16);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? lo : hi;
    const shift = (pass & 1) * 16;
    counts.fill(0);
    for (let i = 0; i < count; i++) counts[(word[i]! >>> shift) & 0xffff]!++;
    // Every key has the same digit here: this pass would change nothing.
    if (counts[(word[0]! >>> shift) & 0xffff] === count) continue;
    let at = 0;
    for (let d = 0; d < counts.length; d++) {
      const c = counts[d]!;
      counts[d] = at;
      at += c;
    }
    for (let i = 0; i < count; i++) {
      const to = counts[(word[i]! >>> shift) & 0xffff]!++;
      rows2[to] = rows[i]!;
      hi2[to] = hi[i]!;
      lo2[to] = lo[i]!;
    }
    [rows, rows2] = [rows2, rows];
    [hi, hi2] = [hi2, hi];
    [lo, lo2] = [lo2, lo];
  }
  return rows;
}
