import { LEAD_KINDS } from './domain/leads/inputs.js';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { createApp, prepareDatabase } from './app.js';
import { loadEnv, loadServerSecret } from './config.js';
import { runCliRequest, type CliDeps } from './control/commands.js';
import { CONTROL_DRAIN_MS, controlSocketPath, startControlServer, type ControlServer } from './control/socket.js';
import { openDatabase, type Database } from './db/client.js';
import { DataDirLockedError } from './db/data-dir-lock.js';
import { FIRST_START_DEMO_LEADS, noLeadsYet, seedDemoLeads } from './domain/leads/seed.js';
import { bootstrapWorkspace, countWorkspaces } from './domain/workspaces.js';
import { demoLeadsNote, firstStartNote, restartNote } from './startup-notes.js';

const env = loadEnv();
const logger = pino({ level: env.LOG_LEVEL });
let database: Database;
try {
  database = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    owner: { kind: 'server' },
    preparedStatements: env.DATABASE_PREPARED_STATEMENTS,
  });
} catch (err) {
  if (!(err instanceof DataDirLockedError)) throw err;
  logger.fatal({ holder: err.holder }, 'embedded database in use by another process');
  process.stderr.write(`error: ${err.message}\n`);
  process.exit(1);
}
await prepareDatabase(database);

const app = await createApp({
  database,
  serverSecret: loadServerSecret(env),
  logger,
  trustProxy: env.TRUST_PROXY,
  redisUrl: env.REDIS_URL,
  logRetentionDays: env.LOG_RETENTION_DAYS,
  shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_SECONDS * 1000,
  maxBodyBytes: env.MAX_BODY_BYTES,
  ipBlock: {
    maxFailures: env.IP_BLOCK_MAX_FAILURES,
    windowMs: env.IP_BLOCK_WINDOW_SECONDS * 1000,
    cooldownMs: env.IP_BLOCK_COOLDOWN_SECONDS * 1000,
  },
  lookupBudget: {
    perSecond: env.UNKNOWN_KEY_LOOKUPS_PER_SECOND,
    burst: env.UNKNOWN_KEY_LOOKUP_BURST,
    addressShare: env.UNKNOWN_KEY_LOOKUP_ADDRESS_PERCENT / 100,
  },
  anonymousPerMinute: env.ANONYMOUS_REQUESTS_PER_MINUTE,
  leadSearchIndex: env.LEAD_SEARCH_INDEX,
});

// The CLI cannot open the embedded database while this process holds it: it sends its
// commands here instead, and they run on this process's database. Keys and workspaces they add
// or change reach this process's caches at once, and other instances' over the bus.
let control: ControlServer | undefined;
if (database.lock) {
  const path = controlSocketPath(database.lock.dataDir);
  const cliDeps: CliDeps = { ...app.services, database };
  try {
    if (!path) throw new Error('DATA_DIR is too long a path for a Unix socket, or this platform has none');
    control = await startControlServer({ path, run: (req) => runCliRequest(cliDeps, req), logger });
    database.lock.update({ socket: path });
  } catch (err) {
    // Serving matters more; the CLI then says it cannot reach this server.
    logger.error({ err }, 'no control socket: the CLI cannot run commands while this server holds DATA_DIR');
  }
}
let url: string;
try {
  url = await app.listen(env.PORT, env.HOST);
} catch (err) {
  // A busy or forbidden port is a setting to change, not a crash: one line, and before any key
  // is printed, so none is shown once and lost.
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== 'EADDRINUSE' && code !== 'EACCES') throw err;
  process.stderr.write(
    `error: cannot listen on ${env.HOST}:${env.PORT} (${code === 'EADDRINUSE' ? 'the port is in use' : 'permission denied'}); set PORT (and HOST) to another\n`,
  );
  await control?.close();
  await app.close();
  process.exit(1);
}
/** Credits the Default workspace starts with beside the demo leads: a first search's worth, many times over. */
const DEMO_CREDITS = 1_000;

async function seedFirstStart() {
  const started = performance.now();
  const inserted = await seedDemoLeads(database, FIRST_START_DEMO_LEADS, Date.now());
  const ms = Math.round(performance.now() - started);
  logger.info({ inserted, ms }, 'seeded demo leads on a new embedded database');
  return { inserted, ms };
}

// A fresh install gets a workspace and an admin key, printed once, so the API is usable at once;
// and is told where its data lives and how to keep it. A restart says what it found.
const place = { databaseUrl: env.DATABASE_URL, dataDir: resolve(env.DATA_DIR), appSecretFromEnv: env.APP_SECRET !== undefined };
const workspaceCount = await countWorkspaces(database.db);
if (workspaceCount === 0) {
  // An embedded database is someone trying the server out: demo leads, and credits to search
  // them, make the first search work. A PostgreSQL database is an operator's, for their own data.
  const seeded = !env.DATABASE_URL && (await noLeadsYet(database.db)) ? await seedFirstStart() : undefined;
  const { workspace, admin } = await bootstrapWorkspace(app.services, { name: 'Default', plan: env.DEFAULT_PLAN, credits: seeded ? DEMO_CREDITS : 0 });
  process.stdout.write(
    [
      '',
      `Created workspace "Default" (${workspace.id}) on the ${env.DEFAULT_PLAN} plan.`,
      'Its admin key, holding every scope its plan allows, is shown this once; store it now:',
      '',
      `    ${admin.secret}`,
      '',
      firstStartNote(place),
      ...(seeded ? ['', demoLeadsNote({ ...seeded, credits: DEMO_CREDITS, url })] : []),
      '',
      '',
    ].join('\n'),
  );
} else {
  process.stdout.write(`${restartNote(place, workspaceCount)}\n`);
}

database.lock?.update({ url });
logger.info({ url, database: database.kind }, `listening: GraphQL ${url}/graphql, REST ${url}/v1`);
// Loaded now, not on the first searches (which SQL answers until it is).
for (const kind of LEAD_KINDS) {
  app.services.leadIndex
    .ready(kind)
    .catch((err: unknown) => logger.warn({ err, kind }, 'lead search index: first load failed; searches use SQL until it loads'));
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: flushing request logs');
    // close() bounds each of its steps, and the control socket its drain; this catches anything that still would not end.
    setTimeout(
      () => {
        logger.error({ pending: app.logWriter.pending }, 'stop timed out; exiting anyway');
        process.exit(1);
      },
      env.SHUTDOWN_TIMEOUT_SECONDS * 1000 + 2_000 + (control ? CONTROL_DRAIN_MS : 0),
    ).unref();
    // CLI commands already running finish first: they use the database app.close() closes.
    (control?.close() ?? Promise.resolve())
      .then(() => app.close())
      .then(
        ({ unwrittenLogs }) => {
          logger.info({ unwrittenLogs }, `stopped; ${unwrittenLogs} request logs not written`);
          process.exit(unwrittenLogs > 0 ? 1 : 0);
        },
        (err: unknown) => {
          logger.error({ err }, 'unclean stop');
          process.exit(1);
        },
      );
  });
}
