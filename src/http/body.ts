import type { IncomingMessage } from 'node:http';
import { ApiError, errors } from '../domain/errors.js';

/** Reading request bodies within one limit, the same on both surfaces. */

/** The default request body limit (MAX_BODY_BYTES), on every path of both surfaces. */
export const DEFAULT_MAX_BODY_BYTES = 1 << 20;

function describeBytes(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB (${n} bytes)`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB (${n} bytes)`;
  return `${n} bytes`;
}

/** 413 on either surface; the connection is closed after it, so the rest of a huge body is never read. */
function payloadTooLarge(maxBytes: number): ApiError {
  return new ApiError('payload_too_large', `Request body must be at most ${describeBytes(maxBytes)}; send less per request`, {
    Connection: 'close',
  });
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** Refuses a declared Content-Length over the limit before a byte of the body is read. */
export function assertDeclaredLength(req: IncomingMessage, maxBytes: number): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) throw payloadTooLarge(maxBytes);
}

/**
 * The request body, counted as it streams: a chunked body is cut off as soon as it passes the
 * limit, so no request holds more than `maxBytes` in memory.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  assertDeclaredLength(req, maxBytes);
  if (!hasBody(req)) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw payloadTooLarge(maxBytes);
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    // The client went away mid-body (ECONNRESET "aborted"): its fault, not the database's,
    // whose outages share that socket code.
    throw errors.validation('body', 'was cut off: the client closed the connection before sending all of it');
  }
  return Buffer.concat(chunks, size);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a JSON body; invalid UTF-8 is refused rather than silently replaced with U+FFFD. */
export function parseJson(raw: Buffer, field = 'body'): unknown {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw errors.validation(field, 'must be valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw errors.validation(field, 'is not valid JSON');
  }
}

export const isJsonType = (type: string | undefined) => !!type && /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i.test(type);
