/**
 * Lead import into PostgreSQL: how many rows a second `npm run cli -- leads import` takes in,
 * from a CSV file of demo b2b leads, as an operator runs it.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench npx tsx bench/lead-import.ts
 *
 * Only BENCH_DATABASE_URL is used (never DATABASE_URL): without it the run is skipped. Exits 1
 * when the goal is missed or a row is missing.
 *
 * Writes BENCH_IMPORT_ROWS rows (default 300,000) to a temporary CSV file, then imports it three
 * times through the CLI: into an empty range of ids (inserts), the same file again (every row
 * unchanged), and a file whose every row changed (updates). The rate is the CLI's own (from its
 * first row read to its last row committed, process start excluded). For comparison it then
 * times PostgreSQL alone: the same rows COPYed straight into the table. The rows are deleted
 * afterwards. Prints a `LEAD_IMPORT_BENCH_JSON {...}` line.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { like, sql } from 'drizzle-orm';
import type { LeadImportReport } from '../src/control/commands.js';
import { openPostgres } from '../src/db/client.js';
import { toCsv } from '../src/db/csv.js';
import { leadsB2b } from '../src/db/schema.js';
import { LEAD_IMPORT_COLUMNS } from '../src/domain/leads/import.js';
import { leadId } from '../src/domain/leads/kinds.js';
import { demoLeadRecords } from '../src/domain/leads/seed.js';

const url = process.env.BENCH_DATABASE_URL || undefined;
const rows = Number(process.env.BENCH_IMPORT_ROWS ?? 300_000);
const TARGET = 50_000;
const PREFIX = 'bench-import-';

if (!url) {
  console.log(
    'lead import: skipped; set BENCH_DATABASE_URL, e.g. BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench, to run it (it imports leads there and deletes them)',
  );
  process.exit(0);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'lead-import-bench-'));
const columns = LEAD_IMPORT_COLUMNS.b2b;
const quote = (v: unknown) => (v === null || v === undefined ? '' : `"${String(v).replaceAll('"', '""')}"`);

/** A CSV of demo b2b rows under bench ids; `title` is appended to every title (a changed file). */
async function writeFile(name: string, seed: number): Promise<string> {
  const path = join(dir, name);
  const out = createWriteStream(path);
  out.write(`${columns.join(',')}\n`);
  for (let from = 1; from <= rows; from += 10_000) {
    const batch = await demoLeadRecords('b2b', { seed, from, count: Math.min(10_000, rows - from + 1) });
    let text = '';
    for (const r of batch) text += `${columns.map((c) => quote(c === 'external_id' ? `${PREFIX}${r.line}` : r.values[c])).join(',')}\n`;
    if (!out.write(text)) await new Promise((ok) => out.once('drain', () => ok(undefined)));
  }
  await new Promise<void>((ok) => out.end(() => ok()));
  return path;
}

function importFile(path: string): LeadImportReport {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'leads', 'import', '--type', 'b2b', '--file', path, '--json'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`import failed (exit ${r.status}): ${r.stderr}${r.stdout.slice(0, 2000)}`);
  return JSON.parse(r.stdout) as LeadImportReport;
}

const database = openPostgres(url, { max: 2 });
await database.migrate();
const clean = () => database.db.delete(leadsB2b).where(like(leadsB2b.externalId, `${PREFIX}%`));
await clean();

console.log(`lead import: writing ${rows} b2b rows to a CSV file...`);
const first = await writeFile('people.csv', 1);
const changed = await writeFile('people-changed.csv', 2);
const runs = [
  { name: 'new rows', report: importFile(first), expect: 'inserted' as const },
  { name: 'same file again', report: importFile(first), expect: 'unchanged' as const },
  { name: 'every row changed', report: importFile(changed), expect: 'updated' as const },
];
// What PostgreSQL itself takes on this machine: the same rows COPYed straight into the table in
// batches of the same size, with no checks, no staging table and no conflict handling.
const FLOOR = 'bench-floor-';
const floorColumns = ['id', ...columns, 'updated_at'];
let floorSeconds = 0;
for (let from = 1; from <= rows; from += 5_000) {
  const batch = await demoLeadRecords('b2b', { seed: 1, from, count: Math.min(5_000, rows - from + 1) });
  const csv = toCsv<Record<string, unknown>>(
    batch.map((r) => ({ ...r.values, external_id: `${FLOOR}${r.line}`, id: leadId('b2b', `${FLOOR}${r.line}`), updated_at: new Date() })),
    floorColumns,
  );
  const started = performance.now();
  await database.copyCsv('leads_b2b', floorColumns, csv);
  floorSeconds += (performance.now() - started) / 1000;
}
await database.db.delete(leadsB2b).where(like(leadsB2b.externalId, `${FLOOR}%`));

const [{ n } = { n: 0 }] = await database.db
  .select({ n: sql<number>`count(*)::int` })
  .from(leadsB2b)
  .where(like(leadsB2b.externalId, `${PREFIX}%`));
await clean();
await database.close();
rmSync(dir, { recursive: true, force: true });

const results = runs.map((r) => ({
  name: r.name,
  ...r.report,
  perSecond: Math.round(r.report.rows / r.report.seconds),
  complete: r.report[r.expect] === rows,
}));
for (const r of results) {
  console.log(
    `lead import into PostgreSQL, ${r.name}: ${r.rows} rows in ${r.seconds.toFixed(2)} s = ${r.perSecond} rows/s (${r.inserted} inserted, ${r.updated} updated, ${r.unchanged} unchanged, ${r.failed} failed)`,
  );
}
const slowest = Math.min(...results.map((r) => r.perSecond));
const pass = results.every((r) => r.complete) && n === rows && slowest >= TARGET;
const floor = Math.round(rows / floorSeconds);
console.log(`for comparison, COPY straight into the table (no checks, no upsert), ${rows} rows: ${floorSeconds.toFixed(2)} s = ${floor} rows/s`);
console.log(`in the database: ${n} of ${rows}; target >= ${TARGET} rows/s on every run: ${pass ? 'PASS' : 'FAIL'}`);
console.log(`LEAD_IMPORT_BENCH_JSON ${JSON.stringify({ rows, runs: results, stored: n, copyFloorPerSecond: floor, target: TARGET, pass })}`);
process.exit(pass ? 0 : 1);
