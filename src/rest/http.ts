import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, errors } from '../domain/errors.js';

const MAX_BODY_BYTES = 1 << 20;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(payload) });
  res.end(payload);
}

export function sendHtml(res: ServerResponse, html: string): void {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html) });
  res.end(html);
}

/** Body fields are camelCase paths in the domain (e.g. quotas.daily); header names are left as they are. */
const snake = (s: string) => (/^[a-z][A-Za-z0-9.]*$/.test(s) ? s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : s);

/** The catalog's envelope, `{"error":{"code","message"}}`, with field names as REST spells them. */
export function sendError(res: ServerResponse, err: ApiError): void {
  const message = err.field && err.message.startsWith(err.field) ? snake(err.field) + err.message.slice(err.field.length) : err.message;
  sendJson(res, err.status, { error: { code: err.code, message } }, { ...err.headers });
}

/** REST bodies are snake_case; the domain's inputs are camelCase. Top level only: nested objects use one-word keys. */
export function camelizeKeys(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]),
  );
}

export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw errors.validation('body', 'must be at most 1 MiB');
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) throw errors.validation('body', 'must be sent as application/json');
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw errors.validation('body', 'is not valid JSON');
  }
}
