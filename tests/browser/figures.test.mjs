// Figures for leaders (issue #16, its pictures) through the figures bundle: a street officer
// reaches the figures from the street page, sees the street's totals, charts and table with the
// numbers the API gives for the same query, picks a community below and sees its figures and its
// members' workload; a member opens their own figures (我的服务统计) from the pool.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import test from 'node:test';

import {
  PASSWORD,
  apiAction,
  apiLogin,
  apiOk,
  apiPostWish,
  byId,
  eventually,
  nextPhone,
  routeIs,
  screenshot,
  setupStreet,
  uiLogin,
  visible,
  WAIT,
  withApp,
} from './harness.mjs';

/** The cells of an XLSX file's first sheet, row by row, read with Python's standard library
 *  (the shared strings resolved; numbers as written). */
function xlsxRows(path) {
  const script = `
import json, sys, zipfile, xml.etree.ElementTree as ET
ns = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
z = zipfile.ZipFile(sys.argv[1])
shared = []
if 'xl/sharedStrings.xml' in z.namelist():
    for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall('m:si', ns):
        shared.append(''.join(t.text or '' for t in si.iter('{%s}t' % ns['m'])))
rows = []
for row in ET.fromstring(z.read('xl/worksheets/sheet1.xml')).iter('{%s}row' % ns['m']):
    cells = []
    for c in row.findall('m:c', ns):
        v = c.find('m:v', ns)
        t = c.get('t')
        if t == 's':
            cells.append(shared[int(v.text)])
        elif t == 'inlineStr':
            cells.append(''.join(x.text or '' for x in c.iter('{%s}t' % ns['m'])))
        else:
            cells.append(v.text if v is not None else '')
    rows.append(cells)
print(json.dumps(rows, ensure_ascii=False))
`;
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }));
}

/** The text of the table cell `key` in the row of `month` (`total` for the total row). */
async function cell(page, table, month, key) {
  const row = page.locator(`[data-testid="${table}"] tr[data-month="${month}"]`);
  return (await row.locator(`td[data-key="${key}"]`).innerText()).trim();
}

/** Checks that the page's table, totals and wish chart say what the API's `figures` body says. */
async function assertShows(page, figures) {
  for (const row of [...figures.months, figures.total]) {
    for (const key of ['posted', 'claimed', 'confirmed', 'checkins']) {
      assert.equal(await cell(page, 'fig-table', row.month, key), String(row[key]), `${row.month} ${key}`);
    }
  }
  for (const key of ['posted', 'claimed', 'confirmed', 'checkins']) {
    assert.equal((await byId(page, `fig-total-${key}`).innerText()).trim(), String(figures.total[key]), `total ${key}`);
  }
  // One bar per month and series in the wish chart, each with the month's number.
  const chart = byId(page, 'fig-chart-wishes');
  for (const series of ['posted', 'claimed', 'confirmed']) {
    const bars = chart.locator(`rect[data-series="${series}"]`);
    assert.equal(await bars.count(), figures.months.length, `${series} bars`);
    for (const row of figures.months) {
      const value = await chart.locator(`rect[data-series="${series}"][data-month="${row.month}"]`).getAttribute('data-value');
      assert.equal(value, String(row[series]), `${series} bar of ${row.month}`);
    }
  }
}

test('a street officer reads the street\'s figures and a community\'s; a member reads their own', { timeout: 180_000 }, async () => {
  await withApp('figures', async ({ server, open }) => {
    const world = await setupStreet(server);
    const member = await (async () => {
      const phone = nextPhone();
      await apiOk(server, 201, 'POST', '/api/v1/admin/users', {
        token: world.admin.token,
        body: { phone, password: PASSWORD, name: '李党员', roles: ['member'], community_ids: [world.community.id] },
      });
      return apiLogin(server, phone);
    })();
    // Three wishes this month: one confirmed with five stars, one taken, one waiting for review.
    const where = { communityId: world.community.id };
    const done = await apiPostWish(server, where, world.resident, '帮忙买菜');
    await apiAction(server, world.dispatcher, done.id, 'approve');
    await apiAction(server, member, done.id, 'claim');
    await apiAction(server, member, done.id, 'fulfil', { note: '已经买好送到家门口' });
    await apiAction(server, world.resident, done.id, 'confirm', { rating: 5 });
    const taken = await apiPostWish(server, where, world.resident, '修理水龙头');
    await apiAction(server, world.dispatcher, taken.id, 'approve');
    await apiAction(server, member, taken.id, 'claim');
    await apiPostWish(server, where, world.resident, '陪同看病');

    const streetFigures = await apiOk(server, 200, 'GET', '/api/v1/figures', { token: world.officer.token });
    assert.equal(streetFigures.place.id, world.street.id);
    assert.equal(streetFigures.total.posted, 3);
    assert.equal(streetFigures.months.length, 12);

    // The street officer: from the street page to the figures (another bundle).
    const sp = await open('street-officer');
    await uiLogin(sp, world.officer.phone);
    await routeIs(sp, /^\/street$/);
    await (await visible(byId(sp, 'goto-figures'))).click();
    await routeIs(sp, /^\/figures$/);
    assert.equal((await (await visible(byId(sp, 'fig-place'))).innerText()).trim(), '荷泉街道');
    await visible(byId(sp, 'fig-table'));
    assert.match(await sp.locator('[data-testid="fig-table"] caption').innerText(), /荷泉街道/);
    assert.equal(await sp.locator('[data-testid="fig-table"] thead th[scope="col"]').count(), 12);
    assert.equal(await sp.locator('[data-testid="fig-table"] tbody th[scope="row"]').count(), 12);
    assert.equal(await sp.locator('[data-testid="fig-chart-wishes"] [aria-hidden="true"] svg').count(), 1);
    await assertShows(sp, streetFigures);
    assert.equal((await byId(sp, 'fig-total-rating').innerText()).trim(), '5');
    // The workload: one member took both wishes.
    await visible(byId(sp, 'fig-workload'));
    assert.match(await byId(sp, 'fig-distribution').innerText(), /共 1 名党员接单 2 次，1 名党员承担了一半的接单/);
    const rows = sp.locator('[data-testid="fig-member"]');
    assert.equal(await rows.count(), 1);
    assert.equal((await rows.first().locator('th').innerText()).trim(), '李党员');
    assert.equal((await rows.first().locator('td[data-key="claimed"]').innerText()).trim(), '2');
    await screenshot(sp, 'figures-street');

    // The street's figures as an Excel file: the download button asks for a one-time link and the
    // browser saves what the server answers. Its rows are the table's: the months, then 合计.
    const [download] = await Promise.all([
      sp.waitForEvent('download', { timeout: WAIT }),
      byId(sp, 'download-figures-xlsx').click(),
    ]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    const saved = await download.path();
    const rowsOfFile = xlsxRows(saved);
    assert.equal(rowsOfFile[0][0], '月份');
    assert.equal(rowsOfFile[0][1], '发布');
    assert.equal(rowsOfFile.length, 1 + streetFigures.months.length + 1);
    const totalRow = rowsOfFile[rowsOfFile.length - 1];
    assert.equal(totalRow[0], '合计');
    assert.equal(Number(totalRow[1]), streetFigures.total.posted);
    assert.equal(Number(totalRow[rowsOfFile[0].indexOf('认领')]), streetFigures.total.claimed);
    // The workload's CSV from its own button: UTF-8 with a byte-order mark, the member on it.
    const [csv] = await Promise.all([
      sp.waitForEvent('download', { timeout: WAIT }),
      byId(sp, 'download-workload-csv').click(),
    ]);
    const csvText = readFileSync(await csv.path(), 'utf8');
    assert.equal(csvText.charCodeAt(0), 0xfeff);
    assert.match(csvText, /李党员/);

    // A community below the street: its own figures (the same numbers here, all filed there).
    await byId(sp, 'fig-below').selectOption({ label: '和平社区' });
    await eventually('the community shown', async () => (await byId(sp, 'fig-place').innerText()).trim() === '和平社区');
    const communityFigures = await apiOk(server, 200, 'GET', `/api/v1/figures?place=${world.community.id}`, { token: world.officer.token });
    await visible(byId(sp, 'fig-table'));
    await assertShows(sp, communityFigures);
    // Back up the trail to the street, then a narrower range: this month alone.
    await byId(sp, 'fig-up').first().click();
    await eventually('the street again', async () => (await byId(sp, 'fig-place').innerText()).trim() === '荷泉街道');
    const month = streetFigures.to.slice(0, 7);
    await byId(sp, 'fig-from').fill(month);
    await byId(sp, 'fig-to').fill(month);
    await byId(sp, 'fig-apply').click();
    await eventually('one month', async () => (await sp.locator('[data-testid="fig-table"] tbody tr').count()) === 1);
    assert.equal(await cell(sp, 'fig-table', month, 'posted'), '3');
    // A range out of order is refused on the page.
    await byId(sp, 'fig-from').fill(`${Number(month.slice(0, 4)) + 1}${month.slice(4)}`);
    await byId(sp, 'fig-apply').click();
    assert.equal((await (await visible(byId(sp, 'fig-error'))).innerText()).trim(), '起始月份不能晚于截止月份');

    // The member: from the pool to their own figures.
    const mp = await open('member');
    await uiLogin(mp, member.phone);
    await routeIs(mp, /^\/member$/);
    await (await visible(byId(mp, 'goto-my-figures'))).click();
    await routeIs(mp, /^\/figures\/me$/);
    const mine = await apiOk(server, 200, 'GET', '/api/v1/me/workload', { token: member.token });
    assert.equal(mine.total.claimed, 2);
    assert.equal((await (await visible(byId(mp, 'fig-total-claimed'))).innerText()).trim(), '2');
    assert.equal((await byId(mp, 'fig-total-confirmed').innerText()).trim(), String(mine.total.confirmed));
    for (const row of mine.months) {
      assert.equal(await cell(mp, 'fig-table', row.month, 'claimed'), String(row.load.claimed), row.month);
    }
    assert.equal(await mp.locator('[data-testid="fig-chart-claimed"] rect').count(), mine.months.length);
    await screenshot(mp, 'figures-mine');
    // A member may not read a place's figures: the page says why.
    await mp.goto('/figures');
    await visible(byId(mp, 'fig-error'));
  });
});
