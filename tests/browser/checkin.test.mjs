// Dual check-in (双报到) through the office bundle: a party member's invalid certificate number is
// refused inline and nothing is sent; the dispatcher rejects the check-in with a reason, then
// approves the member's second one; the member sees each status, opens and prints the service
// certificate (the print stylesheet leaves only the certificate, on one A5 page), and withdraws,
// which sends the wish they hold in the community back to the pool.

import assert from 'node:assert/strict';
import test from 'node:test';

import {
  apiAction,
  apiLogin,
  apiOk,
  apiPostWish,
  apiRegister,
  apiWish,
  byId,
  eventually,
  nextPhone,
  routeIs,
  screenshot,
  setupWorld,
  uiLogin,
  uiRegister,
  visible,
  withApp,
} from './harness.mjs';

/** The check-in card `id` in the list `list` (test id). */
function item(page, list, id) {
  return page.locator(`[data-testid="${list}"] [data-testid="checkin-item"][data-checkin-id="${id}"]`);
}

/** The member's check-ins through the API. */
async function checkinsOf(server, person) {
  return (await apiOk(server, 200, 'GET', '/api/v1/checkins', { token: person.token })).items;
}

/** Fills the check-in form and submits it; returns the new check-in (read back through the API). */
async function fileCheckin(page, server, member, world, branch, certificate) {
  const before = (await checkinsOf(server, member)).length;
  await byId(page, 'checkin-community').selectOption(world.communityId);
  await byId(page, 'checkin-branch').selectOption(branch.id);
  await byId(page, 'checkin-certificate').fill(certificate);
  await byId(page, 'checkin-letter').fill('钟组介〔2026〕12号');
  await byId(page, 'checkin-submit').click();
  const all = await eventually('the new check-in', async () => {
    const list = await checkinsOf(server, member);
    return list.length > before && list;
  });
  const filed = all.find((c) => c.certificate_no === certificate);
  await visible(item(page, 'my-checkins', filed.id).locator('[data-testid="checkin-status"][data-status="pending"]'));
  return filed;
}

test('a member checks in, is rejected then approved, prints the certificate and withdraws', { timeout: 120_000 }, async () => {
  await withApp('checkin', async ({ server, open }) => {
    const world = await setupWorld(server);
    const branch = await apiOk(server, 201, 'POST', '/api/v1/unit-branches', {
      token: world.admin.token,
      body: { name: '区财政局党支部' },
    });
    const community = await apiOk(server, 200, 'GET', `/api/v1/places/${world.communityId}`, { token: world.admin.token });

    // A resident who is an in-service party member finds the check-in from their wishes page.
    const mp = await open('member');
    const phone = nextPhone();
    await uiRegister(mp, phone, '孙党员');
    const member = await apiLogin(server, phone);
    await (await visible(byId(mp, 'goto-checkins'))).click();
    await routeIs(mp, /^\/checkins$/);
    await visible(byId(mp, 'empty-list'));

    // An invalid certificate number is refused under its field, and nothing is sent.
    await byId(mp, 'checkin-community').selectOption(world.communityId);
    await byId(mp, 'checkin-certificate').fill('服务证 001');
    await byId(mp, 'checkin-letter').fill('钟组介〔2026〕12号');
    await byId(mp, 'checkin-submit').click();
    assert.match(await (await visible(byId(mp, 'error-certificate'))).innerText(), /字母、数字/);
    assert.equal(await byId(mp, 'checkin-certificate').getAttribute('aria-invalid'), 'true');
    assert.deepEqual(await checkinsOf(server, member), []);
    await screenshot(mp, 'checkin-form');

    const first = await fileCheckin(mp, server, member, world, branch, 'FWZ-2026-0001');

    // The dispatcher rejects it with a reason.
    const dp = await open('dispatcher');
    await uiLogin(dp, world.dispatcher.phone);
    await (await visible(byId(dp, 'nav-checkin-review'))).click();
    await routeIs(dp, /^\/dispatcher\/checkins$/);
    const queued = await visible(item(dp, 'checkin-queue', first.id));
    assert.match(await queued.innerText(), /孙党员/);
    await queued.locator('[data-testid="reject-button"]').click();
    await queued.locator('[data-testid="action-reason"]').fill('介绍信编号与服务证不符，请核对');
    await queued.locator('[data-testid="action-submit"]').click();
    await eventually('the rejected check-in to leave the queue', async () => (await item(dp, 'checkin-queue', first.id).count()) === 0);

    // The member sees the rejection and its reason, and files again.
    await mp.reload();
    const rejected = await visible(item(mp, 'my-checkins', first.id));
    await visible(rejected.locator('[data-testid="checkin-status"][data-status="rejected"]'));
    assert.match(await rejected.locator('[data-testid="checkin-reason"]').innerText(), /介绍信编号与服务证不符/);
    const second = await fileCheckin(mp, server, member, world, branch, 'FWZ-2026-0002');

    // The dispatcher approves the second one; their overview counts the member.
    await dp.reload();
    const again = await visible(item(dp, 'checkin-queue', second.id));
    await screenshot(dp, 'checkin-review');
    await again.locator('[data-testid="approve-button"]').click();
    await eventually('the approved check-in to leave the queue', async () => (await item(dp, 'checkin-queue', second.id).count()) === 0);
    await byId(dp, 'nav-dispatcher').click();
    await routeIs(dp, /^\/dispatcher$/);
    await eventually('one member checked in', async () => (await byId(dp, 'figure-members').innerText()) === '1');

    // The member is approved, and now also holds the member role.
    await mp.reload();
    const approved = await visible(item(mp, 'my-checkins', second.id));
    await visible(approved.locator('[data-testid="checkin-status"][data-status="approved"]'));
    await eventually('the member role in the switcher', async () =>
      (await byId(mp, 'role-switcher').locator('option[value="member"]').count()) === 1,
    );

    // The certificate: every fact on it.
    await approved.locator('[data-testid="certificate-link"]').click();
    await routeIs(mp, /^\/checkins\/\d+\/certificate$/);
    const cert = await visible(byId(mp, 'certificate'));
    assert.equal(await byId(cert, 'cert-name').innerText(), '孙党员');
    assert.equal(await byId(cert, 'cert-number').innerText(), 'FWZ-2026-0002');
    assert.equal(await byId(cert, 'cert-community').innerText(), community.path.map((p) => p.name).join(' / '));
    assert.equal(await byId(cert, 'cert-code').innerText(), community.code);
    assert.equal(await byId(cert, 'cert-branch').innerText(), '区财政局党支部');
    assert.match(await byId(cert, 'cert-date').innerText(), /^\d{4}年\d{1,2}月\d{1,2}日$/);
    await screenshot(mp, 'certificate');

    // On paper: no navigation, no buttons, black on white, and one A5 page.
    await mp.emulateMedia({ media: 'print' });
    for (const hidden of ['nav.tabs', 'header.topbar', '[data-testid="print-button"]']) {
      assert.equal(await mp.locator(hidden).isVisible(), false, `${hidden} is hidden in print`);
    }
    assert.ok(await cert.isVisible());
    const colours = await cert.evaluate((el) => [getComputedStyle(el).color, getComputedStyle(document.body).backgroundColor]);
    assert.deepEqual(colours, ['rgb(0, 0, 0)', 'rgb(255, 255, 255)']);
    await screenshot(mp, 'certificate-print');
    for (const format of ['A5', 'A4']) {
      const pdf = (await mp.pdf({ format })).toString('latin1');
      assert.equal(pdf.match(/\/Type\s*\/Page(?!s)/g)?.length, 1, `the certificate fits one ${format} page`);
    }
    await mp.emulateMedia({ media: 'screen' });

    // The print button opens the browser's printing (what it prints is checked above).
    await mp.evaluate(() => {
      window.__printed = 0;
      window.addEventListener('beforeprint', () => {
        window.__printed += 1;
      });
    });
    await byId(mp, 'print-button').click();
    await eventually('the print to start', () => mp.evaluate(() => window.__printed > 0));

    // The member holds a wish of the community; withdrawing (confirmed first) sends it back.
    const resident = await apiRegister(server, '钱大爷');
    const wish = await apiPostWish(server, world, resident, '帮忙取快递');
    await apiAction(server, world.dispatcher, wish.id, 'approve');
    await apiAction(server, member, wish.id, 'claim');
    await mp.goBack();
    await routeIs(mp, /^\/checkins$/);
    const live = await visible(item(mp, 'my-checkins', second.id));
    await live.locator('[data-testid="withdraw-button"]').click();
    assert.match(await (await visible(live.locator('[role="alertdialog"]'))).innerText(), /退回心愿池/);
    await live.locator('[data-testid="withdraw-confirm"]').click();
    await visible(item(mp, 'my-checkins', second.id).locator('[data-testid="checkin-status"][data-status="withdrawn"]'));
    assert.equal((await apiWish(server, world.dispatcher, wish.id)).status, 'open');
  });
});
