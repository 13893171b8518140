import { join } from 'node:path';

/**
 * What `npm start` tells a person about their data: where it lives, how to back it up, and on a
 * restart that it was reused. Plain text on stdout, beside the JSON log lines.
 */

export interface DataPlace {
  /** DATABASE_URL, when set. */
  databaseUrl?: string;
  /** DATA_DIR, absolute. */
  dataDir: string;
  /** APP_SECRET is set: no app-secret file in DATA_DIR. */
  appSecretFromEnv: boolean;
}

/** The database a URL names, for people: never its password. */
export function describePostgres(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'the PostgreSQL database DATABASE_URL names';
  }
  const name = decodeURIComponent(u.pathname.replace(/^\//, '')) || u.username || 'postgres';
  const host = u.hostname || u.searchParams.get('host') || 'localhost';
  const user = u.username ? ` as ${decodeURIComponent(u.username)}` : '';
  return `the PostgreSQL database "${name}" on ${host}:${u.port || '5432'}${user}`;
}

const quote = (path: string) => `'${path.replace(/'/g, `'\\''`)}'`;

/** The secret that seals stored idempotent replies lives outside the database: a backup needs it too. */
function secretNote(place: DataPlace): string {
  if (place.appSecretFromEnv) return '';
  return ` Keep ${join(place.dataDir, 'app-secret')} with it: it seals the replies kept for Idempotency-Key retries.`;
}

/** Printed once, when the server created the Default workspace on an empty database. */
export function firstStartNote(place: DataPlace): string {
  if (place.databaseUrl) {
    return `Your data lives in ${describePostgres(place.databaseUrl)}; back it up with pg_dump.${secretNote(place)}`;
  }
  const dir = place.dataDir;
  return [
    `Your data lives in ${dir} (an embedded PostgreSQL database and the server's app-secret).`,
    `To back it up, stop the server and copy that whole folder, e.g. cp -a ${quote(dir)} ${quote(`${dir}-backup`)};`,
    'to restore, start with DATA_DIR set to a copy. A copy made while the server runs may be unusable.',
  ].join('\n');
}

/** Printed on every later start. */
export function restartNote(place: DataPlace, workspaces: number): string {
  const count = `${workspaces} workspace${workspaces === 1 ? '' : 's'}`;
  if (place.databaseUrl) return `Reusing the data in ${describePostgres(place.databaseUrl)}: ${count}.`;
  return `Reusing the data in ${place.dataDir}: ${count}. Back it up by stopping the server and copying that folder.`;
}

/** Printed once, when the first start on an embedded database added demo leads (see src/domain/leads/seed.ts). */
export function demoLeadsNote(d: { inserted: Record<string, number>; credits: number; url: string }): string {
  const kinds = Object.entries(d.inserted)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
  return [
    `Demo data: made-up leads (${kinds}) to try lead search on, and ${d.credits} credits for the Default workspace (a search costs 1 a row). With the admin key above in KEY:`,
    '',
    `    curl -X POST ${d.url}/v1/leads/b2b/search -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d '{"filters":{"countries":["US"]},"limit":5}'`,
    '',
    'Add your own with npm run cli -- leads import --type b2b|local|creators --file FILE (see the README); the demo rows have external ids starting with "seed-".',
  ].join('\n');
}
