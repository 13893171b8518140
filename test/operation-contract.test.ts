import { getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { declaredOperations } from '../src/graphql/operations.js';
import { schema } from '../src/graphql/schema.js';
import { strictestClass } from '../src/operations/index.js';

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
