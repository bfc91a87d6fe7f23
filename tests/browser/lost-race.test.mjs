// Two members have the pool open on the same open wish. The second member's event stream is
// blocked, so their card stays stale; the first member claims; the second taps claim on the stale
// card and must see the lost-race message in the toast and a refreshed card, not an error page.

import assert from 'node:assert/strict';
import test from 'node:test';

import {
  LOST_RACE_TEXT,
  apiAction,
  apiPostWish,
  apiRegister,
  apiWish,
  byId,
  card,
  eventually,
  listOrEmpty,
  setupWorld,
  statusIs,
  uiLogin,
  visible,
  withApp,
} from './harness.mjs';

test('a member who taps claim on a wish already claimed sees the lost-race message', { timeout: 90_000 }, async () => {
  await withApp('lost-race', async ({ server, open }) => {
    const world = await setupWorld(server);
    const resident = await apiRegister(server, '钱大爷');
    const wish = await apiPostWish(server, world, resident, '陪同老人去医院复查');
    await apiAction(server, world.dispatcher, wish.id, 'approve');

    const first = await open('member1');
    const second = await open('member2');
    // The second member gets no live updates at all: their card can only go stale.
    await second.route('**/api/v1/events/stream**', (route) => route.abort());

    await uiLogin(first, world.member.phone);
    await uiLogin(second, world.member2.phone);
    await first.goto('/member');
    await second.goto('/member');
    const firstCard = await visible(card(first, 'pool', wish.id));
    const staleCard = await visible(card(second, 'pool', wish.id));
    await statusIs(firstCard, 'open');
    await statusIs(staleCard, 'open');

    // Member 1 wins.
    await firstCard.locator('[data-testid="claim-button"]').click();
    await eventually('member 1 to hold the claim', async () => {
      const w = await apiWish(server, world.member, wish.id);
      return w.status === 'claimed' && w.claimant?.id === world.member.id;
    });

    // Member 2 still sees the stale card and taps claim on it.
    await statusIs(card(second, 'pool', wish.id), 'open');
    const refused = second.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/api/v1/wishes/${wish.id}/claim`,
    );
    await card(second, 'pool', wish.id).locator('[data-testid="claim-button"]').click();
    assert.equal((await refused).status(), 409, 'the server refuses the late claim with 409');

    // The lost-race message, a refreshed card, and still the pool (no error page).
    await visible(byId(second, 'toast').filter({ hasText: LOST_RACE_TEXT }));
    await eventually('the stale card to leave the pool or show data-status="claimed"', async () => {
      const c = card(second, 'pool', wish.id);
      if ((await c.count()) === 0) return true;
      return (await c.locator('[data-testid="wish-status"][data-status="claimed"]').count()) > 0;
    });
    assert.equal(new URL(second.url()).pathname, '/member', 'member 2 stays on the pool');
    await visible(listOrEmpty(second, 'pool'));
    await visible(byId(second, 'logout'));

    // Member 1 keeps the claim.
    assert.equal((await apiWish(server, world.member, wish.id)).claimant?.id, world.member.id);
  });
});
