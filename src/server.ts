import { pino } from 'pino';
import { createApp, prepareDatabase } from './app.js';
import { loadEnv, loadServerSecret } from './config.js';
import { openDatabase } from './db/client.js';
import { systemClock } from './domain/clock.js';
import { bootstrapWorkspace, countWorkspaces } from './domain/workspaces.js';

const env = loadEnv();
const logger = pino({ level: env.LOG_LEVEL });
const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
await prepareDatabase(database);

// A fresh install gets a workspace and an admin key, printed once, so the API is usable at once.
if ((await countWorkspaces(database.db)) === 0) {
  const { workspace, admin } = await bootstrapWorkspace(database.db, systemClock, { name: 'Default', plan: env.DEFAULT_PLAN });
  process.stdout.write(
    [
      '',
      `Created workspace "Default" (${workspace.id}) on the ${env.DEFAULT_PLAN} plan.`,
      'Its admin key, holding every scope, is shown this once; store it now:',
      '',
      `    ${admin.secret}`,
      '',
      '',
    ].join('\n'),
  );
}

const app = await createApp({
  database,
  serverSecret: loadServerSecret(env),
  logger,
  trustProxy: env.TRUST_PROXY,
  redisUrl: env.REDIS_URL,
  logRetentionDays: env.LOG_RETENTION_DAYS,
  maxBodyBytes: env.MAX_BODY_BYTES,
  ipBlock: {
    maxFailures: env.IP_BLOCK_MAX_FAILURES,
    windowMs: env.IP_BLOCK_WINDOW_SECONDS * 1000,
    cooldownMs: env.IP_BLOCK_COOLDOWN_SECONDS * 1000,
  },
});
const url = await app.listen(env.PORT, env.HOST);
logger.info({ url, database: database.kind }, `listening: GraphQL ${url}/graphql, REST ${url}/v1`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: flushing request logs');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'unclean stop');
        process.exit(1);
      },
    );
  });
}
