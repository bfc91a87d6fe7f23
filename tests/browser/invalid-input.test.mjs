// The wish form validates in the browser with the same rules as the server (the `shared`
// newtypes): invalid input shows the inline errors and sends nothing; fixed input (at the limits)
// is then accepted by the server.

import assert from 'node:assert/strict';
import test from 'node:test';

import {
  apiCountMine,
  apiPostWish,
  apiRegister,
  byId,
  eventually,
  gone,
  pickCategory,
  routeIs,
  setupWorld,
  uiLogin,
  visible,
  withApp,
} from './harness.mjs';

test('invalid wish input shows inline errors and sends no request', { timeout: 90_000 }, async () => {
  await withApp('invalid-input', async ({ server, open }) => {
    const world = await setupWorld(server);
    const resident = await apiRegister(server, '孙阿姨');
    await apiPostWish(server, world, resident, '已有的一个心愿');
    assert.equal(await apiCountMine(server, resident), 1);

    const page = await open('resident');
    const posts = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/wishes') posts.push(r.url());
    });

    await uiLogin(page, resident.phone);
    await (await visible(byId(page, 'nav-new-wish'))).click();
    await routeIs(page, /^\/resident\/new$/);
    await pickCategory(page);
    await byId(page, 'wish-title').fill('好'.repeat(51)); // one over the 50-character limit
    await byId(page, 'wish-description').fill(''); // required
    await byId(page, 'wish-contact-phone').fill('12345'); // not a mainland mobile number
    await byId(page, 'wish-submit').click();

    await visible(byId(page, 'error-title'));
    await visible(byId(page, 'error-description'));
    await visible(byId(page, 'error-contact-phone'));
    // Only the invalid fields have an error element.
    assert.equal(await byId(page, 'error-category').count(), 0, 'no error-category for a valid category');
    assert.equal(await byId(page, 'error-expected-by').count(), 0, 'no error-expected-by for an empty date');
    assert.equal(new URL(page.url()).pathname, '/resident/new', 'the form stays open');
    // A server round trip later, still nothing was posted.
    assert.equal(await apiCountMine(server, resident), 1, 'the wish count is unchanged');
    assert.deepEqual(posts, [], 'no POST /api/v1/wishes was sent');

    // Fixed at the limits (50 characters, an 11-digit mobile), the same form posts exactly once.
    await byId(page, 'wish-title').fill('好'.repeat(50));
    await byId(page, 'wish-description').fill('请帮忙把楼下的旧家具搬走。');
    await byId(page, 'wish-contact-phone').fill('13912345678');
    await byId(page, 'wish-submit').click();
    await routeIs(page, /^\/wishes\/[^/]+$/);
    await visible(byId(page, 'wish-detail'));
    await gone(byId(page, 'error-title'));
    await eventually('the new wish to be counted', async () => (await apiCountMine(server, resident)) === 2);
    assert.equal(posts.length, 1, 'exactly one POST /api/v1/wishes was sent');
  });
});
