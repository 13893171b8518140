import { z } from 'zod';
import { MAX_CREDIT_BALANCE } from '../credits.js';
import { MAX_LIMIT } from '../limits/override.js';
import { isoTimestamp } from '../validation.js';

/** An override ends at most this long after it is set: a lift is temporary by design. */
export const MAX_OVERRIDE_DAYS = 90;
export const MAX_MULTIPLIER = 1000;

const limit = z
  .number({ error: `must be a whole number from 1 to ${MAX_LIMIT}` })
  .int({ error: `must be a whole number from 1 to ${MAX_LIMIT}` })
  .min(1, { error: `must be a whole number from 1 to ${MAX_LIMIT}` })
  .max(MAX_LIMIT, { error: `must be a whole number from 1 to ${MAX_LIMIT}` });

export const updateWorkspaceInput = z.strictObject(
  {
    name: z
      .string({ error: 'must be a string' })
      .trim()
      .min(1, { error: 'must be 1 to 120 characters' })
      .max(120, { error: 'must be 1 to 120 characters' })
      .optional(),
    /** A plan's id (plan_pro), slug (pro) or name (Pro). */
    plan: z.string({ error: 'must be a plan name, e.g. pro' }).max(100, { error: 'must be a plan name, e.g. pro' }).optional(),
  },
  { error: 'must be a JSON object' },
);

export const limitOverrideInput = z.strictObject(
  {
    multiplier: z
      .number({ error: `must be a number above 1 and at most ${MAX_MULTIPLIER}` })
      .gt(1, { error: `must be a number above 1 and at most ${MAX_MULTIPLIER}` })
      .max(MAX_MULTIPLIER, { error: `must be a number above 1 and at most ${MAX_MULTIPLIER}` })
      .optional(),
    requestsPerSecond: limit.optional(),
    requestsPerMinute: limit.optional(),
    requestsPerDay: limit.optional(),
    aiRequestsPerMinute: limit.optional(),
    expiresAt: isoTimestamp,
    reason: z.string({ error: 'must be a string' }).trim().max(500, { error: 'must be at most 500 characters' }).nullish(),
  },
  { error: 'must be a JSON object' },
);

const AMOUNT_PROBLEM = `must be a whole number from 1 to ${MAX_CREDIT_BALANCE}`;

export const addCreditsInput = z.strictObject(
  {
    amount: z
      .number({ error: AMOUNT_PROBLEM })
      .int({ error: AMOUNT_PROBLEM })
      .min(1, { error: AMOUNT_PROBLEM })
      .max(MAX_CREDIT_BALANCE, { error: AMOUNT_PROBLEM }),
  },
  { error: 'must be a JSON object' },
);

export const listWorkspacesInput = z.strictObject(
  {
    name: z.string({ error: 'must be a string' }).max(120, { error: 'must be at most 120 characters' }).optional(),
    plan: z.string({ error: 'must be a plan name, e.g. pro' }).max(100, { error: 'must be a plan name, e.g. pro' }).optional(),
  },
  { error: 'must be an object' },
);

export type UpdateWorkspaceInput = z.input<typeof updateWorkspaceInput>;
export type LimitOverrideInput = z.input<typeof limitOverrideInput>;
export type AddCreditsInput = z.input<typeof addCreditsInput>;
export type ListWorkspacesInput = z.input<typeof listWorkspacesInput>;
