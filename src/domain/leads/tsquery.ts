/**
 * PostgreSQL's `tsvector @@ tsquery`, evaluated in JavaScript on the text forms PostgreSQL prints
 * (`v::text`, `q::text`), so an in-memory index can answer a full-text match without a round trip.
 *
 * The evaluation follows PostgreSQL's own (tsvector_op.c: TS_execute_recurse, TS_phrase_execute,
 * checkcondition_str; PostgreSQL 13 and later, which share it) step by step, including what is
 * only implied there: a lexeme stored without positions matches any weight outside a phrase, and
 * inside a phrase makes the phrase "maybe", which the topmost phrase operator reads as no match;
 * `!` inside a phrase means "at every position but these"; `&` and `|` inside a phrase line their
 * operands up by their starts, the narrower padded to the wider one's width; and a failed
 * operand's width still counts when a `!` above it turns the failure into a match.
 *
 * One thing the text cannot carry: `a & (b & c)` prints as `a & b & c`, which reads back as
 * `(a & b) & c`. The two always agree except under `!` inside a phrase, where a failed `&` reports
 * a width that depends on its shape (see `phraseExecute`): there this module answers for the
 * left-nested reading, as PostgreSQL does for the text it printed.
 */

export type TsQueryNode =
  | { kind: 'term'; lexeme: string; prefix: boolean; weights: string }
  | { kind: 'not'; arg: TsQueryNode }
  | { kind: 'and' | 'or'; left: TsQueryNode; right: TsQueryNode }
  | { kind: 'phrase'; distance: number; left: TsQueryNode; right: TsQueryNode };

/**
 * A lexeme's positions as PostgreSQL stores them (WordEntryPos): the position (1..16383) in the
 * low 14 bits, the weight in the top two (3 = A, 2 = B, 1 = C, 0 = D), ascending by position.
 * Empty when the lexeme is stored without positions (`strip`, `array_to_tsvector`).
 */
export type TsPositions = ArrayLike<number>;

/** A document: what `tsMatches` asks of a tsvector. */
export interface TsDoc {
  /** The lexeme's positions; empty when it is stored without positions; undefined when absent. */
  entry(lexeme: string): TsPositions | undefined;
  /** Every lexeme (for prefix terms). */
  lexemes(): Iterable<string>;
}

/** The position (1..16383) of a packed position. */
export const tsPosition = (packed: number): number => packed & POS_MASK;

/** The weight ('A'..'D') of a packed position. */
export const tsWeight = (packed: number): string => WEIGHT_LETTERS[(packed >> 14) & 3]!;

const POS_MASK = 0x3fff;
/** PostgreSQL's largest position (LIMITPOS clamps to it) and largest phrase distance. */
const MAX_POS = 16383;
const MAX_DISTANCE = 16384;
/** PostgreSQL keeps at most this many positions per lexeme (MAXNUMPOS). */
const MAX_POSITIONS = 256;
const WEIGHT_LETTERS = ['D', 'C', 'B', 'A'] as const;
const NO_POSITIONS: readonly number[] = [];

const QUOTE = 0x27;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;

function isSpace(c: number): boolean {
  // C isspace in the C locale, which is what PostgreSQL's parsers test with.
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function syntaxError(kind: 'tsquery' | 'tsvector', text: string, at: number, why: string): Error {
  return new Error(`${kind} text at ${at}: ${why}: ${JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)}`);
}

// ---------------------------------------------------------------------------------------------
// tsvector text

/**
 * Position lists of one position, shared: most lexemes of a short text occur once, and a list per
 * lexeme per row would dominate the memory of an index over many rows. Indexed by packed position.
 */
const singlePositions = new Array<readonly number[] | undefined>(1 << 16);
/** Reused while reading, so a lexeme's list is allocated once at its final size. */
const scratchPositions: number[] = [];

function positionList(count: number): readonly number[] {
  if (count === 1) {
    const p = scratchPositions[0]!;
    return (singlePositions[p] ??= [p]);
  }
  return scratchPositions.slice(0, count);
}

/**
 * Reads a tsvector's text form, calling `visit` for each lexeme as written with its packed
 * positions (see TsPositions; the list may be shared: do not change it). PostgreSQL's output is
 * already sorted and free of repeats; this does not check. Throws on text PostgreSQL would not
 * accept as a tsvector.
 */
export function readTsVector(text: string, visit: (lexeme: string, positions: TsPositions) => void): void {
  const n = text.length;
  let i = 0;
  for (;;) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) return;
    let lexeme: string;
    let c = text.charCodeAt(i);
    if (c === QUOTE) {
      let start = ++i;
      let done = '';
      for (;;) {
        if (i >= n) throw syntaxError('tsvector', text, i, 'unterminated quoted lexeme');
        c = text.charCodeAt(i);
        if (c === QUOTE) {
          if (i + 1 < n && text.charCodeAt(i + 1) === QUOTE) {
            done += text.slice(start, i + 1);
            i += 2;
            start = i;
            continue;
          }
          break;
        }
        if (c === BACKSLASH) {
          if (i + 1 >= n) throw syntaxError('tsvector', text, i, 'no escaped character');
          done += text.slice(start, i);
          start = i + 1;
          i += 2;
          continue;
        }
        i++;
      }
      lexeme = done === '' ? text.slice(start, i) : done + text.slice(start, i);
      i++;
    } else {
      let start = i;
      let done = '';
      while (i < n) {
        c = text.charCodeAt(i);
        if (isSpace(c) || c === COLON) break;
        if (c === BACKSLASH) {
          if (i + 1 >= n) throw syntaxError('tsvector', text, i, 'no escaped character');
          done += text.slice(start, i);
          start = i + 1;
          i += 2;
          continue;
        }
        i++;
      }
      lexeme = done + text.slice(start, i);
    }
    if (lexeme === '') throw syntaxError('tsvector', text, i, 'empty lexeme');
    if (i >= n || text.charCodeAt(i) !== COLON) {
      // PostgreSQL reads "'a'b" as two lexemes: a closing quote ends one by itself.
      visit(lexeme, NO_POSITIONS);
      continue;
    }
    i++;
    let count = 0;
    for (;;) {
      if (i >= n || !isDigit(text.charCodeAt(i))) throw syntaxError('tsvector', text, i, 'expected a position');
      let pos = 0;
      while (i < n && isDigit((c = text.charCodeAt(i)))) {
        if (pos <= MAX_POS) pos = pos * 10 + (c - 0x30);
        i++;
      }
      if (pos === 0) throw syntaxError('tsvector', text, i, 'position 0');
      if (pos > MAX_POS) pos = MAX_POS;
      let weight = 0;
      // PostgreSQL's WAITPOSDELIM: one weight letter ('*' means A), stray digits after it ignored.
      for (; i < n; i++) {
        c = text.charCodeAt(i);
        const letter = c === 0x2a ? 0x61 : (c >= 0x41 && c <= 0x44) || (c >= 0x61 && c <= 0x64) ? c | 0x20 : 0;
        if (letter !== 0) {
          if (weight !== 0) throw syntaxError('tsvector', text, i, 'two weights on one position');
          weight = 0x64 - letter;
        } else if (!isDigit(c)) break;
      }
      scratchPositions[count++] = (weight << 14) | pos;
      if (i < n && text.charCodeAt(i) === COMMA) {
        i++;
        continue;
      }
      if (i < n && !isSpace(text.charCodeAt(i))) throw syntaxError('tsvector', text, i, 'expected a comma or a space after a position');
      break;
    }
    visit(lexeme, positionList(count));
  }
}

/** Orders strings by code point, which is how PostgreSQL orders lexemes (by their UTF-8 bytes). */
export function compareLexemes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 puts surrogates (code points above U+FFFF) below U+E000..U+FFFF; UTF-8 does not.
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x - y;
  }
  return a.length - b.length;
}

/** Sorts packed positions by position, keeping the highest weight of a repeated one (PostgreSQL's uniquePos). */
function uniquePositions(positions: number[]): number[] {
  positions.sort((x, y) => (x & POS_MASK) - (y & POS_MASK));
  const out: number[] = [];
  for (const p of positions) {
    const last = out.length - 1;
    if (last >= 0 && (out[last]! & POS_MASK) === (p & POS_MASK)) {
      if (p >> 14 > out[last]! >> 14) out[last] = p;
      continue;
    }
    out.push(p);
    if (out.length >= MAX_POSITIONS || (p & POS_MASK) === MAX_POS) break;
  }
  return out;
}

function ascendingPositions(p: TsPositions): boolean {
  for (let i = 1; i < p.length; i++) if ((p[i]! & POS_MASK) <= (p[i - 1]! & POS_MASK)) return false;
  return p.length <= MAX_POSITIONS;
}

/** A parsed tsvector: its lexemes in order with their packed positions. */
export class TsVector implements TsDoc {
  /** Lexemes, ascending and without repeats. */
  readonly words: readonly string[];
  /** Each lexeme's packed positions (see TsPositions). */
  readonly positions: readonly TsPositions[];
  /** Whether `words` ascend by JavaScript's `<`, so a binary search may use it (they may not, by code point, past U+FFFF). */
  private readonly searchable: boolean;

  /** `words` must ascend (by code point or by `<`) without repeats; `searchable` says which, if known. */
  constructor(words: readonly string[], positions: readonly TsPositions[], searchable?: boolean) {
    if (searchable === undefined) {
      searchable = true;
      for (let i = 1; i < words.length && searchable; i++) searchable = words[i - 1]! < words[i]!;
    }
    this.words = words;
    this.positions = positions;
    this.searchable = searchable;
  }

  /** Index of the lexeme, or -1. */
  indexOf(lexeme: string): number {
    const words = this.words;
    let hi = words.length;
    if (hi <= 8 || !this.searchable) {
      for (let i = 0; i < hi; i++) if (words[i] === lexeme) return i;
      return -1;
    }
    let lo = 0;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const w = words[mid]!;
      if (w < lexeme) lo = mid + 1;
      else if (w === lexeme) return mid;
      else hi = mid;
    }
    return -1;
  }

  entry(lexeme: string): TsPositions | undefined {
    const i = this.indexOf(lexeme);
    return i < 0 ? undefined : this.positions[i];
  }

  lexemes(): readonly string[] {
    return this.words;
  }

  get size(): number {
    return this.words.length;
  }
}

/** Reused while reading, so each document gets its lists at their final size. */
let scratchDoc: { words: string[]; positions: TsPositions[] } | null = null;

/**
 * PostgreSQL's text output of a tsvector, as a document. `intern` may map each lexeme to a shared
 * copy (a Map over the vocabulary, say): over many rows that saves most of their memory, and lets
 * lookups compare identical strings; it must not call parseTsVector. Text that is not in
 * PostgreSQL's normal form (unsorted, repeated lexemes or positions) is normalised as tsvector
 * input would be.
 */
export function parseTsVector(text: string, intern?: (lexeme: string) => string): TsVector {
  const scratch = scratchDoc ?? { words: [], positions: [] };
  scratchDoc = null;
  const { words, positions } = scratch;
  try {
    let normal = true;
    readTsVector(text, (lexeme, p) => {
      const word = intern === undefined ? lexeme : intern(lexeme);
      if (normal && ((words.length > 0 && !(words[words.length - 1]! < word)) || (p.length > 1 && !ascendingPositions(p)))) normal = false;
      words.push(word);
      positions.push(p);
    });
    return normal ? new TsVector(words.slice(), positions.slice(), true) : normalise(words, positions);
  } finally {
    words.length = 0;
    positions.length = 0;
    scratchDoc = scratch;
  }
}

function normalise(words: readonly string[], positions: readonly TsPositions[]): TsVector {
  const order = words.map((_, i) => i).sort((a, b) => compareLexemes(words[a]!, words[b]!));
  const outWords: string[] = [];
  const outPositions: TsPositions[] = [];
  for (const i of order) {
    const last = outWords.length - 1;
    if (last >= 0 && outWords[last] === words[i]) {
      // Repeats merge their positions; a lexeme keeps positions if either copy has them.
      const merged = [...Array.from(outPositions[last]!), ...Array.from(positions[i]!)];
      outPositions[last] = merged.length === 0 ? NO_POSITIONS : merged;
      continue;
    }
    outWords.push(words[i]!);
    outPositions.push(positions[i]!);
  }
  return new TsVector(
    outWords,
    outPositions.map((p) => (ascendingPositions(p) ? p : uniquePositions(Array.from(p)))),
  );
}

function quote(lexeme: string): string {
  let out = "'";
  for (let i = 0; i < lexeme.length; i++) {
    const c = lexeme[i]!;
    out += c === "'" ? "''" : c === '\\' ? '\\\\' : c;
  }
  return `${out}'`;
}

/** PostgreSQL's text output of a document (tsvectorout). */
export function formatTsVector(doc: TsDoc): string {
  const parts: string[] = [];
  for (const word of doc.lexemes()) {
    const p = doc.entry(word)!;
    let s = quote(word);
    for (let i = 0; i < p.length; i++) {
      const w = (p[i]! >> 14) & 3;
      s += `${i === 0 ? ':' : ','}${p[i]! & POS_MASK}${w === 0 ? '' : WEIGHT_LETTERS[w]}`;
    }
    parts.push(s);
  }
  return parts.join(' ');
}

// ---------------------------------------------------------------------------------------------
// tsquery text

const PRIORITY = { or: 1, and: 2, phrase: 3, not: 4 } as const;

class QueryReader {
  private i = 0;

  constructor(private readonly text: string) {}

  private fail(why: string): Error {
    return syntaxError('tsquery', this.text, this.i, why);
  }

  private skipSpace(): void {
    const text = this.text;
    while (this.i < text.length && isSpace(text.charCodeAt(this.i))) this.i++;
  }

  /** The whole text; null when it holds no operand at all (PostgreSQL's empty query). */
  read(): TsQueryNode | null {
    this.skipSpace();
    if (this.i >= this.text.length) return null;
    const node = this.or();
    this.skipSpace();
    if (this.i < this.text.length) throw this.fail(this.text[this.i] === ')' ? 'unbalanced )' : 'expected an operator');
    return node;
  }

  private or(): TsQueryNode {
    return this.chain(0x7c, 'or', () => this.and());
  }

  private and(): TsQueryNode {
    return this.chain(0x26, 'and', () => this.phrase());
  }

  /** Operands read by `next`, joined by the operator character `op`, grouped from the left. */
  private chain(op: number, kind: 'and' | 'or', next: () => TsQueryNode): TsQueryNode {
    let left = next();
    for (;;) {
      this.skipSpace();
      if (this.text.charCodeAt(this.i) !== op) return left;
      this.i++;
      left = { kind, left, right: next() };
    }
  }

  private phrase(): TsQueryNode {
    let left = this.unary();
    for (;;) {
      this.skipSpace();
      const distance = this.phraseOperator();
      if (distance < 0) return left;
      left = { kind: 'phrase', distance, left, right: this.unary() };
    }
  }

  /** `<->` (1) or `<N>`; -1, consuming nothing, when no phrase operator is next. */
  private phraseOperator(): number {
    const text = this.text;
    let i = this.i;
    if (text.charCodeAt(i) !== 0x3c) return -1;
    i++;
    let distance = 1;
    if (text.charCodeAt(i) === 0x2d) i++;
    else {
      const start = i;
      while (isDigit(text.charCodeAt(i))) i++;
      if (i === start) throw this.fail('malformed phrase operator');
      distance = Number(text.slice(start, i));
      if (distance > MAX_DISTANCE) throw this.fail(`phrase distance above ${MAX_DISTANCE}`);
    }
    if (text.charCodeAt(i) !== 0x3e) throw this.fail('malformed phrase operator');
    this.i = i + 1;
    return distance;
  }

  private unary(): TsQueryNode {
    this.skipSpace();
    const c = this.text.charCodeAt(this.i);
    if (c === 0x21) {
      this.i++;
      return { kind: 'not', arg: this.unary() };
    }
    if (c === 0x28) {
      this.i++;
      const node = this.or();
      this.skipSpace();
      if (this.text.charCodeAt(this.i) !== 0x29) throw this.fail('expected )');
      this.i++;
      return node;
    }
    return this.term();
  }

  private term(): TsQueryNode {
    const text = this.text;
    const n = text.length;
    if (this.i >= n) throw this.fail('no operand');
    let lexeme = '';
    let start: number;
    let c = text.charCodeAt(this.i);
    if (c === QUOTE) {
      start = ++this.i;
      for (;;) {
        if (this.i >= n) throw this.fail('unterminated quoted lexeme');
        c = text.charCodeAt(this.i);
        if (c === QUOTE) {
          if (text.charCodeAt(this.i + 1) !== QUOTE) break;
          lexeme += text.slice(start, this.i + 1);
          this.i += 2;
          start = this.i;
        } else if (c === BACKSLASH) {
          if (this.i + 1 >= n) throw this.fail('no escaped character');
          lexeme += text.slice(start, this.i);
          start = this.i + 1;
          this.i += 2;
        } else this.i++;
      }
      lexeme += text.slice(start, this.i);
      this.i++;
    } else {
      // Unquoted, as tsquery input allows: up to a space, an operator or a colon.
      start = this.i;
      while (this.i < n) {
        c = text.charCodeAt(this.i);
        if (isSpace(c) || c === COLON || c === 0x21 || c === 0x26 || c === 0x7c || c === 0x28 || c === 0x29 || c === 0x3c) break;
        if (c === BACKSLASH) {
          if (this.i + 1 >= n) throw this.fail('no escaped character');
          lexeme += text.slice(start, this.i);
          start = this.i + 1;
          this.i += 2;
        } else this.i++;
      }
      lexeme += text.slice(start, this.i);
    }
    if (lexeme === '') throw this.fail('empty operand');
    let prefix = false;
    let mask = 0;
    if (text.charCodeAt(this.i) === COLON) {
      this.i++;
      for (; this.i < n; this.i++) {
        c = text.charCodeAt(this.i);
        if (c === 0x2a) prefix = true;
        else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x64) mask |= 1 << (0x64 - (c | 0x20));
        else break;
      }
    }
    return { kind: 'term', lexeme, prefix, weights: weightLetters(mask) };
  }
}

/** Letters of a weight mask in PostgreSQL's bits (A = 8, B = 4, C = 2, D = 1), in the order it prints them. */
function weightLetters(mask: number): string {
  return (mask & 8 ? 'A' : '') + (mask & 4 ? 'B' : '') + (mask & 2 ? 'C' : '') + (mask & 1 ? 'D' : '');
}

function weightMask(weights: string): number {
  let mask = 0;
  for (const w of weights.toUpperCase()) {
    const bit = 'DCBA'.indexOf(w);
    if (bit < 0) throw new Error(`unknown weight ${JSON.stringify(w)} in a tsquery term`);
    mask |= 1 << bit;
  }
  return mask;
}

/**
 * PostgreSQL's text output of a tsquery; '' (an empty query, which matches nothing) → null.
 * Reads tsquery input syntax generally (unquoted lexemes too). Throws on text it cannot read.
 */
export function parseTsQuery(text: string): TsQueryNode | null {
  return new QueryReader(text).read();
}

/** PostgreSQL's text output of a query (tsqueryout); null → ''. */
export function formatTsQuery(query: TsQueryNode | null): string {
  return query === null ? '' : infix(query, -1, false);
}

function infix(node: TsQueryNode, parent: number, rightOfPhrase: boolean): string {
  switch (node.kind) {
    case 'term': {
      const mods = (node.prefix ? '*' : '') + weightLetters(weightMask(node.weights));
      return quote(node.lexeme) + (mods === '' ? '' : `:${mods}`);
    }
    case 'not':
      // Nothing binds tighter than !, so it is never parenthesised itself.
      return `!${infix(node.arg, PRIORITY.not, false)}`;
    default: {
      const priority = PRIORITY[node.kind];
      const isPhrase = node.kind === 'phrase';
      const op = node.kind === 'phrase' ? (node.distance === 1 ? '<->' : `<${node.distance}>`) : node.kind === 'and' ? '&' : '|';
      const s = `${infix(node.left, priority, false)} ${op} ${infix(node.right, priority, isPhrase)}`;
      return priority < parent || (isPhrase && rightOfPhrase) ? `( ${s} )` : s;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

const TERM = 0;
const NOT = 1;
const AND = 2;
const OR = 3;
const PHRASE = 4;

/** A query node in one shape, so evaluation stays monomorphic. */
class Compiled {
  constructor(
    readonly op: number,
    readonly lexeme: string,
    readonly prefix: boolean,
    /** Weight bits (A = 8 … D = 1); 0 for any. */
    readonly mask: number,
    readonly distance: number,
    /** The operand of NOT, or the left one. */
    readonly left: Compiled | null,
    readonly right: Compiled | null,
  ) {}
}

function compile(node: TsQueryNode): Compiled {
  switch (node.kind) {
    case 'term':
      return new Compiled(TERM, node.lexeme, node.prefix, weightMask(node.weights), 0, null, null);
    case 'not':
      return new Compiled(NOT, '', false, 0, 0, compile(node.arg), null);
    case 'and':
    case 'or':
      return new Compiled(node.kind === 'and' ? AND : OR, '', false, 0, 0, compile(node.left), compile(node.right));
    case 'phrase':
      if (!Number.isInteger(node.distance) || node.distance < 0 || node.distance > MAX_DISTANCE)
        throw new Error(`phrase distance ${node.distance} out of range`);
      return new Compiled(PHRASE, '', false, 0, node.distance, compile(node.left), compile(node.right));
  }
}

const compiledQueries = new WeakMap<TsQueryNode, Compiled>();

/** A matcher for one query, for evaluating it on many documents; a null query matches nothing. */
export function compileTsQuery(query: TsQueryNode | null): (doc: TsDoc) => boolean {
  if (query === null) return () => false;
  const root = compile(query);
  return (doc) => execute(root, doc);
}

/** Exactly PostgreSQL's `doc @@ query`; a null (empty) query matches nothing. */
export function tsMatches(query: TsQueryNode | null, doc: TsDoc): boolean {
  if (query === null) return false;
  let root = compiledQueries.get(query);
  if (root === undefined) compiledQueries.set(query, (root = compile(query)));
  return execute(root, doc);
}

/** TS_execute_recurse: above any phrase operator, where positions do not matter. */
function execute(node: Compiled, doc: TsDoc): boolean {
  switch (node.op) {
    case TERM:
      return termPresent(node, doc);
    case NOT:
      return !execute(node.left!, doc);
    case AND:
      return execute(node.left!, doc) && execute(node.right!, doc);
    case OR:
      return execute(node.left!, doc) || execute(node.right!, doc);
    default:
      // The topmost phrase operator reads "maybe" (positions missing) as no match.
      return phraseExecute(node, doc, null) === YES;
  }
}

/** Whether some position has one of the weights; a lexeme without positions has them all. */
function hasWeight(positions: TsPositions, mask: number): boolean {
  const n = positions.length;
  if (n === 0) return true;
  for (let i = 0; i < n; i++) if ((mask >> (positions[i]! >> 14)) & 1) return true;
  return false;
}

function termPresent(node: Compiled, doc: TsDoc): boolean {
  const { lexeme, mask } = node;
  if (!node.prefix) {
    const positions = doc.entry(lexeme);
    return positions !== undefined && (mask === 0 || hasWeight(positions, mask));
  }
  for (const word of doc.lexemes()) {
    if (!word.startsWith(lexeme)) continue;
    if (mask === 0) return true;
    const positions = doc.entry(word);
    if (positions !== undefined && hasWeight(positions, mask)) return true;
  }
  return false;
}

// TS_phrase_execute's three-valued answers.
const NO = 0;
const YES = 1;
const MAYBE = 2;

/**
 * ExecPhraseData: where a phrase operand matches. Positions are those of the match's right end
 * (a match spans `width` + 1 lexemes); `negate` means "everywhere except these".
 */
class Where {
  pos: TsPositions = NO_POSITIONS;
  negate = false;
  width = 0;
}

const L_ONLY = 1;
const R_ONLY = 2;
const BOTH = 4;
const INT_MAX = 2147483647;

/**
 * TS_phrase_output: merges two ascending position lists (each shifted by its offset), keeping
 * the positions `emit` asks for. With no `out`, only whether any would be kept.
 */
function phraseOutput(out: Where | null, l: Where, r: Where, emit: number, lOffset: number, rOffset: number): number {
  const lp = l.pos;
  const rp = r.pos;
  const ln = lp.length;
  const rn = rp.length;
  let li = 0;
  let ri = 0;
  let kept: number[] | null = null;
  while (li < ln || ri < rn) {
    let lpos: number;
    let rpos: number;
    if (li < ln) lpos = (lp[li]! & POS_MASK) + lOffset;
    else {
      if (!(emit & R_ONLY)) break;
      lpos = INT_MAX;
    }
    if (ri < rn) rpos = (rp[ri]! & POS_MASK) + rOffset;
    else {
      if (!(emit & L_ONLY)) break;
      rpos = INT_MAX;
    }
    let found = 0;
    if (lpos < rpos) {
      if (emit & L_ONLY) found = lpos;
      li++;
    } else if (lpos === rpos) {
      if (emit & BOTH) found = rpos;
      li++;
      ri++;
    } else {
      if (emit & R_ONLY) found = rpos;
      ri++;
    }
    if (found > 0) {
      if (out === null) return YES;
      // Not clamped: read back through the 14-bit mask, a phrase ending past 16383 wraps, as in PostgreSQL.
      (kept ??= []).push(found);
    }
  }
  if (out !== null && kept !== null) {
    out.pos = kept;
    return YES;
  }
  return NO;
}

/** checkcondition_str with positions wanted: a term inside a phrase. */
function termWhere(node: Compiled, doc: TsDoc, out: Where): number {
  const { lexeme, mask } = node;
  if (!node.prefix) {
    const positions = doc.entry(lexeme);
    if (positions === undefined) return NO;
    if (positions.length === 0) return MAYBE;
    if (mask === 0) {
      out.pos = positions;
      return YES;
    }
    let kept: number[] | null = null;
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!;
      if ((mask >> (p >> 14)) & 1) (kept ??= []).push(p & POS_MASK);
    }
    if (kept === null) return NO;
    out.pos = kept;
    return YES;
  }
  // Every lexeme with the prefix: their positions together, or "maybe" if any has none.
  let kept: number[] | null = null;
  let words = 0;
  for (const word of doc.lexemes()) {
    if (!word.startsWith(lexeme)) continue;
    const positions = doc.entry(word);
    if (positions === undefined) continue;
    if (positions.length === 0) return MAYBE;
    let found = false;
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!;
      if (mask === 0 || (mask >> (p >> 14)) & 1) {
        (kept ??= []).push(p & POS_MASK);
        found = true;
      }
    }
    if (found) words++;
  }
  if (kept === null) return NO;
  if (words > 1) {
    kept.sort((a, b) => a - b);
    let n = 1;
    for (let i = 1; i < kept.length; i++) if (kept[i] !== kept[n - 1]) kept[n++] = kept[i]!;
    kept.length = n;
  }
  out.pos = kept;
  return YES;
}

/**
 * TS_phrase_execute: a phrase operator or anything below one. `out` is null only for the topmost
 * phrase operator, which needs no positions back. On NO and MAYBE, `out` keeps no positions and
 * no negation, but its width may have been set (by an operator whose operands both matched but
 * whose merge found nothing); a NOT above then keeps that width, as PostgreSQL does.
 */
function phraseExecute(node: Compiled, doc: TsDoc, out: Where | null): number {
  switch (node.op) {
    case TERM:
      return termWhere(node, doc, out!);
    case NOT: {
      const where = out!;
      const r = phraseExecute(node.left!, doc, where);
      if (r === NO) {
        where.negate = true;
        return YES;
      }
      if (r === MAYBE) return MAYBE;
      if (where.pos.length > 0) {
        where.negate = !where.negate;
        return YES;
      }
      // Matched everywhere, so its negation matches nowhere.
      where.negate = false;
      return NO;
    }
    case PHRASE:
    case AND: {
      const l = new Where();
      const lm = phraseExecute(node.left!, doc, l);
      if (lm === NO) return NO;
      const r = new Where();
      const rm = phraseExecute(node.right!, doc, r);
      if (rm === NO) return NO;
      if (lm === MAYBE || rm === MAYBE) return MAYBE;
      let lOffset: number;
      let rOffset: number;
      if (node.op === PHRASE) {
        lOffset = node.distance + r.width;
        rOffset = 0;
        if (out !== null) out.width = node.distance + l.width + r.width;
      } else {
        const width = Math.max(l.width, r.width);
        lOffset = width - l.width;
        rOffset = width - r.width;
        if (out !== null) out.width = width;
      }
      if (l.negate && r.negate) {
        // !L & !R is !(L | R).
        phraseOutput(out, l, r, BOTH | L_ONLY | R_ONLY, lOffset, rOffset);
        if (out !== null) out.negate = true;
        return YES;
      }
      if (l.negate) return phraseOutput(out, l, r, R_ONLY, lOffset, rOffset);
      if (r.negate) return phraseOutput(out, l, r, L_ONLY, lOffset, rOffset);
      return phraseOutput(out, l, r, BOTH, lOffset, rOffset);
    }
    default: {
      const where = out!;
      const l = new Where();
      const r = new Where();
      const lm = phraseExecute(node.left!, doc, l);
      const rm = phraseExecute(node.right!, doc, r);
      if (lm === NO && rm === NO) return NO;
      if (lm === MAYBE || rm === MAYBE) return MAYBE;
      if (lm === NO) l.width = 0;
      if (rm === NO) r.width = 0;
      // The narrower operand is padded to the wider one's width, so both start in one place: "x <-> (y | z <-> q)".
      const width = Math.max(l.width, r.width);
      const lOffset = width - l.width;
      const rOffset = width - r.width;
      where.width = width;
      if (l.negate && r.negate) {
        // !L | !R is !(L & R).
        phraseOutput(where, l, r, BOTH, lOffset, rOffset);
        where.negate = true;
        return YES;
      }
      if (l.negate) {
        // !L | R is !(L & !R).
        phraseOutput(where, l, r, L_ONLY, lOffset, rOffset);
        where.negate = true;
        return YES;
      }
      if (r.negate) {
        // L | !R is !(!L & R).
        phraseOutput(where, l, r, R_ONLY, lOffset, rOffset);
        where.negate = true;
        return YES;
      }
      return phraseOutput(where, l, r, BOTH | L_ONLY | R_ONLY, lOffset, rOffset);
    }
  }
}
