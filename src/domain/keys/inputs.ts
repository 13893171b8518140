import { z } from 'zod';
import type { KeyQuotas, RateLimitTier } from '../principal.js';
import { isoTimestamp } from '../validation.js';

const name = z
  .string({ error: 'is required and must be a string' })
  .trim()
  .min(1, { error: 'must be 1 to 120 characters' })
  .max(120, { error: 'must be 1 to 120 characters' });

const description = z.string({ error: 'must be a string' }).max(1000, { error: 'must be at most 1000 characters' });

/** Seed 001: production, development, staging or any custom label. */
const category = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, { error: 'must be 1 to 64 characters' })
  .max(64, { error: 'must be 1 to 64 characters' });

const quotaLimit = z
  .number({ error: 'must be a positive integer or null' })
  .int({ error: 'must be a positive integer or null' })
  .min(1, { error: 'must be a positive integer or null' })
  .max(2_147_483_647, { error: 'must be at most 2147483647' })
  .nullable();

export const quotasInput = z.strictObject(
  {
    total: quotaLimit.optional(),
    daily: quotaLimit.optional(),
    weekly: quotaLimit.optional(),
    monthly: quotaLimit.optional(),
  },
  { error: 'must be an object with total, daily, weekly and monthly' },
);

/** A new key's quotas from its input: a window left out has no quota. */
export function newKeyQuotas(q: z.output<typeof quotasInput> | null | undefined): KeyQuotas {
  return { total: q?.total ?? null, daily: q?.daily ?? null, weekly: q?.weekly ?? null, monthly: q?.monthly ?? null };
}

/** Lowest to highest: a key may mint or change keys up to its own tier. */
export const RATE_LIMIT_TIERS = ['standard', 'high', 'unmetered'] as const satisfies readonly RateLimitTier[];

export const rateLimitTier = z.enum(RATE_LIMIT_TIERS, {
  error: 'must be one of standard, high, unmetered',
});

export const createKeyInput = z.strictObject(
  {
    name,
    permissions: z
      .array(z.string({ error: 'must be scope strings' }), { error: 'is required and must be an array of scopes' })
      .min(1, { error: 'must hold at least one scope' })
      .max(64, { error: 'must hold at most 64 scopes' }),
    description: description.nullish(),
    category: category.nullish(),
    rateLimitTier: rateLimitTier.optional(),
    expiresAt: isoTimestamp.nullish(),
    quotas: quotasInput.nullish(),
  },
  { error: 'must be a JSON object' },
);

export const updateKeyInput = z.strictObject(
  {
    name: name.optional(),
    description: description.nullish(),
    category: category.nullish(),
    expiresAt: isoTimestamp.nullish(),
    quotas: quotasInput.nullish(),
  },
  { error: 'must be a JSON object' },
);

export const rotateKeyInput = z.strictObject(
  {
    name: name.optional(),
    /** Seconds the old key keeps working; 0 or absent stops it at once. At most 30 days. */
    gracePeriodSeconds: z
      .number({ error: 'must be a whole number of seconds' })
      .int({ error: 'must be a whole number of seconds' })
      .min(0, { error: 'must be 0 or more' })
      .max(30 * 86_400, { error: 'must be at most 2592000 (30 days)' })
      .optional(),
    expiresAt: isoTimestamp.nullish(),
  },
  { error: 'must be a JSON object' },
);

export const keyStateFilter = z.enum(['active', 'inactive', 'revoked', 'expired'], {
  error: 'must be one of active, inactive, revoked, expired',
});

/** The filters of a key list; its paging is the page query's (pagination.ts). */
export const listKeysInput = z.strictObject(
  {
    category: z.string({ error: 'must be a string' }).max(64, { error: 'must be at most 64 characters' }).optional(),
    state: keyStateFilter.optional(),
    name: z.string({ error: 'must be a string' }).max(120, { error: 'must be at most 120 characters' }).optional(),
  },
  { error: 'must be an object' },
);

export type CreateKeyInput = z.input<typeof createKeyInput>;
export type UpdateKeyInput = z.input<typeof updateKeyInput>;
export type RotateKeyInput = z.input<typeof rotateKeyInput>;
export type ListKeysInput = z.input<typeof listKeysInput>;
