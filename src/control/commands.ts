import { parseArgs } from 'node:util';
import { z } from 'zod';
import { purgeRequestLogs } from '../domain/logs/query.js';
import type { CliOperator } from '../domain/operator/access.js';
import { grantCredits } from '../domain/operator/credits.js';
import { bootstrapWorkspace, listPlans } from '../domain/workspaces.js';
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
`;

// Bounds what crosses the control socket; far above any real name or number.
const text = (max: number) => z.string().max(max);
export const cliRequestSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('bootstrap'), workspace: text(1000), plan: text(100), tier: text(100).optional() }).strict(),
  z.object({ command: z.literal('plans') }).strict(),
  // As typed: the domain function judges it, with the same message wherever it runs.
  z.object({ command: z.literal('credits add'), workspace: text(200), amount: text(100) }).strict(),
  z.object({ command: z.literal('logs purge'), days: z.number().int().min(1).max(1_000_000) }).strict(),
  ...WORKSPACES_REQUESTS,
]);
export type CliRequest = z.infer<typeof cliRequestSchema>;

/**
 * What a command runs with, wherever it runs. `workspaceChanged` tells every server sharing the
 * database (the one running the command included) to drop what it cached about a workspace.
 */
export type CliDeps = Omit<CliOperator, 'kind'>;

/** What a command prints: `json` with --json, `text` otherwise. */
export interface CliOutput {
  json: unknown;
  text: string;
}

export interface ParsedCli {
  request: CliRequest;
  json: boolean;
}

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
      const { workspace, admin } = await bootstrapWorkspace(db, clock, { name: req.workspace, plan: req.plan, rateLimitTier: req.tier });
      return {
        json: { workspace: { id: workspace.id }, key: admin.secret },
        text: `Workspace ${workspace.name} (${workspace.id})\nAdmin key (shown once): ${admin.secret}`,
      };
    }
    case 'plans': {
      const plans = await listPlans(db);
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
    default:
      return runWorkspacesCommand({ kind: 'cli', ...deps }, req satisfies WorkspacesRequest);
  }
}

export function formatCliOutput(out: CliOutput, json: boolean): string {
  return `${json ? JSON.stringify(out.json) : out.text}\n`;
}
