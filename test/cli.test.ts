import { createServer as createNetServer, type AddressInfo } from 'node:net';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { processEnv, realProcesses } from './support/processes.js';

/** The CLI and the server as a user runs them, on the same database the suite uses. */
const procs = realProcesses('wsapi-cli-');
const tempDir = () => procs.tempDir();
const env = (dataDir: string) => processEnv(dataDir);
/** `npm start` until it serves, with what it printed by then. */
const startServer = async (e: NodeJS.ProcessEnv) => {
  const server = await procs.start(e);
  return { ...server, out: server.out() };
};

describe('CLI', () => {
  it('bootstrap --json prints a workspace and an admin key holding every scope', async () => {
    const dataDir = tempDir();
    const { stdout } = await procs.cli(env(dataDir), ['bootstrap', '--workspace', 'Acme', '--plan', 'pro', '--json']);
    const out = JSON.parse(stdout.trim()) as { workspace: { id: string }; key: string };
    expect(Object.keys(out)).toEqual(['workspace', 'key']);
    expect(out.workspace.id).toMatch(/^ws_[0-9A-Z]{26}$/);
    expect(out.key).toMatch(/^wbk_live_[0-9A-Za-z]{38}$/);

    const bad = await procs.cli(env(dataDir), ['bootstrap', '--workspace', 'Acme', '--plan', 'platinum', '--json']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/plan must be one of Free, Starter, Pro, Scale, Org, Enterprise, Admin/);
  }, 90_000);

  it.skipIf(!!process.env.TEST_DATABASE_URL)(
    'npm start on an empty embedded database prints a working admin key once, where the data lives and how to back it up; a restart says it reused it',
    async () => {
      const dataDir = tempDir();
      const first = await startServer(env(dataDir));
      try {
        const key = /wbk_live_[0-9A-Za-z]{38}/.exec(first.out)?.[0];
        expect(key).toBeDefined();
        const me = await fetch(`${first.url}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
        expect(me.status).toBe(200);
        expect(((await me.json()) as { data: { workspace: { name: string } } }).data.workspace.name).toBe('Default');
        // The key appears once in the output, and never in a log line.
        expect(first.out.split(key!).length - 1).toBe(1);
        expect(
          first.out
            .split('\n')
            .filter((l) => l.startsWith('{'))
            .join('\n'),
        ).not.toContain(key!);
        expect(textLines(first.out)).toContain(
          [
            `Your data lives in ${dataDir} (an embedded PostgreSQL database and the server's app-secret).`,
            `To back it up, stop the server and copy that whole folder, e.g. cp -a '${dataDir}' '${dataDir}-backup';`,
            'to restore, start with DATA_DIR set to a copy. A copy made while the server runs may be unusable.',
          ].join('\n'),
        );
      } finally {
        await first.stop();
      }
      const again = await startServer(env(dataDir));
      try {
        expect(textLines(again.out)).toBe(`Reusing the data in ${dataDir}: 1 workspace. Back it up by stopping the server and copying that folder.`);
      } finally {
        await again.stop();
      }
    },
    120_000,
  );

  it.runIf(!!process.env.TEST_DATABASE_URL)(
    'npm start with DATABASE_URL names the database, never its password; a restart says it reused it',
    async () => {
      const base = new URL(process.env.TEST_DATABASE_URL!);
      const name = `wsapi_first_start_${process.pid}`;
      const admin = postgres(base.href, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists ${name}`);
      await admin.unsafe(`create database ${name}`);
      try {
        const url = new URL(base.href);
        url.pathname = `/${name}`;
        // Trust authentication ignores a password; one is there to prove it is never printed.
        if (!url.password) url.password = 'never-printed-pw';
        const dataDir = tempDir();
        const e: NodeJS.ProcessEnv = { ...env(dataDir), DATABASE_URL: url.href };
        const first = await startServer(e);
        const where = `the PostgreSQL database "${name}" on ${base.hostname}:${base.port || '5432'}${base.username ? ` as ${decodeURIComponent(base.username)}` : ''}`;
        try {
          expect(first.out).toMatch(/Created workspace "Default"/);
          expect(textLines(first.out)).toContain(`Your data lives in ${where}; back it up with pg_dump. Keep ${dataDir}/app-secret with it`);
          expect(first.out).not.toContain(decodeURIComponent(url.password));
        } finally {
          await first.stop();
        }
        const again = await startServer(e);
        try {
          expect(textLines(again.out)).toBe(`Reusing the data in ${where}: 1 workspace.`);
          expect(again.out).not.toContain(decodeURIComponent(url.password));
        } finally {
          await again.stop();
        }
      } finally {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    },
    120_000,
  );
});

/** What a person reads: the output without npm's banner and the JSON log lines. */
function textLines(out: string): string {
  return out
    .split('\n')
    .filter((l) => !l.startsWith('{') && !l.startsWith('>') && !l.startsWith('npm '))
    .join('\n')
    .trim();
}

describe('first minutes', () => {
  it('cli --help prints usage and exits 0; no command exits 2 with usage', async () => {
    const help = await procs.cli(env(tempDir()), ['--help']);
    expect(help.stdout).toMatch(/^Usage: npm run --silent cli -- <command>/);
    const none = await procs.run('npm', ['run', '--silent', 'cli'], env(tempDir()));
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^Usage:/);
  }, 60_000);

  it('npm start on a busy port fails with one clear line, before any key is minted and printed', async () => {
    const busy = createNetServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as AddressInfo).port;
    try {
      const failed = await procs.run('npm', ['start'], { ...env(tempDir()), PORT: String(port), HOST: '127.0.0.1' });
      expect(failed.code).toBe(1);
      expect(failed.stdout).not.toMatch(/wbk_live_/);
      const lines = failed.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('npm'));
      expect(lines).toEqual([`error: cannot listen on 127.0.0.1:${port} (the port is in use); set PORT (and HOST) to another`]);
    } finally {
      await new Promise((r) => busy.close(r));
    }
  }, 90_000);
});
