import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { csvLine } from '../../db/csv.js';
import { describeIssue, findNul, NUL_PROBLEM } from '../validation.js';
import { PLATFORMS, SENIORITIES, type LeadKind } from './inputs.js';
import { leadId } from './kinds.js';

/**
 * Rows into the lead tables, from a file (`leads import`) or the demo generator (`leads seed`):
 * one record per row, keyed by the tables' column names in snake_case, checked here, then
 * upserted by id in batches (COPY into a temporary table, then one INSERT ... SELECT ... ON
 * CONFLICT). A row's id comes from its kind and external_id, so importing a file again updates
 * its rows instead of adding them. A bad row is reported by its line and never stops the others.
 */

/** One row as read: from CSV every value is a string; from NDJSON any JSON value. */
export interface LeadRecord {
  /** Where the row starts in its file (1-based), or the demo row's number. */
  line: number;
  values: Record<string, unknown>;
}

export interface LeadRowFailure {
  line: number;
  reason: string;
}

export interface LeadBatchResult {
  inserted: number;
  updated: number;
  /** Rows already present with the same values: left as they were. */
  unchanged: number;
  failures: LeadRowFailure[];
}

// ---- what a cell may hold ----

/**
 * A column: `prep` turns what was read into what the column holds (trimmed, empty as null, a
 * number from its digits, upper or lower case...), then `schema` judges it. Plain functions
 * before one object schema, rather than a zod preprocess per column: a large import checks
 * millions of rows, and this is about three times faster.
 */
interface Column {
  prep: (v: unknown) => unknown;
  schema: z.ZodType;
}

/** Absent, null, or only spaces: the column is left empty (NULL). Strings are trimmed. */
function cell(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') {
    const s = v.trim();
    return s === '' ? null : s;
  }
  return v;
}

/** A number in a cell: "1200", " 4.5 ", or a JSON number. */
function numeric(v: unknown): unknown {
  const c = cell(v);
  return typeof c === 'string' ? Number(c) : c;
}

const withCell = (fn: (s: string) => unknown) => (v: unknown) => {
  const c = cell(v);
  return typeof c === 'string' ? fn(c) : c;
};

/** Says "is required: <what>" when the cell is empty, else `problem`. */
const problemOr = (problem: string, what?: string) => (iss: { input?: unknown }) =>
  what !== undefined && (iss.input === null || iss.input === undefined) ? `is required: ${what}` : problem;

/** Numbers given for text (a postal code in JSON, say) are kept as text. */
function text(max: number, what?: string): Column {
  const s = z.string({ error: problemOr('must be text', what) }).max(max, { error: `must be at most ${max} characters` });
  return { prep: (v) => (typeof v === 'number' ? String(v) : cell(v)), schema: what === undefined ? s.nullable() : s };
}

function whole(min: number, max: number, what: string, required?: string): Column {
  const problem = `must be ${what} from ${min} to ${max}`;
  const s = z
    .number({ error: problemOr(problem, required) })
    .int({ error: problem })
    .min(min, { error: problem })
    .max(max, { error: problem });
  return { prep: numeric, schema: required === undefined ? s.nullable() : s };
}

function decimal(min: number, max: number, problem: string, prep: (v: unknown) => unknown = numeric): Column {
  return { prep, schema: z.number({ error: problem }).min(min, { error: problem }).max(max, { error: problem }).nullable() };
}

const TRUE = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0']);
/** true/false, yes/no, 1/0; empty is false. */
const flag: Column = {
  prep(v) {
    const c = cell(v);
    if (c === null) return false;
    if (typeof c === 'number') return c === 1 ? true : c === 0 ? false : c;
    if (typeof c !== 'string') return c;
    const s = c.toLowerCase();
    return TRUE.has(s) ? true : FALSE.has(s) ? false : c;
  },
  schema: z.boolean({ error: 'must be true or false (also yes/no, 1/0)' }),
};

/** Lower case, with spaces and dashes as underscores: "C-Suite" is c_suite. */
function oneOf<T extends readonly [string, ...string[]]>(values: T, aliases: Record<string, T[number]>, required?: string): Column {
  const s = z.enum(values, { error: problemOr(`must be one of ${values.join(', ')}`, required) });
  return {
    prep: withCell((c) => {
      const v = c.toLowerCase().replace(/[\s-]+/g, '_');
      return aliases[v] ?? v;
    }),
    schema: required === undefined ? s.nullable() : s,
  };
}

function pattern(re: RegExp, problem: string, prep: (s: string) => string, max = 200): Column {
  return {
    prep: withCell(prep),
    schema: z.string({ error: problem }).max(max, { error: problem }).regex(re, { error: problem }).nullable(),
  };
}

const country = pattern(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as US or DE', (s) => s.toUpperCase());
const language = pattern(/^[a-z]{2}$/, 'must be an ISO 639-1 language code such as en or de', (s) => s.toLowerCase());

const email: Column = {
  prep: cell,
  schema: z.email({ error: 'must be an email address' }).max(320, { error: 'must be at most 320 characters' }).nullable(),
};

/** An http(s) URL; one written without its scheme ("acme.com/about") is taken as https. */
const url = pattern(
  /^https?:\/\/[^\s/]+\.[^\s/]+(\/\S*)?$/i,
  'must be an http or https URL',
  (s) => (/^[a-z][a-z0-9+.-]*:/i.test(s) ? s : `https://${s}`),
  2048,
);

/** "https://www.Acme.com/about" is acme.com: the domain filter compares whole domains. */
const domain = pattern(
  /^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+$/u,
  'must be a domain such as acme.com',
  (s) =>
    s
      .toLowerCase()
      .replace(/^[a-z]+:\/\//, '')
      .replace(/^www\./, '')
      .replace(/[/?#].*$/, ''),
  253,
);

const MAX_NICHES = 30;
const NICHE_CHARS = 60;
const NICHES = 'must be words separated by ";" (or a JSON array of strings)';
/** "Fitness; Travel" or ["Fitness","Travel"]: lower case, trimmed, each once. */
const niches: Column = {
  prep(v) {
    const c = cell(v);
    if (c === null) return [];
    const parts = typeof c === 'string' ? c.split(';') : c;
    if (!Array.isArray(parts)) return parts;
    const out = new Set<unknown>();
    for (const p of parts) {
      const n = typeof p === 'string' ? p.trim().toLowerCase() : p;
      if (n !== '') out.add(n);
    }
    return [...out];
  },
  schema: z
    .array(z.string({ error: NICHES }).max(NICHE_CHARS, { error: `must each be at most ${NICHE_CHARS} characters` }), { error: NICHES })
    .max(MAX_NICHES, { error: `must be at most ${MAX_NICHES} niches` }),
};

/** "4.5%" is 0.045; a bare number is already the fraction. */
const engagement = decimal(
  0,
  1,
  'must be a fraction from 0 to 1 (0.045 is 4.5%), or a percentage such as 4.5%',
  withCell((c) => (c.endsWith('%') ? Number(c.slice(0, -1).trim()) / 100 : Number(c))),
);

const NAME = 200;
const INT_MAX = 2_147_483_647;
const externalId = text(200, "the row's stable id in your data, which a later import of the same row repeats");

// ---- the columns of each kind, in the tables' order ----

const B2B: Record<string, Column> = {
  external_id: externalId,
  first_name: text(NAME),
  last_name: text(NAME),
  title: text(300),
  seniority: oneOf(SENIORITIES, { cxo: 'c_suite', c_level: 'c_suite', founder: 'owner', vice_president: 'vp', junior: 'entry' }),
  department: text(NAME),
  email,
  phone: text(50),
  linkedin_url: url,
  city: text(NAME),
  region: text(NAME),
  country,
  company_name: text(300),
  company_domain: domain,
  industry: text(NAME),
  company_size: whole(0, INT_MAX, 'a whole number of employees'),
  revenue_range: text(100),
  company_city: text(NAME),
  company_country: country,
};

const LOCAL: Record<string, Column> = {
  external_id: externalId,
  name: text(300, "the business's name"),
  category: text(NAME),
  address: text(500),
  city: text(NAME),
  region: text(NAME),
  country,
  postal_code: text(20),
  latitude: decimal(-90, 90, 'must be a latitude from -90 to 90'),
  longitude: decimal(-180, 180, 'must be a longitude from -180 to 180'),
  phone: text(50),
  website: url,
  email,
  rating: decimal(0, 5, 'must be a rating from 0 to 5'),
  review_count: whole(0, INT_MAX, 'a whole number'),
};

const CREATORS: Record<string, Column> = {
  external_id: externalId,
  display_name: text(NAME),
  /** "@ana" is ana. */
  handle: {
    prep: (v) => text(100).prep(typeof v === 'string' ? v.trim().replace(/^@/, '') : v),
    schema: text(100, "the creator's handle on the platform").schema,
  },
  platform: oneOf(PLATFORMS, { twitter: 'x' }, PLATFORMS.join(', ')),
  profile_url: url,
  followers: whole(0, Number.MAX_SAFE_INTEGER, 'a whole number of followers', 'the follower count'),
  engagement_rate: engagement,
  niches,
  country,
  language,
  email,
  verified: flag,
};

const COLUMNS: Record<LeadKind, Record<string, Column>> = { b2b: B2B, local: LOCAL, creators: CREATORS };

const objectOf = (columns: Record<string, Column>) => z.strictObject(Object.fromEntries(Object.entries(columns).map(([k, c]) => [k, c.schema])));

const ROWS: Record<LeadKind, z.ZodType<Record<string, unknown>>> = {
  b2b: objectOf(B2B),
  local: objectOf(LOCAL).refine((r) => (r.latitude === null) === (r.longitude === null), {
    error: 'latitude and longitude must be given together (or neither)',
  }),
  creators: objectOf(CREATORS),
};

/** The columns an import file may have, per kind, in the tables' order. */
export const LEAD_IMPORT_COLUMNS: Record<LeadKind, readonly string[]> = {
  b2b: Object.keys(B2B),
  local: Object.keys(LOCAL),
  creators: Object.keys(CREATORS),
};

/** The columns a file must have, besides optional ones: what the tables cannot do without. */
export const LEAD_REQUIRED_COLUMNS: Record<LeadKind, readonly string[]> = {
  b2b: ['external_id'],
  local: ['external_id', 'name'],
  creators: ['external_id', 'handle', 'platform', 'followers'],
};

/** Lead tables as the import writes them. */
const TABLES: Record<LeadKind, string> = { b2b: 'leads_b2b', local: 'leads_local', creators: 'leads_creator' };

/** Why a record is refused: every problem, each naming its column. */
function reasonOf(kind: LeadKind, error: z.ZodError): string {
  return error.issues
    .map((i) => {
      if (i.code === 'unrecognized_keys')
        return `has unknown column${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')} (the columns of ${kind} leads are ${LEAD_IMPORT_COLUMNS[kind].join(', ')})`;
      const column = i.path.map(String).join('.');
      return column ? `${column} ${i.message}` : i.message;
    })
    .join('; ');
}

/** A record checked and normalised (keyed by column), or why it cannot be imported. */
export function parseLeadRecord(kind: LeadKind, values: Record<string, unknown>): { row: Record<string, unknown> } | { reason: string } {
  const nul = nulIn(values);
  if (nul) return { reason: `${nul} ${NUL_PROBLEM}` };
  const columns = COLUMNS[kind];
  const prepped: Record<string, unknown> = {};
  for (const name in columns) prepped[name] = columns[name]!.prep(values[name]);
  // Unknown columns are left for the schema to name.
  for (const name in values) if (!(name in columns)) prepped[name] = values[name];
  const r = ROWS[kind].safeParse(prepped);
  if (r.success) return { row: r.data };
  // Worded for people only when refused: an error map on every parse costs a third more.
  return { reason: reasonOf(kind, ROWS[kind].safeParse(prepped, { error: describeIssue }).error!) };
}

/** The column holding a NUL, if one does: PostgreSQL's text cannot. */
function nulIn(values: Record<string, unknown>): string | undefined {
  for (const name in values) {
    const v = values[name];
    if (typeof v === 'string' ? v.includes('\0') : typeof v === 'object' && v !== null && findNul(v)) return name;
  }
  return undefined;
}

const mergeCache = new Map<LeadKind, { columns: string[]; merge: string }>();

/**
 * The merge: insert new ids, update changed rows (and their updated_at), leave identical rows
 * alone (no new row version, no index work), and say how many were inserted and updated.
 * `xmax = 0` marks a row version this statement inserted rather than updated.
 */
function mergeOf(kind: LeadKind): { columns: string[]; merge: string } {
  let m = mergeCache.get(kind);
  if (m) return m;
  const table = TABLES[kind];
  const data = LEAD_IMPORT_COLUMNS[kind].filter((c) => c !== 'external_id');
  const columns = ['id', 'external_id', ...data, 'updated_at'];
  const list = columns.join(', ');
  const merge = `WITH up AS (
  INSERT INTO ${table} (${list}) SELECT ${list} FROM staging
  ON CONFLICT (id) DO UPDATE SET ${[...data, 'updated_at'].map((c) => `${c} = excluded.${c}`).join(', ')}
  WHERE (${data.map((c) => `${table}.${c}`).join(', ')}) IS DISTINCT FROM (${data.map((c) => `excluded.${c}`).join(', ')})
  RETURNING (xmax = 0) AS inserted
)
SELECT (count(*) FILTER (WHERE inserted))::int AS inserted, (count(*) FILTER (WHERE NOT inserted))::int AS updated FROM up`;
  m = { columns, merge };
  mergeCache.set(kind, m);
  return m;
}

/**
 * Checks `records` and upserts the good ones in one batch (one transaction). A row whose
 * external_id comes again later in the batch is replaced by that later row, as it would be
 * in a later batch: it counts as updated, or unchanged when the two are the same.
 */
export async function importLeadBatch(database: Database, kind: LeadKind, records: readonly LeadRecord[], now: number): Promise<LeadBatchResult> {
  const failures: LeadRowFailure[] = [];
  const { columns, merge } = mergeOf(kind);
  // Each good row becomes its line of CSV at once: a large import keeps strings, not objects.
  const lines: string[] = [];
  const lineOf = new Map<string, number>();
  let updated = 0;
  let unchanged = 0;
  const updatedAt = new Date(now);
  for (const rec of records) {
    const parsed = parseLeadRecord(kind, rec.values);
    if ('reason' in parsed) {
      failures.push({ line: rec.line, reason: parsed.reason });
      continue;
    }
    const row = parsed.row;
    row.id = leadId(kind, row.external_id as string);
    row.updated_at = updatedAt;
    const line = csvLine(row, columns);
    const earlier = lineOf.get(row.id as string);
    if (earlier !== undefined) {
      // Same id, same time: the lines are equal exactly when the rows are.
      if (lines[earlier] === line) unchanged++;
      else updated++;
      lines[earlier] = '';
    }
    lineOf.set(row.id as string, lines.push(line) - 1);
  }
  if (lineOf.size === 0) return { inserted: 0, updated, unchanged, failures };
  const [counts] = await database.copyMerge(TABLES[kind], columns, lines.join(''), merge);
  const inserted = Number(counts?.inserted ?? 0);
  const changed = Number(counts?.updated ?? 0);
  return { inserted, updated: updated + changed, unchanged: unchanged + lineOf.size - inserted - changed, failures };
}
