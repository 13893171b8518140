import { chmodSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { ApiError } from '../domain/errors.js';
import { cliRequestSchema, type CliOutput, type CliRequest } from './commands.js';

/**
 * The CLI's way into a server that holds the embedded database: a Unix domain socket inside
 * DATA_DIR. Only the folder's owner can reach it (the folder is 0700, the socket 0600): the file
 * permissions are the authorisation, and it is never a network port. One request per
 * connection, one JSON line each way.
 */
export const CONTROL_SOCKET = 'control.sock';
/** A key import arrives in chunks of at most 256 KiB (see commands.ts); everything else is tiny. */
export const MAX_REQUEST_BYTES = 1024 * 1024;
const MAX_REPLY_BYTES = 16 * 1024 * 1024;
/** A client that connects must send its request within this. */
const REQUEST_READ_MS = 5_000;
const MAX_CONCURRENT = 8;
/** How long shutdown waits for commands already running. */
export const CONTROL_DRAIN_MS = 10_000;

/** A failure reply always means the command was not applied (its transaction, if any, rolled back). */
type Reply = { ok: true; output: CliOutput } | { ok: false; message: string };

/** Undefined where a socket path would be too long (104 bytes on macOS, 108 on Linux) or on Windows. */
export function controlSocketPath(dataDir: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  const path = join(resolve(dataDir), CONTROL_SOCKET);
  return Buffer.byteLength(path) < 104 ? path : undefined;
}

export interface ControlServer {
  readonly path: string;
  /** Stops accepting commands and waits (bounded) for those running. */
  close(): Promise<void>;
}

/**
 * Listens on `path` and runs each valid request through `run`. Call only while holding the
 * folder's lock: a socket file left there belongs to a process that has ended, and is removed.
 */
export async function startControlServer(opts: { path: string; run: (req: CliRequest) => Promise<CliOutput>; logger: Logger }): Promise<ControlServer> {
  const { path, logger } = opts;
  const sockets = new Set<Socket>();
  const running = new Set<Promise<void>>();
  const send = (socket: Socket, reply: Reply) => {
    if (!socket.destroyed) socket.end(`${JSON.stringify(reply)}\n`);
  };

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (sockets.size > MAX_CONCURRENT) {
      send(socket, { ok: false, message: `the server is already running ${MAX_CONCURRENT} CLI commands; try again` });
      return;
    }
    socket.setTimeout(REQUEST_READ_MS, () => socket.destroy());
    const chunks: Buffer[] = [];
    let size = 0;
    let read = false;
    socket.on('data', (chunk: Buffer) => {
      if (read) return;
      const nl = chunk.indexOf(10);
      const part = nl < 0 ? chunk : chunk.subarray(0, nl);
      size += part.length;
      if (size > MAX_REQUEST_BYTES) {
        read = true;
        send(socket, { ok: false, message: `request larger than ${MAX_REQUEST_BYTES} bytes` });
        return;
      }
      chunks.push(part);
      if (nl < 0) return;
      read = true;
      socket.setTimeout(0);
      const parsed = parse(Buffer.concat(chunks).toString('utf8'));
      if (!parsed) {
        send(socket, { ok: false, message: 'not a CLI request this server understands (is the CLI the same version as the server?)' });
        return;
      }
      logger.info({ command: parsed.command }, 'CLI command received on the control socket');
      const work = opts.run(parsed).then(
        (output) => send(socket, { ok: true, output }),
        (err: unknown) => {
          if (!(err instanceof ApiError)) logger.error({ err, command: parsed.command }, 'CLI command failed');
          send(socket, { ok: false, message: err instanceof Error ? err.message : String(err) });
        },
      );
      running.add(work);
      void work.finally(() => running.delete(work));
    });
  });

  rmSync(path, { force: true });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(path, () => {
      server.off('error', fail);
      ok();
    });
  });
  // The umask already made it private; this states it whatever the umask.
  chmodSync(path, 0o600);

  return {
    path,
    async close() {
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(running), new Promise((ok) => (timer = setTimeout(ok, CONTROL_DRAIN_MS)))]);
      clearTimeout(timer);
      for (const s of sockets) s.destroy();
      await closed;
      rmSync(path, { force: true });
    },
  };
}

function parse(line: string): CliRequest | undefined {
  try {
    const r = cliRequestSchema.safeParse(JSON.parse(line));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** Nothing reached the server (no socket, nobody listening): the caller may try another way. */
export class ControlUnreachableError extends Error {
  override name = 'ControlUnreachableError';
}

/**
 * Sends one request and waits for its answer. Throws ControlUnreachableError when nothing was
 * sent; any failure after sending says the command may have been applied, because it may.
 */
export function sendCliRequest(path: string, req: CliRequest, opts: { connectTimeoutMs?: number; replyTimeoutMs?: number } = {}): Promise<CliOutput> {
  const connectTimeoutMs = opts.connectTimeoutMs ?? 5_000;
  const replyTimeoutMs = opts.replyTimeoutMs ?? 300_000;
  return new Promise((resolvePromise, reject) => {
    const socket = connect(path);
    let connected = false;
    let settled = false;
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (err: Error | undefined, out?: CliOutput) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolvePromise(out!);
    };
    const unknownOutcome = (why: string) => new Error(`${why}; the command may or may not have been applied by the server: check before running it again`);
    let timer = setTimeout(() => finish(new ControlUnreachableError(`no answer from ${path} within ${connectTimeoutMs} ms`)), connectTimeoutMs);
    socket.on('connect', () => {
      connected = true;
      clearTimeout(timer);
      timer = setTimeout(() => finish(unknownOutcome(`the server did not answer within ${replyTimeoutMs / 1000} s`)), replyTimeoutMs);
      socket.write(`${JSON.stringify(req)}\n`);
    });
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REPLY_BYTES) return finish(unknownOutcome(`the server's answer is larger than ${MAX_REPLY_BYTES} bytes`));
      chunks.push(chunk);
    });
    socket.on('end', () => {
      let reply: Reply;
      try {
        reply = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Reply;
      } catch {
        return finish(unknownOutcome('the server closed the connection without an answer'));
      }
      if (reply.ok) finish(undefined, reply.output);
      else finish(new Error(reply.message));
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (connected) return finish(unknownOutcome(`the connection to the server failed (${err.code ?? err.message})`));
      if (err.code === 'EACCES' || err.code === 'EPERM') return finish(new Error(`permission denied on ${path}: run the CLI as the user that runs the server`));
      finish(new ControlUnreachableError(`${path}: ${err.code ?? err.message}`));
    });
    socket.on('close', () => {
      if (connected) finish(unknownOutcome('the server closed the connection without an answer'));
      else finish(new ControlUnreachableError(`${path}: closed before connecting`));
    });
  });
}
