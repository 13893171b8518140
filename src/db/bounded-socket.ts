import { connect, type Socket } from 'node:net';
import { dbTimeout } from './errors.js';

/** The part of postgres.js's parsed options a socket factory reads. */
export interface SocketTarget {
  host: string[];
  port: number[];
}

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const READY_FOR_QUERY = 0x5a; // 'Z'

/**
 * A TCP socket for postgres.js that gives up on a silent server. postgres.js has no query
 * timeout of its own, and `statement_timeout` cannot help when the server (or the path to it)
 * has gone quiet: a query would wait for TCP to notice, which can take many minutes.
 *
 * It counts the requests that await a ReadyForQuery (the startup, each Sync, each simple Query)
 * and the ReadyForQuery messages that came back. While some are outstanding, `boundMs` of
 * silence from the server destroys the socket, failing its queries with DB_TIMEOUT (503 to the
 * caller) and letting postgres.js reconnect; an idle connection (a pooled one, or the LISTEN one)
 * is never timed out. TLS connections are left unbounded (their bytes cannot be read here).
 */
export function boundedSocket(target: SocketTarget, boundMs: number): Socket {
  const socket = connect(target.port[0]!, target.host[0]!);
  let expected = 0;
  let received = 0;
  let opaque = false;
  let first = true;
  let pending: Buffer = Buffer.alloc(0);
  // Our own clock, not socket.setTimeout: Node counts the client's writes as activity, so a
  // connection that keeps sending to a silent server (pipelined queries under load) would
  // never time out. Only bytes from the server count here.
  let lastHeard = 0;
  let timer: NodeJS.Timeout | undefined;
  const waiting = () => expected > received;
  const check = () => {
    timer = undefined;
    if (opaque || !waiting() || socket.destroyed) return;
    const silentFor = Date.now() - lastHeard;
    if (silentFor >= boundMs) socket.destroy(dbTimeout(`the database sent nothing for ${boundMs} ms`));
    else arm(boundMs - silentFor);
  };
  const arm = (ms: number) => {
    timer = setTimeout(check, ms);
    timer.unref();
  };
  socket.on('close', () => clearTimeout(timer));

  const write = socket.write.bind(socket) as (chunk: Uint8Array, cb?: (err?: Error | null) => void) => boolean;
  socket.write = ((chunk: Uint8Array | string, ...rest: unknown[]) => {
    const wasWaiting = waiting();
    if (!opaque && typeof chunk !== 'string') countRequests(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    // The silence is measured from the first request the server owes an answer to.
    if (!wasWaiting && waiting()) lastHeard = Date.now();
    if (waiting() && !timer && !opaque) arm(boundMs);
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof socket.write;

  socket.on('data', (chunk: Buffer) => {
    if (opaque) return;
    lastHeard = Date.now();
    // Frames the server's messages (type byte, int32 length including itself) across chunks.
    let buf = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (buf.length >= 5) {
      const len = buf.readUInt32BE(1);
      if (buf.length < len + 1) break;
      if (buf[0] === READY_FOR_QUERY) received++;
      buf = buf.subarray(len + 1);
    }
    pending = Buffer.from(buf);
    if (!waiting()) {
      clearTimeout(timer);
      timer = undefined;
    }
  });

  function countRequests(buf: Buffer): void {
    let i = 0;
    if (first) {
      first = false;
      // The startup packet has no type byte: int32 length, int32 protocol or request code.
      const code = buf.length >= 8 ? buf.readUInt32BE(4) : 0;
      if (code === SSL_REQUEST || code === CANCEL_REQUEST) {
        opaque = true;
        return;
      }
      expected++;
      i = buf.readUInt32BE(0);
    }
    // postgres.js writes whole messages per write.
    while (i + 5 <= buf.length) {
      const type = buf[i]!;
      if (type === SYNC || type === QUERY) expected++;
      i += 1 + buf.readUInt32BE(i + 1);
    }
  }

  return socket;
}
