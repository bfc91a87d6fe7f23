// Property service ratings (issue #17, 红色物业) through the neighbourhood bundle at 360×740: a
// resident living in an estate opens /property, sees the estate, its company and the current
// period, taps five rows of stars (each a button with an aria-label, at least 44 px square), writes a
// comment, submits, and sees the rating saved (and the API has it); changing one star keeps one
// rating. The dispatcher reaches the results from the desk and sees the estate's line and the
// comment without the resident's name.

import assert from 'node:assert/strict';
import test from 'node:test';

import { apiOk, byId, eventually, routeIs, screenshot, setupStreet, uiLogin, visible, withApp } from './harness.mjs';

test('a resident rates the property service at 360×740 and the dispatcher sees the result', { timeout: 180_000 }, async () => {
  await withApp('property', async ({ server, open }) => {
    const world = await setupStreet(server);
    const admin = world.admin.token;
    const company = await apiOk(server, 201, 'POST', '/api/v1/admin/property/companies', { token: admin, body: { name: '黔城物业' } });
    const estate = await apiOk(server, 201, 'POST', '/api/v1/admin/property/estates', {
      token: admin,
      body: { name: '和平小区', company_id: company.id, place_ids: [world.grid.id] },
    });

    const rp = await open('resident');
    await uiLogin(rp, world.resident.phone);
    await rp.goto('/property');
    assert.equal((await (await visible(byId(rp, 'prop-estate'))).innerText()).trim(), '和平小区');
    assert.equal((await byId(rp, 'prop-company').innerText()).trim(), '黔城物业');
    const mine = await apiOk(server, 200, 'GET', '/api/v1/property/mine', { token: world.resident.token });
    assert.equal((await byId(rp, 'prop-period').innerText()).trim(), mine.period.key);
    assert.match(await byId(rp, 'prop-until').innerText(), new RegExp(mine.period.last_day));

    // Submitting without every duty rated is refused on the page.
    await byId(rp, 'prop-star-0-5').click();
    await byId(rp, 'prop-submit').click();
    assert.equal((await (await visible(byId(rp, 'prop-error'))).innerText()).trim(), '请为五项服务都打分');

    const chosen = [5, 4, 4, 3, 5];
    for (const [duty, n] of chosen.entries()) {
      const star = byId(rp, `prop-star-${duty}-${n}`);
      assert.match(await star.getAttribute('aria-label'), new RegExp(`${n}星$`));
      const box = await star.boundingBox();
      assert.ok(box.width >= 44 && box.height >= 44, `star ${duty}-${n} is ${box.width}×${box.height}`);
      await star.click();
      assert.equal(await star.getAttribute('aria-pressed'), 'true');
    }
    await byId(rp, 'prop-comment').fill('保修响应有点慢');
    await byId(rp, 'prop-submit').click();
    await visible(byId(rp, 'prop-saved'));
    assert.equal((await byId(rp, 'prop-notice').innerText()).trim(), '评价已保存');
    assert.equal((await byId(rp, 'prop-saved-comment').innerText()).trim(), '保修响应有点慢');
    const saved = await apiOk(server, 200, 'GET', `/api/v1/property/estates/${estate.id}/rating`, { token: world.resident.token });
    assert.deepEqual([saved.security, saved.cleaning, saved.greening, saved.orderly, saved.repair], chosen);
    const overflow = await rp.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, 'no horizontal scrolling at 360 px');
    await screenshot(rp, 'property-rate');

    // A change the same period replaces the rating, and the page opens on it after a reload.
    await byId(rp, 'prop-star-3-4').click();
    assert.equal((await byId(rp, 'prop-submit').innerText()).trim(), '修改评价');
    await byId(rp, 'prop-submit').click();
    await eventually('the change saved', async () => {
      const r = await apiOk(server, 200, 'GET', `/api/v1/property/estates/${estate.id}/rating`, { token: world.resident.token });
      return r.orderly === 4;
    });
    await rp.reload();
    await visible(byId(rp, 'prop-saved'));
    assert.equal(await byId(rp, 'prop-star-3-4').getAttribute('aria-pressed'), 'true');

    // The dispatcher: from the desk to the results (another bundle).
    const dp = await open('dispatcher');
    await uiLogin(dp, world.dispatcher.phone);
    await routeIs(dp, /^\/dispatcher$/);
    await (await visible(byId(dp, 'goto-property'))).click();
    await routeIs(dp, /^\/property\/results$/);
    const row = (await visible(byId(dp, 'prop-results'))).locator('[data-testid="prop-result-row"]');
    assert.equal(await row.count(), 1);
    assert.equal((await row.locator('th').innerText()).trim(), '和平小区');
    assert.equal((await row.locator('td[data-key="raters"]').innerText()).trim(), '1');
    // 5, 4, 4, 4, 5: every mark 4 or 5 stars.
    assert.equal((await row.locator('td[data-key="points"]').innerText()).trim(), '100');
    assert.equal((await row.locator('td[data-key="grade"]').innerText()).trim(), 'A');
    const comment = (await visible(byId(dp, 'prop-comments'))).locator('[data-testid="prop-comment-item"]');
    assert.match(await comment.innerText(), /保修响应有点慢/);
    assert.doesNotMatch(await byId(dp, 'prop-comments').innerText(), /赵阿姨/);
    await screenshot(dp, 'property-results');
  });
});
