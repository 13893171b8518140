import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, selectRows } from '../../src/db/client.js';
import {
  compileTsQuery,
  formatTsQuery,
  formatTsVector,
  parseTsQuery,
  parseTsVector,
  readTsVector,
  type TsDoc,
  type TsQueryNode,
  tsMatches,
  TsVector,
} from '../../src/domain/leads/tsquery.js';
import { openTestDatabase } from '../support/harness.js';

/**
 * The module against the database itself: documents and queries built by PostgreSQL (to_tsvector,
 * setweight, strip, array_to_tsvector, `||`, tsvector literals; websearch_to_tsquery,
 * phraseto_tsquery, plainto_tsquery, to_tsquery, tsquery literals), every query matched against
 * every document there and here. Generated from a fixed seed, so a failure repeats.
 */

/** mulberry32: small, seedable, good enough to spread cases. */
function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}

const rand = prng(20_240_601);

/** Few words, so documents share them and phrases line up. */
const WORDS = ['chief', 'technology', 'officer', 'cto', 'head', 'of', 'sales', 'growth', 'data', 'acme', 'berlin', 'manager', 'senior', 'lead', 'vp'];
/** Tokens the 'simple' parser splits or keeps whole in ways worth matching: hyphens, numbers, emails, URLs, apostrophes, non-ASCII. */
const ODD_TOKENS = [
  'co-founder',
  'vice-president',
  'e-commerce',
  '2024',
  '3.5',
  '42',
  'jo@acme.io',
  'ann.lee@data.de',
  'https://acme.io/jobs',
  'acme.io',
  'www.acme.io/team/sales',
  "it's",
  "o'brien",
  'café',
  'Über',
  'naïve',
  '日本',
  'x\\y',
];
const PUNCTUATION = [',', '.', '&', '/', '(', ')', '!', '-', ':', ';', '?', '|', '"', "'"];
const PHRASES = ['chief technology officer', 'head of sales', 'co-founder & cto', 'vp of growth', 'senior data lead', 'sales manager berlin'];

function docText(max = 14): string {
  const parts: string[] = [];
  const n = 1 + rand.int(max);
  while (parts.length < n) {
    const r = rand.next();
    if (r < 0.15) parts.push(rand.pick(PHRASES));
    else if (r < 0.3) parts.push(rand.pick(ODD_TOKENS));
    else if (r < 0.4) parts.push(rand.pick(PUNCTUATION));
    else parts.push(rand.chance(0.1) ? rand.pick(WORDS).toUpperCase() : rand.pick(WORDS));
  }
  return parts.join(rand.chance(0.2) ? '  ' : ' ');
}

/** Lexemes for literal vectors and queries: quotes, backslashes, spaces, case and prefixes of one another. */
const LITERAL_LEXEMES = ['a', 'ab', 'abc', 'b', "it's", "'", 'a\\b', '\\', 'two words', 'UPPER', 'é', 'éa', '日本', '😀', 'ｚ', 'chief', 'cto'];

/** A tsvector literal as a person would write it: any order, repeats, mixed positions and weights. */
function vectorLiteral(): string {
  const parts: string[] = [];
  const n = 1 + rand.int(6);
  for (let k = 0; k < n; k++) {
    const lexeme = rand.pick(LITERAL_LEXEMES);
    let s = `'${lexeme.replaceAll("'", "''").replaceAll('\\', '\\\\')}'`;
    if (rand.chance(0.75)) {
      const positions: string[] = [];
      const m = 1 + rand.int(3);
      for (let j = 0; j < m; j++) positions.push(`${1 + rand.int(8)}${rand.pick(['', '', 'A', 'B', 'C', 'D', 'a', '*'])}`);
      s += `:${positions.join(',')}`;
    }
    parts.push(s);
  }
  return parts.join(' ');
}

type DocCase = { kind: string; a: string; b?: string; c?: string; d?: string };

function docCase(): DocCase {
  const r = rand.next();
  if (r < 0.35) return { kind: 'plain', a: docText() };
  if (r < 0.5) return { kind: 'weighted', a: docText(4), b: docText(5), c: docText(3), d: docText(6) };
  if (r < 0.58) return { kind: 'stripped', a: docText() };
  if (r < 0.66) return { kind: 'array', a: arrayText() };
  if (r < 0.76) return { kind: 'mixed', a: docText(8), b: arrayText() };
  if (r < 0.82) return { kind: 'mixed_first', a: arrayText(), b: docText(8) };
  if (r < 0.87) return { kind: 'part_stripped', a: docText(5), b: docText(6) };
  return { kind: 'literal', a: vectorLiteral() };
}

/** `|`-separated lexemes for array_to_tsvector (no repeats, none empty). */
function arrayText(): string {
  const pool = [...WORDS, ...LITERAL_LEXEMES, 'co-founder', 'data science'];
  const n = 1 + rand.int(5);
  const set = new Set<string>();
  while (set.size < n) set.add(rand.pick(pool));
  return [...set].join('|');
}

function queryWord(): string {
  return rand.chance(0.85) ? rand.pick(WORDS) : rand.pick(ODD_TOKENS);
}

/** websearch_to_tsquery input: quoted phrases, `or`, `-`, stray punctuation. */
function webText(): string {
  const parts: string[] = [];
  const n = 1 + rand.int(5);
  for (let k = 0; k < n; k++) {
    const r = rand.next();
    const phrase = () => (rand.chance(0.5) ? rand.pick(PHRASES) : [queryWord(), queryWord(), ...(rand.chance(0.3) ? [queryWord()] : [])].join(' '));
    if (r < 0.4) parts.push(queryWord());
    else if (r < 0.55) parts.push(`"${phrase()}"`);
    else if (r < 0.65) parts.push(`-${queryWord()}`);
    else if (r < 0.7) parts.push(`-"${phrase()}"`);
    else if (r < 0.82) parts.push(rand.pick(['or', 'OR', 'Or']));
    else if (r < 0.9) parts.push(rand.pick(PUNCTUATION));
    else parts.push(`"${phrase()}`);
  }
  return parts.join(' ');
}

function phraseText(): string {
  if (rand.chance(0.4)) return rand.pick(PHRASES);
  const n = 1 + rand.int(4);
  return Array.from({ length: n }, queryWord).join(rand.chance(0.2) ? ', ' : ' ');
}

/** An operand of to_tsquery: a word (perhaps one the parser splits), a prefix, weights. */
function toOperand(): string {
  let word = queryWord();
  if (/['\\:]/.test(word)) word = `'${word.replaceAll("'", "''").replaceAll('\\', '\\\\')}'`;
  const prefix = rand.chance(0.2);
  if (prefix && !word.startsWith("'")) word = word.slice(0, 1 + rand.int(Math.min(4, word.length)));
  const weights = rand.chance(0.2) ? [...'ABCD'].filter(() => rand.chance(0.5)).join('') : '';
  return prefix || weights ? `${word}:${prefix ? '*' : ''}${weights}` : word;
}

/** A tsquery literal operand: lexemes as they are, quoted. */
function rawOperand(): string {
  const lexeme = rand.chance(0.6) ? rand.pick(LITERAL_LEXEMES) : rand.pick(WORDS);
  const prefix = rand.chance(0.25);
  const weights = rand.chance(0.25) ? [...'ABCD'].filter(() => rand.chance(0.5)).join('') : '';
  const quoted = `'${lexeme.replaceAll("'", "''").replaceAll('\\', '\\\\')}'`;
  return prefix || weights ? `${quoted}:${prefix ? '*' : ''}${weights}` : quoted;
}

const BINARY = ['&', '|', '<->', '<->', '<->', '<0>', '<2>', '<3>'];

/** Nested operators, some parenthesised (right-nested too), some left to precedence. */
function treeText(depth: number, operand: () => string): string {
  if (depth === 0 || rand.chance(0.3)) return operand();
  if (rand.chance(0.2)) return `!${rand.chance(0.5) ? treeText(depth - 1, operand) : `(${treeText(depth - 1, operand)})`}`;
  const op = rand.pick(BINARY);
  const s = `${treeText(depth - 1, operand)} ${op} ${treeText(depth - 1, operand)}`;
  return rand.chance(0.7) ? `(${s})` : s;
}

type QueryCase = { kind: string; t: string };

function queryCase(): QueryCase {
  const r = rand.next();
  if (r < 0.25) return { kind: 'web', t: webText() };
  if (r < 0.4) return { kind: 'phrase', t: phraseText() };
  if (r < 0.45) return { kind: 'plain', t: phraseText() };
  if (r < 0.8) return { kind: 'to', t: treeText(1 + rand.int(4), toOperand) };
  return { kind: 'raw', t: treeText(1 + rand.int(4), rawOperand) };
}

/**
 * Dense documents and queries over four lexemes: nested phrases mostly half-match there, which is
 * where alignment, widths and negation inside phrases decide the answer.
 */
const DENSE_LEXEMES = ['a', 'ab', 'b', 'c'];

function denseVector(): string {
  const parts: string[] = [];
  for (const lexeme of DENSE_LEXEMES) {
    if (rand.chance(0.2)) continue;
    if (rand.chance(0.1)) {
      parts.push(lexeme);
      continue;
    }
    const positions = new Set<number>();
    const m = 1 + rand.int(4);
    while (positions.size < m) positions.add(1 + rand.int(10));
    parts.push(`${lexeme}:${[...positions].map((p) => `${p}${rand.pick(['', '', '', 'A', 'B'])}`).join(',')}`);
  }
  return parts.join(' ');
}

function denseOperand(): string {
  const lexeme = rand.pick(DENSE_LEXEMES);
  const r = rand.next();
  return r < 0.75 ? lexeme : r < 0.85 ? `${lexeme.slice(0, 1)}:*` : r < 0.95 ? `${lexeme}:${rand.pick(['A', 'B', 'D', 'AB'])}` : `${lexeme}:*B`;
}

const DENSE_BINARY = ['&', '|', '<->', '<->', '<->', '<0>', '<2>'];

function denseTree(depth: number): string {
  if (depth === 0 || rand.chance(0.2)) return denseOperand();
  if (rand.chance(0.25)) return `!${rand.chance(0.3) ? denseTree(depth - 1) : `(${denseTree(depth - 1)})`}`;
  return `(${denseTree(depth - 1)} ${rand.pick(DENSE_BINARY)} ${denseTree(depth - 1)})`;
}

/** Cases worth naming: each is checked against the database like the rest, and its answer stated here. */
const NAMED: { vector: string; query: string; matches: boolean; why: string }[] = [
  { vector: "'a':1 'b':2", query: "'a' <-> 'b'", matches: true, why: 'adjacent' },
  { vector: "'a':1 'b':3", query: "'a' <2> 'b'", matches: true, why: '<2>: two positions apart' },
  { vector: "'a':1 'b':3", query: "'a' <-> 'b'", matches: false, why: 'not adjacent' },
  { vector: "'a':2 'b':2", query: "'a' <0> 'b'", matches: true, why: '<0>: the same position' },
  { vector: "'a' 'b'", query: "'a' <-> 'b'", matches: false, why: 'no positions: a phrase is only "maybe", which counts as no' },
  { vector: "'a' 'b'", query: "'a' & 'b'", matches: true, why: 'no positions: & needs none' },
  { vector: "'a' 'b'", query: "!( 'a' <-> 'b' )", matches: true, why: 'the topmost phrase turned "maybe" into no, then ! applies' },
  { vector: "'a' 'b':1", query: "'a':B", matches: true, why: 'no positions: any weight matches outside a phrase' },
  { vector: "'a' 'b':2", query: "'a':B <-> 'b'", matches: false, why: 'inside a phrase a positionless lexeme is "maybe" whatever the weight' },
  { vector: "'a':1A,3 'b':2", query: "'a':B <-> 'b'", matches: false, why: 'the weight filters positions before the phrase looks' },
  { vector: "'a':1B,3 'b':2", query: "'a':B <-> 'b'", matches: true, why: 'a:B at 1, b at 2' },
  { vector: "'ab':1 'abc' 'ac':3", query: "!'a':* <-> 'ac'", matches: false, why: 'a prefix matching any positionless lexeme is "maybe" in a phrase' },
  { vector: "'ab':1 'ac':3", query: "'a':* <-> 'ac'", matches: false, why: 'a:* is at 1 and 3; nothing precedes ac at 3 but ac' },
  { vector: "'ab':2 'ac':3", query: "'a':* <-> 'ac'", matches: true, why: 'a:* includes ab at 2' },
  { vector: "'x':1", query: "!'a' <-> !'b'", matches: true, why: 'both sides negated: matches everywhere' },
  { vector: '', query: "!'a' <-> !'b'", matches: true, why: 'even an empty document' },
  { vector: '', query: "!'a'", matches: true, why: '! at top level matches documents lacking the term' },
  { vector: "'a':1 'b':2", query: "!'a' <-> 'b'", matches: false, why: 'b at 2 is preceded by a' },
  { vector: "'a':1 'b':2,5", query: "!'a' <-> 'b'", matches: true, why: 'b at 5 is not preceded by a' },
  { vector: "'a':1 'b':2", query: "'a' <-> !'b'", matches: false, why: 'the only a is followed by b' },
  { vector: "'a':1 'c':2", query: "'a' <-> ( 'b' | 'c' )", matches: true, why: '| inside a phrase' },
  { vector: "'a':1 'b':2 'c':3", query: "'a' <-> ( 'b' <-> 'c' | 'x' )", matches: true, why: 'a failed operand of | takes no width' },
  { vector: "'a':1 'b':3 'c':3", query: "'a' <2> ( 'b' & 'c' )", matches: true, why: '& inside a phrase: both at the same position' },
  { vector: "'a':1 'b':3 'c':4", query: "'a' <2> ( 'b' & 'c' )", matches: false, why: '& inside a phrase needs one position' },
  { vector: "'a':1 'b':2", query: "'a' <-> !!'b'", matches: true, why: '!! is the term again' },
  { vector: "'it''s':1 'a\\\\b':2", query: "'it''s' <-> 'a\\\\b'", matches: true, why: 'quotes and backslashes' },
  { vector: "'a':1 'b':2", query: "'a' <-> 'b' & !'c'", matches: true, why: 'phrase under &' },
  { vector: "'a':1 'b':2", query: "'a' <-> !!!'c'", matches: true, why: '!!!c is !c: everywhere when c is absent' },
  {
    vector: "'a':1 'b':5 'c':6 'd':3",
    query: "'a' <-> ( 'b' <-> 'c' | 'd' )",
    matches: false,
    why: '| lines its operands up by their starts (d counts as spanning two lexemes), so a <-> d still means adjacent',
  },
  { vector: "'a':1 'b':5 'c':6 'd':2", query: "'a' <-> ( 'b' <-> 'c' | 'd' )", matches: true, why: 'd right after a' },
  { vector: "'a':1 'b':2 'c':3", query: "'a' <-> ( 'b' <-> 'c' & 'b' )", matches: true, why: '& lines up by starts too: b <-> c and b both start at 2' },
  { vector: "'a':1 'b':2 'c':3", query: "'a' <-> ( 'b' <-> 'c' & 'c' )", matches: false, why: 'c starts at 3, b <-> c at 2' },
  {
    vector: "'p':1 'q':2 'r':5 's':5 'x':10 'y':12",
    query: "'x' <-> !( 'p' <-> 'q' & 'r' & 's' ) <-> 'y'",
    matches: true,
    why: 'the ! of a failed & keeps its width: here 0, as (p <-> q & r) failed first',
  },
  {
    vector: "'p':1 'q':2 'r':5 's':5 'x':10 'y':12",
    query: "'x' <-> !( 'r' & 's' & 'p' <-> 'q' ) <-> 'y'",
    matches: false,
    why: 'here r & s matched and the last & failed with width 1, so y would be at 13',
  },
  { vector: "'a':16383 'c':1", query: "'a' <-> !'b' <-> 'c'", matches: true, why: 'a phrase past 16383 wraps, as PostgreSQL keeps positions in 14 bits' },
  { vector: "'a':16383 'c':2", query: "'a' <-> !'b' <-> 'c'", matches: false, why: 'the wrapped end is 0, so c must be at 1' },
  { vector: "'a':1 'b':16383", query: "'a' <16382> 'b'", matches: true, why: 'large distances' },
];

interface Row {
  [key: string]: unknown;
}

const DOC_SQL = sql.raw(`case x.kind
  when 'plain' then to_tsvector('simple', x.a)
  when 'weighted' then setweight(to_tsvector('simple', x.a), 'A') || setweight(to_tsvector('simple', x.b), 'B')
    || setweight(to_tsvector('simple', x.c), 'C') || to_tsvector('simple', x.d)
  when 'stripped' then strip(to_tsvector('simple', x.a))
  when 'array' then array_to_tsvector(string_to_array(x.a, '|'))
  when 'mixed' then to_tsvector('simple', x.a) || array_to_tsvector(string_to_array(x.b, '|'))
  when 'mixed_first' then array_to_tsvector(string_to_array(x.a, '|')) || setweight(to_tsvector('simple', x.b), 'B')
  when 'part_stripped' then strip(to_tsvector('simple', x.a)) || setweight(to_tsvector('simple', x.b), 'C')
  when 'literal' then x.a::tsvector
end`);

const QUERY_SQL = sql.raw(`case y.kind
  when 'web' then websearch_to_tsquery('simple', y.t)
  when 'phrase' then phraseto_tsquery('simple', y.t)
  when 'plain' then plainto_tsquery('simple', y.t)
  when 'to' then to_tsquery('simple', y.t)
  when 'raw' then y.t::tsquery
end`);

/** One cross product, judged by the database: every document's text, and per query its text and answers. */
interface Judged {
  docs: DocCase[];
  queries: QueryCase[];
  vectors: string[];
  /** Per query: its text as printed; whether it matches each document (by index) there; and the same for the printed text read back. */
  answers: { text: string; hits: string; reread: string }[];
}

const BATCH = 600;

async function judge(database: Database, docs: DocCase[], queries: QueryCase[]): Promise<Judged> {
  const docsJson = JSON.stringify(docs.map((d, i) => ({ i, ...d })));
  const vectorRows = await selectRows<Row>(
    database.db,
    sql`
      select x.i, (${DOC_SQL})::text as v
      from jsonb_to_recordset(${docsJson}::jsonb) as x(i int, kind text, a text, b text, c text, d text)
      order by x.i`,
  );
  const answers: Judged['answers'] = [];
  for (let from = 0; from < queries.length; from += BATCH) {
    const batch = queries.slice(from, from + BATCH).map((q, k) => ({ j: from + k, ...q }));
    const rows = await selectRows<Row>(
      database.db,
      sql`
        with d as materialized (
          select x.i, ${DOC_SQL} as v
          from jsonb_to_recordset(${docsJson}::jsonb) as x(i int, kind text, a text, b text, c text, d text)
        ), q as materialized (
          select y.j, ${QUERY_SQL} as q
          from jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) as y(j int, kind text, t text)
        )
        select q.j, q.q::text as text,
          (select string_agg(case when d.v @@ q.q then '1' else '0' end, '' order by d.i) from d) as hits,
          (select string_agg(case when d.v @@ q.q::text::tsquery then '1' else '0' end, '' order by d.i) from d) as reread
        from q order by q.j`,
    );
    for (const r of rows) answers.push({ text: String(r.text), hits: String(r.hits), reread: String(r.reread) });
  }
  return { docs, queries, vectors: vectorRows.map((r) => String(r.v)), answers };
}

/** Every pair of a judged cross product, here: the mismatches (first few), and counts. */
function compare({ queries, vectors, answers }: Judged) {
  const parsed: TsDoc[] = vectors.map((t) => parseTsVector(t));
  const mismatches: string[] = [];
  let pairs = 0;
  let matches = 0;
  let lossy = 0;
  for (let j = 0; j < answers.length; j++) {
    const { text, hits, reread } = answers[j]!;
    const query = parseTsQuery(text);
    const matcher = compileTsQuery(query);
    for (let i = 0; i < parsed.length; i++) {
      const want = hits[i] === '1';
      const got = tsMatches(query, parsed[i]!);
      pairs++;
      if (want) matches++;
      if (hits[i] !== reread[i]) lossy++;
      if (mismatches.length >= 20) continue;
      if (matcher(parsed[i]!) !== got) mismatches.push(`compileTsQuery and tsMatches differ: ${vectors[i]} @@ ${text}`);
      if (got !== want) {
        const source = queries[j]!;
        mismatches.push(
          `${JSON.stringify(vectors[i])} @@ ${JSON.stringify(text)} (${source.kind}: ${JSON.stringify(source.t)}): PostgreSQL ${want}, here ${got}`,
        );
      }
    }
  }
  return { mismatches, pairs, matches, lossy };
}

describe('tsquery: PostgreSQL full-text matching in JavaScript', () => {
  let database: Database;
  let version = '';
  let general: Judged;
  let dense: Judged;
  const timings: string[] = [];

  beforeAll(async () => {
    database = await openTestDatabase();
    version = String((await selectRows<Row>(database.db, sql`select current_setting('server_version') as v`))[0]!.v);
    let started = performance.now();
    general = await judge(database, Array.from({ length: 240 }, docCase), Array.from({ length: 2400 }, queryCase));
    timings.push(`general ${Math.round(performance.now() - started)} ms`);
    started = performance.now();
    dense = await judge(
      database,
      [...NAMED.map((c) => ({ kind: 'literal', a: c.vector })), ...Array.from({ length: 150 }, () => ({ kind: 'literal', a: denseVector() }))],
      [...NAMED.map((c) => ({ kind: 'raw', t: c.query })), ...Array.from({ length: 1500 }, () => ({ kind: 'raw', t: denseTree(1 + rand.int(4)) }))],
    );
    timings.push(`dense ${Math.round(performance.now() - started)} ms`);
  });

  afterAll(() => database?.close());

  it('reads back every tsvector PostgreSQL printed', () => {
    for (const { docs, vectors } of [general, dense]) {
      expect(vectors).toHaveLength(docs.length);
      for (const text of vectors) {
        const doc = parseTsVector(text);
        expect(formatTsVector(doc), text).toBe(text);
        let n = 0;
        readTsVector(text, (lexeme, positions) => {
          expect(doc.entry(lexeme)).toEqual(positions);
          n++;
        });
        expect(n).toBe(doc.size);
      }
    }
  });

  it('reads back every tsquery PostgreSQL printed', () => {
    let empty = 0;
    for (const { queries, answers } of [general, dense]) {
      expect(answers).toHaveLength(queries.length);
      for (const { text } of answers) {
        const query = parseTsQuery(text);
        if (text === '') empty++;
        expect(query === null, text).toBe(text === '');
        expect(formatTsQuery(query), text).toBe(text);
      }
    }
    // Some generated queries have no lexeme at all (websearch of punctuation, say): worth covering, but not much of.
    expect(empty).toBeGreaterThan(0);
    expect(empty).toBeLessThan(general.queries.length / 20);
  });

  for (const family of ['general', 'dense'] as const) {
    it(`answers \`vector @@ query\` as PostgreSQL does, for every ${family} document and query`, () => {
      const judged = family === 'general' ? general : dense;
      const { mismatches, pairs, matches, lossy } = compare(judged);
      console.info(
        `tsquery (${family}): PostgreSQL ${version}, ${judged.docs.length} documents × ${judged.queries.length} queries = ${pairs} pairs, ` +
          `${matches} matching, ${lossy} where the printed query reads back differently; judged in ${timings.join(', ')}`,
      );
      expect(mismatches).toEqual([]);
      // Enough of both answers that agreement means something.
      expect(matches).toBeGreaterThan(pairs / 50);
      expect(pairs - matches).toBeGreaterThan(pairs / 3);
    });
  }

  it('states the named cases, and PostgreSQL agrees', () => {
    for (const [k, c] of NAMED.entries()) {
      const why = `${c.vector} @@ ${c.query}: ${c.why}`;
      expect(dense.answers[k]!.hits[k], why).toBe(c.matches ? '1' : '0');
      expect(tsMatches(parseTsQuery(c.query), parseTsVector(dense.vectors[k]!)), why).toBe(c.matches);
    }
  });

  it('answers for the text PostgreSQL printed, where that text loses the shape of a & chain', async () => {
    // `x & (y & z)` prints as `x & y & z`, read back as `(x & y) & z`. Under ! in a phrase, the
    // width a failed & reports depends on which & failed, so the two readings can differ.
    const rows = await selectRows<Row>(
      database.db,
      sql`
        select q::text as text, v::text as vector, v @@ q as original, v @@ q::text::tsquery as reread
        from (select $$'x' <-> !( ( 'p' <-> 'q' ) & ( 'r' & 's' ) ) <-> 'y'$$::tsquery as q, $$p:1 q:2 r:5 s:5 x:10 y:13$$::tsvector as v) t`,
    );
    const { text, vector, original, reread } = rows[0]!;
    expect(text).toBe("'x' <-> !( 'p' <-> 'q' & 'r' & 's' ) <-> 'y'");
    expect([original, reread]).toEqual([true, false]);
    expect(tsMatches(parseTsQuery(String(text)), parseTsVector(String(vector)))).toBe(false);
  });
});

describe('tsquery: text forms', () => {
  it('reads the forms PostgreSQL prints and tsquery input allows', () => {
    const term = (lexeme: string, prefix = false, weights = ''): TsQueryNode => ({ kind: 'term', lexeme, prefix, weights });
    expect(parseTsQuery('')).toBeNull();
    expect(parseTsQuery('   ')).toBeNull();
    expect(parseTsQuery("'it''s':*AB")).toEqual(term("it's", true, 'AB'));
    expect(parseTsQuery("'a\\\\b'")).toEqual(term('a\\b'));
    expect(parseTsQuery('x:ba*')).toEqual(term('x', true, 'AB'));
    expect(parseTsQuery("!'a' <-> 'b'")).toEqual({ kind: 'phrase', distance: 1, left: { kind: 'not', arg: term('a') }, right: term('b') });
    expect(parseTsQuery("'a' <0> 'b' | 'c' & 'd'")).toEqual({
      kind: 'or',
      left: { kind: 'phrase', distance: 0, left: term('a'), right: term('b') },
      right: { kind: 'and', left: term('c'), right: term('d') },
    });
    expect(formatTsQuery(parseTsQuery('a <-> (b <-> c) & !(d | e)'))).toBe("'a' <-> ( 'b' <-> 'c' ) & !( 'd' | 'e' )");
    expect(formatTsQuery(parseTsQuery("'a' <16384> 'b'"))).toBe("'a' <16384> 'b'");
    for (const bad of ["'a' 'b'", "'a' &", "( 'a'", "'a' )", "'a' <16385> 'b'", "'a' <x> 'b'", "''", "'a", ':a', "'a' <-"]) {
      expect(() => parseTsQuery(bad), bad).toThrow();
    }
  });

  it('reads tsvector input, normalising it as PostgreSQL would', () => {
    const doc = parseTsVector("b:3,1A,3B a 'c d':2*");
    expect(doc).toBeInstanceOf(TsVector);
    expect(formatTsVector(doc)).toBe("'a' 'b':1A,3B 'c d':2A");
    expect(doc.entry('a')).toEqual([]);
    expect(doc.entry('z')).toBeUndefined();
    expect(formatTsVector(parseTsVector("'a'b a:1b,2A7"))).toBe("'a':1B,2A 'b'");
    for (const bad of ["'a", 'a:0', 'a:x', "'a':1A,", 'a:1AB', 'a\\']) expect(() => parseTsVector(bad), bad).toThrow();
  });
});
