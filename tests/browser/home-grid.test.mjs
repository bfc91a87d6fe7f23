// A resident registers their home grid (我的网格): first by drilling down the tree (the district,
// street and community, each the only one, are chosen for them), then from their location — a
// point no grid holds is refused and said so, a point inside a grid's boundary registers that
// grid — and the wish they then post carries it.

import assert from 'node:assert/strict';
import test from 'node:test';

import {
  ADMIN_PASSWORD,
  ADMIN_PHONE,
  apiLogin,
  apiOk,
  apiWish,
  byId,
  eventually,
  nextPhone,
  pickCategory,
  routeIs,
  screenshot,
  uiRegister,
  visible,
  withApp,
} from './harness.mjs';

/** A square boundary (GeoJSON Polygon) of half-width `r` degrees around `[lng, lat]`. */
function square([lng, lat], r) {
  const ring = [[lng - r, lat - r], [lng + r, lat - r], [lng + r, lat + r], [lng - r, lat + r], [lng - r, lat - r]];
  return { type: 'Polygon', coordinates: [ring] };
}

test('a resident registers a home grid from the tree and from their location, and their wish carries it', { timeout: 90_000 }, async () => {
  await withApp('home-grid', async ({ server, open }) => {
    const admin = await apiLogin(server, ADMIN_PHONE, ADMIN_PASSWORD);
    const place = (body) => apiOk(server, 201, 'POST', '/api/v1/admin/places', { token: admin.token, body });
    const district = await place({ level: 'district', name: '钟山区', code: '520201' });
    const street = await place({ level: 'street', name: '荷泉街道', parent_id: district.id });
    const community = await place({ level: 'community', name: '和平社区', parent_id: street.id });
    const centre = [106.83, 26.59];
    const first = await place({
      level: 'grid', name: '第一网格', parent_id: community.id, kind: 'comprehensive', boundary: square(centre, 0.01),
    });
    const second = await place({ level: 'grid', name: '第二网格', parent_id: community.id, kind: 'comprehensive' });

    const page = await open('resident');
    await page.context().grantPermissions(['geolocation']);
    const phone = nextPhone();
    await uiRegister(page, phone, '周阿姨');
    await (await visible(byId(page, 'nav-home'))).click();
    await routeIs(page, /^\/resident\/grid$/);
    await eventually('no home yet', async () => /还没有登记/.test(await byId(page, 'home-path').innerText()));

    // From the tree: the lone district, street and community are chosen already; pick a grid.
    const grids = await visible(byId(page, 'pick-grid'));
    assert.equal(await byId(page, 'pick-community').inputValue(), community.id);
    assert.equal(await byId(page, 'home-save').isDisabled(), true);
    await visible(byId(page, 'home-save-hint'));
    await grids.selectOption(second.id);
    await byId(page, 'home-save').click();
    await eventually('the second grid as home', async () =>
      (await byId(page, 'home-path').innerText()) === '钟山区 / 荷泉街道 / 和平社区 / 第二网格',
    );
    // The picker stays on the home.
    assert.equal(await byId(page, 'pick-grid').inputValue(), second.id);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'home-grid');

    // From the location: outside every boundary it is refused, inside the first grid it is taken.
    await page.context().setGeolocation({ longitude: 100.0, latitude: 30.0 });
    await byId(page, 'home-locate').click();
    assert.match(await (await visible(byId(page, 'home-error'))).innerText(), /没有网格包含您当前的位置/);
    assert.match(await byId(page, 'home-path').innerText(), /第二网格$/);
    await page.context().setGeolocation({ longitude: centre[0] + 0.002, latitude: centre[1] - 0.003 });
    await byId(page, 'home-locate').click();
    await eventually('the first grid as home', async () => /第一网格$/.test(await byId(page, 'home-path').innerText()));
    assert.equal(await byId(page, 'home-error').count(), 0);

    // The wish form defaults to the home's community and grid, and the wish carries the grid.
    await byId(page, 'nav-new-wish').click();
    await routeIs(page, /^\/resident\/new$/);
    await eventually('the home grid on the form', async () => /第一网格/.test(await byId(page, 'wish-grid').innerText()));
    await pickCategory(page);
    await byId(page, 'wish-title').fill('楼下路灯不亮');
    await byId(page, 'wish-description').fill('三号楼下的路灯坏了一周，晚上老人出门不方便。');
    await byId(page, 'wish-submit').click();
    await routeIs(page, /^\/wishes\/\d+$/);
    const wishId = new URL(page.url()).pathname.split('/').pop();
    const wish = await apiWish(server, await apiLogin(server, phone), wishId);
    assert.equal(wish.community_id, community.id);
    assert.equal(wish.grid_id, first.id);
    assert.equal(wish.grid.code, first.code);
  });
});
