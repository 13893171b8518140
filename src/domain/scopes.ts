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
] as const;

export type Scope = (typeof SCOPES)[number];

const SCOPE_SET: ReadonlySet<string> = new Set(SCOPES);

export const SHORTHANDS: Readonly<Record<string, readonly Scope[]>> = {
  read: SCOPES.filter((s) => s.startsWith('read:') && s !== 'read:tasks' && s !== 'read:logs'),
  write: ['write:contacts', 'write:lists', 'write:campaigns', 'write:deals', 'write:email'],
  lexi: ['write:ai', 'read:tasks', 'write:tasks'],
};

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
