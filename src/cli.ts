import { readFileSync, statSync } from 'node:fs';
import { prepareDatabase } from './app.js';
import { CLI_USAGE, formatCliOutput, importKeysFile, parseCli, runCliRequest, type CliExecutor, type CliOutput, type CliVia } from './control/commands.js';
import { readLeadFile } from './control/lead-files.js';
import { controlSocketPath, ControlUnreachableError, sendCliRequest } from './control/socket.js';
import { loadEnv, type Env } from './config.js';
import { openDatabase } from './db/client.js';
import { DataDirLockedError } from './db/data-dir-lock.js';
import { systemClock } from './domain/clock.js';
import type { KeyAnnouncer } from './domain/context.js';
import { ApiError } from './domain/errors.js';
import { Directory } from './domain/directory.js';
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
  const parsed = parseCli(argv, { logRetentionDays: env.LOG_RETENTION_DAYS }, readLeadFile);
  if (!parsed) {
    process.stderr.write(CLI_USAGE);
    return 2;
  }
  let output: CliOutput;
  if (parsed.importFile) {
    const { workspace, file } = parsed.importFile;
    const content = readImportFile(file);
    output = await withExecutor(env, 'keys import', (exec) => importKeysFile(exec, workspace, file, content));
  } else if (parsed.job) {
    const job = parsed.job;
    output = await withExecutor(env, job.command, (exec, via) => job.run(exec, via));
  } else {
    const request = parsed.request;
    output = await withExecutor(env, request.command, (exec) => exec(request));
  }
  process.stdout.write(formatCliOutput(output, parsed.json));
  return output.exitCode ?? 0;
}

/** Files far larger are not key lists; each line is bounded again when read. */
const MAX_IMPORT_FILE_BYTES = 256 * 1024 * 1024;

function readImportFile(file: string): string {
  try {
    const size = statSync(file).size;
    if (size > MAX_IMPORT_FILE_BYTES) throw new Error(`${size} bytes; at most ${MAX_IMPORT_FILE_BYTES}: split it`);
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * Runs `work` with a way to run CLI requests: on a database this process opens (DATABASE_URL, or
 * an embedded folder nobody holds), or through the server that holds the embedded folder.
 */
async function withExecutor<T>(env: Env, command: string, work: (exec: CliExecutor, via: CliVia) => Promise<T>): Promise<T> {
  return env.DATABASE_URL ? runHere(env, command, work) : runOnEmbedded(env, command, work);
}

async function runHere<T>(env: Env, command: string, work: (exec: CliExecutor, via: CliVia) => Promise<T>): Promise<T> {
  const database = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    owner: { kind: 'cli', command },
    preparedStatements: env.DATABASE_PREPARED_STATEMENTS,
  });
  try {
    await prepareDatabase(database);
    // Servers sharing this database learn of changed keys and workspaces over the invalidation bus.
    const keyChanged: KeyAnnouncer = (hash, opts) => publishInvalidation(database, opts?.foreign ? { hash, foreign: true } : { hash });
    const workspaceChanged = (id: string) => publishInvalidation(database, { workspace: id });
    // Read once for this one command: nothing in this short-lived process needs it kept fresh.
    const lookup = await Directory.load(database.db);
    return await work((req) => runCliRequest({ database, db: database.db, clock: systemClock, lookup, workspaceChanged, keyChanged }, req), 'here');
  } finally {
    await database.close();
  }
}

/** Nothing reached the server yet: the command can be tried another way without running twice. */
class NotSentYet extends Error {
  constructor(override readonly cause: ControlUnreachableError) {
    super(cause.message);
  }
}

/**
 * The embedded database opens in one process at a time. Free: the CLI opens it. Held by a
 * server: the server runs the command (control socket). Held by a server still starting, or by
 * another CLI run: wait for it, within a bound.
 */
async function runOnEmbedded<T>(env: Env, command: string, work: (exec: CliExecutor, via: CliVia) => Promise<T>): Promise<T> {
  const deadline = Date.now() + WAIT_FOR_HOLDER_MS;
  const socket = controlSocketPath(env.DATA_DIR);
  for (;;) {
    let held: DataDirLockedError;
    try {
      return await runHere(env, command, work);
    } catch (err) {
      if (!(err instanceof DataDirLockedError)) throw err;
      held = err;
    }
    const server = held.holder?.kind === 'server';
    if (server && !socket)
      throw new Error(
        `${held.message} The CLI cannot reach that server: it has no control socket (DATA_DIR is too long a path for one, or this platform has none); stop the server to run the CLI, or use a shorter DATA_DIR.`,
      );
    let unreachable: string | undefined;
    if (server && held.holder?.socket && socket) {
      let sent = false;
      try {
        return await work(async (req) => {
          try {
            const out = await sendCliRequest(socket, req);
            sent = true;
            return out;
          } catch (err) {
            // Only before anything was applied may the whole command start again elsewhere.
            if (err instanceof ControlUnreachableError && !sent) throw new NotSentYet(err);
            sent = true;
            throw err;
          }
        }, 'server');
      } catch (err) {
        // Nothing was sent (the server is stopping, or has just ended): look again.
        if (!(err instanceof NotSentYet)) throw err;
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
