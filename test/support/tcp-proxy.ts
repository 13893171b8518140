import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL, inside the test process: lets a test make the database
 * refuse connections, go silent, or drop a connection at a chosen protocol message, without
 * touching the PostgreSQL service the machine shares.
 */
export interface TcpProxy {
  readonly port: number;
  /** Connection URL: `url` with its host and port replaced by the proxy's. */
  urlFor(url: string): string;
  /**
   * Drops every connection whose client sends the body-less message `type` (e.g. 'c',
   * CopyDone), before the server sees it.
   */
  cutOnClientMessage(type: string | null): void;
  /** Stops forwarding in both directions; connections stay open (a partition). */
  silence(): void;
  /** Closes the listener and every connection: new connections are refused. */
  refuse(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let cutType: number | null = null;
  let silent = false;
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.on('data', (chunk: Buffer) => {
      if (silent) return;
      // A body-less message is its type byte and the length 4 (the tests send text, never these bytes).
      if (cutType !== null && chunk.includes(Buffer.from([cutType, 0, 0, 0, 4]))) return drop();
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!silent) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const dropAll = () => {
    for (const [a, b] of pairs) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };
  const refuse = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    dropAll();
    await closed;
  };
  return {
    port,
    urlFor(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cutOnClientMessage(type) {
      cutType = type === null ? null : type.charCodeAt(0);
    },
    silence() {
      silent = true;
    },
    refuse,
    async close() {
      if (server.listening) await refuse();
      dropAll();
    },
  };
}
