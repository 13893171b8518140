import { prepareDatabase } from './app.js';
import { CLI_USAGE, formatCliOutput, parseCli, runCliRequest, type CliOutput, type CliRequest } from './control/commands.js';
import { controlSocketPath, ControlUnreachableError, sendCliRequest } from './control/socket.js';
import { loadEnv, type Env } from './config.js';
import { openDatabase } from './db/client.js';
import { DataDirLockedError } from './db/data-dir-lock.js';
import { systemClock } from './domain/clock.js';
import { ApiError } from './domain/errors.js';
import { publishInvalidation } from './gateway/invalidation.js';

/** How long the CLI waits for a folder held by a server that is still starting, or by another CLI run. */
const WAIT_FOR_HOLDER_MS = 30_000;

async function main(argv: string[]): Promise<number> {
  // Help needs no settings and no database.
  if (argv.length === 0 || ['--help', '-h', 'help'].includes(argv[0]!)) {
    (argv.length === 0 ? process.stderr : process.stdout).write(CLI_USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  const env = loadEnv();
  const parsed = parseCli(argv, { logRetentionDays: env.LOG_RETENTION_DAYS });
  if (!parsed) {
    process.stderr.write(CLI_USAGE);
    return 2;
  }
  const output = env.DATABASE_URL ? await runHere(env, parsed.request) : await runOnEmbedded(env, parsed.request);
  process.stdout.write(formatCliOutput(output, parsed.json));
  return 0;
}

async function runHere(env: Env, request: CliRequest): Promise<CliOutput> {
  const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, owner: { kind: 'cli', command: request.command } });
  try {
    await prepareDatabase(database);
    // Servers sharing the database (PostgreSQL) hear of a workspace change over the invalidation bus.
    const workspaceChanged = (id: string) => publishInvalidation(database, { workspace: id });
    return await runCliRequest({ db: database.db, clock: systemClock, workspaceChanged }, request);
  } finally {
    await database.close();
  }
}

/**
 * The embedded database opens in one process at a time. Free: the CLI opens it. Held by a
 * server: the server runs the command (control socket). Held by a server still starting, or by
 * another CLI run: wait for it, within a bound.
 */
async function runOnEmbedded(env: Env, request: CliRequest): Promise<CliOutput> {
  const deadline = Date.now() + WAIT_FOR_HOLDER_MS;
  const socket = controlSocketPath(env.DATA_DIR);
  for (;;) {
    let held: DataDirLockedError;
    try {
      return await runHere(env, request);
    } catch (err) {
      if (!(err instanceof DataDirLockedError)) throw err;
      held = err;
    }
    const server = held.holder?.kind === 'server';
    if (server && !socket)
      throw new Error(`${held.message} The CLI cannot reach that server: it has no control socket (DATA_DIR is too long a path for one, or this platform has none); stop the server to run the CLI, or use a shorter DATA_DIR.`);
    let unreachable: string | undefined;
    if (server && held.holder?.socket && socket) {
      try {
        return await sendCliRequest(socket, request);
      } catch (err) {
        // Nothing was sent (the server is stopping, or has just ended): look again.
        if (!(err instanceof ControlUnreachableError)) throw err;
        unreachable = err.message;
      }
    }
    if (Date.now() >= deadline) {
      const why = server
        ? `it did not answer on its control socket${unreachable ? ` (${unreachable})` : ''}; run the command again once it is serving, or stop it`
        : 'it did not finish';
      throw new Error(`${held.message} Waited ${WAIT_FOR_HOLDER_MS / 1000} s: ${why}.`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof ApiError || err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
