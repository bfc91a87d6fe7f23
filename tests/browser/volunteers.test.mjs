// Volunteer service and the time bank (issue #15) through the volunteer bundle: a member reaches
// it from the home, finds an activity near them and signs up (the seats follow another sign-up
// live); the organiser's page shows the rotating code; the member checks in by opening the QR
// code's URL and out by typing the six digits; the organiser marks the attendance by hand and
// confirms the hours; the hours appear on the member's 我的时长 page and in the service record; the
// certificate prints on exactly one A4 and one A5 page.

import assert from 'node:assert/strict';
import test from 'node:test';

import {
  apiOk,
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

/** The activity card of `id` in the list `list`. */
function activityCard(page, list, id) {
  return page.locator(`[data-testid="${list}"] [data-testid="activity-card"][data-activity-id="${id}"]`);
}

/** The organiser's six digits on their page, once shown. */
async function digitsOn(page) {
  const text = await (await visible(byId(page, 'checkin-code-digits'))).innerText();
  assert.match(text.trim(), /^\d{6}$/);
  return text.trim();
}

test('a member signs up, checks in with the code, the organiser confirms, the hours appear; the certificate fits one page', { timeout: 180_000 }, async () => {
  await withApp('volunteers', async ({ server, open }) => {
    // A community with a team led by one member, and an activity that started half an hour ago.
    const world = await setupWorld(server);
    const leader = world.member;
    const member = world.member2;
    const team = await apiOk(server, 201, 'POST', '/api/v1/teams', {
      token: world.admin.token,
      body: { name: '红马甲服务队', description: '社区环境整治与助老服务', place_id: world.communityId, leader_id: leader.id },
    });
    // Whole minutes, so the hand-marked span counts exactly two hours.
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const startsAt = new Date(minute - 30 * 60_000);
    const endsAt = new Date(minute + 90 * 60_000);
    const activity = await apiOk(server, 201, 'POST', `/api/v1/teams/${team.id}/activities`, {
      token: leader.token,
      body: {
        title: '楼道清洁日', description: '清理楼道堆放的杂物，张贴消防提示。', place_id: world.communityId,
        address: '和平社区三号楼', starts_at: startsAt.toISOString(), ends_at: endsAt.toISOString(), capacity: 5,
        skills: ['体力好'],
      },
    });

    // The member: from the home to the activities near them, then the activity.
    const mp = await open('member');
    await uiLogin(mp, member.phone);
    await routeIs(mp, /^\/member$/);
    await (await visible(byId(mp, 'goto-volunteer'))).click();
    await routeIs(mp, /^\/volunteer$/);
    const card = await visible(activityCard(mp, 'activity-list', activity.id));
    assert.equal((await byId(card, 'activity-seats').innerText()).trim(), '已报名 0/5');
    assert.equal((await byId(card, 'activity-waitlist').innerText()).trim(), '候补 0');
    assert.match(await byId(card, 'activity-team').innerText(), /红马甲服务队/);
    await screenshot(mp, 'volunteer-near-me');
    await byId(card, 'activity-title').click();
    await routeIs(mp, new RegExp(`^/volunteer/activities/${activity.id}$`));
    const detail = await visible(byId(mp, 'activity-detail'));
    await visible(byId(mp, 'my-signup-none'));
    await byId(mp, 'signup-button').click();
    await visible(mp.locator('[data-testid="my-signup"][data-status="seated"]'));
    await eventually('the seats after signing up', async () => (await byId(detail, 'activity-seats').innerText()).trim() === '已报名 1/5');

    // Someone else signs up: the member's page shows it within the 10 s poll, without a reload.
    await apiOk(server, 201, 'POST', `/api/v1/activities/${activity.id}/signup`, { token: leader.token });
    await eventually('the live seat count', async () => (await byId(detail, 'activity-seats').innerText()).trim() === '已报名 2/5', 15_000);
    await screenshot(mp, 'volunteer-activity');

    // The organiser's page: the QR code and six digits.
    const lp = await open('leader');
    await uiLogin(lp, leader.phone);
    await lp.goto(`/volunteer/activities/${activity.id}/organise`);
    await visible(byId(lp, 'checkin-qr').locator('svg'));
    await digitsOn(lp);
    await screenshot(lp, 'volunteer-organise');

    // Check in: the QR code's URL opens the scan page, which sends the token at once.
    const code = await apiOk(server, 200, 'GET', `/api/v1/activities/${activity.id}/code`, { token: leader.token });
    assert.match(code.url, new RegExp(`/volunteer/scan\\?activity=${activity.id}&token=`));
    await mp.goto(new URL(code.url).pathname + new URL(code.url).search);
    await visible(mp.locator('[data-testid="scan-result"][data-state="in"]'));

    // A wrong code is refused with the server's message; then out with the six digits shown.
    await byId(mp, 'scan-code').fill('12345');
    await byId(mp, 'scan-submit').click();
    await visible(byId(mp, 'scan-code-error'));
    const digits = await digitsOn(lp);
    await byId(mp, 'scan-code').fill(digits);
    await byId(mp, 'scan-submit').click();
    await visible(mp.locator('[data-testid="scan-result"][data-state="out"]'));
    await screenshot(mp, 'volunteer-scan');

    // The organiser marks the member's attendance by hand (the activity's start to its end: two
    // hours), then confirms the hours.
    const entry = lp.locator(`[data-testid="roster"] [data-testid="roster-entry"][data-user-id="${member.id}"]`);
    await (await visible(entry.locator('[data-testid="roster-mark"]'))).click();
    const toLocal = async (d) =>
      lp.evaluate((ms) => {
        const t = new Date(ms);
        const p = (n) => String(n).padStart(2, '0');
        return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())}T${p(t.getHours())}:${p(t.getMinutes())}`;
      }, d.getTime());
    await entry.locator('[data-testid="mark-in"]').fill(await toLocal(startsAt));
    await entry.locator('[data-testid="mark-out"]').fill(await toLocal(endsAt));
    await entry.locator('[data-testid="mark-submit"]').click();
    await eventually('the marked minutes', async () =>
      /2小时/.test(await entry.locator('[data-testid="roster-minutes"]').innerText().catch(() => '')),
    );
    await byId(lp, 'confirm-hours').click();
    await visible(lp.locator(`[data-testid="roster-entry"][data-user-id="${member.id}"][data-confirmed="true"]`));
    await screenshot(lp, 'volunteer-roster');

    // The hours on the member's 我的时长 page.
    await byId(mp, 'vol-nav-hours').click();
    await routeIs(mp, /^\/volunteer\/hours$/);
    await eventually('the balance', async () => (await byId(mp, 'hours-balance').innerText()).trim() === '2小时');
    assert.equal((await byId(mp, 'hours-lifetime').innerText()).trim(), '2小时');
    assert.equal(await byId(mp, 'hours-star').getAttribute('data-star'), '0');
    const credit = await visible(mp.locator('[data-testid="ledger-entry"][data-kind="activity_credit"]'));
    assert.match(await credit.innerText(), /楼道清洁日/);
    assert.equal((await apiOk(server, 200, 'GET', '/api/v1/me/time-bank', { token: member.token })).balance_minutes, 120);
    await screenshot(mp, 'volunteer-hours');

    // The service record and the certificate, printed on one page of A4 and of A5.
    await byId(mp, 'goto-record').click();
    await routeIs(mp, /^\/volunteer\/record$/);
    assert.equal((await (await visible(byId(mp, 'record-total'))).innerText()).trim(), '2小时');
    await visible(mp.locator('[data-testid="service-record"] [data-testid="record-entry"][data-source="activity"]'));
    await byId(mp, 'certificate-issue').click();
    await routeIs(mp, /^\/volunteer\/certificate$/);
    const cert = await visible(byId(mp, 'service-certificate'));
    assert.equal((await byId(cert, 'cert-name').innerText()).trim(), member.name);
    assert.equal((await byId(cert, 'cert-hours').innerText()).trim(), '2小时');
    assert.equal((await byId(cert, 'cert-services').innerText()).trim(), '1');
    assert.match(await byId(cert, 'cert-number').innerText(), /^HL-/);
    await visible(byId(cert, 'cert-qr').locator('svg'));
    await screenshot(mp, 'volunteer-certificate');
    const verify = await apiOk(server, 200, 'GET', `/api/v1/certificates/${encodeURIComponent(await cert.getAttribute('data-number'))}`);
    assert.equal(verify.genuine, true);

    await mp.emulateMedia({ media: 'print' });
    for (const hidden of ['nav.tabs', 'nav.vol-tabs', 'header.topbar', '[data-testid="print-a4"]']) {
      assert.equal(await mp.locator(hidden).isVisible(), false, `${hidden} is hidden in print`);
    }
    for (const format of ['A4', 'A5']) {
      const pdf = (await mp.pdf({ format })).toString('latin1');
      assert.equal(pdf.match(/\/Type\s*\/Page(?!s)/g)?.length, 1, `the certificate fits one ${format} page`);
    }
    await mp.emulateMedia({ media: 'screen' });
    await mp.evaluate(() => {
      window.__printed = 0;
      window.addEventListener('beforeprint', () => {
        window.__printed += 1;
      });
    });
    await byId(mp, 'print-a5').click();
    await eventually('the print to start', () => mp.evaluate(() => window.__printed > 0));

    // The resident's home links here too.
    const rp = await open('resident');
    const resident = await apiRegister(server, '钱大爷');
    await uiLogin(rp, resident.phone);
    await routeIs(rp, /^\/resident$/);
    await (await visible(byId(rp, 'goto-volunteer'))).click();
    await routeIs(rp, /^\/volunteer$/);
    await visible(byId(rp, 'vol-nav-hours'));
  });
});
