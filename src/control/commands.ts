import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { KeyAnnouncer } from '../domain/context.js';
import { importKeys, MAX_IMPORT_LINE_BYTES, oversizedLine, type ImportLine, type ImportLineResult } from '../domain/keys/import.js';
import { purgeRequestLogs } from '../domain/logs/query.js';
import type { CliOperator } from '../domain/operator/access.js';
import { grantCredits } from '../domain/operator/credits.js';
import { bootstrapWorkspace } from '../domain/workspaces.js';
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
`;

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
  ...WORKSPACES_REQUESTS,
]);
export type CliRequest = z.infer<typeof cliRequestSchema>;

/**
 * What a command runs with, wherever it runs. `workspaceChanged` tells every server sharing the
 * database (the one running the command included) to drop what it cached about a workspace;
 * `keyChanged` tells them of a new or changed key (the server's own gateway, or the bus). A
 * server passes its app's ServiceDeps; the CLI's own process, its own directory and the bus.
 */
export type CliDeps = Omit<CliOperator, 'kind'> & { keyChanged: KeyAnnouncer };

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

export type ParsedCli = { json: boolean } & ({ request: CliRequest; importFile?: undefined } | { importFile: ImportFileRequest; request?: undefined });

/** Reads argv into a request; undefined for an unknown command (print usage). Throws on bad arguments. */
export function parseCli(argv: string[], defaults: { logRetentionDays: number }): ParsedCli | undefined {
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

export function formatCliOutput(out: CliOutput, json: boolean): string {
  return `${json ? JSON.stringify(out.json) : out.text}\n`;
}
