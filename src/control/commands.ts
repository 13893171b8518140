import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Database } from '../db/client.js';
import type { KeyAnnouncer } from '../domain/context.js';
import { importKeys, MAX_IMPORT_LINE_BYTES, oversizedLine, type ImportLine, type ImportLineResult } from '../domain/keys/import.js';
import { importLeadBatch, type LeadBatchResult, type LeadRecord, type LeadRowFailure } from '../domain/leads/import.js';
import { LEAD_KINDS, type LeadKind } from '../domain/leads/inputs.js';
import { DEFAULT_DEMO_SEED, seedLeads } from '../domain/leads/seed.js';
import { purgeRequestLogs } from '../domain/logs/query.js';
import type { CliOperator } from '../domain/operator/access.js';
import { grantCredits } from '../domain/operator/credits.js';
import { bootstrapWorkspace } from '../domain/workspaces.js';
import type { LeadFileItem } from './lead-files.js';
import { runWorkspacesCommand, WORKSPACES_REQUESTS, WORKSPACES_USAGE, parseWorkspacesArgs, WORKSPACES_OPTIONS, type WorkspacesRequest } from './workspaces.js';

/**
 * The CLI's commands, run in the CLI's own process on a database it opened, or by the server
 * that holds the embedded database, on the CLI's behalf (control socket). Both go through
 * runCliRequest, so the output is the same either way.
 */
export const CLI_USAGE = `Usage: npm run --silent cli -- <command> [options]

Commands:
  bootstrap --workspace NAME --plan PLAN [--tier TIER] [--json]
                                                    Create a workspace and an admin key holding every scope
                                                    (admin:operator on the Admin plan only), on rate-limit tier
                                                    TIER (standard, high or unmetered; default standard), the
                                                    highest tier its keys may mint
  plans [--json]                                    List the plans and their limits
  credits add --workspace ID --amount N [--json]    Add credits to a workspace's balance (audited)
${WORKSPACES_USAGE}  logs purge [--days N] [--json]                    Delete request logs older than N days (default LOG_RETENTION_DAYS)
  keys import --workspace ID --file FILE [--json]   Import keys made elsewhere, one JSON object a line: "hash" (SHA-256
                                                    hex) or "key" (plaintext), "name", "permissions", and optionally
                                                    "prefix", "expires_at", "rate_limit_tier", "quotas",
                                                    "description", "category". Keys already there are skipped; bad
                                                    lines are reported by number (exit 1) and the rest imported
  leads import --type KIND --file FILE [--json]     Import leads (KIND: b2b, local or creators) from CSV with a header row,
                                                    or NDJSON when FILE ends in .ndjson or .jsonl; columns as in the
                                                    README. A row already there (same external_id) is updated; bad
                                                    rows are reported by line (exit 1) and the rest imported
  leads seed --type KIND|all --count N [--seed S] [--json]
                                                    Add N demo leads of a kind (or of each) made up from seed S
                                                    (default ${DEFAULT_DEMO_SEED}): the same seed makes the same rows
`;

/** Lead rows per import or seed request: one COPY and one merge each. */
export const LEAD_BATCH_ROWS = 5_000;
/**
 * What a server is sent at once: a server checks (and for a seed, makes) the rows on its request
 * thread, so a request is kept to some tens of milliseconds of that work, about 700 rows of a
 * file (and under the control socket's request bound) or 1,000 demo rows.
 */
const LEAD_REQUEST_BYTES = 256 * 1024;
const SERVER_SEED_ROWS = 1_000;
/** The most seeded rows of one kind in one command. */
const MAX_SEED_COUNT = 10_000_000;
/** Failures listed in a lead import's report (all are counted). */
const LISTED_FAILURES = 1_000;

/** Lines per import request, and their JSON size at most: under the control socket's request bound. */
const IMPORT_CHUNK_LINES = 1_000;
const IMPORT_CHUNK_BYTES = 256 * 1024;

// Bounds what crosses the control socket; far above any real name or number.
const text = (max: number) => z.string().max(max);
export const cliRequestSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('bootstrap'), workspace: text(1000), plan: text(100), tier: text(100).optional() }).strict(),
  z.object({ command: z.literal('plans') }).strict(),
  // As typed: the domain function judges it, with the same message wherever it runs.
  z.object({ command: z.literal('credits add'), workspace: text(200), amount: text(100) }).strict(),
  z.object({ command: z.literal('logs purge'), days: z.number().int().min(1).max(1_000_000) }).strict(),
  // One chunk of an import file (see importKeysFile): the file itself is read by the CLI.
  z
    .object({
      command: z.literal('keys import'),
      workspace: text(200),
      lines: z.array(z.object({ line: z.number().int().min(1), text: text(MAX_IMPORT_LINE_BYTES) }).strict()).max(IMPORT_CHUNK_LINES),
    })
    .strict(),
  // One batch of a lead file (see importLeadsFile), read and sent by the CLI; the rows are judged where they are imported.
  z
    .object({
      command: z.literal('leads import'),
      kind: z.enum(LEAD_KINDS),
      records: z.array(z.object({ line: z.number().int().min(1), values: z.record(z.string(), z.unknown()) }).strict()).max(LEAD_BATCH_ROWS),
    })
    .strict(),
  z
    .object({
      command: z.literal('leads seed'),
      kind: z.enum(LEAD_KINDS),
      seed: z.number().int().min(0).max(2_147_483_647),
      from: z.number().int().min(1).max(MAX_SEED_COUNT),
      count: z.number().int().min(1).max(LEAD_BATCH_ROWS),
    })
    .strict(),
  ...WORKSPACES_REQUESTS,
]);
export type CliRequest = z.infer<typeof cliRequestSchema>;

/**
 * What a command runs with, wherever it runs. `workspaceChanged` tells every server sharing the
 * database (the one running the command included) to drop what it cached about a workspace;
 * `keyChanged` tells them of a new or changed key (the server's own gateway, or the bus). A
 * server passes its app's ServiceDeps; the CLI's own process, its own directory and the bus.
 */
export type CliDeps = Omit<CliOperator, 'kind'> & { keyChanged: KeyAnnouncer; database: Database };

/** What a command prints: `json` with --json, `text` otherwise; `exitCode` when not 0 (printed and still failed). */
export interface CliOutput {
  json: unknown;
  text: string;
  exitCode?: number;
}

/** An import names a file, which the CLI reads and sends in chunks (importKeysFile). */
export interface ImportFileRequest {
  workspace: string;
  file: string;
}

/** Where a CLI request runs: in the CLI's own process, or in the server holding the embedded database (over its control socket). */
export type CliVia = 'here' | 'server';

/** A command of many requests (a lead import or seed), run by the CLI through an executor. */
export interface CliJob {
  command: string;
  run(exec: CliExecutor, via: CliVia): Promise<CliOutput>;
}

export type ParsedCli = { json: boolean } & (
  | { request: CliRequest; importFile?: undefined; job?: undefined }
  | { importFile: ImportFileRequest; request?: undefined; job?: undefined }
  | { job: CliJob; request?: undefined; importFile?: undefined }
);

/** Reads argv into a request; undefined for an unknown command (print usage). Throws on bad arguments. */
export function parseCli(
  argv: string[],
  defaults: { logRetentionDays: number },
  leadFiles?: (file: string, kind: LeadKind) => Promise<AsyncIterable<LeadFileItem>>,
): ParsedCli | undefined {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      workspace: { type: 'string' },
      plan: { type: 'string' },
      tier: { type: 'string' },
      amount: { type: 'string' },
      days: { type: 'string' },
      file: { type: 'string' },
      type: { type: 'string' },
      count: { type: 'string' },
      seed: { type: 'string' },
      ...WORKSPACES_OPTIONS,
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const json = values.json ?? false;
  switch (command) {
    case 'bootstrap':
      if (!values.workspace || !values.plan) throw new Error('bootstrap needs --workspace NAME and --plan PLAN');
      return { json, request: { command: 'bootstrap', workspace: values.workspace, plan: values.plan, tier: values.tier } };
    case 'plans':
      return { json, request: { command: 'plans' } };
    case 'credits':
      if (positionals[0] !== 'add' || !values.workspace || values.amount === undefined) throw new Error('usage: credits add --workspace ID --amount N');
      return { json, request: { command: 'credits add', workspace: values.workspace, amount: values.amount } };
    case 'logs': {
      if (positionals[0] !== 'purge') throw new Error('usage: logs purge [--days N]');
      const days = values.days === undefined ? defaults.logRetentionDays : Number(values.days);
      if (!Number.isInteger(days) || days < 1 || days > 1_000_000) throw new Error('--days must be a whole number of days, 1 or more');
      return { json, request: { command: 'logs purge', days } };
    }
    case 'keys':
      if (positionals[0] !== 'import' || !values.workspace || !values.file) throw new Error('usage: keys import --workspace ID --file FILE');
      return { json, importFile: { workspace: values.workspace, file: values.file } };
    case 'workspaces':
      return { json, request: parseWorkspacesArgs(positionals, values) };
    case 'leads':
      return { json, job: parseLeadsArgs(positionals, values, leadFiles) };
    default:
      return undefined;
  }
}

export async function runCliRequest(deps: CliDeps, req: CliRequest): Promise<CliOutput> {
  const { db, clock } = deps;
  switch (req.command) {
    case 'bootstrap': {
      const { workspace, admin } = await bootstrapWorkspace(deps, { name: req.workspace, plan: req.plan, rateLimitTier: req.tier });
      return {
        json: { workspace: { id: workspace.id }, key: admin.secret },
        text: `Workspace ${workspace.name} (${workspace.id})\nAdmin key (shown once): ${admin.secret}`,
      };
    }
    case 'plans': {
      const plans = deps.lookup.plans();
      return { json: plans, text: plans.map((p) => `${p.id}\t${p.name}\t${p.requestsPerMinute}/min\t${p.requestsPerDay}/day`).join('\n') };
    }
    case 'credits add': {
      const balance = (await grantCredits({ kind: 'cli', ...deps }, req.workspace, { amount: Number(req.amount) })).creditBalance;
      return { json: { workspace: { id: req.workspace }, credit_balance: balance }, text: `Workspace ${req.workspace}: ${balance} credits` };
    }
    case 'logs purge': {
      const purged = await purgeRequestLogs(db, clock.now(), req.days);
      return { json: { purged }, text: `Purged ${purged} request logs older than ${req.days} days` };
    }
    case 'keys import': {
      const lines = await importKeys(deps, req.workspace, req.lines);
      return { json: { lines }, text: '' };
    }
    case 'leads import':
      return { json: await importLeadBatch(deps.database, req.kind, req.records, clock.now()), text: '' };
    case 'leads seed':
      return { json: await seedLeads(deps.database, req.kind, req, clock.now()), text: '' };
    default:
      return runWorkspacesCommand({ kind: 'cli', ...deps }, req satisfies WorkspacesRequest);
  }
}

/** Runs one CLI request: in this process, or in the server holding the embedded database. */
export type CliExecutor = (req: CliRequest) => Promise<CliOutput>;

/**
 * Imports a file's keys through `exec`, in chunks that stay under the control socket's request
 * bound, and reports every line. A chunk that fails outright (the database went away) stops the
 * import; the lines before it are done, and importing the file again skips them.
 */
export async function importKeysFile(exec: CliExecutor, workspace: string, file: string, content: string): Promise<CliOutput> {
  const all: ImportLine[] = content
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((text, i) => ({ line: i + 1, text }))
    .filter((l) => l.text.trim() !== '');
  if (all.length === 0) throw new Error(`${file} holds no keys: one JSON object a line, e.g. {"hash":"<sha256 hex>","name":"CI","permissions":["read"]}`);
  const results: ImportLineResult[] = [];
  const chunks: ImportLine[][] = [[]];
  let size = 0;
  for (const l of all) {
    const oversized = oversizedLine(l);
    if (oversized) {
      results.push(oversized);
      continue;
    }
    const bytes = Buffer.byteLength(JSON.stringify(l)) + 1;
    let chunk = chunks[chunks.length - 1]!;
    if (chunk.length > 0 && (size + bytes > IMPORT_CHUNK_BYTES || chunk.length >= IMPORT_CHUNK_LINES)) {
      chunks.push((chunk = []));
      size = 0;
    }
    chunk.push(l);
    size += bytes;
  }
  for (const [i, lines] of chunks.entries()) {
    if (lines.length === 0) continue;
    let out: CliOutput;
    try {
      out = await exec({ command: 'keys import', workspace, lines });
    } catch (err) {
      if (i === 0) throw err;
      const done = results.filter((r) => r.result === 'imported').length;
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(
        `${message} (in the part of ${file} from line ${lines[0]!.line}; ${done} keys before it were imported, and some of this part may have been: importing ${file} again skips keys already there)`,
      );
    }
    results.push(...(out.json as { lines: ImportLineResult[] }).lines);
  }
  results.sort((a, b) => a.line - b.line);
  const count = (r: ImportLineResult['result']) => results.filter((x) => x.result === r).length;
  const [imported, skipped, failed] = [count('imported'), count('skipped'), count('failed')];
  const describe = (r: ImportLineResult) =>
    r.result === 'imported' ? `line ${r.line}: imported ${r.id} "${r.name}"` : `line ${r.line}: ${r.result}: ${r.reason}`;
  return {
    json: { workspace: { id: workspace }, imported, skipped, failed, lines: results },
    text: [`Workspace ${workspace}: ${imported} imported, ${skipped} skipped (already present), ${failed} failed`, ...results.map(describe)].join('\n'),
    exitCode: failed > 0 ? 1 : 0,
  };
}

const kindList = `${LEAD_KINDS.join(', ')}`;
const isKind = (s: string | undefined): s is LeadKind => (LEAD_KINDS as readonly (string | undefined)[]).includes(s);

function wholeFlag(flag: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (value === undefined || !/^\d+$/.test(value.trim()) || n < min || n > max) throw new Error(`--${flag} must be a whole number from ${min} to ${max}`);
  return n;
}

function parseLeadsArgs(
  positionals: string[],
  values: { type?: string; file?: string; count?: string; seed?: string },
  leadFiles: ((file: string, kind: LeadKind) => Promise<AsyncIterable<LeadFileItem>>) | undefined,
): CliJob {
  const [sub] = positionals;
  if (sub === 'import') {
    if (!values.file || values.type === undefined) throw new Error(`usage: leads import --type ${LEAD_KINDS.join('|')} --file FILE`);
    const kind = values.type;
    if (!isKind(kind)) throw new Error(`--type must be one of ${kindList}`);
    if (!leadFiles) throw new Error('leads import reads a file: run it from the command line');
    const file = values.file;
    return { command: 'leads import', run: async (exec, via) => importLeadsFile(exec, via, kind, file, await leadFiles(file, kind)) };
  }
  if (sub === 'seed') {
    if (values.type === undefined || values.count === undefined) throw new Error(`usage: leads seed --type ${LEAD_KINDS.join('|')}|all --count N [--seed S]`);
    const type = values.type;
    if (type !== 'all' && !isKind(type)) throw new Error(`--type must be one of ${kindList} or all`);
    const count = wholeFlag('count', values.count, 1, MAX_SEED_COUNT);
    const seed = values.seed === undefined ? DEFAULT_DEMO_SEED : wholeFlag('seed', values.seed, 0, 2_147_483_647);
    const kinds = type === 'all' ? [...LEAD_KINDS] : [type];
    return { command: 'leads seed', run: (exec, via) => seedLeadsCommand(exec, via, kinds, count, seed) };
  }
  throw new Error('usage: leads import --type KIND --file FILE, or leads seed --type KIND|all --count N [--seed S]');
}

/** What a lead import or seed did, over all its batches (snake_case: it is printed by --json). */
export interface LeadCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  failed: number;
  /** The first LISTED_FAILURES by line. */
  failures: LeadRowFailure[];
  seconds: number;
}

/** What `leads import --json` prints. */
export interface LeadImportReport extends LeadCounts {
  kind: LeadKind;
  file: string;
  rows: number;
}

/** What `leads seed --json` prints: the counts of each kind seeded. */
export type LeadSeedReport = { seed: number; count: number } & Partial<Record<LeadKind, LeadCounts>>;

class LeadTally {
  inserted = 0;
  updated = 0;
  unchanged = 0;
  failed = 0;
  private failures: LeadRowFailure[] = [];

  add(r: LeadBatchResult): void {
    this.inserted += r.inserted;
    this.updated += r.updated;
    this.unchanged += r.unchanged;
    for (const f of r.failures) this.fail(f);
  }

  fail(f: LeadRowFailure): void {
    this.failed++;
    this.failures.push(f);
    // Keeps the earliest lines, in bounded memory, whatever the order they came in.
    if (this.failures.length > 10 * LISTED_FAILURES) this.failures = this.listed();
  }

  listed(): LeadRowFailure[] {
    return this.failures.sort((a, b) => a.line - b.line).slice(0, LISTED_FAILURES);
  }

  get done(): number {
    return this.inserted + this.updated + this.unchanged;
  }

  summary(): string {
    return `${this.inserted} inserted, ${this.updated} updated, ${this.unchanged} unchanged, ${this.failed} failed`;
  }

  counts(ms: number): LeadCounts {
    return {
      inserted: this.inserted,
      updated: this.updated,
      unchanged: this.unchanged,
      failed: this.failed,
      failures: this.listed(),
      seconds: Math.round(ms) / 1000,
    };
  }
}

/**
 * Sends requests through `exec` with at most `depth` awaiting an answer, so that the next batch
 * is read (or made) while the database takes the last. The first failure stops it, with where.
 */
function inFlight(depth: number) {
  const pending: Promise<void>[] = [];
  let sent = 0;
  let failure: { err: unknown; at: string; first: boolean } | undefined;
  return {
    async send(request: () => Promise<CliOutput>, onDone: (out: CliOutput) => void, at: string): Promise<void> {
      while (pending.length >= depth && !failure) await pending.shift();
      if (failure) return;
      const first = sent++ === 0;
      pending.push(
        request().then(onDone, (err: unknown) => {
          failure ??= { err, at, first };
        }),
      );
    },
    /** Waits for the answers; throws the first failure, as it was when nothing had been done yet (it may be tried again elsewhere), else saying where. */
    async drain(explain: (at: string) => string): Promise<void> {
      while (pending.length) await pending.shift();
      if (!failure) return;
      if (failure.first) throw failure.err;
      const message = failure.err instanceof Error ? failure.err.message : String(failure.err);
      throw new Error(`${message} (${explain(failure.at)})`);
    },
    get failed() {
      return failure !== undefined;
    },
  };
}

const rate = (rows: number, ms: number) => `${rows} rows in ${(ms / 1000).toFixed(1)} s${ms > 0 ? `, ${Math.round((rows * 1000) / ms)} rows/s` : ''}`;

/**
 * Imports a lead file's rows through `exec`, in batches of LEAD_BATCH_ROWS (smaller when they go
 * to a server: each request stays under its bound), written in file order so that a later row
 * always wins over an earlier one with the same external_id. The next batch is read while the
 * database takes the last. A batch that fails outright (the database went away) stops the import;
 * the batches before it are in, and importing the file again updates them.
 */
export async function importLeadsFile(exec: CliExecutor, via: CliVia, kind: LeadKind, file: string, items: AsyncIterable<LeadFileItem>): Promise<CliOutput> {
  const started = performance.now();
  const tally = new LeadTally();
  // In this process the database takes batches one at a time in the order they were handed over
  // (copyMerge), so one may be checked while the one before is written; a server may take two
  // requests in either order, so it gets one at a time.
  const requests = inFlight(via === 'here' ? 2 : 1);
  let batch: LeadRecord[] = [];
  let bytes = 0;
  const flush = async () => {
    const records = batch;
    batch = [];
    bytes = 0;
    await requests.send(
      () => exec({ command: 'leads import', kind, records }),
      (out) => tally.add(out.json as LeadBatchResult),
      `the rows from line ${records[0]!.line}`,
    );
  };
  for await (const item of items) {
    if (requests.failed) break;
    if ('failure' in item) {
      tally.fail(item.failure);
      continue;
    }
    if (via === 'server') {
      const size = Buffer.byteLength(JSON.stringify(item.record)) + 1;
      if (batch.length > 0 && bytes + size > LEAD_REQUEST_BYTES) await flush();
      bytes += size;
    }
    batch.push(item.record);
    if (batch.length >= LEAD_BATCH_ROWS) await flush();
  }
  if (batch.length > 0) await flush();
  await requests.drain((at) => `importing ${at} of ${file}; ${tally.done} rows before were imported: importing ${file} again updates them`);
  const ms = performance.now() - started;
  const rows = tally.done + tally.failed;
  const listed = tally.listed();
  const more = tally.failed - listed.length;
  return {
    json: { kind, file, rows, ...tally.counts(ms) } satisfies LeadImportReport,
    text: [
      `${kind} leads from ${file}: ${tally.summary()} (${rate(rows, ms)})`,
      ...listed.map((f) => `line ${f.line}: ${f.reason}`),
      ...(more > 0 ? [`... and ${more} more failed rows (the first ${listed.length} are listed)`] : []),
    ].join('\n'),
    exitCode: tally.failed > 0 ? 1 : 0,
  };
}

/** Seeds `count` demo rows of each kind, in requests of LEAD_BATCH_ROWS (fewer to a server); see src/domain/leads/seed.ts. */
export async function seedLeadsCommand(exec: CliExecutor, via: CliVia, kinds: readonly LeadKind[], count: number, seed: number): Promise<CliOutput> {
  const per = via === 'server' ? SERVER_SEED_ROWS : LEAD_BATCH_ROWS;
  const json: LeadSeedReport = { seed, count };
  const text: string[] = [];
  let failed = 0;
  for (const kind of kinds) {
    const started = performance.now();
    const tally = new LeadTally();
    // Rows are made where they are imported: two requests at once let one be made while the other is written.
    const requests = inFlight(2);
    for (let from = 1; from <= count && !requests.failed; from += per) {
      const n = Math.min(per, count - from + 1);
      await requests.send(
        () => exec({ command: 'leads seed', kind, seed, from, count: n }),
        (out) => tally.add(out.json as LeadBatchResult),
        `rows ${from} to ${from + n - 1}`,
      );
    }
    await requests.drain((at) => `seeding ${kind} leads, ${at}; ${tally.done} were seeded: seeding again updates them`);
    const ms = performance.now() - started;
    failed += tally.failed;
    json[kind] = tally.counts(ms);
    text.push(`${kind} leads (seed ${seed}): ${tally.summary()} (${rate(count, ms)})`, ...tally.listed().map((f) => `row ${f.line}: ${f.reason}`));
  }
  return { json, text: text.join('\n'), exitCode: failed > 0 ? 1 : 0 };
}

export function formatCliOutput(out: CliOutput, json: boolean): string {
  return `${json ? JSON.stringify(out.json) : out.text}\n`;
}
