/**
 * One lead kind held in memory for filtering and counting: every row's filter columns, by row
 * number in id order. A query becomes a bitmap of matching rows; its count is the bitmap's, and a
 * page is the next rows of it after a cursor. Only ids leave the index: the rows themselves are
 * read from the database by id, with the version that says whether they are still the indexed ones.
 */
import { EARTH_KM, nearBox } from '../kinds.js';
import { compileTsQuery, type TsDoc, type TsPositions, type TsQueryNode } from '../tsquery.js';
import type { FieldSpec, Range, Step } from './fields.js';
import { Bits, orderByValue, orPosting, type Postings, PostingsBuilder, postingCount, U32List } from './row-sets.js';

/** Lead ids are `xxx_` and 20 base32 characters: stored in a fixed width. */
const ID_WIDTH = 24;
/** A word's positions are packed with its number: 10 bits of position, 22 of word (4 million words). */
const POSITION_BITS = 10;
const MAX_POSITION = (1 << POSITION_BITS) - 1;
const MAX_WORDS = 1 << (32 - POSITION_BITS);

interface ValueColumn {
  type: 'value';
  codes: Map<string, number>;
  postings: Postings;
  /** Values held by many rows, as bitmaps (a list would cost more than the bitmap). */
  dense: Map<number, Bits>;
}

interface WordsColumn {
  type: 'words';
  vocab: Map<string, number>;
  words: string[];
  /** Word numbers in code-unit order of the words: a prefix's words are one run of it. */
  sorted: Uint32Array;
  postings: Postings;
  dense: Map<number, Bits>;
  /** Row r's words and positions: entries[rowStart[r]] … entries[rowStart[r+1]-1], each (word << 10 | position), position 0 for none. */
  rowStart: Uint32Array;
  entries: Uint32Array;
  /** False when a row's vector could not be packed (weights, positions over 1023, too many words): phrase queries then go to SQL. */
  positionsKept: boolean;
}

interface NumberColumn {
  type: 'number';
  /** By row; NaN for null. */
  values: Float64Array;
  /** Rows with a value, ordered by it, and their values in that order: a range is one run of them. */
  order: Uint32Array;
  sorted: Float64Array;
  /**
   * prefixes[k]: the rows of order[0 … k·step-1]. A long run of the sorted order is then two
   * bitmaps (the rows before its end, less those before its start) and at most two short edges.
   */
  step: number;
  prefixes: Bits[];
}

/** Prefix bitmaps per number column: 64 of them cost 8 MB a column per million rows. */
const PREFIXES = 64;

type Column = ValueColumn | WordsColumn | NumberColumn | { type: 'flag'; bits: Bits };

/** The parsed tsquery of each of a words step's queries (null: the text held no words, which matches nothing). */
export type TsQueries = (step: Extract<Step, { type: 'words' }>) => readonly (TsQueryNode | null)[];

/** What the index makes of a query: the matching rows, and rows too close to a radius's edge to decide in JavaScript. */
export interface Evaluation {
  rows: Bits;
  /** Rows whose distance is within rounding of the radius: the database decides them (verifyNear). */
  borderline: number[];
}

export class KindIndex {
  private constructor(
    readonly version: number,
    readonly size: number,
    private readonly ids: Buffer,
    private readonly columns: Map<string, Column>,
  ) {}

  id(row: number): string {
    return this.ids.toString('latin1', row * ID_WIDTH, (row + 1) * ID_WIDTH);
  }

  /** The first row whose id sorts after `id` (ids are compared as PostgreSQL ordered them, checked at load). */
  rowAfter(id: string): number {
    const key = Buffer.from(id, 'latin1');
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      // ids[mid] <= id: the answer is further on.
      if (this.ids.compare(key, 0, key.length, mid * ID_WIDTH, (mid + 1) * ID_WIDTH) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The rows matching every step, or null when one of them needs what this index could not keep (then SQL answers). */
  evaluate(steps: readonly Step[], queries: TsQueries): Evaluation | null {
    // Cheap, selective steps first; per-row work (ranges, distance, phrases) runs on what is left.
    const order = (s: Step) => ({ in: 0, flag: 1, words: 2, ranges: 3, atLeast: 3, near: 4 })[s.type];
    const sorted = [...steps].sort((a, b) => order(a) - order(b));
    let rows: Bits | null = null;
    const borderline: number[] = [];
    // The first set is kept as the working set; later ones are ANDed into it, so a query allocates little.
    const narrow = (set: Bits, inverted = false) => {
      if (rows) rows.and(set, inverted);
      else rows = inverted ? set.clone().invert() : set;
    };
    const keepIf = (test: (row: number) => boolean) => {
      const r: Bits = rows ?? Bits.all(this.size);
      r.keepIf(test);
      rows = r;
    };
    for (const step of sorted) {
      switch (step.type) {
        case 'in': {
          const col = this.columns.get(step.field) as ValueColumn;
          const codes = step.values.map((v) => col.codes.get(v)).filter((c): c is number => c !== undefined);
          const only = codes.length === 1 ? col.dense.get(codes[0]!) : undefined;
          if (only && rows) {
            narrow(only);
            break;
          }
          const set = new Bits(this.size);
          for (const code of codes) {
            const dense = col.dense.get(code);
            if (dense) set.or(dense);
            else orPosting(set, col.postings, code);
          }
          narrow(set);
          break;
        }
        case 'flag': {
          const col = this.columns.get(step.field) as { bits: Bits };
          if (rows) narrow(col.bits, !step.want);
          else narrow(step.want ? col.bits.clone() : col.bits.clone().invert());
          break;
        }
        case 'words': {
          const col = this.columns.get(step.field) as WordsColumn;
          const nodes = queries(step).filter((n): n is TsQueryNode => n !== null);
          // Rows an exact query matches are in; the others' candidates are checked one by one.
          const sure = new Bits(this.size);
          const maybe = new Bits(this.size);
          const inexact: TsQueryNode[] = [];
          for (const node of nodes) {
            const s = this.superset(col, node);
            if (s.exact) sure.or(s.rows);
            else {
              maybe.or(s.rows);
              inexact.push(node);
            }
          }
          if (inexact.length) {
            if (!col.positionsKept) return null;
            if (rows) maybe.and(rows);
            maybe.and(sure, true);
            const tests = inexact.map((node) => this.phraseTest(col, node) ?? this.generalTest(col, node));
            maybe.keepIf((row) => tests.some((test) => test(row)));
            sure.or(maybe);
          }
          narrow(sure);
          break;
        }
        case 'ranges':
        case 'atLeast': {
          const col = this.columns.get(step.field) as NumberColumn;
          rows = this.inRanges(rows, col, step.type === 'ranges' ? step.ranges : [{ min: step.min }]);
          break;
        }
        case 'near': {
          const lat = (this.columns.get('latitude') as { values: Float64Array }).values;
          const lng = (this.columns.get('longitude') as { values: Float64Array }).values;
          const box = nearBox(step);
          // The box first, from the sorted coordinates: the distance is worked out only inside it.
          rows = this.inRanges(rows, this.columns.get('latitude') as NumberColumn, [{ min: box.latMin, max: box.latMax }]);
          if (box.lng) rows = this.inRanges(rows, this.columns.get('longitude') as NumberColumn, [{ min: box.lng.min, max: box.lng.max }]);
          const rad = Math.PI / 180;
          const lat0 = step.lat;
          const cosLat0 = Math.cos(lat0 * rad);
          keepIf((row) => {
            const a = lat[row]!;
            const b = lng[row]!;
            const d =
              2 *
              EARTH_KM *
              Math.asin(Math.sqrt(Math.sin(((a - lat0) * rad) / 2) ** 2 + cosLat0 * Math.cos(a * rad) * Math.sin(((b - step.lng) * rad) / 2) ** 2));
            // JavaScript's and the database's sin/cos may differ in the last bit: near the edge, the database decides.
            if (Math.abs(d - step.radiusKm) <= 1e-9 * Math.max(1, step.radiusKm)) {
              borderline.push(row);
              return false;
            }
            return d <= step.radiusKm;
          });
          break;
        }
      }
    }
    return { rows: rows ?? Bits.all(this.size), borderline };
  }

  /** `rows` (every row when null) narrowed to values within any of the ranges. */
  private inRanges(rows: Bits | null, col: NumberColumn, ranges: readonly Range[]): Bits {
    const runs = ranges.map((r) => run(col.sorted, r));
    const inRuns = runs.reduce((n, [from, to]) => n + to - from, 0);
    // Few candidates: test each; else mark the rows in the ranges' runs of the sorted order.
    if (rows && rows.count() * 8 < inRuns) {
      keepInRanges(rows, col.values, ranges);
      return rows;
    }
    const set = new Bits(this.size);
    for (const [from, to] of runs) {
      const lo = Math.ceil(from / col.step);
      const hi = Math.floor(to / col.step);
      if (lo < hi && col.prefixes[hi] && col.prefixes[lo]) {
        set.orDifference(col.prefixes[hi], col.prefixes[lo]);
        for (let i = from; i < lo * col.step; i++) set.add(col.order[i]!);
        for (let i = hi * col.step; i < to; i++) set.add(col.order[i]!);
      } else {
        for (let i = from; i < to; i++) set.add(col.order[i]!);
      }
    }
    return rows ? rows.and(set) : set;
  }

  /**
   * Rows that may match `node`, and whether they are exactly the matches. Words, AND, OR and a
   * NOT of an exact set are exact; a phrase needs positions, so its rows (those holding every
   * word it needs) are checked one by one.
   */
  private superset(col: WordsColumn, node: TsQueryNode): { rows: Bits; exact: boolean } {
    switch (node.kind) {
      case 'term':
        return { rows: this.termRows(col, node), exact: node.weights === '' };
      case 'and': {
        const l = this.superset(col, node.left);
        const r = this.superset(col, node.right);
        return { rows: l.rows.and(r.rows), exact: l.exact && r.exact };
      }
      case 'or': {
        const l = this.superset(col, node.left);
        const r = this.superset(col, node.right);
        return { rows: l.rows.or(r.rows), exact: l.exact && r.exact };
      }
      case 'not': {
        const a = this.superset(col, node.arg);
        return a.exact ? { rows: a.rows.invert(), exact: true } : { rows: Bits.all(this.size), exact: false };
      }
      case 'phrase':
        return { rows: this.needed(col, node), exact: false };
    }
  }

  /** Rows holding what a phrase operand needs to match anywhere: a NOT needs nothing. */
  private needed(col: WordsColumn, node: TsQueryNode): Bits {
    switch (node.kind) {
      case 'term':
        return this.termRows(col, node);
      case 'not':
        return Bits.all(this.size);
      case 'or':
        return this.needed(col, node.left).or(this.needed(col, node.right));
      case 'and':
      case 'phrase':
        return this.needed(col, node.left).and(this.needed(col, node.right));
    }
  }

  private termRows(col: WordsColumn, term: Extract<TsQueryNode, { kind: 'term' }>): Bits {
    const set = new Bits(this.size);
    const add = (word: number) => {
      const dense = col.dense.get(word);
      if (dense) set.or(dense);
      else orPosting(set, col.postings, word);
    };
    if (!term.prefix) {
      const word = col.vocab.get(term.lexeme);
      if (word !== undefined) add(word);
      return set;
    }
    // The run of words that start with the prefix.
    let lo = 0;
    let hi = col.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (col.words[col.sorted[mid]!]! < term.lexeme) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < col.sorted.length && col.words[col.sorted[i]!]!.startsWith(term.lexeme); i++) add(col.sorted[i]!);
    return set;
  }

  /** Any query, as PostgreSQL evaluates it, over the row's words. */
  private generalTest(col: WordsColumn, node: TsQueryNode): (row: number) => boolean {
    const test = compileTsQuery(node);
    return (row) => test(this.doc(col, row));
  }

  /**
   * A phrase of plain words (`'chief' <-> 'technology' <-> 'officer'`, as phraseto_tsquery makes
   * them): matched straight on the packed positions, the common case of job titles. Null for any
   * other shape; a row holding one of the words without positions is left to generalTest.
   */
  private phraseTest(col: WordsColumn, node: TsQueryNode): ((row: number) => boolean) | null {
    const words: number[] = [];
    const offsets: number[] = [];
    const walk = (n: TsQueryNode): number | null => {
      if (n.kind === 'term') {
        if (n.prefix || n.weights !== '') return null;
        words.push(col.vocab.get(n.lexeme) ?? -1);
        offsets.push(0);
        return 0;
      }
      if (n.kind !== 'phrase' || n.right.kind !== 'term') return null;
      const end = walk(n.left);
      if (end === null) return null;
      const at = end + n.distance;
      if (walk(n.right) === null) return null;
      offsets[offsets.length - 1] = at;
      return at;
    };
    if (node.kind !== 'phrase' || walk(node) === null) return null;
    if (words.includes(-1)) return () => false;
    const general = this.generalTest(col, node);
    const n = words.length;
    return (row) => {
      const from = col.rowStart[row]!;
      const to = col.rowStart[row + 1]!;
      // Each start the first word offers, checked against every other word's positions.
      for (let i = from; i < to; i++) {
        const e = col.entries[i]!;
        if (e >>> POSITION_BITS !== words[0]) continue;
        const start = e & MAX_POSITION;
        if (start === 0) return general(row);
        let all = true;
        for (let k = 1; k < n && all; k++) {
          const want = start + offsets[k]!;
          all = false;
          for (let j = from; j < to; j++) {
            const f = col.entries[j]!;
            if (f >>> POSITION_BITS !== words[k]) continue;
            const p = f & MAX_POSITION;
            if (p === 0) return general(row);
            if (p === want) {
              all = true;
              break;
            }
          }
        }
        if (all) return true;
      }
      return false;
    };
  }

  private doc(col: WordsColumn, row: number): TsDoc {
    const from = col.rowStart[row]!;
    const to = col.rowStart[row + 1]!;
    return {
      entry(lexeme) {
        const word = col.vocab.get(lexeme);
        if (word === undefined) return undefined;
        let found = false;
        // Packed as PostgreSQL packs them: weight D is 0, so a plain position is its own packing.
        const positions: number[] = [];
        for (let i = from; i < to; i++) {
          const e = col.entries[i]!;
          if (e >>> POSITION_BITS !== word) continue;
          found = true;
          const p = e & MAX_POSITION;
          if (p) positions.push(p);
        }
        return found ? positions : undefined;
      },
      *lexemes() {
        let last = -1;
        for (let i = from; i < to; i++) {
          const word = col.entries[i]! >>> POSITION_BITS;
          if (word !== last) yield col.words[word]!;
          last = word;
        }
      },
    };
  }

  // ---- building ----

  static builder(version: number, fields: Record<string, FieldSpec>): KindIndexBuilder {
    return new KindIndexBuilder(version, fields, (v, size, ids, columns) => new KindIndex(v, size, ids, columns));
  }
}

/** The run of `sorted` within the range (inclusive), as [from, to). */
function run(sorted: Float64Array, r: Range): [number, number] {
  const first = (pred: (x: number) => boolean) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred(sorted[mid]!)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const from = r.min === undefined ? 0 : first((x) => x >= r.min!);
  const to = r.max === undefined ? sorted.length : first((x) => x > r.max!);
  return [from, Math.max(from, to)];
}

/** Keeps the rows whose value is within any of the ranges (inclusive; NaN, a null, is in none). */
function keepInRanges(rows: Bits, values: Float64Array, ranges: readonly Range[]): void {
  const mins = ranges.map((r) => r.min ?? Number.NEGATIVE_INFINITY);
  const maxs = ranges.map((r) => r.max ?? Number.POSITIVE_INFINITY);
  rows.keepIf((row) => {
    const x = values[row]!;
    for (let k = 0; k < mins.length; k++) if (x >= mins[k]! && x <= maxs[k]!) return true;
    return false;
  });
}

/** Reads a tsvector's text, calling `visit` per lexeme with its packed positions (tsquery.ts's readTsVector). */
export type VectorReader = (text: string, visit: (lexeme: string, positions: TsPositions) => void) => void;

type ValueBuild = { type: 'value'; codes: Map<string, number>; postings: PostingsBuilder };
type WordsBuild = {
  type: 'words';
  vocab: Map<string, number>;
  words: string[];
  postings: PostingsBuilder;
  rowStart: U32List;
  entries: U32List;
  positionsKept: boolean;
};
type ColumnBuild = ValueBuild | WordsBuild | { type: 'flag'; rows: U32List } | { type: 'number'; values: number[] };

/** Takes rows in id order, then makes the index. */
export class KindIndexBuilder {
  private ids: Buffer = Buffer.alloc(ID_WIDTH * 1024);
  private size = 0;
  private lastId = '';
  /** False once an id does not fit the fixed width or comes out of order: such an index cannot page (it is not used). */
  usable = true;
  private readonly builds = new Map<string, ColumnBuild>();

  constructor(
    private readonly version: number,
    private readonly fields: Record<string, FieldSpec>,
    private readonly make: (version: number, size: number, ids: Buffer, columns: Map<string, Column>) => KindIndex,
  ) {
    for (const [name, spec] of Object.entries(fields)) {
      switch (spec.type) {
        case 'value':
        case 'values':
          this.builds.set(name, { type: 'value', codes: new Map(), postings: new PostingsBuilder() });
          break;
        case 'words':
          this.builds.set(name, {
            type: 'words',
            vocab: new Map(),
            words: [],
            postings: new PostingsBuilder(),
            rowStart: new U32List(),
            entries: new U32List(1 << 16),
            positionsKept: true,
          });
          break;
        case 'flag':
          this.builds.set(name, { type: 'flag', rows: new U32List() });
          break;
        case 'number':
          this.builds.set(name, { type: 'number', values: [] });
          break;
      }
    }
  }

  add(id: string, values: Record<string, unknown>, readVector: VectorReader): void {
    const row = this.size;
    if (id.length !== ID_WIDTH || !(id > this.lastId)) this.usable = false;
    this.lastId = id;
    if ((row + 1) * ID_WIDTH > this.ids.length) {
      const bigger = Buffer.alloc(this.ids.length * 2);
      this.ids.copy(bigger);
      this.ids = bigger;
    }
    this.ids.write(id, row * ID_WIDTH, ID_WIDTH, 'latin1');
    this.size++;
    for (const [name, b] of this.builds) {
      const v = values[name];
      switch (b.type) {
        case 'value': {
          const list = v === null || v === undefined ? [] : this.fields[name]!.type === 'values' ? (JSON.parse(String(v)) as unknown[]) : [v];
          const seen = new Set<number>();
          for (const item of list) {
            if (item === null || item === undefined) continue;
            const key = String(item);
            let code = b.codes.get(key);
            if (code === undefined) b.codes.set(key, (code = b.codes.size));
            if (!seen.has(code)) b.postings.add(code, row);
            seen.add(code);
          }
          break;
        }
        case 'flag':
          if (v === true || v === 't') b.rows.push(row);
          break;
        case 'number':
          b.values.push(v === null || v === undefined ? Number.NaN : Number(v));
          break;
        case 'words': {
          b.rowStart.push(b.entries.length);
          if (typeof v !== 'string' || v === '') break;
          readVector(v, (lexeme, positions) => {
            let word = b.vocab.get(lexeme);
            if (word === undefined) {
              word = b.words.length;
              // A copy: a longer slice of the row's text would keep the whole text alive.
              const own = lexeme.length > 12 ? Buffer.from(lexeme, 'utf8').toString('utf8') : lexeme;
              b.vocab.set(own, word);
              b.words.push(own);
            }
            b.postings.add(word, row);
            if (word >= MAX_WORDS) b.positionsKept = false;
            if (positions.length === 0) b.entries.push((word << POSITION_BITS) >>> 0);
            for (let i = 0; i < positions.length; i++) {
              const p = positions[i]!;
              // A weight other than D, or a position past what is packed here: phrases over this column go to SQL.
              if (p > MAX_POSITION) b.positionsKept = false;
              b.entries.push(((word << POSITION_BITS) | (p & MAX_POSITION)) >>> 0);
            }
          });
          break;
        }
      }
    }
  }

  /**
   * Makes the index, column by column, letting other work run between columns: for a million
   * rows this is seconds of work, and requests (and database connections' timers) must not wait
   * for all of it.
   */
  async build(): Promise<KindIndex> {
    const size = this.size;
    const columns = new Map<string, Column>();
    const denseOf = (postings: Postings, terms: number) => {
      const dense = new Map<number, Bits>();
      for (let t = 0; t < terms; t++) {
        if (postingCount(postings, t) * 32 < size) continue;
        const bits = new Bits(size);
        orPosting(bits, postings, t);
        dense.set(t, bits);
      }
      return dense;
    };
    for (const [name, b] of this.builds) {
      await new Promise((resolve) => setImmediate(resolve));
      switch (b.type) {
        case 'value': {
          const postings = b.postings.build(b.codes.size);
          columns.set(name, { type: 'value', codes: b.codes, postings, dense: denseOf(postings, b.codes.size) });
          break;
        }
        case 'flag': {
          const bits = new Bits(size);
          const rows = b.rows.done();
          for (const r of rows) bits.add(r);
          columns.set(name, { type: 'flag', bits });
          break;
        }
        case 'number': {
          const values = Float64Array.from(b.values);
          const order = orderByValue(values);
          const sorted = Float64Array.from(order, (r) => values[r]!);
          const step = Math.max(1, Math.ceil(order.length / PREFIXES));
          const prefixes: Bits[] = [new Bits(size)];
          for (let k = 1; k * step <= order.length; k++) {
            const bits = prefixes[k - 1]!.clone();
            for (let i = (k - 1) * step; i < k * step; i++) bits.add(order[i]!);
            prefixes.push(bits);
          }
          columns.set(name, { type: 'number', values, order, sorted, step, prefixes });
          break;
        }
        case 'words': {
          b.rowStart.push(b.entries.length);
          const postings = b.postings.build(b.words.length);
          const sorted = Uint32Array.from(b.words.keys()).sort((x, y) => (b.words[x]! < b.words[y]! ? -1 : b.words[x]! > b.words[y]! ? 1 : 0));
          columns.set(name, {
            type: 'words',
            vocab: b.vocab,
            words: b.words,
            sorted,
            postings,
            dense: denseOf(postings, b.words.length),
            rowStart: b.rowStart.done(),
            entries: b.entries.done(),
            positionsKept: b.positionsKept,
          });
          break;
        }
      }
    }
    // A copy of exactly the ids: the growing buffer may be twice their size.
    return this.make(this.version, size, Buffer.from(this.ids.subarray(0, size * ID_WIDTH)), columns);
  }
}
