import { beforeAll, describe, expect, it } from 'vitest';
import { parseCli, runCliRequest, type CliDeps, type CliOutput } from '../src/control/commands.js';
import { serverForFile } from './support/fixture.js';

/**
 * The operator's commands as the server runs them for the CLI (the control socket's path, in
 * process): the same parsing, rules and output on both passes, with the test's clock. Through
 * real processes: embedded-lock.test.ts (the embedded database) and operator-instances.test.ts
 * (PostgreSQL).
 */
describe('operator commands', () => {
  const t = serverForFile();
  let deps: CliDeps;
  beforeAll(() => {
    // As the server runs the CLI's commands (control socket): with its app's services.
    deps = { ...t.app.services, database: t.app.database };
  });

  const command = async (...argv: string[]): Promise<CliOutput> => runCliRequest(deps, parseCli(argv, { logRetentionDays: 90 })!.request!);
  const refusal = (...argv: string[]) =>
    command(...argv).then(
      () => 'ran',
      (e: Error) => e.message,
    );

  it('name the flag a value came from when they refuse it', async () => {
    const { workspaceId: ws } = await t.tenant({ plan: 'starter' });
    const override = (...args: string[]) => refusal('workspaces', 'override', '--workspace', ws, ...args);
    expect(await override('--multiplier', '0.5', '--for', '1d')).toBe('--multiplier must be a number above 1 and at most 1000');
    expect(await override('--multiplier', '2', '--per-second', '50', '--for', '1d')).toBe(
      '--multiplier cannot be combined with explicit limits: give a multiplier or explicit numbers, not both',
    );
    expect(await override('--per-day', 'many', '--for', '1d')).toBe('--per-day must be a whole number from 1 to 2147483647');
    expect(await override('--for', '1d')).toMatch(/^--multiplier or at least one explicit limit .* is required$/);
    expect(await override('--multiplier', '2', '--until', '2026-11-22T11:00:00Z')).toBe('--until must be in the future (it is now 2026-11-22T12:00:00.000Z)');
    expect(await override('--multiplier', '2', '--until', 'tomorrow')).toBe('--until must be an ISO 8601 timestamp, e.g. 2027-01-31T00:00:00Z');
    expect(await override('--multiplier', '2', '--for', '91d')).toBe('--for must be at most 90 days ahead, by 2027-02-20T12:00:00.000Z');
    expect(await override('--multiplier', '2', '--for', 'a while')).toBe('--for must be a duration such as 90m, 12h, 7d or 2w');
    expect(await override('--multiplier', '2')).toBe('workspaces override needs --until ISO or --for DURATION (e.g. 7d)');
    expect(await override('--multiplier', '2', '--for', '1d', '--until', '2026-12-01T00:00:00Z')).toBe('give --until or --for, not both');
    expect(await refusal('workspaces', 'set', '--workspace', ws, '--plan', 'platinum')).toBe(
      '--plan must be one of Free, Starter, Pro, Scale, Org, Enterprise, Admin',
    );
    expect(await refusal('workspaces', 'set', '--workspace', ws)).toBe('workspaces set needs --name NAME or --plan PLAN');
    expect(await refusal('workspaces', 'show', '--workspace', 'ws_missing')).toBe('Workspace not found');
    expect(await refusal('workspaces', 'list', '--limit', '0')).toBe('--limit must be a whole number from 1 to 100');
    expect(await refusal('workspaces', 'rename')).toMatch(/^usage: workspaces list \| show/);
    expect(await refusal('credits', 'add', '--workspace', ws, '--amount', 'ten')).toBe('amount must be a whole number from 1 to 2147483647');
  });

  it('lift limits for a duration on this instance at once, show the workspace, and are audited as "cli"', async () => {
    // Unique: the PostgreSQL pass shares its database with earlier runs.
    const name = `Importer ${Math.random().toString(36).slice(2, 10)}`;
    const tenant = await t.tenant({ plan: 'starter', name });
    const ws = tenant.workspaceId;
    const me = () => t.rest('GET', '/v1/me', { key: tenant.key });
    expect((await me()).headers.get('x-ratelimit-limit')).toBe('100');

    const lifted = await command(
      'workspaces',
      'override',
      '--workspace',
      ws,
      '--per-day',
      '5000',
      '--ai-per-minute',
      '100',
      '--for',
      '36h',
      '--reason',
      'CSV import',
    );
    const ends = '2026-11-24T00:00:00.000Z';
    expect(lifted.text).toBe(
      [
        `Workspace ${name} (${ws})`,
        '  plan         Starter: 5/s, 10/min, 5000/day, 100 AI/min',
        `  override     5000/day, 100 AI/min until ${ends} (CSV import)`,
        '  credits      0',
        '  keys         1 active',
        '  calls today  1',
      ].join('\n'),
    );
    expect(lifted.json).toMatchObject({
      id: ws,
      plan: { requests_per_day: 5000, override: { requests_per_day: 5000, ai_requests_per_minute: 100, expires_at: ends } },
    });
    const r = await me();
    expect(r.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(r.headers.get('x-ratelimit-override-expires')).toBe('2026-11-24T00:00:00Z');

    const listed = await command('workspaces', 'list', '--name', name.toLowerCase());
    expect(listed.text).toBe(`${ws}\t${name}\tStarter\t0 credits\t1 key\t2 calls today\toverride 5000/day, 100 AI/min until ${ends} (CSV import)`);
    await command('workspaces', 'set', '--workspace', ws, '--plan', 'pro');
    await command('credits', 'add', '--workspace', ws, '--amount', '25');
    const audit = await command('workspaces', 'audit', '--workspace', ws);
    expect(audit.text.split('\n').map((l) => l.split('\t').slice(1, 3))).toEqual([
      ['cli', 'credits_added'],
      ['cli', 'workspace_updated'],
      ['cli', 'override_set'],
    ]);
    expect(audit.text.split('\n')[1]).toContain('{"plan":"plan_starter"} -> {"plan":"plan_pro"}');
    // The override outlives the plan change: Pro's numbers, the explicit ones lifted.
    expect((await me()).headers.get('ratelimit-policy')).toBe('"second";q=10;w=1, "minute";q=50;w=60, "day";q=5000;w=86400');
    t.clock.set(ends);
    expect((await me()).headers.get('x-ratelimit-limit')).toBe('1000');
  });
});
