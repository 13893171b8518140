import { ownWorkspace, visibleWorkspaces } from '../../src/domain/context.js';
import { describe, expect, test } from '../support/fixture.js';

/** The caller's workspace and plan facts, as the domain hands them to both surfaces. */

describe('workspaces: what a key sees', () => {
  test('its own workspace only: another id is absent, as an id that does not exist', async ({ domain }) => {
    const mine = await domain.workspace({ name: 'Mine', plan: 'pro' });
    const theirs = await domain.workspace({ name: 'Theirs' });
    const seen = await visibleWorkspaces(mine.admin.ctx(), [theirs.workspace.id, mine.workspace.id, 'ws_missing']);
    expect(seen.map((w) => w?.name)).toEqual([undefined, 'Mine', undefined]);
    expect((await ownWorkspace(mine.admin.ctx())).plan.id).toBe('plan_pro');
  });
});
