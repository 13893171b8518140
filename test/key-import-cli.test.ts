import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { processEnv, realProcesses } from './support/processes.js';

/**
 * `npm run cli -- keys import` against a running `npm start`: through the control socket on the
 * embedded database, on its own connection with DATABASE_URL. The server authenticates the
 * imported keys without a restart.
 */
const procs = realProcesses('wsapi-import-');
const env = (dataDir: string) => processEnv(dataDir);
const start = (dataDir: string) => procs.start(env(dataDir));
const cli = (dataDir: string, args: string[]) => procs.cli(env(dataDir), args);

const capi = () => `capi_${createHash('md5').update(`${process.pid}-${Math.random()}`).digest('hex')}`;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('cli keys import while the server runs', () => {
  it('imports over the running server; its keys authenticate there at once; a second run skips them all', async () => {
    const dataDir = procs.tempDir();
    const server = await start(dataDir);
    try {
      const boot = await cli(dataDir, ['bootstrap', '--workspace', 'Movers', '--plan', 'pro', '--json']);
      expect(boot.stderr).toBe('');
      const { workspace } = JSON.parse(boot.stdout) as { workspace: { id: string } };
      const plain = capi();
      const hashed = capi();
      const file = join(dataDir, 'keys.ndjson');
      writeFileSync(
        file,
        [
          JSON.stringify({ key: plain, name: 'n8n', permissions: ['read'] }),
          JSON.stringify({ hash: sha256(hashed), name: 'zapier', permissions: ['read:contacts'], prefix: 'capi_zap' }),
          JSON.stringify({ hash: sha256(hashed).slice(2), name: 'typo', permissions: ['read'] }),
        ].join('\n'),
      );
      const first = await cli(dataDir, ['keys', 'import', '--workspace', workspace.id, '--file', file, '--json']);
      // A bad line: reported, the others imported, and the exit code says so.
      expect(first.code).toBe(1);
      expect(first.stderr).toBe('');
      const report = JSON.parse(first.stdout) as {
        imported: number;
        skipped: number;
        failed: number;
        lines: { line: number; result: string; reason?: string }[];
      };
      expect(report).toMatchObject({ workspace: { id: workspace.id }, imported: 2, skipped: 0, failed: 1 });
      expect(report.lines[2]).toEqual({ line: 3, result: 'failed', reason: "hash must be the key's SHA-256, as 64 hexadecimal characters" });
      expect(first.stdout).not.toContain(plain);

      // No restart. Through the control socket the server learnt of them before the CLI got its
      // answer; a CLI on its own connection (DATABASE_URL) tells it over the bus, within a second.
      const authenticates = async () => {
        for (const [key, name] of [
          [plain, 'n8n'],
          [hashed, 'zapier'],
        ] as const) {
          const me = await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
          expect(me.status).toBe(200);
          expect(((await me.json()) as { data: { name: string } }).data.name).toBe(name);
        }
      };
      if (process.env.TEST_DATABASE_URL) await vi.waitFor(authenticates, { timeout: 1000, interval: 20 });
      else await authenticates();
      expect(server.out()).not.toContain(plain);

      const again = await cli(dataDir, ['keys', 'import', '--workspace', workspace.id, '--file', file]);
      expect(again.code).toBe(1);
      expect(again.stdout.split('\n')[0]).toBe(`Workspace ${workspace.id}: 0 imported, 2 skipped (already present), 1 failed`);
      expect(again.stdout).toMatch(/^line 1: skipped: already present as key_\w+ \(same hash\); left unchanged$/m);

      const missing = await cli(dataDir, ['keys', 'import', '--workspace', workspace.id, '--file', join(dataDir, 'nope.ndjson')]);
      expect(missing).toMatchObject({ code: 1, stderr: `error: cannot read ${join(dataDir, 'nope.ndjson')}: ENOENT\n` });
      const usage = await cli(dataDir, ['keys', 'import', '--file', file]);
      expect(usage).toMatchObject({ code: 1, stderr: 'error: usage: keys import --workspace ID --file FILE\n' });
    } finally {
      process.kill(-server.child.pid!, 'SIGTERM');
    }
  }, 180_000);
});
