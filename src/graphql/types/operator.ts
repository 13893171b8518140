import type { OperatorAuditRow } from '../../db/schema.js';
import { MAX_CREDIT_BALANCE } from '../../domain/credits.js';
import { listAudit } from '../../domain/operator/audit.js';
import { auditList, workspaceList } from '../../domain/operator/lists.js';
import { grantCredits } from '../../domain/operator/credits.js';
import { clearLimitOverride, setLimitOverride } from '../../domain/operator/override.js';
import { updateWorkspace } from '../../domain/operator/update.js';
import { getManagedWorkspace, listManagedWorkspaces, type ManagedWorkspace } from '../../domain/operator/workspaces.js';
import * as op from '../../operations/operator.js';
import { builder } from '../builder.js';
import { objectOperation, rootOperation } from '../declared.js';
import { listConnection } from '../pagination.js';
import { PlanRef } from './plan.js';

const auditPages = listConnection('audit', auditList);
const workspacePages = listConnection('operatorWorkspaces', workspaceList);

const AuditEntryRef = builder.objectRef<OperatorAuditRow>('OperatorAuditEntry').implement({
  description: 'One operator change to a workspace.',
  fields: (t) => ({
    id: t.exposeID('id'),
    actor: t.exposeString('actor', { description: 'The operator key\'s id, or "cli" for the command line.' }),
    action: t.exposeString('action', { description: 'workspace_updated, override_set, override_cleared or credits_added.' }),
    before: t.expose('before', { type: 'JSONObject', description: 'The changed fields before (snake_case, as REST shows them).' }),
    after: t.expose('after', { type: 'JSONObject', description: 'The same fields after.' }),
    at: t.expose('at', { type: 'DateTime' }),
  }),
});

const OperatorWorkspaceRef = builder.objectRef<ManagedWorkspace>('OperatorWorkspace').implement({
  description: `A workspace as an operator sees it. ${op.operatorWorkspace.description}`,
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    plan: t.field({ type: PlanRef, description: 'Its limits as they hold now, with the override in force.', resolve: (w) => w.plan }),
    creditBalance: t.exposeInt('creditBalance'),
    keyCount: t.exposeInt('keyCount', { description: 'Keys that can authenticate now: active and unexpired.' }),
    callsToday: t.exposeInt('callsToday', { description: "Requests made with the workspace's keys since 00:00 UTC." }),
  }),
});

objectOperation(OperatorWorkspaceRef, op.operatorWorkspaceAudit, (t, declared) =>
  t.connection({
    ...declared,
    type: AuditEntryRef,
    resolve: (w, args, ctx) => auditPages.resolve(args, (page) => listAudit(ctx.service(), w.id, page)),
  }),
);

const OperatorWorkspaceFilter = builder.inputType('OperatorWorkspaceFilter', {
  fields: (t) => ({
    name: t.string({ description: 'Case-insensitive substring.' }),
    plan: t.string({ description: 'A plan, e.g. pro.' }),
  }),
});

rootOperation(op.operatorWorkspaces, (t, declared) =>
  t.connection({
    ...declared,
    type: OperatorWorkspaceRef,
    args: { filter: t.arg({ type: OperatorWorkspaceFilter }) },
    resolve: (_r, args, ctx) =>
      workspacePages.resolve(args, (page) =>
        listManagedWorkspaces(ctx.service(), { name: args.filter?.name ?? undefined, plan: args.filter?.plan ?? undefined }, page),
      ),
  }),
);

rootOperation(op.operatorWorkspace, (t, declared) =>
  t.field({
    ...declared,
    type: OperatorWorkspaceRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => getManagedWorkspace(ctx.service(), String(id)),
  }),
);

const UpdateWorkspaceInput = builder.inputType('OperatorUpdateWorkspaceInput', {
  description: 'Omitted fields are left as they are.',
  fields: (t) => ({
    name: t.string({ description: '1 to 120 characters.' }),
    plan: t.string({ description: "A plan's id, slug or name, e.g. pro." }),
  }),
});

const LimitOverrideInput = builder.inputType('LimitOverrideInput', {
  description: 'A multiplier of every plan limit, or explicit numbers (at least one), not both.',
  fields: (t) => ({
    multiplier: t.float({ description: 'Above 1, at most 1000.' }),
    requestsPerSecond: t.int(),
    requestsPerMinute: t.int(),
    requestsPerDay: t.int(),
    aiRequestsPerMinute: t.int(),
    expiresAt: t.field({ type: 'DateTime', required: true, description: "In the future, at most 90 days ahead; then the plan's limits return by themselves." }),
    reason: t.string({ description: 'Why, for the record (at most 500 characters).' }),
  }),
});

const AddCreditsInput = builder.inputType('OperatorAddCreditsInput', {
  fields: (t) => ({
    amount: t.int({ required: true, description: `Credits to add: a whole number from 1 to ${MAX_CREDIT_BALANCE}.` }),
  }),
});

const PayloadRef = builder.objectRef<ManagedWorkspace>('OperatorWorkspacePayload').implement({
  fields: (t) => ({ workspace: t.field({ type: OperatorWorkspaceRef, resolve: (w) => w }) }),
});

/** GraphQL sends null for fields left out of a variable's object; to the domain, as on REST, they are absent. */
const present = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

rootOperation(op.operatorUpdateWorkspace, (t, declared) =>
  t.field({
    ...declared,
    type: PayloadRef,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateWorkspaceInput, required: true }) },
    resolve: (_r, { id, input }, ctx) => updateWorkspace(ctx.service(), String(id), present(input)),
  }),
);

rootOperation(op.operatorSetLimitOverride, (t, declared) =>
  t.field({
    ...declared,
    type: PayloadRef,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: LimitOverrideInput, required: true }) },
    resolve: (_r, { id, input }, ctx) => setLimitOverride(ctx.service(), String(id), present(input)),
  }),
);

rootOperation(op.operatorClearLimitOverride, (t, declared) =>
  t.field({
    ...declared,
    type: PayloadRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => clearLimitOverride(ctx.service(), String(id)),
  }),
);

rootOperation(op.operatorAddCredits, (t, declared) =>
  t.field({
    ...declared,
    type: PayloadRef,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: AddCreditsInput, required: true }) },
    resolve: (_r, { id, input }, ctx) => grantCredits(ctx.service(), String(id), input),
  }),
);
