import { listAudit } from '../../domain/operator/audit.js';
import { grantCredits } from '../../domain/operator/credits.js';
import { clearLimitOverride, setLimitOverride } from '../../domain/operator/override.js';
import { updateWorkspace } from '../../domain/operator/update.js';
import { getManagedWorkspace, listManagedWorkspaces } from '../../domain/operator/workspaces.js';
import * as op from '../../operations/operator.js';
import { restAuditEntry, restManagedWorkspace } from '../serialize.js';
import { optionalParam, pageParams, restPage, restRoute, type RestCall, type RestRoute } from '../route.js';

const id = (c: RestCall) => c.params.id!;

/** Managing other workspaces: keys of the Admin plan's workspace holding admin:operator. */
export const operatorRoutes: RestRoute[] = [
  restRoute(op.operatorWorkspaces, async (c) =>
    restPage(await listManagedWorkspaces(c.ctx, { name: optionalParam(c, 'name'), plan: optionalParam(c, 'plan') }, pageParams(c)), restManagedWorkspace),
  ),
  restRoute(op.operatorWorkspace, async (c) => ({ data: restManagedWorkspace(await getManagedWorkspace(c.ctx, id(c))) })),
  restRoute(op.operatorUpdateWorkspace, async (c) => ({ data: restManagedWorkspace(await updateWorkspace(c.ctx, id(c), await c.body())) })),
  restRoute(op.operatorSetLimitOverride, async (c) => ({ data: restManagedWorkspace(await setLimitOverride(c.ctx, id(c), await c.body())) })),
  restRoute(op.operatorClearLimitOverride, async (c) => ({ data: restManagedWorkspace(await clearLimitOverride(c.ctx, id(c))) })),
  restRoute(op.operatorAddCredits, async (c) => ({ data: restManagedWorkspace(await grantCredits(c.ctx, id(c), await c.body())) })),
  restRoute(op.operatorWorkspaceAudit, async (c) => restPage(await listAudit(c.ctx, id(c), pageParams(c)), restAuditEntry)),
];
