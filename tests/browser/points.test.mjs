// Service points (红帆驿站, issue #17) through the neighbourhood bundle at 360×740: a resident's
// list sorted from the home grid with the open-now badge and a call link, then from the browser's
// location (用我的位置), the map view (the grid outlines as SVG with a title, a marker per point
// linking to its page, the user's location), a point's page; and a dispatcher reaching /points
// from the desk and adding a point with the editor.

import assert from 'node:assert/strict';
import test from 'node:test';

import { apiOk, byId, eventually, routeIs, screenshot, setupStreet, uiLogin, visible, withApp } from './harness.mjs';

/** A square boundary around (lng, lat), 0.01° wide. */
function square(lng, lat) {
  const [a, b, c, d] = [lng - 0.005, lng + 0.005, lat - 0.005, lat + 0.005];
  return { type: 'Polygon', coordinates: [[[a, c], [b, c], [b, d], [a, d], [a, c]]] };
}

const ALL_WEEK = { weekly: Array(7).fill(['00:00-24:00']), follows_calendar: false };
const NEVER = { weekly: Array(7).fill([]), follows_calendar: false };

/** The names of the listed points, in order. */
async function listed(page) {
  return page.locator('[data-testid="point-item"] [data-testid="point-link"]').allInnerTexts();
}

test('a resident finds the nearest service points in the list and on the map; a dispatcher adds one', { timeout: 180_000 }, async () => {
  await withApp('points', async ({ server, open }) => {
    const world = await setupStreet(server);
    const admin = world.admin.token;
    // Bounded grids: the resident lives in the first (around 106.80, 26.59).
    await apiOk(server, 200, 'PATCH', `/api/v1/admin/places/${world.grid.id}`, { token: admin, body: { boundary: square(106.80, 26.59) } });
    await apiOk(server, 200, 'PATCH', `/api/v1/admin/places/${world.grid2.id}`, { token: admin, body: { boundary: square(106.82, 26.59) } });
    const point = (name, lng, hours, phone) =>
      apiOk(server, 201, 'POST', '/api/v1/service-points', {
        token: world.dispatcher.token,
        body: {
          community_id: world.community.id, name, address: '和平路 1 号', location: { lng, lat: 26.59 }, hours,
          services: ['代收快递', '休息饮水'], contact: { name: '王站长', phone },
        },
      });
    const near = await point('和平小区红帆驿站', 106.801, ALL_WEEK, '0858-8221234');
    await point('万达广场爱心驿站', 106.821, ALL_WEEK, '13800001201');
    await point('老街便民服务点', 106.811, NEVER, '13800001202');

    // The resident: /points sorted from the home grid.
    const rp = await open('resident');
    await rp.context().grantPermissions(['geolocation']);
    await rp.context().setGeolocation({ longitude: 106.8215, latitude: 26.5901 });
    await uiLogin(rp, world.resident.phone);
    await rp.goto('/points');
    await visible(byId(rp, 'point-list'));
    await eventually('three points from home', async () => (await listed(rp)).length === 3);
    assert.deepEqual(await listed(rp), ['和平小区红帆驿站', '老街便民服务点', '万达广场爱心驿站']);
    assert.match(await byId(rp, 'point-origin').innerText(), /家所在网格/);
    const first = rp.locator('[data-testid="point-item"]').first();
    assert.equal(await first.locator('[data-testid="point-open"]').getAttribute('data-open'), 'true');
    assert.equal((await first.locator('[data-testid="point-open"]').innerText()).trim(), '营业中');
    assert.equal(await first.locator('[data-testid="point-call"]').getAttribute('href'), 'tel:08588221234');
    assert.match(await first.locator('[data-testid="point-services"]').innerText(), /代收快递/);
    const closed = rp.locator('[data-testid="point-item"]').nth(1);
    assert.equal((await closed.locator('[data-testid="point-open"]').innerText()).trim(), '已休息');
    await screenshot(rp, 'points-list');

    // 用我的位置: the browser is near the mall, so its station comes first.
    await byId(rp, 'point-locate').click();
    await eventually('sorted from the location', async () => (await listed(rp))[0] === '万达广场爱心驿站');
    assert.match(await byId(rp, 'point-origin').innerText(), /当前位置/);

    // The map: both grids' outlines, one marker per point, the user's location, a title.
    await byId(rp, 'point-show-map').click();
    const map = await visible(byId(rp, 'point-map'));
    await eventually('the outlines drawn', async () => (await map.locator('polygon').count()) === 2);
    assert.equal(await map.locator('[data-testid="point-marker"]').count(), 3);
    assert.equal((await map.locator('title#point-map-title').textContent()).trim(), '红帆驿站分布图');
    assert.equal(await map.locator('[data-testid="point-here"]').count(), 1);
    const box = await map.boundingBox();
    assert.ok(box.width <= 360, `the map fits the phone: ${box.width}`);
    await screenshot(rp, 'points-map');
    // A marker links to its point's page.
    await map.locator(`[data-testid="point-marker"][data-id="${near.id}"]`).click();
    await routeIs(rp, new RegExp(`^/points/${near.id}$`));
    const pageOf = await visible(byId(rp, 'point-page'));
    assert.match(await pageOf.locator('h1').innerText(), /和平小区红帆驿站/);
    assert.equal(await byId(rp, 'point-hours').locator('tr').count(), 7);
    assert.equal(await byId(rp, 'point-edit').count(), 0, 'a resident edits nothing');
    await screenshot(rp, 'points-page');

    // The dispatcher: from the desk to /points, then a new point with the editor.
    const dp = await open('dispatcher');
    await uiLogin(dp, world.dispatcher.phone);
    await (await visible(byId(dp, 'goto-points'))).click();
    await routeIs(dp, /^\/points$/);
    await (await visible(byId(dp, 'point-new'))).click();
    await routeIs(dp, /^\/points\/new$/);
    await visible(byId(dp, 'point-form'));
    await eventually('the community offered', async () => (await byId(dp, 'point-community').locator('option').count()) === 1);
    await byId(dp, 'point-name').fill('和平书屋红帆驿站');
    await byId(dp, 'point-address').fill('和平小区 5 栋一楼');
    await byId(dp, 'point-lng').fill('106.805');
    await byId(dp, 'point-lat').fill('26.591');
    const days = dp.locator('[data-testid="point-day"]');
    assert.equal(await days.count(), 7);
    await days.nth(0).fill('25:00-26:00');
    await byId(dp, 'point-services-input').fill('图书阅览，休息饮水');
    await byId(dp, 'point-contact-name').fill('何阿姨');
    await byId(dp, 'point-contact-phone').fill('13800001203');
    await byId(dp, 'point-save').click();
    assert.match(await (await visible(byId(dp, 'point-error'))).innerText(), /营业时段/);
    for (let d = 0; d < 5; d += 1) await days.nth(d).fill('08:30-12:00, 14:00-17:30');
    await byId(dp, 'point-follows').check();
    await byId(dp, 'point-save').click();
    await routeIs(dp, /^\/points\/\d+$/);
    await visible(byId(dp, 'point-page'));
    assert.match(await byId(dp, 'point-hours').innerText(), /08:30-12:00，14:00-17:30/);
    await visible(byId(dp, 'point-edit'));
    const all = await apiOk(server, 200, 'GET', '/api/v1/service-points', { token: world.resident.token });
    assert.equal(all.items.length, 4);
  });
});
