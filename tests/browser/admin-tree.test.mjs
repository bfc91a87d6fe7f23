// The admin's place tree (office bundle, /admin): browse it, create a district, streets, a
// community and a grid, rename the grid, move the community to another street (its code and its
// grid's code follow), retire the grid, and see the place_in_use refusal for a community that
// still has an unfinished wish.

import assert from 'node:assert/strict';
import test from 'node:test';

import {
  ADMIN_PASSWORD,
  ADMIN_PHONE,
  apiOk,
  apiPostWish,
  apiRegister,
  byId,
  eventually,
  routeIs,
  screenshot,
  setupWorld,
  uiLogin,
  visible,
  withApp,
} from './harness.mjs';

/** The list item of the child called `name` on the current place page. */
function child(page, name) {
  return page.locator('[data-testid="child-list"] [data-testid="place-item"]', {
    has: page.locator(`[data-testid="place-link"]:text-is("${name}")`),
  });
}

/** Creates a child through the form and waits for it in the list; returns its list item. */
async function createChild(page, name, { code, kind } = {}) {
  await (await visible(byId(page, 'create-name'))).fill(name);
  if (code) await byId(page, 'create-code').fill(code);
  if (kind) await byId(page, 'create-kind').selectOption(kind);
  await byId(page, 'create-submit').click();
  return visible(child(page, name));
}

/** Opens the page of the child called `name` and waits for it. */
async function openChild(page, name) {
  await (await visible(child(page, name))).locator('[data-testid="place-link"]').click();
  await routeIs(page, /^\/admin\/places\/\d+$/);
  await eventually(`the page of ${name}`, async () => (await byId(page, 'place-name').innerText()) === name);
}

async function codeOfPage(page) {
  return (await visible(byId(page, 'place-code'))).innerText();
}

test('the admin browses and edits the place tree and is refused retiring a place with open work', { timeout: 120_000 }, async () => {
  await withApp('admin-tree', async ({ server, open }) => {
    // A community made the older way (top level, no street) with an unfinished wish in it.
    const world = await setupWorld(server);
    const resident = await apiRegister(server, '赵阿姨');
    await apiPostWish(server, world, resident, '楼道灯坏了');

    const page = await open('admin');
    await uiLogin(page, ADMIN_PHONE, ADMIN_PASSWORD);
    await routeIs(page, /^\/admin$/);
    await visible(child(page, '和平社区'));

    // A district with its administrative code, then two streets numbered after it.
    await createChild(page, '钟山区', { code: '520201' });
    await openChild(page, '钟山区');
    assert.equal(await codeOfPage(page), '520201');
    const street = await createChild(page, '荷泉街道');
    assert.equal(await street.locator('[data-testid="place-code"]').innerText(), '520201001');
    await createChild(page, '德坞街道');

    // A community under the first street, and a dedicated grid under it.
    await openChild(page, '荷泉街道');
    await createChild(page, '新城社区');
    await openChild(page, '新城社区');
    assert.equal(await codeOfPage(page), '520201001001');
    const grid = await createChild(page, '万达广场网格', { kind: 'dedicated' });
    assert.equal(await grid.locator('[data-testid="place-code"]').innerText(), '520201001001001');
    assert.match(await grid.innerText(), /专属网格/);

    // The grid's page shows its whole path; rename it.
    await openChild(page, '万达广场网格');
    const crumbs = await byId(byId(page, 'place-breadcrumb'), 'crumb').allInnerTexts();
    assert.deepEqual(crumbs, ['钟山区', '荷泉街道', '新城社区']);
    await byId(page, 'rename-button').click();
    await (await visible(byId(page, 'rename-name'))).fill('万达广场专属网格');
    await byId(page, 'rename-submit').click();
    await eventually('the new name', async () => (await byId(page, 'place-name').innerText()) === '万达广场专属网格');
    await screenshot(page, 'admin-place');

    // Move the community to the second street, found by its code: it and its grid are re-coded.
    await byId(byId(page, 'place-breadcrumb'), 'crumb').filter({ hasText: '新城社区' }).click();
    await eventually('the community page', async () => (await byId(page, 'place-name').innerText()) === '新城社区');
    await byId(page, 'move-button').click();
    // A code of the wrong level (the district) is refused before anything is sent.
    await (await visible(byId(page, 'move-code'))).fill('520201');
    await byId(page, 'move-find').click();
    assert.match(await (await visible(byId(page, 'move-error'))).innerText(), /街道/);
    await byId(page, 'move-code').fill('520201002');
    await byId(page, 'move-find').click();
    assert.match(await (await visible(byId(page, 'move-target'))).innerText(), /钟山区 \/ 德坞街道/);
    await byId(page, 'move-submit').click();
    await eventually('the new code', async () => (await codeOfPage(page)) === '520201002001');
    const moved = await byId(byId(page, 'place-breadcrumb'), 'crumb').allInnerTexts();
    assert.deepEqual(moved, ['钟山区', '德坞街道']);
    const movedGrid = await visible(child(page, '万达广场专属网格'));
    assert.equal(await movedGrid.locator('[data-testid="place-code"]').innerText(), '520201002001001');

    // Retire the grid (no open work): confirmed first, then marked retired with no actions left.
    await openChild(page, '万达广场专属网格');
    await byId(page, 'retire-button').click();
    await (await visible(byId(page, 'retire-confirm'))).click();
    await visible(byId(byId(page, 'place-detail'), 'place-retired'));
    assert.equal(await byId(page, 'place-detail').getAttribute('data-retired'), 'true');
    assert.equal(await byId(page, 'rename-button').count(), 0);
    await page.goBack();
    await eventually('the community page again', async () => (await byId(page, 'place-name').innerText()) === '新城社区');
    const retiredItem = await visible(child(page, '万达广场专属网格'));
    assert.equal(await retiredItem.getAttribute('data-retired'), 'true');
    await visible(retiredItem.locator('[data-testid="place-retired"]'));

    // The older community still has an unfinished wish: retiring it is refused, and said why.
    await page.goto('/admin');
    await openChild(page, '和平社区');
    await byId(page, 'retire-button').click();
    await (await visible(byId(page, 'retire-confirm'))).click();
    assert.match(await (await visible(byId(page, 'place-error'))).innerText(), /未办结的心愿/);
    assert.equal(await byId(page, 'place-detail').getAttribute('data-retired'), 'false');
    const stored = await apiOk(server, 200, 'GET', `/api/v1/places/${world.communityId}`, { token: world.admin.token });
    assert.equal(stored.retired_at, null);
    await screenshot(page, 'admin-refused');
  });
});
