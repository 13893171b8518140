import { parseArgs } from 'node:util';
import { prepareDatabase } from './app.js';
import { loadEnv } from './config.js';
import { openDatabase } from './db/client.js';
import { systemClock } from './domain/clock.js';
import { ApiError } from './domain/errors.js';
import { addCredits } from './domain/credits.js';
import { purgeRequestLogs } from './domain/logs/query.js';
import { bootstrapWorkspace, listPlans } from './domain/workspaces.js';

const USAGE = `Usage: npm run --silent cli -- <command> [options]

Commands:
  bootstrap --workspace NAME --plan PLAN [--tier TIER] [--json]
                                                    Create a workspace and an admin key holding every scope, on
                                                    rate-limit tier TIER (standard, high or unmetered; default
                                                    standard), the highest tier its keys may mint
  plans [--json]                                    List the plans and their limits
  credits add --workspace ID --amount N [--json]    Add credits to a workspace's balance
  logs purge [--days N] [--json]                    Delete request logs older than N days (default LOG_RETENTION_DAYS)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      workspace: { type: 'string' },
      plan: { type: 'string' },
      tier: { type: 'string' },
      amount: { type: 'string' },
      days: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const print = (json: unknown, text: string) => process.stdout.write(values.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
  const env = loadEnv();
  const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  try {
    await prepareDatabase(database);
    switch (command) {
      case 'bootstrap': {
        if (!values.workspace || !values.plan) throw new Error('bootstrap needs --workspace NAME and --plan PLAN');
        const { workspace, admin } = await bootstrapWorkspace(database.db, systemClock, { name: values.workspace, plan: values.plan, rateLimitTier: values.tier });
        if (values.json) process.stdout.write(`${JSON.stringify({ workspace: { id: workspace.id }, key: admin.secret })}\n`);
        else process.stdout.write(`Workspace ${workspace.name} (${workspace.id})\nAdmin key (shown once): ${admin.secret}\n`);
        return 0;
      }
      case 'plans': {
        const plans = await listPlans(database.db);
        process.stdout.write(values.json ? `${JSON.stringify(plans)}\n` : plans.map((p) => `${p.id}\t${p.name}\t${p.requestsPerMinute}/min\t${p.requestsPerDay}/day`).join('\n') + '\n');
        return 0;
      }
      case 'credits': {
        if (rest[0] !== 'add' || !values.workspace || values.amount === undefined) throw new Error('usage: credits add --workspace ID --amount N');
        const balance = await addCredits(database.db, values.workspace, Number(values.amount));
        print({ workspace: { id: values.workspace }, credit_balance: balance }, `Workspace ${values.workspace}: ${balance} credits`);
        return 0;
      }
      case 'logs': {
        if (rest[0] !== 'purge') throw new Error('usage: logs purge [--days N]');
        const days = values.days === undefined ? env.LOG_RETENTION_DAYS : Number(values.days);
        if (!Number.isInteger(days) || days < 1) throw new Error('--days must be a whole number of days, 1 or more');
        const purged = await purgeRequestLogs(database.db, Date.now(), days);
        print({ purged }, `Purged ${purged} request logs older than ${days} days`);
        return 0;
      }
      default:
        process.stderr.write(USAGE);
        return 2;
    }
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof ApiError || err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
