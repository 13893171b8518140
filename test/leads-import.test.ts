import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, it as plainIt } from 'vitest';
import { inArray, like } from 'drizzle-orm';
import {
  cliRequestSchema,
  importLeadsFile,
  LEAD_BATCH_ROWS,
  runCliRequest,
  type CliDeps,
  type CliExecutor,
  type CliOutput,
  type CliRequest,
  type LeadCounts,
  type LeadImportReport,
  type LeadSeedReport,
} from '../src/control/commands.js';
import { MAX_REQUEST_BYTES } from '../src/control/socket.js';
import { MAX_ROW_CHARS, readLeadFile, type LeadFileItem } from '../src/control/lead-files.js';
import { leadsB2b, leadsCreator } from '../src/db/schema.js';
import { LEAD_IMPORT_COLUMNS } from '../src/domain/leads/import.js';
import { leadId } from '../src/domain/leads/kinds.js';
import type { Domain } from './support/fixture.js';
import { describe, expect, test } from './support/fixture.js';
import { processEnv, realProcesses } from './support/processes.js';

/**
 * `leads import` and `leads seed` as an operator runs them: the file reader (CSV and NDJSON,
 * line numbers, broken lines), the batching over the CLI's executor (here and through a
 * server), and the real CLI against the suite's database and against a running `npm start`.
 * The lead tables are shared on PostgreSQL: every row here carries this run's token.
 */
const RUN = randomUUID().slice(0, 8);
const ext = (s: string | number) => `lit-${RUN}-${s}`;

const dir = mkdtempSync(join(tmpdir(), 'lead-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
function file(name: string, content: string): string {
  const path = join(dir, `${++files}-${name}`);
  writeFileSync(path, content);
  return path;
}

async function read(path: string, kind: 'b2b' | 'local' | 'creators' = 'b2b'): Promise<LeadFileItem[]> {
  const out: LeadFileItem[] = [];
  for await (const item of await readLeadFile(path, kind)) out.push(item);
  return out;
}

const readError = (path: string, kind: 'b2b' | 'local' | 'creators' = 'b2b') =>
  read(path, kind).then(
    () => 'read',
    (e: Error) => e.message,
  );

describe('lead files', () => {
  plainIt('CSV: rows keyed by the header, each with the line it starts on; broken lines reported by line, the rest read', async () => {
    const path = file(
      'people.csv',
      '\uFEFFExternal ID,first-name,Title\r\n' +
        'p-1,Ana,CTO\r\n' +
        '\r\n' +
        'p-2,"Bob ""B""","Head\r\nof Sales"\r\n' +
        'p-3,Cy\r\n' +
        'p-4,Di,Founder,extra\r\n' +
        'p-5,"Eve"x,CEO\r\n' +
        'p-6,Fay,VP\r\n' +
        'p-7,"Gus,CEO\r\n',
    );
    expect(await read(path)).toEqual([
      { record: { line: 2, values: { external_id: 'p-1', first_name: 'Ana', title: 'CTO' } } },
      { record: { line: 4, values: { external_id: 'p-2', first_name: 'Bob "B"', title: 'Head\r\nof Sales' } } },
      { failure: { line: 6, reason: 'has 2 fields; the header has 3' } },
      { failure: { line: 7, reason: 'has 4 fields; the header has 3' } },
      // A stray quote is kept as text, as a spreadsheet reads it; it never swallows the rows after it.
      { record: { line: 8, values: { external_id: 'p-5', first_name: '"Eve"x', title: 'CEO' } } },
      { record: { line: 9, values: { external_id: 'p-6', first_name: 'Fay', title: 'VP' } } },
      {
        failure: {
          line: 10,
          reason:
            'is not valid CSV: a quoted field opened in this row is never closed: everything from its opening quote to the end of the file was read as one field',
        },
      },
    ]);
  });

  plainIt('CSV: the header must name known columns, each once, and those a kind cannot do without', async () => {
    expect(await readError(file('a.csv', 'external_id,shoe_size,hat\nx,1,2\n'))).toBe(
      `${dir}/${files}-a.csv: unknown columns "shoe_size", "hat" in the header (line 1); the columns of b2b leads are ${LEAD_IMPORT_COLUMNS.b2b.join(', ')}`,
    );
    expect(await readError(file('b.csv', 'external_id,title,Title\n'))).toBe(`${dir}/${files}-b.csv: column "title" appears twice in the header (line 1)`);
    expect(await readError(file('c.csv', 'external_id,handle,followers\n'), 'creators')).toBe(
      `${dir}/${files}-c.csv: the header (line 1) lacks platform, which every creators lead needs; the columns of creators leads are ${LEAD_IMPORT_COLUMNS.creators.join(', ')}`,
    );
    expect(await readError(file('d.csv', ''))).toBe(
      `${dir}/${files}-d.csv is empty: a CSV file of leads starts with a header row naming its columns (${LEAD_IMPORT_COLUMNS.b2b.join(', ')})`,
    );
    expect(await readError(join(dir, 'missing.csv'))).toBe(`cannot read ${join(dir, 'missing.csv')}: ENOENT`);
  });

  plainIt('NDJSON (by extension): one object a line; blank lines skipped; a line that is not an object, or too long, is reported and skipped', async () => {
    const long = JSON.stringify({ external_id: 'long', title: 'x'.repeat(MAX_ROW_CHARS) });
    const path = file(
      'people.jsonl',
      `\uFEFF${JSON.stringify({ external_id: 'n-1', niches: ['a'] })}\n\n{"external_id":\n[1,2]\n${long}\n  \n${JSON.stringify({ external_id: 'n-2' })}`,
    );
    expect(await read(path)).toEqual([
      { record: { line: 1, values: { external_id: 'n-1', niches: ['a'] } } },
      { failure: { line: 3, reason: 'is not valid JSON' } },
      { failure: { line: 4, reason: 'must be a JSON object of columns, e.g. {"external_id":"p-1",...}' } },
      { failure: { line: 5, reason: `is longer than ${MAX_ROW_CHARS} characters` } },
      { record: { line: 7, values: { external_id: 'n-2' } } },
    ]);
    expect((await read(file('people.ndjson', '{"external_id":"x"}\n'))).length).toBe(1);
  });
});

/** As the CLI's own process runs requests (`here`), or as a server does after they crossed the control socket (`server`). */
function executors(domain: Domain) {
  const deps: CliDeps = {
    database: domain.database,
    db: domain.db,
    clock: domain.clock,
    lookup: domain.lookup,
    keyChanged: domain.announceKey,
    workspaceChanged: async () => {},
  };
  const sizes: number[] = [];
  const here: CliExecutor = (req) => runCliRequest(deps, req);
  const server: CliExecutor = async (req) => {
    const line = JSON.stringify(req);
    sizes.push(Buffer.byteLength(line));
    // What the socket lets through: its size bound and its schema.
    expect(Buffer.byteLength(line)).toBeLessThan(MAX_REQUEST_BYTES);
    const out = await runCliRequest(deps, cliRequestSchema.parse(JSON.parse(line)) as CliRequest);
    return JSON.parse(JSON.stringify(out)) as CliOutput;
  };
  return { here, server, sizes };
}

describe('leads import in batches', () => {
  test('a file larger than a batch: every row in, a later row wins over an earlier one with the same external id, failures in line order', async ({
    domain,
  }) => {
    const lines: string[] = [];
    for (let i = 1; i <= LEAD_BATCH_ROWS + 2; i++) lines.push(JSON.stringify({ external_id: ext(`big-${i}`), title: `Title ${i}` }));
    // In the second batch: the first row again, changed; and a bad row.
    lines.push(JSON.stringify({ external_id: ext('big-1'), title: 'Changed' }), JSON.stringify({ external_id: ext('big-x'), company_size: -1 }));
    const path = file('big.ndjson', `${lines.join('\n')}\n`);
    const { here } = executors(domain);
    const out = await importLeadsFile(here, 'here', 'b2b', path, await readLeadFile(path, 'b2b'));
    expect(out.exitCode).toBe(1);
    expect(out.json).toMatchObject({
      rows: LEAD_BATCH_ROWS + 4,
      inserted: LEAD_BATCH_ROWS + 2,
      updated: 1,
      unchanged: 0,
      failed: 1,
      failures: [{ line: LEAD_BATCH_ROWS + 4, reason: 'company_size must be a whole number of employees from 0 to 2147483647' }],
    });
    expect((out.text as string).split('\n')[0]).toMatch(
      new RegExp(`^b2b leads from ${path}: ${LEAD_BATCH_ROWS + 2} inserted, 1 updated, 0 unchanged, 1 failed \\(${LEAD_BATCH_ROWS + 4} rows in [\\d.]+ s`),
    );
    const [first] = await domain.db
      .select()
      .from(leadsB2b)
      .where(inArray(leadsB2b.id, [leadId('b2b', ext('big-1'))]));
    expect(first?.title).toBe('Changed');
    const stored = await domain.db
      .select({ id: leadsB2b.id })
      .from(leadsB2b)
      .where(like(leadsB2b.externalId, ext('big-%')));
    expect(stored.length).toBe(LEAD_BATCH_ROWS + 2);

    const again = await importLeadsFile(here, 'here', 'b2b', path, await readLeadFile(path, 'b2b'));
    // The file's first big-1 row changes it back, then its later row changes it again.
    expect(again.json).toMatchObject({ inserted: 0, updated: 2, unchanged: LEAD_BATCH_ROWS + 1, failed: 1 });
  });

  test('through a server, requests stay under the control socket’s bound; a thousand failures are listed, all are counted', async ({ domain }) => {
    const wide = 'w'.repeat(190);
    // Every third line is broken: 2,000 failures, and 4,000 rows of about 300 bytes.
    const rows = Array.from({ length: 6000 }, (_, i) =>
      i % 3 ? JSON.stringify({ external_id: ext(`wide-${i}`), handle: `h${i}`, platform: 'youtube', followers: i, display_name: wide }) : '{"bad":',
    );
    const path = file('wide.ndjson', rows.join('\n'));
    const { server, sizes } = executors(domain);
    const out = await importLeadsFile(server, 'server', 'creators', path, await readLeadFile(path, 'creators'));
    const report = out.json as LeadImportReport;
    expect(report).toMatchObject({ rows: 6000, inserted: 4000, failed: 2000 });
    expect(report.failures.length).toBe(1000);
    expect(report.failures[999]).toEqual({ line: 2998, reason: 'is not valid JSON' });
    expect((out.text as string).split('\n').at(-1)).toBe('... and 1000 more failed rows (the first 1000 are listed)');
    // More than one request, each under the bound.
    expect(sizes.length).toBeGreaterThan(1);
    const count = await domain.db
      .select({ id: leadsCreator.id })
      .from(leadsCreator)
      .where(like(leadsCreator.externalId, ext('wide-%')));
    expect(count.length).toBe(4000);
  });
});

/** The CLI and the server as an operator runs them: on the suite's database (PostgreSQL with TEST_DATABASE_URL), or a fresh embedded one. */
describe('npm run cli -- leads', () => {
  const procs = realProcesses('wsapi-leads-');

  plainIt(
    'imports a CSV file and an NDJSON file, reports bad rows by line (exit 1), and a second import changes nothing',
    async () => {
      const dataDir = procs.tempDir();
      const env = processEnv(dataDir);
      const csv = file(
        'people.csv',
        [
          'external_id,first_name,last_name,title,seniority,country,company_size,email',
          `${ext('cli-1')},Ana,Lopez,CTO,c_suite,de,120,ana@acme.de`,
          `${ext('cli-2')},Bob,Smith,Sales Manager,manager,US,many,bob@acme.com`,
          `${ext('cli-3')},Cy,Ng,Founder,owner,SG,8,`,
        ].join('\n'),
      );
      const first = await procs.cli(env, ['leads', 'import', '--type', 'b2b', '--file', csv, '--json']);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(1);
      expect(JSON.parse(first.stdout)).toMatchObject({
        kind: 'b2b',
        file: csv,
        rows: 3,
        inserted: 2,
        updated: 0,
        unchanged: 0,
        failed: 1,
        failures: [{ line: 3, reason: 'company_size must be a whole number of employees from 0 to 2147483647' }],
      });
      const again = await procs.cli(env, ['leads', 'import', '--type', 'b2b', '--file', csv]);
      expect(again.code).toBe(1);
      expect(again.stdout).toMatch(new RegExp(`^b2b leads from ${csv}: 0 inserted, 0 updated, 2 unchanged, 1 failed \\(3 rows in [\\d.]+ s`));
      expect(again.stdout).toContain('\nline 3: company_size must be a whole number of employees from 0 to 2147483647\n');

      const ndjson = file(
        'creators.ndjson',
        `${JSON.stringify({ external_id: ext('cli-c'), handle: 'ana', platform: 'tiktok', followers: 900, niches: 'Food;Travel' })}\n`,
      );
      const creators = await procs.cli(env, ['leads', 'import', '--type', 'creators', '--file', ndjson, '--json']);
      expect(creators.code).toBe(0);
      expect(JSON.parse(creators.stdout)).toMatchObject({ rows: 1, inserted: 1, failed: 0, failures: [] });

      const usage = await procs.cli(env, ['leads', 'import', '--type', 'people', '--file', csv]);
      expect(usage).toMatchObject({ code: 1, stderr: 'error: --type must be one of b2b, local, creators\n' });
      const missing = await procs.cli(env, ['leads', 'import', '--type', 'b2b', '--file', join(dir, 'none.csv')]);
      expect(missing).toMatchObject({ code: 1, stderr: `error: cannot read ${join(dir, 'none.csv')}: ENOENT\n` });
      const seed = await procs.cli(env, ['leads', 'seed', '--type', 'all', '--count', '0']);
      expect(seed).toMatchObject({ code: 1, stderr: 'error: --count must be a whole number from 1 to 10000000\n' });
    },
    180_000,
  );

  plainIt.runIf(!!process.env.TEST_DATABASE_URL)(
    'seeds demo leads on PostgreSQL through the same import',
    async () => {
      const env = processEnv(procs.tempDir());
      const r = await procs.cli(env, ['leads', 'seed', '--type', 'local', '--count', '20', '--seed', '5', '--json']);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      const out = JSON.parse(r.stdout) as LeadSeedReport;
      expect(out).toMatchObject({ seed: 5, count: 20, local: { failed: 0, failures: [] } });
      expect(out.local!.inserted + out.local!.updated + out.local!.unchanged).toBe(20);
    },
    120_000,
  );

  plainIt.skipIf(!!process.env.TEST_DATABASE_URL)(
    'npm start on an empty embedded database seeds demo leads and credits; the CLI seeds and imports through the running server',
    async () => {
      const dataDir = procs.tempDir();
      const env = processEnv(dataDir, { database: 'embedded' });
      const server = await procs.start(env);
      try {
        expect(server.out()).toContain(
          'Demo data: made-up leads (1000 b2b, 1000 local, 1000 creators) to try lead search on, and 1000 credits for the Default workspace (a search costs 1 a row).',
        );
        const ws = await fetch(`${server.url}/v1/workspace`, { headers: { authorization: `Bearer ${server.key}` } });
        expect(((await ws.json()) as { data: { credit_balance: number } }).data.credit_balance).toBe(1000);
        // Through the control socket: the first start's rows are the default seed's, to the row.
        const seed = await procs.cli(env, ['leads', 'seed', '--type', 'all', '--count', '1000', '--json']);
        expect(seed.stderr).toBe('');
        const report = JSON.parse(seed.stdout) as Record<'b2b' | 'local' | 'creators', LeadCounts>;
        for (const kind of ['b2b', 'local', 'creators'] as const) expect(report[kind]).toMatchObject({ inserted: 0, updated: 0, unchanged: 1000, failed: 0 });
        const csv = file('local.csv', `external_id,name,city,latitude,longitude\n${ext('srv-1')},Cafe,Berlin,52.5,13.4\n${ext('srv-2')},Bar,Berlin,52.5,\n`);
        const imported = await procs.cli(env, ['leads', 'import', '--type', 'local', '--file', csv, '--json']);
        expect(imported.code).toBe(1);
        expect(JSON.parse(imported.stdout)).toMatchObject({
          inserted: 1,
          failed: 1,
          failures: [{ line: 3, reason: 'latitude and longitude must be given together (or neither)' }],
        });
      } finally {
        await server.stop();
      }
      // A restart seeds nothing more.
      const again = await procs.start(env);
      try {
        expect(again.out()).not.toContain('Demo data');
      } finally {
        await again.stop();
      }
    },
    240_000,
  );
});
