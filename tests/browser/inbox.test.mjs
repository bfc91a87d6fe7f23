// A resident whose wish was approved sees an unread badge on the inbox link; the inbox lists the
// notification; opening it goes to the wish and the badge disappears.

import assert from 'node:assert/strict';
import test from 'node:test';

import {
  apiAction,
  apiPostWish,
  apiRegister,
  byId,
  eventually,
  gone,
  routeIs,
  setupWorld,
  uiLogin,
  visible,
  withApp,
} from './harness.mjs';

test('the inbox shows an unread badge and opening a notification reads it', { timeout: 90_000 }, async () => {
  await withApp('inbox', async ({ server, open }) => {
    const world = await setupWorld(server);
    const resident = await apiRegister(server, '孙阿姨');
    const wish = await apiPostWish(server, world, resident, '帮忙修理水龙头');
    await apiAction(server, world.dispatcher, wish.id, 'approve');

    const page = await open('resident');
    await uiLogin(page, resident.phone);
    const badge = await visible(byId(page, 'unread-badge'));
    assert.equal((await badge.textContent()).trim(), '1');

    await byId(page, 'nav-inbox').click();
    await routeIs(page, /^\/inbox$/);
    const item = await visible(byId(page, 'notification-item'));
    assert.equal(await item.getAttribute('data-kind'), 'wish_approved');
    assert.equal(await item.getAttribute('data-read'), 'false');
    assert.match(await item.textContent(), /帮忙修理水龙头/);

    await item.locator('button').click();
    await routeIs(page, new RegExp(`^/wishes/${wish.id}$`));
    await gone(byId(page, 'unread-badge'));
    await eventually('the notification to be read', async () => {
      await page.goto('/inbox');
      const read = await visible(byId(page, 'notification-item'));
      return (await read.getAttribute('data-read')) === 'true';
    });
  });
});
