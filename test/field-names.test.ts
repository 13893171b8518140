import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from '../src/domain/errors.js';
import { camelizeInput, snakeMessage, snakePath } from '../src/domain/field-names.js';
import { createKeyInput } from '../src/domain/keys/inputs.js';
import { parseInput } from '../src/domain/validation.js';
import { objectBody } from '../src/rest/http.js';
import { startServer, type TestServer } from './support/harness.js';

/** The shape of inputs to come: a CRM contact with custom fields, a search with filters. */
const contactInput = z.strictObject({
  fullName: z.string(),
  customFields: z.record(z.string(), z.union([z.string(), z.number()])),
  filters: z
    .array(
      z.strictObject({
        fieldName: z.string(),
        anyOf: z.array(z.string()).optional(),
        customFields: z.record(z.string(), z.strictObject({ minValue: z.number() })).optional(),
      }),
    )
    .optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  extra: z.unknown().optional(),
  mailingAddress: z.strictObject({ streetName: z.string(), postCode: z.string() }).nullish(),
});

function refusal(run: () => unknown): ApiError {
  try {
    run();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('was not refused');
}

describe('one deep case conversion at the REST edge', () => {
  it('camelCases field names at every depth, in arrays too, and leaves open maps and data as sent', () => {
    const sent = {
      full_name: 'Ada',
      custom_fields: { Favourite_Color: 'teal', lead_score: 7, 'Shoe size (EU)': 38 },
      filters: [{ field_name: 'industry', any_of: ['saas'], custom_fields: { Renewal_Month: { min_value: 3 } } }],
      metadata: { source_system: { imported_at: 'x' } },
      extra: { kept_as_sent: [{ also_kept: 1 }] },
      mailing_address: { street_name: 'Main St', post_code: '1000' },
    };
    expect(camelizeInput(sent, contactInput)).toEqual({
      fullName: 'Ada',
      customFields: { Favourite_Color: 'teal', lead_score: 7, 'Shoe size (EU)': 38 },
      filters: [{ fieldName: 'industry', anyOf: ['saas'], customFields: { Renewal_Month: { minValue: 3 } } }],
      metadata: { source_system: { imported_at: 'x' } },
      extra: { kept_as_sent: [{ also_kept: 1 }] },
      mailingAddress: { streetName: 'Main St', postCode: '1000' },
    });
    // And the result is what the domain's schema reads.
    expect(parseInput(contactInput, camelizeInput(sent, contactInput)).customFields.Favourite_Color).toBe('teal');
  });

  it('converts snake_case at every depth where no schema says, and only snake_case', () => {
    expect(camelizeInput({ a_b: { c_d: [{ e_f: 1, Name: 2, __proto__x: 3, key_1: 4, already: 5, alreadyCamel: 6 }] } })).toEqual({
      aB: { cD: [{ eF: 1, Name: 2, __proto__x: 3, key_1: 4, already: 5, alreadyCamel: 6 }] },
    });
    expect(camelizeInput('text')).toBe('text');
    expect(camelizeInput(null, contactInput)).toBeNull();
  });

  it('keeps __proto__ a field of the body, never the prototype', () => {
    const out = camelizeInput(
      JSON.parse('{"name": "x", "permissions": ["read:contacts"], "quotas": {"__proto__": {"polluted": true}}, "__proto__": {"rate_limit_tier": "unmetered"}}'),
      createKeyInput,
    ) as Record<string, any>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(Object.hasOwn(out.quotas, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(refusal(() => parseInput(createKeyInput, out)).message).toMatch(/^(quotas\.)?__proto__ is not a known field$/);
  });

  it('refuses a field sent twice under two spellings, naming it as REST spells it', () => {
    const err = refusal(() => camelizeInput({ mailing_address: { post_code: '1', postCode: '2', street_name: 'x' } }, contactInput));
    expect(err.code).toBe('validation_error');
    expect(err.field).toBe('mailingAddress.postCode');
    expect(snakeMessage(err, contactInput)).toBe('mailing_address.post_code is given twice, as post_code and as postCode');
  });

  it('survives a megabyte of nesting without overflowing the stack', () => {
    const deep = JSON.parse(`{"filters":${'['.repeat(300_000)}${']'.repeat(300_000)}}`);
    expect(() => camelizeInput(deep, contactInput)).not.toThrow();
    const deepObjects = JSON.parse(`${'{"a_b":'.repeat(100_000)}1${'}'.repeat(100_000)}`);
    expect(Object.keys(camelizeInput(deepObjects) as object)).toEqual(['aB']);
  });

  it('names a field in errors as the caller spelt it: snake_case names, map keys and indices as they are', () => {
    expect(snakePath('fullName', contactInput)).toBe('full_name');
    expect(snakePath('customFields.Favourite_Color', contactInput)).toBe('custom_fields.Favourite_Color');
    expect(snakePath('customFields.leadScore', contactInput)).toBe('custom_fields.leadScore');
    expect(snakePath('filters.0.fieldName', contactInput)).toBe('filters.0.field_name');
    expect(snakePath('filters.2.customFields.Renewal_Month.minValue', contactInput)).toBe('filters.2.custom_fields.Renewal_Month.min_value');
    expect(snakePath('metadata.sourceSystem.importedAt', contactInput)).toBe('metadata.sourceSystem.importedAt');
    expect(snakePath('mailingAddress.postCode', contactInput)).toBe('mailing_address.post_code');
    expect(snakePath('unknownThing.deeperField', contactInput)).toBe('unknown_thing.deeper_field');
    expect(snakePath('rateLimitTier')).toBe('rate_limit_tier');
    expect(snakePath('query parameter names')).toBe('query parameter names');

    const sent = {
      full_name: 'Ada',
      custom_fields: { Favourite_Color: true },
      filters: [{ field_name: 'x', custom_fields: { Renewal_Month: { min_value: 'soon' } } }],
    };
    const named = (input: unknown) =>
      snakeMessage(
        refusal(() => parseInput(contactInput, camelizeInput(input, contactInput))),
        contactInput,
      );
    expect(named(sent)).toMatch(/^custom_fields\.Favourite_Color /);
    expect(named({ ...sent, custom_fields: {} })).toBe('filters.0.custom_fields.Renewal_Month.min_value must be a number');
    expect(named({ ...sent, custom_fields: {}, filters: [{ field_name: 'x', any_of: 'saas' }] })).toBe('filters.0.any_of must be an array');
    expect(named({ ...sent, custom_fields: {}, filters: [], mailing_address: { street_name: 'x', post_code: '1', house_number: 4 } })).toBe(
      'mailing_address.house_number is not a known field',
    );
  });
});

/** Values that are the caller's data (JSON, either a map or a list), and a tree of named fields. */
interface Section {
  sectionTitle: string;
  childSections?: Section[];
}
const section: z.ZodType<Section> = z.lazy(() => z.strictObject({ sectionTitle: z.string(), childSections: z.array(section).optional() }));
const dataInput = z.strictObject({
  meta: z.json().optional(),
  labels: z.union([z.record(z.string(), z.string()), z.array(z.strictObject({ labelName: z.string() }))]).optional(),
  outline: section.optional(),
  tags: z.union([z.record(z.string(), z.string()), z.array(z.record(z.string(), z.string()))]).optional(),
});

describe('values that are data, and unions', () => {
  it('leaves a z.json() value as sent, in arrays and maps alike, at any depth', () => {
    const meta = [{ first_name: 1, nested_list: [{ last_name: 'x' }] }, 'a_b', { map_key: { deeper_key: [{ deepest_key: null }] } }];
    expect(camelizeInput({ meta }, dataInput)).toEqual({ meta });
    expect(camelizeInput({ meta: { first_name: [{ last_name: 2 }] } }, dataInput)).toEqual({ meta: { first_name: [{ last_name: 2 }] } });
    expect(parseInput(dataInput, camelizeInput({ meta }, dataInput))).toEqual({ meta });
  });

  it("reads a union by the value's shape: a map's keys as sent, a list's objects by their fields", () => {
    expect(camelizeInput({ labels: { Label_One: 'a', label_two: 'b' } }, dataInput)).toEqual({ labels: { Label_One: 'a', label_two: 'b' } });
    expect(camelizeInput({ labels: [{ label_name: 'a' }] }, dataInput)).toEqual({ labels: [{ labelName: 'a' }] });
    expect(camelizeInput({ tags: { tag_key: 'a' } }, dataInput)).toEqual({ tags: { tag_key: 'a' } });
    expect(camelizeInput({ tags: [{ tag_key: 'a' }, { Other_Key: 'b' }] }, dataInput)).toEqual({ tags: [{ tag_key: 'a' }, { Other_Key: 'b' }] });
    expect(snakePath('tags.1.someKey', dataInput)).toBe('tags.1.someKey');
    expect(snakePath('labels.0.labelName', dataInput)).toBe('labels.0.label_name');
    expect(snakePath('labels.someKey', dataInput)).toBe('labels.someKey');
  });

  it('converts the field names of a recursive schema at every depth of its recursion', () => {
    const outline = { section_title: 'a', child_sections: [{ section_title: 'b', child_sections: [{ section_title: 'c' }] }] };
    expect(camelizeInput({ outline }, dataInput)).toEqual({
      outline: { sectionTitle: 'a', childSections: [{ sectionTitle: 'b', childSections: [{ sectionTitle: 'c' }] }] },
    });
    expect(snakePath('outline.childSections.0.childSections.0.sectionTitle', dataInput)).toBe('outline.child_sections.0.child_sections.0.section_title');
  });

  it("names a NUL in a body by the path it was sent at, a map's keys as they are", () => {
    const nulAt = (body: unknown) =>
      snakeMessage(
        refusal(() => objectBody(body, contactInput)),
        contactInput,
      );
    expect(nulAt({ full_name: 'x', custom_fields: { myKey: 'a\0' } })).toBe('custom_fields.myKey must not contain NUL (\\u0000) characters');
    expect(nulAt({ filters: [{ field_name: 'x', custom_fields: { Renewal_Month: { min_value: '\0' } } }] })).toBe(
      'filters.0.custom_fields.Renewal_Month.min_value must not contain NUL (\\u0000) characters',
    );
    expect(nulAt({ metadata: { someKey: { other_key: '\0' } } })).toBe('metadata.someKey.other_key must not contain NUL (\\u0000) characters');
  });
});

describe('a nested REST body', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  it('is read in camelCase at every depth, and its errors name fields at every depth in snake_case', async () => {
    const tenant = await t.tenant();
    const create = (body: unknown) => t.rest('POST', '/v1/api-keys', { key: tenant.key, body });
    const base = { name: 'nested', permissions: ['read:contacts'] };

    const made = await create({ ...base, rate_limit_tier: 'standard', expires_at: '2030-01-01T00:00:00Z', quotas: { daily: 10, monthly: 100 } });
    expect(made.status).toBe(201);
    expect(made.body.data).toMatchObject({
      rate_limit_tier: 'standard',
      expires_at: '2030-01-01T00:00:00.000Z',
      quotas: { daily: 10, monthly: 100, weekly: null, total: null },
    });

    expect((await create({ ...base, quotas: { per_day: 5 } })).body.error).toEqual({
      code: 'validation_error',
      message: 'quotas.per_day is not a known field',
    });
    // Converted below the top level: both spellings of one nested field meet.
    expect((await create({ ...base, quotas: { per_day: 1, perDay: 2 } })).body.error).toEqual({
      code: 'validation_error',
      message: 'quotas.per_day is given twice, as per_day and as perDay',
    });
    expect((await create({ ...base, quotas: { daily: 'lots' } })).body.error).toEqual({
      code: 'validation_error',
      message: 'quotas.daily must be a positive integer or null',
    });
    expect((await create({ ...base, name: 'twice', expires_at: '2030-01-01T00:00:00Z', expiresAt: '2031-01-01T00:00:00Z' })).body.error).toEqual({
      code: 'validation_error',
      message: 'expires_at is given twice, as expires_at and as expiresAt',
    });
    const key = made.body.data.id;
    const patched = await t.rest('PATCH', `/v1/api-keys/${key}`, { key: tenant.key, body: { quotas: { weekly: 50 }, expires_at: null } });
    expect(patched.body.data).toMatchObject({ quotas: { weekly: 50 }, expires_at: null });
  });
});
