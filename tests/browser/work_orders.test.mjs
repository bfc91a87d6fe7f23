// Grid incidents and the whistle (吹哨报到, issue #13) in a real browser, one context per person:
// a resident reports with 随手拍 (with the location) → the community's dispatcher accepts it and
// escalates it to the street → the street officer whistles it to a lead department and a
// co-handler → both departments sign (报到) → the lead resolves it → the resident, whose reports
// page is open, sees it resolved live and answers 满意 → closed. Each page is photographed at
// 360×740 and at desktop width (1280×800) into test-artifacts/screenshots/.

import assert from 'node:assert/strict';
import test from 'node:test';

import {
  apiOrder,
  apiRegister,
  assertNoReload,
  byId,
  eventually,
  gone,
  markDocument,
  orderCard,
  routeIs,
  screenshot,
  setupStreet,
  uiLogin,
  visible,
  withApp,
} from './harness.mjs';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };

/** Photographs the page at 360×740 and at 1280×800 as orders-NAME-phone/desktop.png. */
async function photograph(page, name) {
  await screenshot(page, `orders-${name}-phone`);
  await page.setViewportSize(DESKTOP);
  await page.waitForTimeout(150);
  await screenshot(page, `orders-${name}-desktop`);
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(150);
}

/** The test ids of the card's action buttons, in their order on screen. */
function buttonsOf(cardLocator) {
  return cardLocator.locator('.card-actions > button').evaluateAll((els) => els.map((e) => e.dataset.testid));
}

/** Waits until the order has left the list (a decided order moves on). */
async function leaves(page, list, orderId) {
  await gone(orderCard(page, list, orderId));
}

test('a 随手拍 report goes through the whistle to a satisfied call-back', { timeout: 180_000 }, async () => {
  await withApp('work-orders', async ({ server, open }) => {
    const s = await setupStreet(server);
    const rp = await open('resident');
    const dp = await open('dispatcher');
    const sp = await open('street');
    const lp = await open('lead-department');
    const cp = await open('co-department');

    // ---- The resident: 随手拍 from the home, with the browser's location.
    await rp.context().grantPermissions(['geolocation']);
    await rp.context().setGeolocation({ latitude: 26.58, longitude: 104.83 });
    await uiLogin(rp, s.resident.phone);
    await routeIs(rp, /^\/resident$/);
    await (await visible(byId(rp, 'home-report'))).click();
    await routeIs(rp, /^\/report$/);
    assert.equal(await (await visible(byId(rp, 'report-grid'))).innerText(), '第一网格');
    const category = await visible(byId(rp, 'report-category'));
    await eventually('the categories to load', async () => (await category.locator('option').count()) > 1);
    await category.selectOption({ index: 1 });
    const title = '井盖缺失有安全隐患';
    await byId(rp, 'report-title').fill(title);
    await byId(rp, 'report-description').fill('三号楼前的井盖不见了，晚上看不清，老人孩子容易掉下去。');
    await byId(rp, 'report-locate').click();
    await visible(byId(rp, 'report-location'));
    await photograph(rp, 'resident-report');
    await byId(rp, 'report-submit').click();
    await routeIs(rp, /^\/reports$/);
    const mine = await visible(rp.locator('[data-testid="my-reports"] [data-testid="order-card"]').first());
    const orderId = await mine.getAttribute('data-order-id');
    assert.ok(orderId, 'the card carries data-order-id');
    assert.equal(await mine.locator('[data-testid="order-title"]').innerText(), title);
    assert.equal(await mine.getAttribute('data-status'), 'reported');
    assert.equal(await mine.locator('[data-testid="status-words"]').innerText(), '已上报，等社区受理');
    const reported = await apiOrder(server, s.resident, orderId);
    assert.ok(reported.location, 'the location went with the report');
    await photograph(rp, 'resident-reports');
    await markDocument(rp);

    // ---- The dispatcher: from the desk to the community's orders, 待受理 first.
    await uiLogin(dp, s.dispatcher.phone);
    await routeIs(dp, /^\/dispatcher$/);
    await (await visible(byId(dp, 'goto-orders'))).click();
    await routeIs(dp, /^\/dispatcher\/orders$/);
    assert.equal(await byId(dp, 'order-tab-reported').getAttribute('aria-pressed'), 'true');
    const incoming = await visible(orderCard(dp, 'dispatcher-orders', orderId));
    // A step back first and outlined, the main action last and strong.
    const order = await buttonsOf(incoming);
    assert.equal(order[0], 'order-action-decline', `buttons ${order}`);
    assert.equal(order.at(-1), 'order-action-accept', `buttons ${order}`);
    const bg = (l) => l.evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(await bg(incoming.locator('[data-testid="order-action-accept"]')), 'rgb(200, 16, 46)');
    assert.equal(await bg(incoming.locator('[data-testid="order-action-decline"]')), 'rgb(255, 255, 255)');
    // 不予受理 asks first; closing the form sends nothing.
    await incoming.locator('[data-testid="order-action-decline"]').click();
    await visible(incoming.locator('[data-testid="step-back-warning"]'));
    await incoming.locator('[data-testid="order-close"]').click();
    await photograph(dp, 'dispatcher-orders');
    await incoming.locator('[data-testid="order-action-accept"]').click();
    await leaves(dp, 'dispatcher-orders', orderId);
    assert.equal((await apiOrder(server, s.dispatcher, orderId)).status, 'accepted');
    await byId(dp, 'order-tab-accepted').click();
    const accepted = await visible(orderCard(dp, 'dispatcher-orders', orderId));
    await accepted.locator('[data-testid="order-action-escalate"]').click();
    await accepted.locator('[data-testid="order-reason"]').fill('井盖归属不清，需要街道协调城管和水务。');
    await accepted.locator('[data-testid="order-submit"]').click();
    await leaves(dp, 'dispatcher-orders', orderId);
    assert.equal((await apiOrder(server, s.dispatcher, orderId)).status, 'escalated');

    // ---- The street officer: whistle to a lead department and a co-handler.
    await uiLogin(sp, s.officer.phone);
    await routeIs(sp, /^\/street$/);
    const escalated = await visible(orderCard(sp, 'street-escalated', orderId));
    await visible(byId(sp, 'score-table'));
    await escalated.locator('[data-testid="order-action-whistle"]').click();
    const lead = await visible(escalated.locator('[data-testid="order-lead"]'));
    await eventually('the departments to load', async () => (await lead.locator('option').count()) > 2);
    await lead.selectOption(s.lead.id);
    await escalated.locator(`[data-testid="order-co"][data-department-id="${s.co.id}"]`).check();
    assert.equal(await escalated.locator(`[data-testid="order-co"][data-department-id="${s.lead.id}"]`).count(), 0,
      'the lead is not offered as a co-handler');
    await escalated.locator('[data-testid="order-priority-pick"]').selectOption('urgent');
    await photograph(sp, 'street-whistle');
    await escalated.locator('[data-testid="order-submit"]').click();
    await leaves(sp, 'street-escalated', orderId);
    const whistled = await apiOrder(server, s.officer, orderId);
    assert.equal(whistled.status, 'dispatched');
    assert.equal(whistled.priority, 'urgent');
    assert.deepEqual(whistled.departments.map((d) => [d.id, d.lead]), [[s.lead.id, true], [s.co.id, false]]);
    await photograph(sp, 'street');

    // ---- Both departments sign (报到); the co-handler's inbox empties, the lead resolves.
    await uiLogin(cp, s.co.staff.phone);
    await routeIs(cp, /^\/department$/);
    const coCard = await visible(orderCard(cp, 'department-inbox', orderId));
    await visible(coCard.locator('[data-testid="order-deadline"]'));
    await coCard.locator('[data-testid="order-action-sign"]').click();
    await leaves(cp, 'department-inbox', orderId);

    await uiLogin(lp, s.lead.staff.phone);
    await routeIs(lp, /^\/department$/);
    const leadCard = await visible(orderCard(lp, 'department-inbox', orderId));
    assert.match(await leadCard.locator('[data-testid="order-deadline"]').innerText(), /签收期限/);
    await photograph(lp, 'department');
    await leadCard.locator('[data-testid="order-action-sign"]').click();
    await visible(orderCard(lp, 'department-inbox', orderId).locator('[data-testid="order-status"][data-status="signed"]'));
    const signed = orderCard(lp, 'department-inbox', orderId);
    assert.match(await signed.locator('[data-testid="order-deadline"]').innerText(), /办结期限/);
    assert.deepEqual(await buttonsOf(signed), ['order-action-request_extension', 'order-action-resolve']);
    await signed.locator('[data-testid="order-action-resolve"]').click();
    await signed.locator('[data-testid="order-note"]').fill('已协调水务站补装井盖，并设置警示标志。');
    await signed.locator('[data-testid="order-submit"]').click();
    await leaves(lp, 'department-inbox', orderId);
    const resolved = await apiOrder(server, s.resident, orderId);
    assert.equal(resolved.status, 'resolved');
    assert.ok(resolved.departments.every((d) => d.signed_at), 'both departments signed');

    // ---- The resident's open page follows live, and the call-back closes it.
    const back = orderCard(rp, 'my-reports', orderId);
    await visible(back.locator('[data-testid="order-status"][data-status="resolved"]'));
    await assertNoReload(rp);
    assert.equal(await back.locator('[data-testid="status-words"]').innerText(), '已处理好，请您评价');
    assert.match(await back.locator('[data-testid="order-resolution"]').innerText(), /补装井盖/);
    await visible(back.locator('[data-testid="visit-satisfied"]'));
    await photograph(rp, 'resident-visit');
    await back.locator('[data-testid="visit-satisfied"]').click();
    assert.match(await (await visible(byId(rp, 'toast'))).innerText(), /谢谢/);
    await visible(orderCard(rp, 'my-reports', orderId).locator('[data-testid="order-status"][data-status="closed"]'));
    const closed = await apiOrder(server, s.resident, orderId);
    assert.equal(closed.status, 'closed');
    assert.equal(closed.satisfaction, 'satisfied');
    assert.equal(await orderCard(rp, 'my-reports', orderId).locator('[data-testid="visit-satisfied"]').count(), 0);
  });
});

test('a resident without a home grid is sent to 我的网格, and a refused location is said in words', { timeout: 60_000 }, async () => {
  await withApp('work-orders-no-home', async ({ server, open }) => {
    const s = await setupStreet(server);
    const page = await open('homeless');
    const homeless = await apiRegister(server, '钱大爷');
    await uiLogin(page, homeless.phone);
    await page.goto('/report');
    await visible(byId(page, 'report-no-home'));
    await byId(page, 'report-set-home').click();
    await routeIs(page, /^\/resident\/grid$/);

    // With a home but no permission to locate: the refusal in words, and the report still goes.
    const rp = await open('resident-no-location');
    await uiLogin(rp, s.resident.phone);
    await rp.goto('/report');
    await (await visible(byId(rp, 'report-locate'))).click();
    assert.match(await (await visible(byId(rp, 'report-location-error'))).innerText(), /位置/);
    // Nothing typed: every field says what it needs, and nothing is sent.
    await byId(rp, 'report-submit').click();
    await visible(byId(rp, 'report-error-title'));
    await visible(byId(rp, 'report-error-category'));
    await rp.goto('/reports');
    await visible(byId(rp, 'empty-list'));
  });
});
