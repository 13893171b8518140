import type { InputFieldBuilder } from '@pothos/core';
import type { RequestLogRow } from '../../db/schema.js';
import { creditBalance } from '../../domain/credits.js';
import {
  getRequestLogsByIds,
  listOwnRequestLogs,
  listRequestLogs,
  ownUsage,
  usage,
  type LogFilterInput,
  type StatusClass,
  type Usage,
} from '../../domain/logs/query.js';
import { requestLogList } from '../../domain/logs/lists.js';
import * as keyOps from '../../operations/api-keys.js';
import * as op from '../../operations/logs.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { objectOperation, rootOperation } from '../declared.js';
import { listConnection, type ConnectionArgs } from '../pagination.js';
import { ApiKeyRef } from './api-key.js';
import { ViewerRef } from './viewer.js';
import { WorkspaceRef } from './workspace.js';

export const RequestLogRef = builder.objectRef<RequestLogRow>('RequestLog');

builder.node(RequestLogRef, {
  description: 'One request made with a key (seed 001): endpoint, status, time to first byte, IP, credits.',
  id: { resolve: (l) => l.id },
  loadMany: async (ids, ctx) => {
    const found = await getRequestLogsByIds(ctx.service(), ids);
    return ids.map((id) => found.get(id) ?? null);
  },
  isTypeOf: (v) => typeof v === 'object' && v !== null && 'requestId' in v && 'durationMs' in v,
  fields: (t) => ({
    requestId: t.exposeString('requestId', { description: 'The X-Request-ID of the request.' }),
    endpoint: t.exposeString('endpoint', { description: '"GET /v1/me", or the GraphQL operation: "query viewer".' }),
    method: t.exposeString('method'),
    operationType: t.exposeString('operationType', { nullable: true }),
    operationName: t.exposeString('operationName', { nullable: true }),
    status: t.exposeInt('status'),
    durationMs: t.exposeFloat('durationMs', { description: 'Time to first byte.' }),
    ip: t.exposeString('ip'),
    credits: t.exposeInt('credits', { description: 'Credits charged.' }),
    cost: t.exposeInt('cost', { description: 'Rate-limit points consumed.' }),
    errorCode: t.exposeString('errorCode', { nullable: true }),
    keyPrefix: t.exposeString('keyPrefix', { nullable: true, description: "The key's display prefix; never its secret." }),
    apiKeyId: t.exposeID('keyId', { nullable: true }),
    at: t.expose('at', { type: 'DateTime' }),
  }),
});

const StatusClassEnum = builder.enumType('StatusClass', {
  values: {
    SUCCESS: { value: '2xx', description: 'Status 2xx' },
    REDIRECTION: { value: '3xx', description: 'Status 3xx' },
    CLIENT_ERROR: { value: '4xx', description: 'Status 4xx' },
    SERVER_ERROR: { value: '5xx', description: 'Status 5xx' },
  } as const,
});

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

const logFilterFields = (t: InputFieldBuilder<Types, 'InputObject'>) => ({
  status: t.int(),
  statusClass: t.field({ type: StatusClassEnum }),
  endpoint: t.string({ description: 'Exact: "POST /v1/api-keys" or "mutation createApiKey".' }),
  from: t.field({ type: 'DateTime', description: 'Inclusive.' }),
  to: t.field({ type: 'DateTime', description: 'Exclusive.' }),
});

const RequestLogFilter = builder.inputType('RequestLogFilter', {
  fields: (t) => ({ apiKeyId: t.id(), ...logFilterFields(t) }),
});

const OwnRequestLogFilter = builder.inputType('OwnRequestLogFilter', {
  description: "RequestLogFilter without apiKeyId: the calling key's own requests only.",
  fields: logFilterFields,
});

type FilterArg =
  | {
      apiKeyId?: string | number | null;
      status?: number | null;
      statusClass?: StatusClass | null;
      endpoint?: string | null;
      from?: Date | null;
      to?: Date | null;
    }
  | null
  | undefined;

function toFilter(f: FilterArg, apiKeyId?: string): LogFilterInput {
  return {
    apiKeyId: apiKeyId ?? (f?.apiKeyId != null ? String(f.apiKeyId) : undefined),
    status: f?.status ?? undefined,
    statusClass: f?.statusClass ?? undefined,
    endpoint: f?.endpoint ?? undefined,
    from: f?.from ?? undefined,
    to: f?.to ?? undefined,
  };
}

const logPages = listConnection('requestLogs', requestLogList);

const workspaceLogs = (ctx: GraphQLContext, args: ConnectionArgs, filter: LogFilterInput) =>
  logPages.resolve(args, (page) => listRequestLogs(ctx.service(), filter, page));

rootOperation(op.requestLogs, (t, declared) =>
  t.connection({
    ...declared,
    type: RequestLogRef,
    args: { filter: t.arg({ type: RequestLogFilter }) },
    resolve: (_r, args, ctx) => workspaceLogs(ctx, args, toFilter(args.filter)),
  }),
);

objectOperation(ApiKeyRef, keyOps.apiKeyRequestLogs, (t, declared) =>
  t.connection({
    ...declared,
    type: RequestLogRef,
    args: { filter: t.arg({ type: RequestLogFilter }) },
    resolve: (key, args, ctx) => workspaceLogs(ctx, args, toFilter(args.filter, key.id)),
  }),
);

objectOperation(ViewerRef, op.ownRequestLogs, (t, declared) =>
  t.connection({
    ...declared,
    type: RequestLogRef,
    args: { filter: t.arg({ type: OwnRequestLogFilter }) },
    resolve: (_p, args, ctx) => {
      const { apiKeyId: _none, ...filter } = toFilter(args.filter);
      return logPages.resolve(args, (page) => listOwnRequestLogs(ctx.service(), filter, page));
    },
  }),
);

const EndpointUsageRef = builder.objectRef<Usage['endpoints'][number]>('EndpointUsage').implement({
  fields: (t) => ({
    endpoint: t.exposeString('endpoint'),
    calls: t.exposeInt('calls'),
    errors: t.exposeInt('errors'),
    errorRate: t.exposeFloat('errorRate'),
  }),
});

const UsageRef = builder.objectRef<Usage>('Usage').implement({
  description: 'Seed 002\'s "Monitoring usage" over a window (default: today, UTC).',
  fields: (t) => ({
    from: t.expose('from', { type: 'DateTime' }),
    to: t.expose('to', { type: 'DateTime' }),
    calls: t.exposeInt('calls'),
    errors: t.exposeInt('errors'),
    errorRate: t.exposeFloat('errorRate', { description: 'Share of calls answered 4xx or 5xx.' }),
    creditsUsed: t.exposeInt('creditsUsed'),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    endpoints: t.field({ type: [EndpointUsageRef], resolve: (u) => u.endpoints }),
  }),
});

objectOperation(ApiKeyRef, keyOps.apiKeyUsage, (t, declared) =>
  t.field({
    ...declared,
    type: UsageRef,
    args: { from: t.arg({ type: 'DateTime' }), to: t.arg({ type: 'DateTime' }) },
    resolve: (key, args, ctx) => usage(ctx.service(), { apiKeyId: key.id, from: args.from ?? undefined, to: args.to ?? undefined }),
  }),
);

objectOperation(ViewerRef, op.ownUsage, (t, declared) =>
  t.field({
    ...declared,
    type: UsageRef,
    args: { from: t.arg({ type: 'DateTime' }), to: t.arg({ type: 'DateTime' }) },
    resolve: (_p, args, ctx) => ownUsage(ctx.service(), { from: args.from ?? undefined, to: args.to ?? undefined }),
  }),
);

objectOperation(WorkspaceRef, op.workspaceUsage, (t, declared) =>
  t.field({
    ...declared,
    type: UsageRef,
    args: { from: t.arg({ type: 'DateTime' }), to: t.arg({ type: 'DateTime' }) },
    resolve: (_w, args, ctx) => usage(ctx.service(), { from: args.from ?? undefined, to: args.to ?? undefined }),
  }),
);

builder.objectField(WorkspaceRef, 'creditBalance', (t) =>
  t.field({
    type: 'Int',
    description: 'Credits left; operations that cost credits are refused with insufficient_credits beyond it.',
    resolve: (w, _a, ctx) => creditBalance(ctx.service().db, w.id),
  }),
);
