// Photos on wishes and work orders (issue #14) in a real browser at 360×740. A resident posts a
// wish with a photo from the gallery — a 3000×2000 JPEG, shrunk in the browser to at most 1600 px
// before it is sent — and sees it on the wish page; a file that is no image is refused with the
// server's own words; a dispatcher approves the wish (through the API) and a member sees its
// thumbnail on the card in the pool, claims it and fulfils it with a photo of the work done; the
// dispatcher's wish page shows both groups. Then a resident's 随手拍 goes with a photo, shown on the
// order's card, and the grid worker resolves the order with another. Screenshots go to test-artifacts/screenshots/photos-*.png.

import assert from 'node:assert/strict';
import test from 'node:test';

import {
  apiAction,
  apiOrder,
  apiOrderAction,
  apiRegister,
  apiWish,
  byId,
  card,
  eventually,
  makeJpeg,
  orderCard,
  pickCategory,
  routeIs,
  screenshot,
  setupStreet,
  setupWorld,
  uiLogin,
  visible,
  withApp,
} from './harness.mjs';

/**
 * Records, in the page, every file the app sends with `XMLHttpRequest` as a form's `file`: its
 * size, type and decoded width and height (`window.__sentPhotos`), to prove the shrinking happened
 * in the browser. Installed before the app loads.
 */
async function recordUploads(page) {
  await page.addInitScript(() => {
    window.__sentPhotos = [];
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function (body) {
      if (body instanceof FormData && body.get('file') instanceof Blob) {
        const file = body.get('file');
        const entry = { size: file.size, type: file.type };
        window.__sentPhotos.push(entry);
        createImageBitmap(file).then((b) => Object.assign(entry, { width: b.width, height: b.height }), () => {});
      }
      return send.call(this, body);
    };
  });
}

/** Waits until the `<img>` `locator` has loaded a picture (`naturalWidth > 0`); returns its size. */
async function loaded(locator) {
  const img = await visible(locator);
  await img.scrollIntoViewIfNeeded();
  return eventually('the image to load', () =>
    img.evaluate((el) => (el.complete && el.naturalWidth > 0 ? { w: el.naturalWidth, h: el.naturalHeight } : null)),
  );
}

/**
 * Taps the picker's `button` (`photo-camera` or `photo-gallery`) inside `scope` and gives the file
 * chooser it opens the files (`[{name, mimeType, buffer}]`); returns what the chooser was:
 * `{capture, multiple}`.
 */
async function choose(page, scope, button, files) {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    scope.locator(`[data-testid="${button}"]`).click(),
  ]);
  const capture = await chooser.element().getAttribute('capture');
  await chooser.setFiles(files);
  return { capture, multiple: chooser.isMultiple() };
}

test('a wish posted with a photo: shrunk in the browser, on its page, on the member\'s card, and a fulfilment photo', { timeout: 180_000 }, async () => {
  await withApp('photos', async ({ server, open }) => {
    const world = await setupWorld(server);
    const resident = await apiRegister(server, '赵阿姨');
    const rp = await open('resident');
    await recordUploads(rp);
    await uiLogin(rp, resident.phone);
    await (await visible(byId(rp, 'nav-new-wish'))).click();
    await routeIs(rp, /^\/resident\/new$/);
    const picker = await visible(byId(rp, 'photo-picker'));
    assert.equal(await picker.locator('legend').innerText(), '照片（选填，最多 6 张）');
    assert.equal(await byId(rp, 'photo-input').getAttribute('accept'), 'image/*');

    // 拍照: the camera, one photo. Not an image, though named like one: the server's refusal, in
    // its words, and nothing kept.
    const camera = await choose(rp, picker, 'photo-camera', [
      { name: 'not-a-photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('这不是一张照片'.repeat(40)) },
    ]);
    assert.deepEqual(camera, { capture: 'environment', multiple: false });
    const refused = await visible(byId(rp, 'photo-error'));
    assert.match(await refused.innerText(), /[\u4e00-\u9fff]/, 'the refusal is said in Chinese');
    assert.equal(await byId(rp, 'photo-thumb').count(), 0);

    // 从相册选: the gallery, several at once. A 3000×2000 photo: shrunk to 1600 px before it is
    // sent, with a thumbnail.
    const jpeg = await makeJpeg(rp, 3000, 2000);
    const gallery = await choose(rp, picker, 'photo-gallery', [{ name: 'IMG_3000x2000.jpg', mimeType: 'image/jpeg', buffer: jpeg }]);
    assert.deepEqual(gallery, { capture: null, multiple: true });
    const thumb = await visible(byId(rp, 'photo-thumb'));
    assert.ok(await byId(rp, 'photo-error').isHidden(), 'the refusal went with the next choice');
    const stored = { w: Number(await thumb.getAttribute('data-width')), h: Number(await thumb.getAttribute('data-height')) };
    assert.ok(Math.max(stored.w, stored.h) <= 1600 && stored.w > stored.h, `stored ${stored.w}×${stored.h}`);
    const sent = await eventually('the sent photo to be measured', () =>
      rp.evaluate(() => window.__sentPhotos.find((p) => p.width && p.width > 100)),
    );
    assert.deepEqual([sent.width, sent.height, sent.type], [1600, 1067, 'image/jpeg'], JSON.stringify(sent));
    assert.ok(sent.size < jpeg.length / 2, `sent ${sent.size} bytes of the ${jpeg.length}`);
    await loaded(thumb.locator('img'));
    assert.equal(await thumb.locator('[data-testid="photo-remove"]').getAttribute('aria-label'), '删除第 1 张照片');
    await screenshot(rp, 'photos-resident-new-wish');

    await pickCategory(rp);
    const title = '楼道灯坏了请帮忙修';
    await byId(rp, 'wish-title').fill(title);
    await byId(rp, 'wish-description').fill('三单元二楼的楼道灯不亮了，晚上上下楼看不清，照片是白天拍的。');
    await byId(rp, 'wish-submit').click();
    await routeIs(rp, /^\/wishes\/[^/]+$/);
    const detail = await visible(byId(rp, 'wish-detail'));
    const wishId = await detail.getAttribute('data-wish-id');
    const posted = await apiWish(server, resident, wishId);
    assert.equal(posted.photos.length, 1);
    assert.equal(posted.photos[0].stage, 'post');
    assert.ok(posted.photos[0].width <= 1600, `width ${posted.photos[0].width}`);
    const residents = await visible(detail.locator('[data-testid="photos"][data-stage="post"]'));
    await loaded(residents.locator('img'));
    assert.equal(await residents.locator('[data-testid="photo-link"]').getAttribute('target'), '_blank');
    await screenshot(rp, 'photos-resident-wish');

    // Approved (through the API): the member's pool card shows the thumbnail.
    await apiAction(server, world.dispatcher, wishId, 'approve');
    const mp = await open('member');
    await recordUploads(mp);
    await uiLogin(mp, world.member.phone);
    await mp.goto('/member');
    const pooled = await visible(card(mp, 'pool', wishId));
    const cardPhoto = pooled.locator('[data-testid="wish-card-photo"]');
    const size = await loaded(cardPhoto);
    assert.ok(size.w > 0 && size.w <= 320, `thumbnail ${size.w}×${size.h}`);
    assert.equal(await cardPhoto.getAttribute('loading'), 'lazy');
    assert.equal(await cardPhoto.getAttribute('alt'), `心愿照片：${title}`);
    await screenshot(mp, 'photos-member-pool');

    // The member claims it and fulfils it with a photo of the work done.
    await apiAction(server, world.member, wishId, 'claim');
    await mp.goto(`/wishes/${wishId}`);
    await (await visible(byId(mp, 'action-fulfil'))).click();
    await byId(mp, 'action-note').fill('已换好新灯泡，楼道亮了。');
    await choose(mp, mp, 'photo-camera', [{ name: 'done.jpg', mimeType: 'image/jpeg', buffer: await makeJpeg(mp, 1200, 1600) }]);
    await loaded(byId(mp, 'photo-thumb').locator('img'));
    await screenshot(mp, 'photos-member-fulfil');
    await byId(mp, 'action-submit').click();
    await eventually('the wish to be fulfilled', async () => (await apiWish(server, world.member, wishId)).status === 'fulfilled');
    const fulfilled = await apiWish(server, world.member, wishId);
    assert.deepEqual(fulfilled.photos.map((p) => p.stage), ['post', 'fulfil']);

    // The dispatcher's wish page: 居民照片 and 完成照片.
    const dp = await open('dispatcher');
    await uiLogin(dp, world.dispatcher.phone);
    await dp.goto(`/wishes/${wishId}`);
    const groups = await visible(byId(dp, 'wish-detail'));
    await loaded(groups.locator('[data-testid="photos"][data-stage="post"] img'));
    await loaded(groups.locator('[data-testid="photos"][data-stage="fulfil"] img'));
    assert.deepEqual(
      await groups.locator('[data-testid="photos"] h3').allInnerTexts(),
      ['居民照片', '完成照片'],
    );
    await screenshot(dp, 'photos-dispatcher-wish');
  });
});

test('a 随手拍 report goes with a photo, shown on the order\'s card, and its resolution with another', { timeout: 120_000 }, async () => {
  await withApp('photos-orders', async ({ server, open }) => {
    const s = await setupStreet(server);
    const rp = await open('resident');
    await uiLogin(rp, s.resident.phone);
    await rp.goto('/report');
    const form = await visible(byId(rp, 'report-form'));
    const category = form.locator('[data-testid="report-category"]');
    await eventually('the categories to load', async () => (await category.locator('option').count()) > 1);
    await category.selectOption({ index: 1 });
    await byId(rp, 'report-title').fill('垃圾桶满了没人清');
    await byId(rp, 'report-description').fill('小区东门的垃圾桶满了两天，味道很大。');
    await choose(rp, form, 'photo-gallery', [{ name: 'bin.jpg', mimeType: 'image/jpeg', buffer: await makeJpeg(rp, 2400, 1800) }]);
    await loaded(form.locator('[data-testid="photo-thumb"] img'));
    await screenshot(rp, 'photos-resident-report');
    await byId(rp, 'report-submit').click();
    await routeIs(rp, /^\/reports$/);
    const mine = await visible(rp.locator('[data-testid="my-reports"] [data-testid="order-card"]').first());
    const orderId = await mine.getAttribute('data-order-id');
    const order = await apiOrder(server, s.resident, orderId);
    assert.deepEqual(order.photos.map((p) => [p.stage, p.width <= 1600]), [['report', true]]);
    await loaded(orderCard(rp, 'my-reports', orderId).locator('[data-testid="photos"][data-stage="report"] img'));
    await screenshot(rp, 'photos-resident-reports');

    // Dispatched to the grid and signed (through the API): the grid worker resolves it with a photo.
    await apiOrderAction(server, s.dispatcher, orderId, 'dispatch', { grid_id: s.grid.id });
    await apiOrderAction(server, s.gridWorker, orderId, 'sign');
    const gp = await open('grid-worker');
    await uiLogin(gp, s.gridWorker.phone);
    await gp.goto('/patrol');
    const signed = await visible(orderCard(gp, 'patrol-inbox', orderId));
    await loaded(signed.locator('[data-testid="photos"][data-stage="report"] img'));
    await signed.locator('[data-testid="order-action-resolve"]').click();
    await signed.locator('[data-testid="order-note"]').fill('已联系环卫清运，垃圾桶已清空。');
    await choose(gp, signed, 'photo-camera', [{ name: 'clean.jpg', mimeType: 'image/jpeg', buffer: await makeJpeg(gp, 1800, 2400) }]);
    await loaded(signed.locator('[data-testid="photo-thumb"] img'));
    await screenshot(gp, 'photos-grid-worker-resolve');
    await signed.locator('[data-testid="order-submit"]').click();
    await eventually('the order to be resolved', async () => (await apiOrder(server, s.gridWorker, orderId)).status === 'resolved');
    const resolved = await apiOrder(server, s.gridWorker, orderId);
    assert.deepEqual(resolved.photos.map((p) => p.stage), ['report', 'resolve']);
    assert.ok(resolved.photos.every((p) => Math.max(p.width, p.height) <= 1600), JSON.stringify(resolved.photos));
  });
});
