/**
 * The baseline for bench/run.ts: graphql-yoga with nothing of ours in front of it, so the
 * benchmark can say what our gateway, auth and logging cost on top of Yoga itself.
 */
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';

const port = Number(process.env.PORT ?? 4001);
const host = process.env.HOST ?? '127.0.0.1';

const yoga = createYoga({
  schema: createSchema({
    typeDefs: 'type Query { hello: String! }',
    resolvers: { Query: { hello: () => 'world' } },
  }),
  logging: false,
  landingPage: false,
});

const server = createServer(yoga);
// Match our server's keep-alive so neither side of the comparison pays for reconnects.
server.keepAliveTimeout = 65_000;
server.listen(port, host, () => {
  process.stdout.write(`bare-yoga ready on http://${host}:${port}/graphql\n`);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
