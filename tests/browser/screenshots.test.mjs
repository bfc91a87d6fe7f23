// Screenshots at 360×740 of each role's main page and of a wish page, with a little data in them,
// saved into test-artifacts/screenshots/*.png. Each page is checked to show what it is for first.

import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import test from 'node:test';

import {
  apiAction,
  apiPostWish,
  apiRegister,
  byId,
  card,
  eventually,
  screenshot,
  setupWorld,
  statusIs,
  uiLogin,
  visible,
  withApp,
} from './harness.mjs';

test('each role main page and a wish page render at 360x740 (screenshots)', { timeout: 90_000 }, async () => {
  await withApp('screenshots', async ({ server, open }) => {
    const world = await setupWorld(server);
    const resident = await apiRegister(server, '赵阿姨');
    const pending = await apiPostWish(server, world, resident, '小区路灯坏了需要维修');
    const open1 = await apiPostWish(server, world, resident, '帮忙辅导孩子的数学作业');
    await apiAction(server, world.dispatcher, open1.id, 'approve');
    const claimed = await apiPostWish(server, world, resident, '每周帮忙买一次菜');
    await apiAction(server, world.dispatcher, claimed.id, 'approve');
    await apiAction(server, world.member, claimed.id, 'claim');
    const shots = [];

    // Resident: the login page, then "my wishes".
    const rp = await open('resident');
    await rp.goto('/login');
    await visible(byId(rp, 'login-submit'));
    shots.push(await screenshot(rp, 'login'));
    await uiLogin(rp, resident.phone);
    await rp.goto('/resident');
    for (const w of [pending, open1, claimed]) await visible(card(rp, 'my-wishes', w.id));
    await statusIs(card(rp, 'my-wishes', claimed.id), 'claimed');
    shots.push(await screenshot(rp, 'resident'));

    // The wish page, with its timeline.
    await card(rp, 'my-wishes', claimed.id).locator('[data-testid="wish-title"]').click();
    await visible(byId(rp, 'wish-detail'));
    await statusIs(rp, 'claimed');
    await eventually('three timeline items (post, approve, claim)', async () =>
      (await byId(rp, 'timeline-item').count()) >= 3,
    );
    shots.push(await screenshot(rp, 'wish'));

    // Member: the pool of open wishes.
    const mp = await open('member');
    await uiLogin(mp, world.member2.phone);
    await mp.goto('/member');
    await statusIs(await visible(card(mp, 'pool', open1.id)), 'open');
    shots.push(await screenshot(mp, 'member'));

    // Dispatcher: the review queue and the counts by state.
    const dp = await open('dispatcher');
    await uiLogin(dp, world.dispatcher.phone);
    await dp.goto('/dispatcher');
    await visible(card(dp, 'review-queue', pending.id));
    await visible(byId(dp, 'status-counts'));
    for (const [status, n] of [['pending_review', '1'], ['open', '1'], ['claimed', '1']]) {
      await eventually(`count-${status} to read ${n}`, async () =>
        (await byId(dp, `count-${status}`).first().innerText()).trim() === n,
      );
    }
    shots.push(await screenshot(dp, 'dispatcher'));

    for (const file of shots) assert.ok(statSync(file).size > 1000, `${file} is a real picture`);
  });
});
