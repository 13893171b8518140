import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Key secrets: `wbk_live_` + 32 base62 characters from the CSPRNG (190 bits) + a 6-character
 * base62 CRC32 of everything before it, as GitHub's tokens do. A mistyped or invented key
 * fails the checksum and is refused without a database lookup.
 */
export const SECRET_PREFIX = 'wbk_live_';
const RANDOM_CHARS = 32;
const CHECKSUM_CHARS = 6;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const SECRET_LENGTH = SECRET_PREFIX.length + RANDOM_CHARS + CHECKSUM_CHARS;
const SHAPE = new RegExp(`^${SECRET_PREFIX}[0-9A-Za-z]{${RANDOM_CHARS + CHECKSUM_CHARS}}$`);

function randomBase62(n: number): string {
  let out = '';
  while (out.length < n) {
    for (const b of randomBytes(n * 2)) {
      // 248 = 62 * 4: rejecting the top bytes keeps every character equally likely.
      if (b < 248) out += ALPHABET[b % 62];
      if (out.length === n) break;
    }
  }
  return out;
}

function checksum(body: string): string {
  let n = crc32(body);
  let out = '';
  for (let i = 0; i < CHECKSUM_CHARS; i++) {
    out = ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

export function generateSecret(): string {
  const body = SECRET_PREFIX + randomBase62(RANDOM_CHARS);
  return body + checksum(body);
}

/**
 * The longest token the gateway hashes, and the longest key an import accepts: far above any
 * real API key (ours are 47 characters), so nothing longer is worth a SHA-256.
 */
export const MAX_KEY_LENGTH = 256;

/**
 * A token in this server's format: it stands or falls by its checksum, with no lookup. Any other
 * token can only be an imported key of a foreign format (e.g. `capi_…`).
 */
export function isOwnFormat(token: string): boolean {
  return token.startsWith(SECRET_PREFIX);
}

/** Shape and checksum only: says nothing about whether the key exists. */
export function isWellFormedSecret(token: string): boolean {
  if (token.length !== SECRET_LENGTH || !SHAPE.test(token)) return false;
  const body = token.slice(0, -CHECKSUM_CHARS);
  return checksum(body) === token.slice(-CHECKSUM_CHARS);
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Seed 003: the prefix is the secret's first 8 characters. */
export function displayPrefix(secret: string): string {
  return secret.slice(0, 8);
}

export function lastFour(secret: string): string {
  return secret.slice(-4);
}

/** The secret's first 12 characters: with the last 4, enough to tell a workspace's keys apart. */
export function displayStart(secret: string): string {
  return secret.slice(0, 12);
}

export interface DisplayParts {
  prefix: string;
  start: string;
  last4: string | null;
}

/** Characters of a foreign secret that are never shown, whatever its length. */
const HIDDEN_AT_LEAST = 16;

/**
 * What is kept of a secret for display. Ours: its first 8 (prefix) and 12 (start) and last 4
 * characters. A foreign secret of unknown make may be short, so at most 16 of its characters are
 * shown and at least 16, and at least half of it, stay hidden: a 40-character key shows its first
 * 12 and last 4, a 24-character one its first 4 and last 4, one of 16 or fewer nothing.
 */
export function displayParts(secret: string): DisplayParts {
  if (isWellFormedSecret(secret)) return { prefix: displayPrefix(secret), start: displayStart(secret), last4: lastFour(secret) };
  const n = secret.length;
  const shown = Math.max(0, Math.min(16, n - Math.max(HIDDEN_AT_LEAST, Math.ceil(n / 2))));
  const last4 = shown >= 8 ? lastFour(secret) : null;
  const start = secret.slice(0, Math.min(12, shown - (last4 ? 4 : 0)));
  return { prefix: start.slice(0, 8), start, last4 };
}

/**
 * What a person sees to recognise a key, e.g. `wbk_live_4s0H…9R2x`. Keys minted before the start
 * was kept show their prefix instead; a key imported by hash shows what the operator gave as its
 * prefix (`capi_…`), or says it was imported by hash when nothing of it is known.
 */
export function displayHint(key: { start: string | null; prefix: string; last4: string | null }): string {
  const start = key.start ?? key.prefix;
  if (!start && !key.last4) return '(imported by hash)';
  return `${start}…${key.last4 ?? ''}`;
}
