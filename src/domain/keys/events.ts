import type { Db } from '../../db/client.js';
import { apiKeyEvents } from '../../db/schema.js';
import { newId } from '../ids.js';

export type KeyEventType = 'created' | 'updated' | 'deactivated' | 'reactivated' | 'revoked' | 'rotated' | 'deleted';

export async function recordKeyEvent(
  tx: Db,
  e: { workspaceId: string; keyId: string; type: KeyEventType; actorKeyId: string | null; at: number; detail?: Record<string, unknown> },
): Promise<void> {
  await tx.insert(apiKeyEvents).values({
    id: newId('keyEvent', e.at),
    workspaceId: e.workspaceId,
    keyId: e.keyId,
    type: e.type,
    actorKeyId: e.actorKeyId,
    detail: e.detail ?? null,
    at: new Date(e.at),
  });
}
