import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Writing answers: shared by REST, GraphQL and the pages beside them, so that neither surface borrows the other's. */

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(payload) });
  res.end(payload);
}

export function sendHtml(res: ServerResponse, html: string): void {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html) });
  res.end(html);
}

const LINGER_MS = 1_000;

/**
 * After a 413 the connection closes without reading the rest of the body. Closing the socket at
 * once, with the client still sending, makes the kernel answer its data with a reset, and many
 * clients then report the reset instead of the 413. So once the answer is written (Node calls
 * destroySoon for `Connection: close`): half-close, stop reading, and close for good a moment
 * later, by which time the client has read the answer.
 */
export function closeUnread(res: ServerResponse): void {
  const socket = res.socket as Socket | null;
  if (!socket) return;
  socket.destroySoon = () => {
    socket.pause();
    socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    socket.once('close', () => clearTimeout(timer));
  };
}
