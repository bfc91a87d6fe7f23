// The whole core workflow in a real browser, one browser context per person, all open at once:
// a resident posts a wish → a dispatcher approves it → a member whose pool is already open sees it
// appear live and claims it → fulfils it with a note → the resident, whose wish page is open, sees
// it become fulfilled live, confirms it with five stars and a comment → confirmed, with a timeline.

import assert from 'node:assert/strict';
import test from 'node:test';

import {
  apiWish,
  assertNoReload,
  byId,
  card,
  eventually,
  markDocument,
  nextPhone,
  pickCategory,
  routeIs,
  screenshot,
  setupWorld,
  statusIs,
  uiLogin,
  uiRegister,
  visible,
  withApp,
} from './harness.mjs';

/** Waits until the card has left its list or its badge shows `status`. */
async function leftOrShows(cardLocator, status) {
  await eventually(`the card to leave its list or show data-status="${status}"`, async () => {
    if ((await cardLocator.count()) === 0) return true;
    return (await cardLocator.locator(`[data-testid="wish-status"][data-status="${status}"]`).count()) > 0;
  });
}

test('a wish goes from posted to confirmed across resident, dispatcher and member', { timeout: 120_000 }, async () => {
  await withApp('full-cycle', async ({ server, open }) => {
    const world = await setupWorld(server);
    const residentPage = await open('resident');
    const dispatcherPage = await open('dispatcher');
    const memberPage = await open('member');

    // The member opens the pool first: the wish must arrive there live.
    await uiLogin(memberPage, world.member.phone);
    await memberPage.goto('/member');
    // Nothing is open yet: an empty pool.
    await visible(byId(memberPage, 'empty-list'));
    await markDocument(memberPage);

    // The resident registers through the UI and posts a wish from the form.
    const residentPhone = nextPhone();
    await uiRegister(residentPage, residentPhone, '赵阿姨');
    await (await visible(byId(residentPage, 'nav-new-wish'))).click();
    await routeIs(residentPage, /^\/resident\/new$/);
    await pickCategory(residentPage);
    const title = '帮忙修理漏水的水龙头';
    await byId(residentPage, 'wish-title').fill(title);
    await byId(residentPage, 'wish-description').fill('厨房水龙头一直滴水，老人行动不便，希望有人上门帮忙看看。');
    await byId(residentPage, 'wish-contact-phone').fill(residentPhone);
    await byId(residentPage, 'wish-submit').click();
    await routeIs(residentPage, /^\/wishes\/[^/]+$/);
    const detail = await visible(byId(residentPage, 'wish-detail'));
    const wishId = await detail.getAttribute('data-wish-id');
    assert.ok(wishId, 'wish-detail carries data-wish-id');
    assert.equal(new URL(residentPage.url()).pathname, `/wishes/${wishId}`);
    await statusIs(residentPage, 'pending_review');
    await markDocument(residentPage);

    // The dispatcher approves it from the review queue (a question first, then the answer).
    await uiLogin(dispatcherPage, world.dispatcher.phone);
    await dispatcherPage.goto('/dispatcher');
    const queued = await visible(card(dispatcherPage, 'review-queue', wishId));
    await visible(queued.locator('[data-testid="wish-title"]', { hasText: title }));
    await queued.locator('[data-testid="approve-button"]').click();
    await (await visible(queued.locator('[data-testid="approve-confirm"]'))).click();
    await leftOrShows(card(dispatcherPage, 'review-queue', wishId), 'open');
    assert.equal((await apiWish(server, world.dispatcher, wishId)).status, 'open');

    // The resident's open wish page follows live.
    await statusIs(residentPage, 'open');

    // The member's pool shows it without a reload; one tap claims it.
    const pooled = await visible(card(memberPage, 'pool', wishId));
    await assertNoReload(memberPage);
    await statusIs(pooled, 'open');
    await pooled.locator('[data-testid="claim-button"]').click();
    await leftOrShows(card(memberPage, 'pool', wishId), 'claimed');
    const claimed = await apiWish(server, world.member, wishId);
    assert.equal(claimed.status, 'claimed');
    assert.equal(claimed.claimant?.id, world.member.id);

    // The member finds it under "my claims" and fulfils it with a note on its wish page.
    await (await visible(byId(memberPage, 'nav-claims'))).click();
    await routeIs(memberPage, /^\/member\/claims$/);
    const held = await visible(card(memberPage, 'my-claims', wishId));
    await statusIs(held, 'claimed');
    await held.locator('[data-testid="wish-title"]').click();
    await routeIs(memberPage, new RegExp(`^/wishes/${wishId}$`));
    await visible(byId(memberPage, 'wish-detail'));
    await statusIs(memberPage, 'claimed');
    await visible(byId(memberPage, 'claim-deadline'));
    await (await visible(byId(memberPage, 'action-fulfil'))).click();
    await (await visible(byId(memberPage, 'action-note'))).fill('已上门更换了水龙头的密封圈，不再漏水。');
    await byId(memberPage, 'action-submit').click();
    await statusIs(memberPage, 'fulfilled');

    // The resident, whose wish page stayed open, sees "fulfilled" live and confirms with 5 stars.
    await statusIs(residentPage, 'fulfilled');
    await assertNoReload(residentPage);
    await (await visible(byId(residentPage, 'action-confirm'))).click();
    await (await visible(byId(residentPage, 'rating-star-5'))).click();
    await (await visible(byId(residentPage, 'action-comment'))).fill('非常及时，谢谢李党员！');
    await byId(residentPage, 'action-submit').click();
    await statusIs(residentPage, 'confirmed');

    // The timeline shows every step, in order.
    const timeline = await visible(byId(residentPage, 'wish-timeline'));
    const steps = ['post', 'approve', 'claim', 'fulfil', 'confirm'];
    await eventually(`the timeline to list ${steps.join(', ')}`, async () => {
      const actions = await timeline
        .locator('[data-testid="timeline-item"]')
        .evaluateAll((items) => items.map((i) => i.getAttribute('data-action')));
      const seen = actions.filter((a) => steps.includes(a));
      // Oldest-first or newest-first are both fine; the steps must appear in one of those orders.
      const inOrder = JSON.stringify(seen) === JSON.stringify(steps);
      const reversed = JSON.stringify(seen) === JSON.stringify([...steps].reverse());
      return inOrder || reversed ? actions : false;
    });
    await screenshot(residentPage, 'wish-confirmed');

    const done = await apiWish(server, world.dispatcher, wishId);
    assert.equal(done.status, 'confirmed');
    assert.equal(done.rating, 5);
  });
});
