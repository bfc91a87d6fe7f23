// Notices (issue #17): a notice the dispatcher posts through the API appears live on the home page
// of a resident who lives in the addressed community, without a reload, with its unread mark; the
// resident opens it in the neighbourhood bundle (the whole text), which marks it read; the home's
// row of links leads to 通知公告, 服务驿站 and 物业评价. Then the dispatcher posts one through the page.

import assert from 'node:assert/strict';
import test from 'node:test';

import {
  apiOk,
  assertNoReload,
  byId,
  markDocument,
  routeIs,
  screenshot,
  setupStreet,
  uiLogin,
  visible,
  withApp,
} from './harness.mjs';

test('a notice posted by the dispatcher appears live on the resident\'s home page', { timeout: 180_000 }, async () => {
  await withApp('notices', async ({ server, open }) => {
    const world = await setupStreet(server);
    const page = await open('resident');
    await uiLogin(page, world.resident.phone);
    await routeIs(page, /\/resident$/);
    await visible(byId(page, 'neighbourhood-links'));
    await visible(byId(page, 'goto-notices'));
    await visible(byId(page, 'goto-points'));
    await visible(byId(page, 'goto-property'));
    await markDocument(page);

    const endsAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const notice = await apiOk(server, 201, 'POST', '/api/v1/notices', {
      token: world.dispatcher.token,
      body: { place_id: world.community.id, title: '周六社区义诊', body: '本周六上午九点在社区广场开展义诊。\n请带好医保卡。', pinned: true, ends_at: endsAt },
    });
    const line = byId(page, 'home-notice').filter({ hasText: '周六社区义诊' });
    await visible(line);
    await visible(line.locator('[data-testid="home-notice-unread"]'));
    await visible(line.locator('[data-testid="home-notice-pinned"]'));
    await assertNoReload(page);
    await screenshot(page, 'notices-home-live');

    // The whole notice in the neighbourhood bundle; opening it marks it read.
    await line.locator('a').click();
    await routeIs(page, new RegExp(`/notices/${notice.id}$`));
    await visible(byId(page, 'notice-body'));
    assert.match(await byId(page, 'notice-body').innerText(), /医保卡/);
    const read = await apiOk(server, 200, 'GET', `/api/v1/notices/${notice.id}`, { token: world.resident.token });
    assert.equal(read.unread, false);
    await screenshot(page, 'notices-detail');

    // The dispatcher posts one through the page, to a grid of their community.
    const desk = await open('dispatcher');
    await uiLogin(desk, world.dispatcher.phone);
    await desk.goto('/notices/new');
    await visible(byId(desk, 'notice-form'));
    await byId(desk, 'notice-place').selectOption(world.community.id);
    await visible(byId(desk, 'notice-subplace'));
    await byId(desk, 'notice-subplace').selectOption(world.grid.id);
    await byId(desk, 'notice-title-input').fill('停水通知');
    await byId(desk, 'notice-body-input').fill('明天上午八点至十二点停水检修。');
    const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await byId(desk, 'notice-ends').fill(day);
    await byId(desk, 'notice-submit').click();
    await visible(byId(desk, 'notice-body'));
    await screenshot(desk, 'notices-posted-by-page');
    // The resident lives in that grid: it reaches their list.
    const mine = await apiOk(server, 200, 'GET', '/api/v1/notices', { token: world.resident.token });
    assert.ok(mine.items.some((n) => n.title === '停水通知'), JSON.stringify(mine.items));
  });
});
