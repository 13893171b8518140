import { operatorAudit, workspaces } from '../../db/schema.js';
import { newestFirst } from '../pagination.js';

/** Every workspace, newest first (ULIDs sort by creation); the rows are described after the page is cut. */
export const workspaceList = newestFirst({ name: 'workspaces', label: 'workspaces', defaultLimit: 20, id: workspaces.id, kind: 'workspace' });

/** A workspace's operator history, newest first: entry ids are ULIDs of their time. */
export const auditList = newestFirst({ name: 'operator_audit', label: 'operator audit entries', defaultLimit: 20, id: operatorAudit.id, kind: 'auditEntry' });
