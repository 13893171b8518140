import { defineOperation } from './operation.js';
import { one, SHAPES } from './shapes.js';

const own = { kind: 'query', scope: null, limitClass: 'default', credits: { kind: 'none' }, idempotent: false } as const;

export const viewer = defineOperation({
  ...own,
  name: 'viewer',
  summary: "Who am I: the calling key's id, name, prefix, permissions, workspace, plan and where it stands against its quotas.",
  output: one(SHAPES.Me),
  rest: { method: 'GET', path: '/v1/me' },
});

export const workspace = defineOperation({
  ...own,
  name: 'workspace',
  summary: 'The workspace, its plan and its credit balance.',
  output: one(SHAPES.WorkspaceWithBalance),
  rest: { method: 'GET', path: '/v1/workspace' },
  graphql: 'Viewer.workspace',
});
