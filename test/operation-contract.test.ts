import { extendSchema, getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createKeyInput, quotasInput } from '../src/domain/keys/inputs.js';
import { declaredOperations } from '../src/graphql/operations.js';
import { schema } from '../src/graphql/schema.js';
import { OPERATIONS, SHAPES, strictestClass } from '../src/operations/index.js';
import { one } from '../src/operations/shapes.js';
import { OUTPUT_DIFFERENCES, operationInputDrift, operationOutputDrift } from './support/contract.js';

const touched = (source: string) => {
  const document = parse(source);
  return declaredOperations(schema, document, getOperationAST(document)!)
    .map((o) => o.name)
    .sort();
};

describe('the declared operations a GraphQL request selects', () => {
  it('are found at any depth, through aliases, inline fragments and fragments spread in fragments', () => {
    expect(
      touched(`
        query { mine: viewer { ...Own } k: node(id: "key_x") { ... on ApiKey { logs: requestLogs { totalCount: __typename } } } }
        fragment Own on Viewer { ...Deeper }
        fragment Deeper on Viewer { usage { calls } workspace { usage { calls } } }
      `),
    ).toEqual(['apiKeyRequestLogs', 'ownUsage', 'viewer', 'workspace', 'workspaceUsage']);
  });

  it('are only those of the selected operation', () => {
    const document = parse('query A { apiKeys { __typename } } query B { requestLogs { __typename } } ');
    expect(declaredOperations(schema, document, getOperationAST(document, 'B')!).map((o) => o.name)).toEqual(['requestLogs']);
  });

  it('are admitted in the strictest limit class among them', () => {
    expect(strictestClass([])).toBe('default');
    expect(strictestClass([{ limitClass: 'default' }, { limitClass: 'ai' }, { limitClass: 'default' }])).toBe('ai');
  });
});

describe('each GraphQL field matches its declaration', () => {
  it("takes the declared input: one input argument mirroring the zod schema at every depth, beside the REST path's ids", () => {
    expect(OPERATIONS.flatMap((op) => operationInputDrift(schema, op))).toEqual([]);
  });

  it('has every field of the declared REST output, but for the deliberate differences listed with their reasons', () => {
    const allowed = new Set<string>();
    expect([...new Set(OPERATIONS.flatMap((op) => operationOutputDrift(schema, op, allowed)))]).toEqual([]);
    expect(Object.keys(OUTPUT_DIFFERENCES).filter((k) => !allowed.has(k))).toEqual([]);
  });

  it('reports drift on either side, nested objects included', () => {
    const byName = Object.fromEntries(OPERATIONS.map((op) => [op.name, op]));
    const create = byName.createApiKey!;
    const extended = extendSchema(schema, parse('extend input CreateApiKeyInput { color: String } extend input QuotaInput { yearly: Int }'));
    expect(operationInputDrift(extended, create)).toEqual([
      'createApiKey.quotas.yearly: in QuotaInput, not declared',
      'createApiKey.color: in CreateApiKeyInput, not declared',
    ]);
    const wider = {
      ...create,
      input: createKeyInput.extend({
        team: z.string(),
        quotas: quotasInput.extend({ hourly: z.int().optional() }).nullish(),
        rateLimitTier: z.enum(['standard', 'high']).optional(),
        category: z.array(z.string()).optional(),
      }),
    };
    expect(operationInputDrift(schema, wider)).toEqual([
      'createApiKey.category: a list on one surface only',
      'createApiKey.rateLimitTier: one of high, standard in the declaration, high, standard, unmetered in GraphQL',
      'createApiKey.quotas.hourly: declared, missing from QuotaInput',
      'createApiKey.team: declared, missing from CreateApiKeyInput',
    ]);
    const revoke = byName.revokeApiKey!;
    expect(operationInputDrift(extendSchema(schema, parse('extend type Mutation { x: Int }')), revoke)).toEqual([]);
    expect(operationInputDrift(schema, { ...revoke, input: z.strictObject({ reason: z.string() }) })).toEqual([
      'revokeApiKey: takes (id); its declaration wants (id, input)',
    ]);
    const plan = z.object({ ...SHAPES.Plan.shape, seats: z.int() });
    expect(operationOutputDrift(schema, { ...byName.workspace!, output: one(SHAPES.WorkspaceWithBalance.extend({ plan, region: z.string() })) })).toEqual([
      'Plan.seats: in the declared REST output, not in GraphQL',
      'Workspace.region: in the declared REST output, not in GraphQL',
    ]);
  });
});
