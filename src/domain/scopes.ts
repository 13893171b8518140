import { errors } from './errors.js';

/**
 * Fine-grained scopes (DESIGN.md). Seed 002's coarse `read`, `write` and `lexi` are accepted
 * as shorthands and stored expanded, so a key's permissions always list exactly what it may do.
 */
export const RESOURCES = ['contacts', 'lists', 'campaigns', 'deals', 'leads', 'tasks'] as const;

export const SCOPES = [
  ...RESOURCES.map((r) => `read:${r}` as const),
  ...RESOURCES.map((r) => `write:${r}` as const),
  'write:email',
  'write:ai',
  'read:logs',
  'admin:api_keys',
  'admin:webhooks',
  'admin:operator',
] as const;

export type Scope = (typeof SCOPES)[number];

const SCOPE_SET: ReadonlySet<string> = new Set(SCOPES);

export const SHORTHANDS: Readonly<Record<string, readonly Scope[]>> = {
  read: SCOPES.filter((s) => s.startsWith('read:') && s !== 'read:tasks' && s !== 'read:logs'),
  write: ['write:contacts', 'write:lists', 'write:campaigns', 'write:deals', 'write:email'],
  lexi: ['write:ai', 'read:tasks', 'write:tasks'],
};

/**
 * Manages other workspaces (plans, limit overrides, credits). Only keys of a workspace on this
 * plan may hold it, and an operator call checks the plan again: a workspace moved off it keeps
 * its keys' permission lists but loses the power.
 */
export const OPERATOR_SCOPE = 'admin:operator' satisfies Scope;
export const OPERATOR_PLAN_ID = 'plan_admin';

/** Scopes a key of a workspace on `planId` may hold: every scope, but the operator's only on the operator's plan. */
export function scopesForPlan(planId: string): Scope[] {
  return SCOPES.filter((s) => s !== OPERATOR_SCOPE || planId === OPERATOR_PLAN_ID);
}

/** Minting (creating, rotating, importing) a key with the operator's scope outside the operator's plan is bad input. */
export function assertScopesFitPlan(scopes: readonly string[], planId: string, field = 'permissions'): void {
  if (planId !== OPERATOR_PLAN_ID && scopes.includes(OPERATOR_SCOPE)) {
    throw errors.validation(field, `may hold ${OPERATOR_SCOPE} only in a workspace on the Admin plan`);
  }
}

export function isScope(s: string): s is Scope {
  return SCOPE_SET.has(s);
}

/** Expands shorthands and removes duplicates, keeping the catalogue's order. Unknown names are returned separately. */
export function expandScopes(requested: readonly string[]): { scopes: Scope[]; unknown: string[] } {
  const wanted = new Set<string>();
  const unknown: string[] = [];
  for (const raw of requested) {
    const shorthand = SHORTHANDS[raw];
    if (shorthand) shorthand.forEach((s) => wanted.add(s));
    else if (isScope(raw)) wanted.add(raw);
    else unknown.push(raw);
  }
  return { scopes: SCOPES.filter((s) => wanted.has(s)), unknown };
}
