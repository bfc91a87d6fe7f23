// What a person trips over (issue #12) and 大字模式 (elderly mode), at 360×740.
//
// Every page of every role, in both modes, is audited: no tap target (button, tab, select, input,
// textarea, link) under 44×44 CSS px (buttons, selects and inputs at least 48 px high in 大字模式),
// no visible text under 14 px (18 px in 大字模式), no horizontal overflow, no serious or critical
// axe-core violation, the 大字模式 switch present; each page is photographed in both modes into
// test-artifacts/screenshots/ux-<role>-<page>-<mode>.png. Then each fixed finding (1–10) and the
// elderly mode are checked on their own. One server, one browser, one context per person.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import test from 'node:test';

import {
  ADMIN_PASSWORD,
  ADMIN_PHONE,
  CATEGORY,
  PASSWORD,
  apiAction,
  apiLogin,
  apiOk,
  apiOrderAction,
  apiPostWish,
  apiRegister,
  apiReport,
  apiUploadPhoto,
  apiWish,
  byId,
  card,
  eventually,
  gone,
  routeIs,
  screenshot,
  setupStreet,
  setupWorld,
  uiLogin,
  visible,
  makeJpeg,
  withApp,
} from './harness.mjs';

const AXE = createRequire(import.meta.url)('axe-core').source;

/** A date a week from now, `YYYY-MM-DD`. */
const NEXT_WEEK = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);

/** Waits until the page has drawn its content (no loading line left). */
async function settle(page) {
  await eventually(`${page.label}: ${page.url()} drawn`, () =>
    page.evaluate(() => !!document.querySelector('main, .page') && !document.querySelector('.loading')),
  );
  // Late layout (fonts, a live count) settles within a frame or two.
  await page.waitForTimeout(150);
}

/** Sets the mode (`big`: 大字模式) the way the switch remembers it, then loads `path`. */
async function openIn(page, path, big) {
  await page.goto(path);
  const on = await page.evaluate(() => localStorage.getItem('haolin.big') === '1');
  if (on !== big) {
    await page.evaluate((b) => (b ? localStorage.setItem('haolin.big', '1') : localStorage.removeItem('haolin.big')), big);
    await page.goto(path);
  }
  await settle(page);
}

/** What is wrong with the page now, as a list of lines (empty when all is well). */
async function problemsOf(page, big) {
  const found = await page.evaluate(
    ({ minText, minControl }) => {
      const out = [];
      const shown = (el) => {
        const r = el.getBoundingClientRect();
        const cs = getComputedStyle(el);
        return r.width > 1 && r.height > 1 && cs.visibility !== 'hidden' ? r : null;
      };
      const name = (el) => `${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ''}.${el.className || ''}`;
      // Tap targets.
      for (const el of document.querySelectorAll('button, select, input:not([type=hidden]), textarea, a[href], summary, [role=tab]')) {
        const r = shown(el);
        if (!r) continue;
        const control = el.matches('button, select, input, textarea, .button');
        const minH = control ? minControl : 44;
        if (r.width < 44 - 0.5 || r.height < minH - 0.5) {
          out.push(`tap target ${name(el)} "${(el.innerText || el.value || '').trim().slice(0, 16)}" is ${Math.round(r.width)}×${Math.round(r.height)}`);
        }
      }
      // Text size.
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.textContent.trim()) continue;
        const el = n.parentElement;
        if (!el || el.closest('noscript, script, style, option') || !shown(el)) continue;
        const size = parseFloat(getComputedStyle(el).fontSize);
        if (size < minText - 0.01) out.push(`text "${n.textContent.trim().slice(0, 16)}" in ${name(el)} is ${size}px`);
      }
      // Horizontal overflow.
      if (document.documentElement.scrollWidth > window.innerWidth) {
        out.push(`horizontal overflow: ${document.documentElement.scrollWidth}px wide in ${window.innerWidth}px`);
      }
      // The 大字模式 switch, and the mode itself.
      if (!document.querySelector('[data-testid="big-mode"]')) out.push('no 大字模式 switch');
      return out;
    },
    { minText: big ? 18 : 14, minControl: big ? 48 : 44 },
  );
  const isBig = await page.evaluate(() => document.documentElement.classList.contains('big'));
  if (isBig !== big) found.push(`html.big is ${isBig}, expected ${big}`);
  await page.addScriptTag({ content: AXE });
  const axe = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `axe ${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  return [...found, ...axe];
}

/** The box of the first match of `locator`. */
async function box(locator) {
  const b = await (await visible(locator)).boundingBox();
  assert.ok(b, 'a box');
  return b;
}

test('what a person trips over, and 大字模式 (issue #12)', { timeout: 360_000 }, async (t) => {
  await withApp('ux', async ({ server, open }) => {
    // ---- The world: a community with a grid, people, and wishes in each state.
    const world = await setupWorld(server);
    const admin = world.admin;
    const place = (body) => apiOk(server, 201, 'POST', '/api/v1/admin/places', { token: admin.token, body });
    const grid = await place({ level: 'grid', name: '第一网格', parent_id: world.communityId, kind: 'comprehensive' });
    await place({ level: 'grid', name: '第二网格', parent_id: world.communityId, kind: 'comprehensive' });
    const withHome = async (name) => {
      const r = await apiRegister(server, name);
      await apiOk(server, 200, 'PUT', '/api/v1/me/home', { token: r.token, body: { place_id: grid.id } });
      return r;
    };
    const resident = await withHome('赵阿姨');
    const homeless = await apiRegister(server, '钱大爷');
    const forgetful = await withHome('孙奶奶');
    const twoRoles = await (async () => {
      const phone = `138${String(process.pid % 100_000_000).padStart(8, '0')}`;
      await apiOk(server, 201, 'POST', '/api/v1/admin/users', {
        token: admin.token,
        body: { phone, password: PASSWORD, name: '周双岗', roles: ['member', 'dispatcher'], community_ids: [world.communityId] },
      });
      return apiLogin(server, phone);
    })();

    const pending = await apiPostWish(server, world, resident, '小区路灯坏了需要维修', '三号楼下的路灯坏了一周，晚上出门看不清路。');
    const toApprove = await apiPostWish(server, world, resident, '楼道堆放杂物请清理', '二单元楼道堆了很多纸箱，担心着火。');
    const open1 = await apiOk(server, 201, 'POST', '/api/v1/wishes', {
      token: resident.token,
      body: {
        community_id: world.communityId, title: '帮忙辅导孩子的数学作业', description: '孙子上四年级，分数总是算错，想请人每周辅导一次。',
        category: CATEGORY, expected_by: NEXT_WEEK,
      },
    });
    await apiAction(server, world.dispatcher, open1.id, 'approve');
    const open2 = await apiPostWish(server, world, resident, '帮忙修一下自行车', '自行车链条掉了，自己装不上。');
    await apiAction(server, world.dispatcher, open2.id, 'approve');
    const claimed = await apiPostWish(server, world, resident, '每周帮忙买一次菜', '腿脚不便，想请人每周六上午帮忙买菜。');
    await apiAction(server, world.dispatcher, claimed.id, 'approve');
    await apiAction(server, world.member, claimed.id, 'claim');
    const fulfilled = await apiPostWish(server, world, resident, '陪同去医院复查', '下周二上午去市医院复查，需要有人陪同。');
    await apiAction(server, world.dispatcher, fulfilled.id, 'approve');
    await apiAction(server, world.member, fulfilled.id, 'claim');
    await apiAction(server, world.member, fulfilled.id, 'fulfil', { note: '已陪同复查，结果正常。' });

    // ---- Work orders on a street: one in each place a desk acts on it.
    const s = await setupStreet(server);
    await apiReport(server, s.resident, s.grid, '井盖缺失有安全隐患');
    const toWhistle = await apiReport(server, s.resident, s.grid, '路灯一到晚上就不亮');
    await apiOrderAction(server, s.dispatcher, toWhistle.id, 'escalate', { reason: '涉及多个部门，社区无法协调' });
    const toSign = await apiReport(server, s.resident, s.grid, '小区门口占道经营');
    await apiOrderAction(server, s.dispatcher, toSign.id, 'escalate', { reason: '需要城管执法' });
    await apiOrderAction(server, s.officer, toSign.id, 'whistle', { lead_department_id: s.lead.id, co_department_ids: [s.co.id] });
    const toReturn = await apiReport(server, s.resident, s.grid, '广场噪音扰民');
    await apiOrderAction(server, s.dispatcher, toReturn.id, 'escalate', { reason: '需要执法部门' });
    await apiOrderAction(server, s.officer, toReturn.id, 'whistle', { lead_department_id: s.co.id });
    await apiOrderAction(server, s.co.staff, toReturn.id, 'return', { reason: '不属于水务站职责' });
    const toGrid = await apiReport(server, s.resident, s.grid, '楼道堆放杂物');
    await apiOrderAction(server, s.dispatcher, toGrid.id, 'dispatch', { grid_id: s.grid.id });
    const toVisit = await apiReport(server, s.resident, s.grid, '垃圾桶满了没人清');
    await apiOrderAction(server, s.dispatcher, toVisit.id, 'dispatch', { grid_id: s.grid.id });
    await apiOrderAction(server, s.gridWorker, toVisit.id, 'sign');
    await apiOrderAction(server, s.gridWorker, toVisit.id, 'resolve', { note: '已联系环卫清运。' });

    // ---- One context per person.
    const anon = await open('anonymous');
    const rp = await open('resident');
    await uiLogin(rp, resident.phone);
    const mp = await open('member');
    await uiLogin(mp, world.member.phone);
    const dp = await open('dispatcher');
    await uiLogin(dp, world.dispatcher.phone);
    const ap = await open('admin');
    await uiLogin(ap, ADMIN_PHONE, ADMIN_PASSWORD);
    const orp = await open('orders-resident');
    await uiLogin(orp, s.resident.phone);
    const gwp = await open('grid-worker');
    await uiLogin(gwp, s.gridWorker.phone);
    const odp = await open('orders-dispatcher');
    await uiLogin(odp, s.dispatcher.phone);
    const stp = await open('street');
    await uiLogin(stp, s.officer.phone);
    const dep = await open('department');
    await uiLogin(dep, s.lead.staff.phone);

    // Photos (issue #14): a wish and a work order with photos, so their thumbnails are audited too.
    const photoOf = async (who) => (await apiUploadPhoto(server, who, await makeJpeg(anon, 800, 600))).id;
    const pictured = await apiOk(server, 201, 'POST', '/api/v1/wishes', {
      token: resident.token,
      body: {
        community_id: world.communityId, title: '院子里的树枝被风刮断了', description: '断枝挂在二楼窗外，怕掉下来砸到人。',
        category: CATEGORY, photos: [await photoOf(resident), await photoOf(resident)],
      },
    });
    await apiAction(server, world.dispatcher, pictured.id, 'approve');
    await apiReport(server, s.resident, s.grid, '路面塌陷了一个坑', '东门外人行道塌了一个坑，下雨积水。', {
      photos: [await photoOf(s.resident)],
    });

    // Volunteer service (issue #15): a team the member leads, with an activity the resident signed up for.
    const team = await apiOk(server, 201, 'POST', '/api/v1/teams', {
      token: admin.token,
      body: { name: '红马甲服务队', description: '社区环境整治与助老服务', place_id: world.communityId, leader_id: world.member.id },
    });
    const soon = Math.floor(Date.now() / 60_000) * 60_000 + 3_600_000;
    const activity = await apiOk(server, 201, 'POST', `/api/v1/teams/${team.id}/activities`, {
      token: world.member.token,
      body: {
        title: '楼道清洁日', description: '清理楼道堆放的杂物，张贴消防提示。', place_id: world.communityId, address: '和平社区三号楼',
        starts_at: new Date(soon).toISOString(), ends_at: new Date(soon + 7_200_000).toISOString(), capacity: 1,
      },
    });
    await apiOk(server, 201, 'POST', `/api/v1/activities/${activity.id}/signup`, { token: resident.token });
    await apiOk(server, 201, 'POST', `/api/v1/activities/${activity.id}/signup`, { token: forgetful.token });
    await apiOk(server, 200, 'POST', `/api/v1/teams/${team.id}/join`, { token: world.member2.token, body: { note: '周末有空' } });

    const pages = [
      [anon, 'anonymous', [['login', '/login'], ['register', '/register']]],
      [rp, 'resident', [
        ['home', '/resident'], ['new-wish', '/resident/new'], ['grid', '/resident/grid'], ['inbox', '/inbox'],
        ['wish-claimed', `/wishes/${claimed.id}`], ['wish-fulfilled', `/wishes/${fulfilled.id}`], ['checkins', '/checkins'],
        ['wish-photos', `/wishes/${pictured.id}`], ['volunteer-activity', `/volunteer/activities/${activity.id}`],
        ['volunteer-mine', '/volunteer/mine'],
        // The neighbourhood bundle (issue #17): service points, notices, rating the property service.
        ['points', '/points'], ['notices', '/notices'], ['property', '/property'],
      ]],
      [mp, 'member', [
        ['pool', '/member'], ['claims', '/member/claims'], ['wish-claimed', `/wishes/${claimed.id}`], ['checkins', '/checkins'],
        ['inbox', '/inbox'], ['wish-photos', `/wishes/${pictured.id}`],
        ['volunteer', '/volunteer'], ['volunteer-activity', `/volunteer/activities/${activity.id}`],
        ['volunteer-organise', `/volunteer/activities/${activity.id}/organise`], ['volunteer-mine', '/volunteer/mine'],
        ['volunteer-scan', '/volunteer/scan'], ['volunteer-hours', '/volunteer/hours'], ['volunteer-family', '/volunteer/family'],
        ['volunteer-record', '/volunteer/record'], ['volunteer-teams', '/volunteer/teams'],
        ['volunteer-team', `/volunteer/teams/${team.id}`], ['volunteer-new-activity', `/volunteer/teams/${team.id}/new`],
        ['figures-mine', '/figures/me'],
      ]],
      [dp, 'dispatcher', [
        ['desk', '/dispatcher'], ['checkin-review', '/dispatcher/checkins'], ['wish-pending', `/wishes/${pending.id}`], ['inbox', '/inbox'],
        ['figures', '/figures'],
        ['points-new', '/points/new'], ['notices-new', '/notices/new'], ['notices-posted', '/notices/posted'],
        ['property-results', '/property/results'],
      ]],
      [ap, 'admin', [['places', '/admin'], ['community', `/admin/places/${world.communityId}`], ['figures', '/figures']]],
      [orp, 'resident', [['report', '/report'], ['reports', '/reports']]],
      [gwp, 'grid-worker', [['patrol', '/patrol'], ['figures', '/figures']]],
      [odp, 'dispatcher', [['orders', '/dispatcher/orders']]],
      [stp, 'street-officer', [['street', '/street'], ['figures', '/figures']]],
      [dep, 'department-officer', [['department', '/department']]],
    ];

    await t.test('every page of every role, in both modes: targets, text, overflow, axe, the switch (screenshots)', async () => {
      const all = [];
      for (const big of [false, true]) {
        const mode = big ? 'big' : 'normal';
        for (const [page, role, list] of pages) {
          for (const [slug, path] of list) {
            await openIn(page, path, big);
            await screenshot(page, `ux-${role}-${slug}-${mode}`);
            for (const p of await problemsOf(page, big)) all.push(`${role} ${path} (${mode}): ${p}`);
          }
        }
      }
      // Back to the normal mode for the checks below.
      for (const [page] of pages) await page.evaluate(() => localStorage.removeItem('haolin.big'));
      assert.deepEqual(all, []);
    });

    await t.test('the photo picker of the fulfil form, in both modes: targets, text, axe (issue #14)', async () => {
      const all = [];
      for (const big of [false, true]) {
        await openIn(mp, `/wishes/${claimed.id}`, big);
        await (await visible(byId(mp, 'action-fulfil'))).click();
        await visible(byId(mp, 'photo-picker'));
        await screenshot(mp, `ux-member-fulfil-photos-${big ? 'big' : 'normal'}`);
        for (const p of await problemsOf(mp, big)) all.push(`member fulfil form (${big ? 'big' : 'normal'}): ${p}`);
      }
      await mp.evaluate(() => localStorage.removeItem('haolin.big'));
      assert.deepEqual(all, []);
    });

    await t.test('1. the named tap targets are at least 44×44', async () => {
      await openIn(anon, '/login', false);
      const register = await box(byId(anon, 'goto-register'));
      assert.ok(register.height >= 44, `register link ${register.height}px high`);
      await openIn(rp, '/resident/new', false);
      const logout = await box(byId(rp, 'logout'));
      assert.ok(logout.width >= 44 && logout.height >= 44, `logout ${logout.width}×${logout.height}`);
      const select = await box(byId(rp, 'wish-category'));
      assert.ok(select.height >= 44, `category select ${select.height}px high`);
      await openIn(ap, `/admin/places/${world.communityId}`, false);
      const crumb = await box(ap.locator('[data-testid="place-breadcrumb"] a').first());
      assert.ok(crumb.width >= 44 && crumb.height >= 44, `全部地点 ${crumb.width}×${crumb.height}`);
      const tp = await open('two-roles');
      await uiLogin(tp, twoRoles.phone);
      await settle(tp);
      const switcher = await box(byId(tp, 'role-switcher'));
      assert.ok(switcher.width >= 44 && switcher.height >= 44, `role switcher ${switcher.width}×${switcher.height}`);
      await tp.context().close();
    });

    await t.test('2. status badges and the unread count are at least 14 px', async () => {
      await openIn(rp, '/resident', false);
      const size = (l) => l.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      assert.ok((await size(card(rp, 'my-wishes', claimed.id).locator('[data-testid="wish-status"]'))) >= 14);
      assert.ok((await size(await visible(byId(rp, 'unread-badge')))) >= 14);
    });

    await t.test('3. a tap anywhere on a wish card opens the wish', async () => {
      await openIn(rp, '/resident', false);
      const descOf = card(rp, 'my-wishes', open1.id).locator('[data-testid="wish-card-description"]');
      await (await visible(descOf)).scrollIntoViewIfNeeded();
      const desc = await box(descOf);
      await rp.mouse.click(desc.x + desc.width / 2, desc.y + desc.height / 2);
      await routeIs(rp, new RegExp(`^/wishes/${open1.id}$`));
      await visible(byId(rp, 'wish-detail'));
    });

    await t.test('4. a step back is outlined and first, the main action strong and last, and it asks first', async () => {
      const order = (page) => page.locator('.actions > .row > button').evaluateAll((els) => els.map((e) => e.dataset.testid));
      const bg = (l) => l.evaluate((el) => getComputedStyle(el).backgroundColor);
      await openIn(mp, `/wishes/${claimed.id}`, false);
      await visible(byId(mp, 'action-fulfil'));
      const m = await order(mp);
      assert.ok(m.indexOf('action-release') < m.indexOf('action-fulfil'), `member order ${m}`);
      assert.equal(m.at(-1), 'action-fulfil');
      assert.equal(await bg(byId(mp, 'action-release')), 'rgb(255, 255, 255)');
      assert.equal(await bg(byId(mp, 'action-fulfil')), 'rgb(200, 16, 46)');
      await byId(mp, 'action-release').click();
      await visible(byId(mp, 'step-back-warning'));
      assert.equal((await byId(mp, 'action-submit').innerText()).trim(), '确认提交');
      await byId(mp, 'action-close').click();
      await gone(byId(mp, 'step-back-warning'));
      assert.equal((await apiWish(server, world.member, claimed.id)).status, 'claimed');

      await openIn(rp, `/wishes/${fulfilled.id}`, false);
      await visible(byId(rp, 'action-confirm'));
      const r = await order(rp);
      assert.ok(r.indexOf('action-dispute') < r.indexOf('action-confirm'), `resident order ${r}`);
      assert.equal(r.at(-1), 'action-confirm');
      assert.equal(await bg(byId(rp, 'action-dispute')), 'rgb(255, 255, 255)');
      await byId(rp, 'action-dispute').click();
      await visible(byId(rp, 'step-back-warning'));
      await byId(rp, 'action-close').click();
    });

    await t.test('5. the star message goes once a star is chosen', async () => {
      await openIn(rp, `/wishes/${fulfilled.id}`, false);
      await (await visible(byId(rp, 'action-confirm'))).click();
      await byId(rp, 'action-submit').click();
      assert.match(await (await visible(byId(rp, 'action-error'))).innerText(), /请选择 1 到 5 星/);
      await byId(rp, 'rating-star-5').click();
      await gone(byId(rp, 'action-error'));
      assert.equal((await apiWish(server, resident, fulfilled.id)).status, 'fulfilled');
    });

    await t.test('6. the dispatcher: queue first, cards to read, compact tappable counts, no double listing, approval asks', async () => {
      await openIn(dp, '/dispatcher', false);
      const first = await box(dp.locator('[data-testid="review-queue"] [data-testid="wish-card"]').first());
      assert.ok(first.y + first.height <= 740, `first queue card ends at ${first.y + first.height}px`);
      const queued = card(dp, 'review-queue', toApprove.id);
      assert.match(await queued.locator('[data-testid="wish-card-description"]').innerText(), /纸箱/);
      assert.equal(await queued.locator('[data-testid="wish-card-place"]').innerText(), '第一网格');
      // The counts: one row, short.
      const counts = await visible(byId(dp, 'status-counts'));
      const tops = await counts.locator('button').evaluateAll((els) => [...new Set(els.map((e) => e.offsetTop))]);
      assert.equal(tops.length, 1, 'one row of counts');
      assert.ok((await counts.boundingBox()).height <= 64);
      // Pending wishes are in the queue only.
      await visible(card(dp, 'community-wishes', claimed.id));
      assert.equal(await card(dp, 'community-wishes', pending.id).count(), 0);
      // A count filters the list.
      await byId(dp, 'count-filter-open').click();
      await gone(card(dp, 'community-wishes', claimed.id));
      await visible(card(dp, 'community-wishes', open1.id));
      await byId(dp, 'count-filter-open').click();
      await visible(card(dp, 'community-wishes', claimed.id));
      // 审核通过 asks, then says clearly what happened.
      await queued.locator('[data-testid="approve-button"]').click();
      await visible(queued.locator('[data-testid="approve-confirm"]'));
      assert.equal((await apiWish(server, world.dispatcher, toApprove.id)).status, 'pending_review');
      await queued.locator('[data-testid="approve-cancel"]').click();
      await gone(queued.locator('[data-testid="approve-confirm"]'));
      await queued.locator('[data-testid="approve-button"]').click();
      await queued.locator('[data-testid="approve-confirm"]').click();
      assert.match(await (await visible(byId(dp, 'toast'))).innerText(), /已通过审核.*心愿池/);
      await gone(card(dp, 'review-queue', toApprove.id));
      assert.equal((await apiWish(server, world.dispatcher, toApprove.id)).status, 'open');
    });

    await t.test('7. pool cards say what, where and by when, without repeating 待认领', async () => {
      await openIn(mp, '/member', false);
      const c = await visible(card(mp, 'pool', open1.id));
      assert.match(await c.locator('[data-testid="wish-card-description"]').innerText(), /四年级/);
      assert.equal(await c.locator('[data-testid="wish-card-place"]').innerText(), '第一网格');
      assert.match(await c.locator('[data-testid="wish-card-expected"]').innerText(), /期望完成/);
      const badge = await c.locator('[data-testid="wish-status"]').boundingBox();
      assert.ok(badge.width <= 1 && badge.height <= 1, 'the 待认领 badge is not drawn');
    });

    await t.test('8. the inbox: opening a wish reads its notices; read and unread differ; 已完成 means confirmed', async () => {
      const unreadOf = async (wishId) => {
        const list = await apiOk(server, 200, 'GET', '/api/v1/notifications?limit=100', { token: resident.token });
        return list.items.filter((n) => n.wish_id === wishId && !n.read_at).length;
      };
      // The audit opened every wish page already: their notices are read. A new notice arrives…
      await apiAction(server, world.member, open2.id, 'claim');
      await eventually('the claim notice', async () => (await unreadOf(open2.id)) > 0);
      await openIn(rp, '/inbox', false);
      const unread = rp.locator('[data-testid="notification-item"][data-read="false"]').first();
      const read = rp.locator('[data-testid="notification-item"][data-read="true"]').first();
      await visible(unread);
      await visible(read);
      const look = (l) => l.evaluate((el) => `${getComputedStyle(el).backgroundColor} ${getComputedStyle(el.querySelector('button')).fontWeight}`);
      assert.notEqual(await look(unread), await look(read));
      const titles = await rp.locator('[data-testid="notification-item"]').allInnerTexts();
      const fulfilNotice = titles.find((x) => x.includes('陪同去医院复查') && x.includes('确认'));
      assert.ok(fulfilNotice && !fulfilNotice.includes('已完成'), `the fulfil notice: ${fulfilNotice}`);
      // …and opening its wish marks it read, and the badge follows.
      const before = Number(await (await visible(byId(rp, 'unread-badge'))).innerText());
      await openIn(rp, `/wishes/${open2.id}`, false);
      await eventually('the wish notices read', async () => (await unreadOf(open2.id)) === 0);
      await eventually('the badge to drop', async () =>
        (await byId(rp, 'unread-badge').count()) === 0 || Number(await byId(rp, 'unread-badge').innerText()) < before,
      );
    });

    await t.test('9. 我的网格 starts on the home, explains a disabled button, shows no raw codes', async () => {
      await openIn(rp, '/resident/grid', false);
      await eventually('the picker on the home grid', async () => (await byId(rp, 'pick-grid').inputValue()) === grid.id);
      assert.equal(await byId(rp, 'home-save').isDisabled(), false);
      assert.equal(await byId(rp, 'home-save-hint').isVisible(), false, 'no reason shown for an enabled button');
      for (const path of ['/resident/grid', '/resident', '/resident/new', `/wishes/${claimed.id}`]) {
        await openIn(rp, path, false);
        const text = await rp.locator('body').innerText();
        assert.doesNotMatch(text, /\d{12,}/, `a raw code on ${path}`);
      }
      const hp = await open('homeless');
      await uiLogin(hp, homeless.phone);
      await openIn(hp, '/resident/grid', false);
      // The tree holds the work orders' street too, so the picker may start above the grids.
      await visible(hp.locator('select[data-testid^="pick-"]'));
      assert.equal(await byId(hp, 'home-save').isDisabled(), true);
      assert.match(await (await visible(byId(hp, 'home-save-hint'))).innerText(), /网格/);
      await hp.context().close();
    });

    await t.test('10. forgotten password, show password, a word after cleared data, an unknown wish, toasts, the claimant', async () => {
      // Show the password.
      await openIn(anon, '/login', false);
      await byId(anon, 'login-password').fill('secret-1');
      await byId(anon, 'login-password-toggle').click();
      assert.equal(await byId(anon, 'login-password').getAttribute('type'), 'text');
      await byId(anon, 'login-password-toggle').click();
      assert.equal(await byId(anon, 'login-password').getAttribute('type'), 'password');
      // 忘记密码: a code from the dispatcher sets a new password.
      await byId(anon, 'forgot-password').click();
      await (await visible(byId(anon, 'reset-phone'))).fill(forgetful.phone);
      await byId(anon, 'reset-code').fill('00000000');
      await byId(anon, 'reset-password').fill('new-password-456');
      await byId(anon, 'reset-submit').click();
      assert.match(await (await visible(byId(anon, 'reset-error'))).innerText(), /重置码不正确/);
      const issued = await apiOk(server, 201, 'POST', `/api/v1/users/${forgetful.id}/reset-codes`, { token: world.dispatcher.token });
      await byId(anon, 'reset-code').fill(issued.code);
      await byId(anon, 'reset-submit').click();
      assert.match(await (await visible(byId(anon, 'toast'))).innerText(), /密码已重设/);
      await apiLogin(server, forgetful.phone, 'new-password-456');

      // The claimant: the resident is told how to reach them.
      await openIn(rp, `/wishes/${claimed.id}`, false);
      assert.match(await (await visible(byId(rp, 'reach-claimant'))).innerText(), /社区工作人员/);

      // An unknown wish: a heading and a way back.
      await openIn(rp, '/wishes/987654321', false);
      assert.equal((await (await visible(byId(rp, 'wish-missing'))).locator('h1').innerText()).trim(), '找不到这个心愿');
      await byId(rp, 'wish-missing-home').click();
      await routeIs(rp, /^\/resident$/);

      // A toast stays on its page.
      await openIn(mp, '/member', false);
      await card(mp, 'pool', toApprove.id).locator('[data-testid="claim-button"]').click();
      await visible(byId(mp, 'toast'));
      await byId(mp, 'nav-claims').click();
      await routeIs(mp, /^\/member\/claims$/);
      await gone(byId(mp, 'toast'), 1_000);

      // Local data cleared: the login page says why it is there.
      await openIn(rp, '/resident', false);
      await rp.evaluate(() => localStorage.clear());
      await rp.reload();
      await routeIs(rp, /^\/login$/);
      assert.match(await (await visible(byId(rp, 'toast'))).innerText(), /请先登录/);
    });

    await t.test('大字模式: a remembered switch, large text and buttons, and a plain resident home', async () => {
      await openIn(anon, '/login', false);
      await byId(anon, 'big-mode').click();
      assert.equal(await anon.evaluate(() => document.documentElement.classList.contains('big')), true);
      await anon.reload();
      await settle(anon);
      assert.equal(await anon.evaluate(() => document.documentElement.classList.contains('big')), true);
      assert.equal(await byId(anon, 'big-mode').getAttribute('aria-pressed'), 'true');
      await byId(anon, 'big-mode').click();
      assert.equal(await anon.evaluate(() => document.documentElement.classList.contains('big')), false);

      await uiLogin(rp, resident.phone);
      await openIn(rp, '/resident', true);
      assert.ok(parseFloat(await rp.evaluate(() => getComputedStyle(document.body).fontSize)) >= 18);
      for (const id of ['home-new-wish', 'home-my-wishes']) {
        const b = await box(byId(rp, id));
        assert.ok(b.height >= 60 && b.width >= 300, `${id} ${b.width}×${b.height}: one large action per row`);
      }
      const words = (id) => card(rp, 'my-wishes', id).locator('[data-testid="status-words"]').innerText();
      await visible(card(rp, 'my-wishes', claimed.id));
      assert.equal(await words(claimed.id), '党员已接单，正在办理');
      assert.equal(await words(pending.id), '已提交，社区正在审核');
      assert.equal(await words(fulfilled.id), '党员已办完，请您确认并评价');
      const xs = await rp.locator('[data-testid="my-wishes"] [data-testid="wish-card"]').evaluateAll((els) => [...new Set(els.map((e) => e.getBoundingClientRect().x))]);
      assert.equal(xs.length, 1, 'one column');
      await byId(rp, 'home-new-wish').click();
      await routeIs(rp, /^\/resident\/new$/);
      await rp.evaluate(() => localStorage.removeItem('haolin.big'));
    });
  });
});
