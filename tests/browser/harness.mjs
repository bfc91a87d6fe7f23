// Harness of the browser tests: the real `haolin` binary on a fresh SQLite file, people set up
// through the HTTP API (shared/API.md), and headless Debian Chromium driven by playwright-core.
//
// Tests touch the web app only through the test ids, routes and attributes of
// docs/WEB-TEST-IDS.md. Nothing here skips: a missing Chromium, binary or web build fails loudly.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

/** The repository's root folder. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where the screenshots of a run go (git-ignored). */
export const SCREENSHOT_DIR = join(REPO, 'test-artifacts', 'screenshots');
/** Where the pages of a failed test are captured (git-ignored). */
export const FAILURE_DIR = join(REPO, 'test-artifacts', 'browser-failures');

export const CHROMIUM = process.env.HAOLIN_CHROMIUM || '/usr/bin/chromium';
export const ADMIN_PHONE = '13900000000';
export const ADMIN_PASSWORD = 'admin-password-1';
/** The password of every account the tests create. */
export const PASSWORD = 'password-123';
/** A category from the default list (shared/src/domain/category.rs). */
export const CATEGORY = '生活帮扶';
/** The message a member who lost a claim race sees (docs/WEB-TEST-IDS.md). */
export const LOST_RACE_TEXT = '已被他人认领';

/** The longest any single wait may take: generous but bounded. */
export const WAIT = 15_000;
/** How long the server may take to print its `listening` line. */
const STARTUP_TIMEOUT = 30_000;
const JWT_SECRET = 'haolin-browser-test-secret-0123456789abcdef0123456789';

/** The viewport of a small phone: every page is driven and photographed at this size. */
export const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };

const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// ---------------------------------------------------------------------------------------------
// Preconditions

/** Throws with a clear message unless the binary, the built web app and Chromium are all there. */
export function checkPreconditions() {
  const problems = [];
  if (!existsSync(serverBinary())) {
    problems.push(`server binary ${serverBinary()} is missing: run \`cargo build -p haolin-server\``);
  }
  const dist = webDir();
  const built = existsSync(join(dist, 'index.html')) && readdirSync(dist).some((f) => f.endsWith('.wasm'));
  if (!built) {
    problems.push(`the web app is not built in ${dist} (no index.html + .wasm): run scripts/build-web.sh`);
  }
  if (!existsSync(CHROMIUM)) {
    problems.push(`Chromium is missing at ${CHROMIUM}: run scripts/setup.sh --services (or scripts/services.sh)`);
  }
  if (problems.length) {
    throw new Error(`browser tests cannot run:\n  - ${problems.join('\n  - ')}`);
  }
}

function serverBinary() {
  return process.env.HAOLIN_BIN ? resolve(process.env.HAOLIN_BIN) : join(REPO, 'target', 'debug', 'haolin');
}

/** The built web app: web/dist, or `HAOLIN_WEB_DIR` (e.g. a build made elsewhere). */
function webDir() {
  return process.env.HAOLIN_WEB_DIR ? resolve(process.env.HAOLIN_WEB_DIR) : join(REPO, 'web', 'dist');
}

// ---------------------------------------------------------------------------------------------
// The server

/**
 * Starts the real server on a free port with a fresh SQLite database in a temporary folder.
 * Resolves once it prints `haolin listening on http://…`; `stop()` ends it and removes the folder.
 */
export async function startServer() {
  checkPreconditions();
  const dir = mkdtempSync(join(tmpdir(), 'haolin-browser-'));
  const child = spawn(serverBinary(), ['serve'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? dir,
      RUST_BACKTRACE: '1',
      DATABASE_URL: `sqlite:${join(dir, 'h.db')}`,
      HAOLIN_DATA_DIR: dir,
      HAOLIN_BIND: '127.0.0.1:0',
      HAOLIN_WEB_DIR: webDir(),
      HAOLIN_JWT_SECRET: JWT_SECRET,
      HAOLIN_ADMIN_PHONE: ADMIN_PHONE,
      HAOLIN_ADMIN_PASSWORD: ADMIN_PASSWORD,
      HAOLIN_DEMO: '0',
      // RUST_LOG=info,haolin::access=debug shows every request in a failure's server log tail.
      ...(process.env.RUST_LOG ? { RUST_LOG: process.env.RUST_LOG } : {}),
    },
  });

  // Keep the end of stderr for failure reports.
  const stderrTail = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 200) stderrTail.shift();
  });
  const exited = new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })));

  const url = await new Promise((res, rej) => {
    const timer = setTimeout(() => {
      rej(new Error(`server printed no "haolin listening on" line within ${STARTUP_TIMEOUT} ms\n${stderrTail.join('\n')}`));
    }, STARTUP_TIMEOUT);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = line.match(/haolin listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        res(m[1].replace(/\/$/, ''));
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      rej(new Error(`server exited early (code ${code}, signal ${signal})\n${stderrTail.join('\n')}`));
    });
  }).catch((err) => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });

  let stopped = false;
  return {
    url,
    dir,
    /** The last lines the server logged, for failure reports. */
    logTail: () => stderrTail.slice(-60).join('\n'),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The HTTP API, to set up people and data and to check outcomes

/** Calls the API; returns `{status, body}` (body parsed as JSON when it is JSON). */
export async function api(server, method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const resp = await fetch(server.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await resp.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: resp.status, body: json, text };
}

/** Like `api`, but throws unless the status is `expected`; returns the body. */
export async function apiOk(server, expected, method, path, opts) {
  const r = await api(server, method, path, opts);
  if (r.status !== expected) {
    throw new Error(`${method} ${path}: expected HTTP ${expected}, got ${r.status}: ${r.text}`);
  }
  return r.body;
}

let phoneCounter = 0;
/** A fresh mainland mobile number (11 digits, 1[3-9]…), unique within this process. */
export function nextPhone() {
  phoneCounter += 1;
  const tail = String((process.pid * 1000 + phoneCounter) % 100_000_000).padStart(8, '0');
  return `137${tail}`;
}

/** Logs in through the API; returns `{id, token, phone, name}`. */
export async function apiLogin(server, phone, password = PASSWORD) {
  const body = await apiOk(server, 200, 'POST', '/api/v1/auth/login', { body: { phone, password } });
  return { id: body.user.id, token: body.access_token, phone, name: body.user.name };
}

/** Registers a resident through the API; returns `{id, token, phone, name, password}`. */
export async function apiRegister(server, name) {
  const phone = nextPhone();
  const body = await apiOk(server, 201, 'POST', '/api/v1/auth/register', { body: { phone, password: PASSWORD, name } });
  return { id: body.user.id, token: body.access_token, phone, name, password: PASSWORD };
}

/**
 * A community with a dispatcher and two members, made by the admin through the API.
 * Each person: `{id, token, phone, name, password}`.
 */
export async function setupWorld(server) {
  const admin = await apiLogin(server, ADMIN_PHONE, ADMIN_PASSWORD);
  const code = `HL${Date.now()}${Math.floor(Math.random() * 1000)}`.slice(0, 20);
  const community = await apiOk(server, 201, 'POST', '/api/v1/admin/communities', {
    token: admin.token,
    body: { name: '和平社区', code },
  });
  const person = async (name, role) => {
    const phone = nextPhone();
    await apiOk(server, 201, 'POST', '/api/v1/admin/users', {
      token: admin.token,
      body: { phone, password: PASSWORD, name, roles: [role], community_ids: [community.id] },
    });
    return { ...(await apiLogin(server, phone)), password: PASSWORD };
  };
  return {
    admin,
    communityId: community.id,
    dispatcher: await person('王派单', 'dispatcher'),
    member: await person('李党员', 'member'),
    member2: await person('张党员', 'member'),
  };
}

/**
 * A street for work orders, made by the admin through the API: a district (code 520201) → a street
 * → a community with two grids; its dispatcher, street officer and grid worker of the first grid
 * (`grid`), a resident registered there, and two departments (the district's lead candidate and
 * the street's co-handler), each with one person on its staff. Each person: `{id, token, phone,
 * name, password}`; places and departments are the API's bodies.
 */
export async function setupStreet(server) {
  const admin = await apiLogin(server, ADMIN_PHONE, ADMIN_PASSWORD);
  const place = (body) => apiOk(server, 201, 'POST', '/api/v1/admin/places', { token: admin.token, body });
  const district = await place({ level: 'district', name: '钟山区', code: '520201' });
  const street = await place({ level: 'street', name: '荷泉街道', parent_id: district.id });
  const community = await place({ level: 'community', name: '和平社区', parent_id: street.id });
  const grid = await place({ level: 'grid', name: '第一网格', parent_id: community.id, kind: 'comprehensive' });
  const grid2 = await place({ level: 'grid', name: '第二网格', parent_id: community.id, kind: 'comprehensive' });
  const person = async (name, roles, communityIds = []) => {
    const phone = nextPhone();
    const user = await apiOk(server, 201, 'POST', '/api/v1/admin/users', {
      token: admin.token,
      body: { phone, password: PASSWORD, name, roles, community_ids: communityIds },
    });
    return { id: user.id, phone, name, password: PASSWORD };
  };
  const grantAt = (user, role, at) =>
    apiOk(server, 200, 'POST', `/api/v1/admin/users/${user.id}/roles`, { token: admin.token, body: { role, place_id: at.id } });
  const dispatcher = await person('王派单', ['dispatcher'], [community.id]);
  const officer = await person('陈街道', ['street_officer']);
  await grantAt(officer, 'street_officer', street);
  const gridWorker = await person('刘网格', ['grid_worker'], [community.id]);
  await grantAt(gridWorker, 'grid_worker', grid);
  const department = async (name, at, staffName) => {
    const d = await apiOk(server, 201, 'POST', '/api/v1/admin/departments', { token: admin.token, body: { name, place_id: at.id } });
    const staff = await apiRegister(server, staffName);
    await apiOk(server, 204, 'POST', `/api/v1/admin/departments/${d.id}/staff`, { token: admin.token, body: { user_id: staff.id } });
    return { ...d, staff: { ...staff, ...(await apiLogin(server, staff.phone)) } };
  };
  const lead = await department('区城管局', district, '孙城管');
  const co = await department('荷泉街道水务站', street, '周水务');
  const resident = await apiRegister(server, '赵阿姨');
  await apiOk(server, 200, 'PUT', '/api/v1/me/home', { token: resident.token, body: { place_id: grid.id } });
  const login = async (p) => ({ ...p, ...(await apiLogin(server, p.phone)), password: PASSWORD });
  return {
    admin, district, street, community, grid, grid2, lead, co, resident,
    dispatcher: await login(dispatcher),
    officer: await login(officer),
    gridWorker: await login(gridWorker),
  };
}

/**
 * Reports a problem through the API as `reporter` in `grid` (`extra`: more fields, e.g. `photos`);
 * returns the order.
 */
export async function apiReport(server, reporter, grid, title, description = '三单元楼道堆满纸箱，存在消防隐患。', extra = {}) {
  const { items } = await apiOk(server, 200, 'GET', '/api/v1/work-orders/categories', { token: reporter.token });
  return apiOk(server, 201, 'POST', '/api/v1/work-orders', {
    token: reporter.token,
    body: { title, description, category: items[0], grid_id: grid.id, ...extra },
  });
}

/**
 * A JPEG of `width`×`height` drawn by `page`'s own canvas (a gradient and many coloured squares, so
 * it is not trivially small), as a Buffer.
 */
export async function makeJpeg(page, width, height) {
  const b64 = await page.evaluate(async ([w, h]) => {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const g = canvas.getContext('2d');
    const sky = g.createLinearGradient(0, 0, w, h);
    sky.addColorStop(0, '#c8102e');
    sky.addColorStop(1, '#0b5cad');
    g.fillStyle = sky;
    g.fillRect(0, 0, w, h);
    for (let i = 0; i < 3000; i += 1) {
      g.fillStyle = `hsl(${(i * 37) % 360}, 70%, ${30 + (i % 40)}%)`;
      g.fillRect((i * 7919) % w, (i * 104_729) % h, 20 + (i % 60), 20 + (i % 45));
    }
    const blob = await new Promise((done) => canvas.toBlob(done, 'image/jpeg', 0.95));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(text);
  }, [width, height]);
  return Buffer.from(b64, 'base64');
}

/** Uploads the JPEG `bytes` through the API as `person` (`POST /api/v1/photos`); returns the photo. */
export async function apiUploadPhoto(server, person, bytes, name = 'photo.jpg') {
  const body = new FormData();
  body.append('file', new Blob([bytes], { type: 'image/jpeg' }), name);
  const resp = await fetch(`${server.url}/api/v1/photos`, {
    method: 'POST',
    headers: { authorization: `Bearer ${person.token}` },
    body,
  });
  const text = await resp.text();
  if (resp.status !== 201) throw new Error(`POST /api/v1/photos: expected HTTP 201, got ${resp.status}: ${text}`);
  return JSON.parse(text);
}

/** Runs an action on a work order through the API; returns the order. */
export async function apiOrderAction(server, actor, orderId, action, body = {}) {
  return apiOk(server, 200, 'POST', `/api/v1/work-orders/${orderId}/${action}`, { token: actor.token, body });
}

/** The work order as `actor` sees it. */
export async function apiOrder(server, actor, orderId) {
  return apiOk(server, 200, 'GET', `/api/v1/work-orders/${orderId}`, { token: actor.token });
}

/** The order card of `orderId` inside the list with test id `list`. */
export function orderCard(page, list, orderId) {
  return page.locator(`[data-testid="${list}"] [data-testid="order-card"][data-order-id="${orderId}"]`);
}

/** Posts a wish through the API as `resident`; returns the wish. */
export async function apiPostWish(server, world, resident, title, description = '家里水管漏水，需要帮忙找师傅看看。') {
  return apiOk(server, 201, 'POST', '/api/v1/wishes', {
    token: resident.token,
    body: { community_id: world.communityId, title, description, category: CATEGORY },
  });
}

/** Runs an action on a wish through the API; returns the wish. */
export async function apiAction(server, actor, wishId, action, body = {}) {
  return apiOk(server, 200, 'POST', `/api/v1/wishes/${wishId}/${action}`, { token: actor.token, body });
}

/** The wish as `actor` sees it. */
export async function apiWish(server, actor, wishId) {
  return apiOk(server, 200, 'GET', `/api/v1/wishes/${wishId}`, { token: actor.token });
}

/** How many wishes `resident` has posted (walks every page of `mine=true`). */
export async function apiCountMine(server, resident) {
  let count = 0;
  let cursor = null;
  do {
    const q = `/api/v1/wishes?mine=true&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await apiOk(server, 200, 'GET', q, { token: resident.token });
    count += page.items.length;
    cursor = page.next_cursor;
  } while (cursor);
  return count;
}

// ---------------------------------------------------------------------------------------------
// The browser

/** Launches headless Chromium (Playwright gives every launch a fresh temporary profile). */
export async function launchBrowser() {
  checkPreconditions();
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/**
 * A new browser context (its own storage, so its own login) with one page at 360×740.
 * Console errors and uncaught page errors are kept in `page.problems` for failure reports.
 */
export async function newPhonePage(browser, server, label) {
  const context = await browser.newContext({ ...PHONE, baseURL: server.url, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  page.setDefaultNavigationTimeout(WAIT);
  page.label = label;
  page.problems = [];
  page.on('pageerror', (err) => page.problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') page.problems.push(`console.error: ${msg.text()}`);
  });
  return page;
}

/** The element with this `data-testid`, optionally inside `within` (a locator or page). */
export function byId(within, id) {
  return within.locator(`[data-testid="${id}"]`);
}

/**
 * A list by its test id, or its `empty-list` placeholder (an empty list may show only the
 * placeholder, inside or instead of the list element).
 */
export function listOrEmpty(page, list) {
  return page.locator(`[data-testid="${list}"], [data-testid="empty-list"]`);
}

/** The wish card of `wishId` inside the list with test id `list`. */
export function card(page, list, wishId) {
  return page.locator(`[data-testid="${list}"] [data-testid="wish-card"][data-wish-id="${wishId}"]`);
}

/** Waits until `locator` (its first match) is visible. */
export async function visible(locator, timeout = WAIT) {
  await locator.first().waitFor({ state: 'visible', timeout });
  return locator.first();
}

/** Waits until nothing matches `locator` (or every match is hidden). */
export async function gone(locator, timeout = WAIT) {
  await locator.first().waitFor({ state: 'hidden', timeout });
}

/** Waits until the page's wish status badge (within `scope`) carries `data-status="status"`. */
export async function statusIs(scope, status, timeout = WAIT) {
  await visible(scope.locator(`[data-testid="wish-status"][data-status="${status}"]`), timeout);
}

/**
 * Waits for the route to match `re` (a pathname test). Polls the page's URL rather than waiting
 * for a navigation event: a route may be reached by a client-side route change or, between the
 * two bundles, by a full page load, and the wait must not depend on which.
 */
export async function routeIs(page, re, timeout = WAIT) {
  await eventually(`${page.label ?? 'page'} at a path matching ${re}`, async () => re.test(new URL(page.url()).pathname), timeout);
}

/**
 * Marks the current document, so `assertNoReload` can later prove that what appeared since came
 * live (no navigation that reloaded the page).
 */
export async function markDocument(page) {
  await page.evaluate(() => {
    window.__haolinNoReload = true;
  });
}

export async function assertNoReload(page) {
  const marked = await page.evaluate(() => window.__haolinNoReload === true);
  if (!marked) throw new Error(`${page.label}: the page was reloaded (its document marker is gone)`);
}

/** Polls `check` (async, returns truthy when done) until it holds, at most `timeout` ms. */
export async function eventually(what, check, timeout = WAIT) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---------------------------------------------------------------------------------------------
// Flows through the UI

/** Logs in through the login form and waits until the app leaves `/login`. */
export async function uiLogin(page, phone, password = PASSWORD) {
  await page.goto('/login');
  await (await visible(byId(page, 'login-phone'))).fill(phone);
  await byId(page, 'login-password').fill(password);
  await byId(page, 'login-submit').click();
  await routeIs(page, /^\/(?!login)/);
  await visible(byId(page, 'logout'));
}

/** Registers a resident through the register form (reached from the login page by its link). */
export async function uiRegister(page, phone, name, password = PASSWORD) {
  await page.goto('/login');
  await (await visible(byId(page, 'goto-register'))).click();
  await routeIs(page, /^\/register$/);
  await (await visible(byId(page, 'register-phone'))).fill(phone);
  await byId(page, 'register-name').fill(name);
  await byId(page, 'register-password').fill(password);
  await byId(page, 'register-submit').click();
  await routeIs(page, /^\/(?!register|login)/);
  await visible(byId(page, 'logout'));
}

/** Picks `CATEGORY` in the wish form's category `<select>`. */
export async function pickCategory(page) {
  const select = await visible(byId(page, 'wish-category'));
  await eventually(`the category ${CATEGORY} among the options of wish-category`, () =>
    select.evaluate((el, c) => [...el.options].some((o) => o.value === c || o.text.trim() === c), CATEGORY),
  );
  const value = await select.evaluate(
    (el, c) => [...el.options].find((o) => o.value === c || o.text.trim() === c).value,
    CATEGORY,
  );
  await select.selectOption(value);
}

/** Saves a screenshot of the page's viewport (360×740) as test-artifacts/screenshots/NAME.png. */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: false, animations: 'disabled' });
  return path;
}

/**
 * Runs `body` with a fresh server and browser and closes both afterwards. When `body` throws, the
 * open pages are photographed into test-artifacts/browser-failures/ and the error is extended with
 * each page's URL and console problems and the server's last log lines.
 */
export async function withApp(testName, body) {
  // Pictures of an earlier failure of this test would only mislead.
  if (existsSync(FAILURE_DIR)) {
    for (const f of readdirSync(FAILURE_DIR)) {
      if (f.startsWith(`${testName}-`)) rmSync(join(FAILURE_DIR, f), { force: true });
    }
  }
  const server = await startServer();
  let browser;
  const pages = [];
  try {
    browser = await launchBrowser();
    const open = async (label) => {
      const page = await newPhonePage(browser, server, label);
      pages.push(page);
      return page;
    };
    await body({ server, browser, open });
  } catch (err) {
    const notes = [];
    mkdirSync(FAILURE_DIR, { recursive: true });
    for (const page of pages) {
      const file = join(FAILURE_DIR, `${testName}-${page.label}.png`.replace(/[^\w.-]+/g, '_'));
      try {
        await page.screenshot({ path: file, timeout: 5_000 });
      } catch {
        /* the page may be gone */
      }
      notes.push(`[${page.label}] at ${page.url()} (screenshot ${file})\n${page.problems.slice(-10).join('\n')}`);
    }
    err.message += `\n\n--- pages ---\n${notes.join('\n')}\n--- server log (tail) ---\n${server.logTail()}`;
    throw err;
  } finally {
    if (browser) await browser.close().catch(() => {});
    await server.stop();
  }
}
