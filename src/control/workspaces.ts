import { z } from 'zod';
import { ApiError } from '../domain/errors.js';
import type { EffectivePlan, LimitOverride } from '../domain/limits/override.js';
import type { CliOperator } from '../domain/operator/access.js';
import { listAudit } from '../domain/operator/audit.js';
import { MAX_PAGE_SIZE } from '../domain/pagination.js';
import { clearLimitOverride, setLimitOverride } from '../domain/operator/override.js';
import { updateWorkspace } from '../domain/operator/update.js';
import { getManagedWorkspace, listManagedWorkspaces, type ManagedWorkspace } from '../domain/operator/workspaces.js';
import { restAuditEntry, restManagedWorkspace } from '../rest/serialize.js';
import type { CliOutput } from './commands.js';

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The operator's commands on workspaces: the same domain functions as the operator API, audited as "cli". */
export const WORKSPACES_USAGE = `  workspaces list [--name TEXT] [--plan PLAN] [--limit N] [--json]
                                                    Workspaces, newest first: plan, credits, active keys, today's calls, override
  workspaces show --workspace ID [--json]           One workspace
  workspaces set --workspace ID [--name NAME] [--plan PLAN] [--json]
                                                    Rename a workspace or move it to another plan (takes effect at once)
  workspaces override --workspace ID (--multiplier X | [--per-second N] [--per-minute N] [--per-day N] [--ai-per-minute N])
                      (--until ISO | --for DURATION) [--reason TEXT] [--json]
                                                    Lift (or set) its limits until a time (at most 90 days ahead; DURATION
                                                    such as 90m, 12h, 7d, 2w); then the plan's limits return by themselves
  workspaces override clear --workspace ID [--json] End its override now
  workspaces audit --workspace ID [--limit N] [--json]
                                                    Operator changes to it, newest first: who, what, before and after
`;

export const WORKSPACES_OPTIONS = {
  name: { type: 'string' },
  limit: { type: 'string' },
  multiplier: { type: 'string' },
  'per-second': { type: 'string' },
  'per-minute': { type: 'string' },
  'per-day': { type: 'string' },
  'ai-per-minute': { type: 'string' },
  until: { type: 'string' },
  for: { type: 'string' },
  reason: { type: 'string' },
} as const;

// Bounds what crosses the control socket; values are judged by the domain, as typed.
const text = (max: number) => z.string().max(max);
const id = text(200);
const limit = z.number().int().min(1).max(MAX_PAGE_SIZE).optional();
export const WORKSPACES_REQUESTS = [
  z.object({ command: z.literal('workspaces list'), name: text(200).optional(), plan: text(100).optional(), limit }).strict(),
  z.object({ command: z.literal('workspaces show'), workspace: id }).strict(),
  z.object({ command: z.literal('workspaces audit'), workspace: id, limit }).strict(),
  z.object({ command: z.literal('workspaces set'), workspace: id, name: text(1000).optional(), plan: text(100).optional() }).strict(),
  z
    .object({
      command: z.literal('workspaces override'),
      workspace: id,
      multiplier: text(100).optional(),
      perSecond: text(100).optional(),
      perMinute: text(100).optional(),
      perDay: text(100).optional(),
      aiPerMinute: text(100).optional(),
      until: text(100).optional(),
      for: text(100).optional(),
      reason: text(2000).optional(),
    })
    .strict(),
  z.object({ command: z.literal('workspaces override clear'), workspace: id }).strict(),
] as const;
export type WorkspacesRequest = z.infer<(typeof WORKSPACES_REQUESTS)[number]>;

type Values = Readonly<Record<string, string | boolean | undefined>>;
const str = (v: Values, k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);

function pageLimit(v: Values): number | undefined {
  const raw = str(v, 'limit');
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_PAGE_SIZE) throw new Error(`--limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  return n;
}

function needWorkspace(v: Values, usage: string): string {
  const ws = str(v, 'workspace');
  if (!ws) throw new Error(`usage: ${usage}`);
  return ws;
}

/** Reads `workspaces …` arguments; throws on a malformed command line (values are judged where the command runs). */
export function parseWorkspacesArgs(positionals: string[], v: Values): WorkspacesRequest {
  const [sub, subsub] = positionals;
  switch (sub) {
    case 'list':
      return { command: 'workspaces list', name: str(v, 'name'), plan: str(v, 'plan'), limit: pageLimit(v) };
    case 'show':
      return { command: 'workspaces show', workspace: needWorkspace(v, 'workspaces show --workspace ID') };
    case 'audit':
      return { command: 'workspaces audit', workspace: needWorkspace(v, 'workspaces audit --workspace ID [--limit N]'), limit: pageLimit(v) };
    case 'set': {
      const workspace = needWorkspace(v, 'workspaces set --workspace ID [--name NAME] [--plan PLAN]');
      if (str(v, 'name') === undefined && str(v, 'plan') === undefined) throw new Error('workspaces set needs --name NAME or --plan PLAN');
      return { command: 'workspaces set', workspace, name: str(v, 'name'), plan: str(v, 'plan') };
    }
    case 'override': {
      if (subsub === 'clear') return { command: 'workspaces override clear', workspace: needWorkspace(v, 'workspaces override clear --workspace ID') };
      const workspace = needWorkspace(v, 'workspaces override --workspace ID (--multiplier X | --per-second N …) (--until ISO | --for DURATION)');
      if (str(v, 'until') !== undefined && str(v, 'for') !== undefined) throw new Error('give --until or --for, not both');
      if (str(v, 'until') === undefined && str(v, 'for') === undefined) throw new Error('workspaces override needs --until ISO or --for DURATION (e.g. 7d)');
      return {
        command: 'workspaces override',
        workspace,
        multiplier: str(v, 'multiplier'),
        perSecond: str(v, 'per-second'),
        perMinute: str(v, 'per-minute'),
        perDay: str(v, 'per-day'),
        aiPerMinute: str(v, 'ai-per-minute'),
        until: str(v, 'until'),
        for: str(v, 'for'),
        reason: str(v, 'reason'),
      };
    }
    default:
      throw new Error('usage: workspaces list | show | set | override | override clear | audit (see --help)');
  }
}

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `--for 7d`: from now, as the process running the command tells the time. */
function expiryFor(duration: string, now: number): string {
  const m = /^(\d{1,6})([mhdw])$/.exec(duration.trim());
  if (!m) throw new ApiError('validation_error', '--for must be a duration such as 90m, 12h, 7d or 2w');
  return new Date(now + Number(m[1]) * UNIT_MS[m[2]!]!).toISOString();
}

/** The domain names fields as the API spells them; the command line names its flags. */
const FLAG_OF: Readonly<Record<string, string>> = {
  multiplier: '--multiplier',
  requestsPerSecond: '--per-second',
  requestsPerMinute: '--per-minute',
  requestsPerDay: '--per-day',
  aiRequestsPerMinute: '--ai-per-minute',
  reason: '--reason',
  name: '--name',
  plan: '--plan',
};

function asFlags<T>(work: Promise<T>, extra: Record<string, string> = {}): Promise<T> {
  return work.catch((err: unknown) => {
    const flag = err instanceof ApiError && err.field ? (extra[err.field] ?? FLAG_OF[err.field]) : undefined;
    if (!flag || !(err as ApiError).message.startsWith((err as ApiError).field!)) throw err;
    const e = err as ApiError;
    throw new ApiError(e.code, flag + e.message.slice(e.field!.length), e.headers, e.field);
  });
}

const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));

function overrideText(o: LimitOverride): string {
  const how =
    o.multiplier !== null
      ? `x${o.multiplier}`
      : [
          o.requestsPerSecond !== null ? `${o.requestsPerSecond}/s` : null,
          o.requestsPerMinute !== null ? `${o.requestsPerMinute}/min` : null,
          o.requestsPerDay !== null ? `${o.requestsPerDay}/day` : null,
          o.aiRequestsPerMinute !== null ? `${o.aiRequestsPerMinute} AI/min` : null,
        ]
          .filter(Boolean)
          .join(', ');
  return `${how} until ${o.expiresAt.toISOString()}${o.reason ? ` (${o.reason})` : ''}`;
}

const limitsText = (p: EffectivePlan) => `${p.requestsPerSecond}/s, ${p.requestsPerMinute}/min, ${p.requestsPerDay}/day, ${p.aiRequestsPerMinute} AI/min`;

function workspaceText(w: ManagedWorkspace): string {
  return [
    `Workspace ${w.name} (${w.id})`,
    `  plan         ${w.plan.name}: ${limitsText(w.plan)}`,
    `  override     ${w.plan.override ? overrideText(w.plan.override) : 'none'}`,
    `  credits      ${w.creditBalance}`,
    `  keys         ${w.keyCount} active`,
    `  calls today  ${w.callsToday}`,
  ].join('\n');
}

const one = (w: ManagedWorkspace): CliOutput => ({ json: restManagedWorkspace(w), text: workspaceText(w) });

export async function runWorkspacesCommand(caller: CliOperator, req: WorkspacesRequest): Promise<CliOutput> {
  switch (req.command) {
    case 'workspaces list': {
      const { items: rows } = await asFlags(listManagedWorkspaces(caller, { name: req.name, plan: req.plan }, { limit: req.limit ?? MAX_PAGE_SIZE }));
      const line = (w: ManagedWorkspace) =>
        [
          w.id,
          w.name,
          w.plan.name,
          count(w.creditBalance, 'credit'),
          count(w.keyCount, 'key'),
          `${count(w.callsToday, 'call')} today`,
          w.plan.override ? `override ${overrideText(w.plan.override)}` : '',
        ]
          .join('\t')
          .trimEnd();
      return { json: rows.map(restManagedWorkspace), text: rows.length ? rows.map(line).join('\n') : 'No workspaces' };
    }
    case 'workspaces show':
      return one(await getManagedWorkspace(caller, req.workspace));
    case 'workspaces audit': {
      const { items: rows } = await listAudit(caller, req.workspace, { limit: req.limit });
      const line = (a: (typeof rows)[number]) =>
        [a.at.toISOString(), a.actor, a.action, `${JSON.stringify(a.before)} -> ${JSON.stringify(a.after)}`].join('\t');
      return { json: rows.map(restAuditEntry), text: rows.length ? rows.map(line).join('\n') : 'No operator changes' };
    }
    case 'workspaces set':
      return one(await asFlags(updateWorkspace(caller, req.workspace, { name: req.name, plan: req.plan })));
    case 'workspaces override': {
      const expiresAt = req.until ?? expiryFor(req.for!, caller.clock.now());
      const input = {
        multiplier: num(req.multiplier),
        requestsPerSecond: num(req.perSecond),
        requestsPerMinute: num(req.perMinute),
        requestsPerDay: num(req.perDay),
        aiRequestsPerMinute: num(req.aiPerMinute),
        expiresAt,
        reason: req.reason,
      };
      return one(await asFlags(setLimitOverride(caller, req.workspace, input), { expiresAt: req.until !== undefined ? '--until' : '--for' }));
    }
    case 'workspaces override clear':
      return one(await clearLimitOverride(caller, req.workspace));
  }
}
