/**
 * The events panel's webview in a real browser: the dev harness (webview/dev: the real
 * dist-equivalent bundle answered by the real panel session over a real store of 200,000 generated
 * rows, under the same CSP as the real panel; the million-row test uses its synthetic host), served from 127.0.0.1 and driven with playwright-core in Debian's
 * Chromium, through the harness in browser.ts (skipped, loudly, without playwright-core or Chromium).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { hostLog, renderedRows, ROOT, runFilter, statusText, useBrowserHarness, waitForStatus, waitRowsLoaded, type Page, type Win } from './browser';

const RESULTS = path.join(ROOT, 'test-results');

// ---- helpers -----------------------------------------------------------------------------------------

function countOf(status: string): number {
  const m = /^([\d,]+) of/.exec(status);
  assert.ok(m, `no count in "${status}"`);
  return Number(m[1].replace(/,/g, ''));
}

/** Clicks the k-th row that is fully in view (rows in the overscan sit under the header). */
async function clickVisibleRow(page: Page, k = 0, opts?: { button?: 'left' | 'right' }): Promise<number> {
  const g = await gridGeometry(page);
  const index = g.firstVisible + 1 + k;
  await page.locator(`ae-grid .row[data-index="${index}"]`).click(opts);
  return index;
}

async function gridGeometry(page: Page) {
  return page.evaluate(() => {
    const g = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-grid') as unknown as {
      geometry: { spacerHeight: number; scaled: boolean; contentTop: number; firstVisible: number };
      shadowRoot: ShadowRoot;
    };
    const vp = g.shadowRoot.querySelector<HTMLElement>('.viewport');
    const canvas = g.shadowRoot.querySelector<HTMLElement>('.canvas');
    return { ...g.geometry, scrollHeight: vp?.scrollHeight ?? 0, clientHeight: vp?.clientHeight ?? 0, canvasHeight: canvas?.offsetHeight ?? 0 };
  });
}

/** A live panel opens on the fetched filter, which matches none of the fake rows: show them all. */
async function showAll(page: Page): Promise<void> {
  await runFilter(page, '');
  await waitForStatus(page, /^200,000 of 200,000 events/);
  await waitRowsLoaded(page, (r) => r.every((x) => x.loaded));
}

// ---- suite -------------------------------------------------------------------------------------------

describe('webview: events panel in Chromium (dev harness)', function () {
  this.timeout(120_000);
  const { open } = useBrowserHarness();

  before(() => {
    mkdirSync(RESULTS, { recursive: true });
  });

  it('renders only the rows in view of 200,000', async () => {
    const { page, problems } = await open();
    assert.equal(await statusText(page).then(countOf), 200_000);
    const rows = await waitRowsLoaded(page, (r) => r.every((x) => x.loaded));
    // ~29 rows fit in the grid at this size; overscan adds a few on each side.
    assert.ok(rows.length >= 20 && rows.length <= 60, `rendered ${rows.length} rows`);
    assert.equal(rows[0].index, 0);
    const g = await gridGeometry(page);
    assert.equal(g.scaled, false);
    assert.equal(g.spacerHeight, 200_000 * 22);
    // Newest first: the first cell is a formatted UTC time.
    assert.match(rows[0].cells[0], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.deepEqual(problems, []);
  });

  it('scrolls to the end and reaches row 199,999', async () => {
    const { page } = await open();
    await waitRowsLoaded(page, (r) => r.every((x) => x.loaded));
    // Drag-like: jump the scrollbar to the bottom.
    await page.evaluate(() => {
      const vp = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-grid')?.shadowRoot?.querySelector<HTMLElement>('.viewport');
      if (vp) vp.scrollTop = vp.scrollHeight;
    });
    const rows = await waitRowsLoaded(page, (r) => r.some((x) => x.index === 199_999 && x.loaded));
    assert.ok(rows.length <= 60, `rendered ${rows.length} rows`);
    // Sorted by time, newest first: the last row is the oldest event.
    const last = rows.find((x) => x.index === 199_999);
    assert.equal(last?.cells[0], '2024-05-01 00:00:00');

    // Keyboard: Home, then End selects the last row and shows it.
    await clickVisibleRow(page);
    await page.keyboard.press('Home');
    await waitRowsLoaded(page, (r) => r[0].index === 0);
    await page.keyboard.press('End');
    await waitRowsLoaded(page, (r) => r.some((x) => x.index === 199_999 && x.loaded));
    const sel = await page.locator('ae-grid .row.selected').getAttribute('data-index');
    assert.equal(sel, '199999');
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.locator('ae-grid .row.selected').getAttribute('data-index'), '199998');
    await page.keyboard.press('PageUp');
    const afterPage = Number(await page.locator('ae-grid .row.selected').getAttribute('data-index'));
    assert.ok(afterPage < 199_998 - 10 && afterPage > 199_998 - 60, `PageUp went to ${afterPage}`);
  });

  it('scales the scrollbar past the height Chromium allows: 1,000,000 rows end to end', async () => {
    const { page, problems } = await open('&rows=1000000');
    assert.equal(countOf(await statusText(page)), 1_000_000);
    const g = await gridGeometry(page);
    assert.equal(g.scaled, true);
    assert.ok(g.spacerHeight <= 15_000_000, `spacer ${g.spacerHeight}`);
    assert.ok(g.canvasHeight <= 15_001_000, `canvas ${g.canvasHeight}`);
    await page.evaluate(() => {
      const vp = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-grid')?.shadowRoot?.querySelector<HTMLElement>('.viewport');
      if (vp) vp.scrollTop = (vp.scrollHeight - vp.clientHeight) / 2;
    });
    let rows = await waitRowsLoaded(page, (r) => r.every((x) => x.loaded) && r[0].index > 400_000);
    const mid = rows[Math.floor(rows.length / 2)].index;
    assert.ok(mid > 490_000 && mid < 510_000, `middle of the scrollbar shows row ${mid}`);
    await page.evaluate(() => {
      const vp = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-grid')?.shadowRoot?.querySelector<HTMLElement>('.viewport');
      if (vp) vp.scrollTop = vp.scrollHeight;
    });
    rows = await waitRowsLoaded(page, (r) => r.some((x) => x.index === 999_999 && x.loaded));
    assert.ok(rows.length <= 60);
    // Small steps stay smooth: one wheel notch moves a few rows, not thousands.
    const before = (await gridGeometry(page)).firstVisible;
    await page.evaluate(() => {
      const vp = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-grid')?.shadowRoot?.querySelector<HTMLElement>('.viewport');
      if (vp) vp.scrollTop -= 100;
    });
    await page.waitForTimeout(100);
    const moved = before - (await gridGeometry(page)).firstVisible;
    assert.ok(moved > 0 && moved < 20, `100 px of scrollbar moved ${moved} rows`);
    // The wheel moves content at its natural speed even though the scrollbar is scaled.
    const box = await page.locator('ae-grid').boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const top0 = (await gridGeometry(page)).contentTop;
    await page.mouse.wheel(0, -220);
    await page.waitForTimeout(150);
    const wheeled = top0 - (await gridGeometry(page)).contentTop;
    assert.ok(Math.abs(wheeled - 220) < 1, `a 220 px wheel moved ${wheeled} px of content`);
    // Keyboard selection reaches the very last row and shows it whole.
    await clickVisibleRow(page);
    await page.keyboard.press('End');
    await waitRowsLoaded(page, (r) => r.some((x) => x.index === 999_999 && x.loaded));
    assert.equal(await page.locator('ae-grid .row.selected').getAttribute('data-index'), '999999');
    assert.deepEqual(problems, []);
  });

  it('runs the filter on Enter and updates the count', async () => {
    const { page } = await open();
    await runFilter(page, 'action:DeleteBucket');
    const s = await waitForStatus(page, /^[\d,]+ of 200,000 events/);
    const n = countOf(await waitForStatus(page, /^(?!200,000 of)[\d,]+ of 200,000 events/));
    assert.ok(n > 0 && n < 200_000, `count ${n} (${s})`);
    const rows = await waitRowsLoaded(page, (r) => r.every((x) => x.loaded));
    assert.ok(rows.every((r) => r.cells[2] === 'DeleteBucket'), 'every row is a DeleteBucket');
    const log = await hostLog(page);
    const q = log.filter((m) => m.method === 'query').pop();
    assert.equal(q?.params.filter, 'action:DeleteBucket');
    assert.deepEqual(q?.params.sort, { field: 'time', dir: 'desc' });
    // The view is saved with the host (debounced) and the filter goes into the history.
    await page.waitForFunction(() => (window as unknown as Win).__fakeHost.log.some((m) => m.method === 'view/save' && m.params.filter === 'action:DeleteBucket'));
    const saved = (await hostLog(page)).filter((m) => m.method === 'view/save').pop();
    assert.deepEqual(saved?.params.history, ['action:DeleteBucket']);
    // ↑ in the empty bar brings it back.
    const input = page.locator('ae-filter-bar vscode-textfield input');
    await input.fill('');
    await input.press('ArrowUp');
    assert.equal(await input.inputValue(), 'action:DeleteBucket');
    // Escape clears and shows everything again.
    await input.press('Escape');
    assert.equal(await input.inputValue(), '');
    await waitForStatus(page, /^200,000 of 200,000 events/);
  });

  it('shows a bad filter’s message and highlights the offending token', async () => {
    const { page } = await open();
    await runFilter(page, 'region:eu-* ((actor:x OR action:Get*');
    await page.locator('ae-filter-bar .error').waitFor({ state: 'visible' });
    const message = await page.locator('ae-filter-bar .error .message').textContent();
    assert.match(message ?? '', /Missing "\)" for the "\("/);
    assert.equal(await page.locator('ae-filter-bar .query .before').textContent(), 'region:eu-* (');
    assert.equal(await page.locator('ae-filter-bar .query .bad').textContent(), '(');
    assert.equal(await page.locator('ae-filter-bar .query .after').textContent(), 'actor:x OR action:Get*');
    // The previous result stays on screen.
    assert.equal(countOf(await statusText(page)), 200_000);
    // Fixing it clears the error.
    await runFilter(page, 'region:eu-* (actor:x OR action:Get*)');
    await page.locator('ae-filter-bar .error').waitFor({ state: 'hidden' });
    await waitForStatus(page, /^(?!200,000 of)[\d,]+ of 200,000 events/);
  });

  it('adds a facet value to the filter on click, and excludes it on Alt+click', async () => {
    const { page } = await open();
    // By field: with two sources the panel's facets start with Source.
    const facet = (field: string) => page.locator(`ae-facets section[data-field="${field}"]`);
    const first = facet('action').locator('.value').first();
    const value = (await first.locator('.text').textContent())?.trim() ?? '';
    const count = Number(((await first.locator('.count').textContent()) ?? '').replace(/,/g, ''));
    await first.click();
    const input = page.locator('ae-filter-bar vscode-textfield input');
    assert.equal(await input.inputValue(), `action:"${value}"`);
    assert.equal(countOf(await waitForStatus(page, new RegExp(`^${count.toLocaleString('en-US')} of`))), count);
    // Alt+click on a region value: a negated term is appended.
    const region = facet('region').locator('.value').first();
    const rv = (await region.locator('.text').textContent())?.trim() ?? '';
    await region.click({ modifiers: ['Alt'] });
    assert.equal(await input.inputValue(), `action:"${value}" -region:"${rv}"`);
    await waitRowsLoaded(page, (r) => r.every((x) => x.loaded && x.cells[2] === value));
    // Values with quotes and backslashes are escaped the way the filter language reads them back.
    const actor = facet('actor').locator('.value', { hasText: 'svc "quoted' });
    assert.equal(await actor.count(), 1);
    await actor.first().click();
    assert.match(await input.inputValue(), /actor:"arn:aws:iam::123456789012:user\/svc \\"quoted\\\\name\\""$/);
    // The host parses it back to the exact value.
    await waitRowsLoaded(page, (r) => r.every((x) => x.loaded && x.cells[1] === 'svc "quoted\\name"'));
  });

  it('shows the selected event as a JSON tree, with copy path and filter on value', async () => {
    const { page } = await open();
    await waitRowsLoaded(page, (r) => r.every((x) => x.loaded));
    await page.locator('ae-grid .row').nth(2).click();
    await page.locator('ae-detail .tree').waitFor({ state: 'visible' });
    const lines = await page.locator('ae-detail .tree .line').count();
    assert.ok(lines > 15, `${lines} lines`);
    const keys = await page.evaluate(() =>
      Array.from(document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-detail')?.shadowRoot?.querySelectorAll('.key') ?? []).map((k) => k.textContent),
    );
    for (const k of ['eventVersion', 'userIdentity', 'sessionContext', 'sessionIssuer', 'userName', 'eventName', 'requestParameters']) {
      assert.ok(keys.includes(k), `key ${k} in the tree`);
    }
    // Copy path of a nested node.
    const node = page.locator('ae-detail .line[title="userIdentity.sessionContext.sessionIssuer.userName"]');
    await node.hover();
    await page.locator('ae-detail .line-actions button[aria-label="Copy path"]').click();
    await page.waitForFunction(() => (window as unknown as Win).__fakeHost.log.some((m) => m.method === 'copy'));
    const copy = (await hostLog(page)).filter((m) => m.method === 'copy').pop();
    assert.equal(copy?.params.text, 'userIdentity.sessionContext.sessionIssuer.userName');
    // Filter on a value adds path:"value".
    await node.hover();
    await page.locator('ae-detail .line-actions button[aria-label="Filter on this value"]').click();
    const input = page.locator('ae-filter-bar vscode-textfield input');
    assert.match(await input.inputValue(), /^userIdentity\.sessionContext\.sessionIssuer\.userName:"[^"]+"$/);
    // Collapse all / expand all.
    await page.locator('ae-detail button[aria-label="Collapse all"]').click();
    const collapsed = await page.locator('ae-detail .tree .line').count();
    await page.locator('ae-detail button[aria-label="Expand all"]').click();
    const expanded = await page.locator('ae-detail .tree .line').count();
    assert.ok(collapsed < expanded, `${collapsed} < ${expanded}`);
    // The Raw tab is the exact text, except that hidden characters (here a U+202E) show as their JSON escapes.
    await page.locator('ae-detail vscode-tab-header', { hasText: 'Raw' }).click();
    const raw = (await page.locator('ae-detail pre.raw').textContent()) ?? '';
    assert.equal(JSON.stringify(JSON.parse(raw)), raw.replace(/\\u202e/g, '\u202e'));
    assert.match(raw, /"eventVersion":"1\.09"/);
    // Enter in the grid opens the detail pane when it was closed.
    await page.locator('ae-detail button[aria-label="Close detail"]').click();
    assert.equal(await page.locator('ae-detail').count(), 0);
    await page.locator('ae-grid .row').nth(4).click();
    await page.keyboard.press('Enter');
    await page.locator('ae-detail .tree').waitFor({ state: 'visible' });
  });

  it('draws who is behind an event (its session chain), each step a link that shows that event', async () => {
    const { page, problems } = await open();
    await waitRowsLoaded(page);
    await runFilter(page, 'origin:carol@*');
    await waitForStatus(page, /^3 of 200,000 events/);
    await waitRowsLoaded(page, (r) => r.every((x) => x.loaded));
    // Newest first: the DeleteTrail in the other account, made with the role the SSO session assumed.
    const first = page.locator('ae-grid .row[data-index="0"]');
    assert.equal(await first.locator('.cell').nth(1).textContent(), 'OrgAdmin/carol-session');
    assert.equal(await first.locator('.cell').nth(1).getAttribute('title'), 'OrgAdmin/carol-session\narn:aws:sts::210987654321:assumed-role/OrgAdmin/carol-session', 'the ARN on hover');
    await first.click();
    const chain = page.locator('ae-detail .chain');
    await chain.waitFor({ state: 'visible' });
    const steps = (await chain.locator('li').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    assert.deepEqual(steps, ['carol@corp (SSO)', '→ PowerUser in 555555555555', '→ AssumeRole OrgAdmin in 210987654321', '→ this event']);
    assert.equal(await chain.locator('button.step-link').count(), 3, 'every step but this event links to its event');
    // Follow the AssumeRole step: the detail shows that event.
    await chain.locator('button.step-link', { hasText: 'AssumeRole OrgAdmin' }).click();
    await page.waitForFunction(() => {
      const d = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-detail') as unknown as { detail?: { raw: string } } | null;
      return d?.detail?.raw.includes('"eventName":"AssumeRole"') && d.detail.raw.includes('ASIAORGADMIN00000001');
    });
    const now = (await page.locator('ae-detail .chain li').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    assert.deepEqual(now, ['carol@corp (SSO)', '→ PowerUser in 555555555555', '→ this event'], 'the AssumeRole’s own chain');
    assert.equal(await page.locator('ae-grid .row.selected').getAttribute('data-index'), '1', 'the grid selects it too');
    // A plain event (its principal is its origin) draws no chain.
    await runFilter(page, '');
    await waitForStatus(page, /^200,000 of 200,000 events/);
    await runFilter(page, 'principal:ci-deployer');
    await waitRowsLoaded(page, (r) => r.every((x) => x.loaded));
    await page.locator('ae-grid .row[data-index="0"]').click();
    await page.waitForFunction(() => {
      const d = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-detail') as unknown as { detail?: { raw: string } } | null;
      return d?.detail?.raw.includes('user/ci-deployer');
    });
    assert.equal(await page.locator('ae-detail .chain').count(), 0);
    assert.deepEqual(problems, []);
  });

  it('sorts by a header click and resizes columns by dragging the header edge', async () => {
    const { page } = await open();
    await waitRowsLoaded(page, (r) => r.every((x) => x.loaded));
    await page.locator('ae-grid .hcell', { hasText: 'Action' }).first().click();
    await page.waitForFunction(() => (window as unknown as Win).__fakeHost.log.some((m) => m.method === 'query' && (m.params.sort as { field: string }).field === 'action'));
    let q = (await hostLog(page)).filter((m) => m.method === 'query').pop();
    assert.deepEqual(q?.params.sort, { field: 'action', dir: 'asc' });
    await waitRowsLoaded(page, (r) => r.every((x) => x.loaded) && r[0].cells[2] === 'AssumeRole');
    await page.locator('ae-grid .hcell', { hasText: 'Action' }).first().click();
    await page.waitForFunction(() =>
      (window as unknown as Win).__fakeHost.log.some((m) => m.method === 'query' && (m.params.sort as { dir: string }).dir === 'desc' && (m.params.sort as { field: string }).field === 'action'),
    );
    q = (await hostLog(page)).filter((m) => m.method === 'query').pop();
    assert.deepEqual(q?.params.sort, { field: 'action', dir: 'desc' });
    const rows = await waitRowsLoaded(page, (r) => r.every((x) => x.loaded) && r[0].cells[2] === 'UpdateFunctionCode20150331v2');
    assert.ok(rows.length > 0);
    // Resize the Action column by 80 px.
    const handle = page.locator('ae-grid .hcell', { hasText: 'Action' }).first().locator('.resizer');
    const box = await handle.boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() => (window as unknown as Win).__fakeHost.log.some((m) => m.method === 'view/save' && (m.params.widths as Record<string, number> | undefined)?.action));
    const saved = (await hostLog(page)).filter((m) => m.method === 'view/save').pop();
    assert.equal((saved?.params.widths as Record<string, number>).action, 145 + 80);
  });

  it('sends copy, export, exclude and cancel to the host', async () => {
    const { page, problems } = await open();
    await waitRowsLoaded(page, (r) => r.every((x) => x.loaded));
    // Cell context menu: exclude the value, and copy it.
    const row = await clickVisibleRow(page, 1, { button: 'right' });
    const action = (await page.locator(`ae-grid .row[data-index="${row}"] .cell[data-col="2"]`).textContent()) ?? '';
    await page.locator(`ae-grid .row[data-index="${row}"] .cell[data-col="2"]`).click({ button: 'right' });
    await page.locator('ae-grid vscode-context-menu-item', { hasText: 'Copy Value' }).click();
    await page.waitForFunction(() => (window as unknown as Win).__fakeHost.log.some((m) => m.method === 'copy'));
    assert.equal((await hostLog(page)).filter((m) => m.method === 'copy').pop()?.params.text, action);
    await page.locator(`ae-grid .row[data-index="${row}"] .cell[data-col="2"]`).click({ button: 'right' });
    await page.locator('ae-grid vscode-context-menu-item', { hasText: 'Exclude This Value' }).click();
    assert.equal(await page.locator('ae-filter-bar vscode-textfield input').inputValue(), `-action:"${action}"`);
    await waitForStatus(page, /^(?!200,000 of)[\d,]+ of 200,000 events/);
    // Copy Event JSON (toolbar) copies the raw text of the selected event.
    await clickVisibleRow(page, 0);
    await page.locator('ae-detail .tree').waitFor({ state: 'visible' });
    await page.locator('vscode-toolbar-button[label="Copy Event JSON"]').click();
    await page.waitForFunction(() => (window as unknown as Win).__fakeHost.log.filter((m) => m.method === 'copy').length >= 2);
    const raw = String((await hostLog(page)).filter((m) => m.method === 'copy').pop()?.params.text);
    assert.equal((JSON.parse(raw) as { eventVersion: string }).eventVersion, '1.09');
    // Export.
    await page.locator('#export-btn').click();
    await page.locator('ale-app vscode-context-menu-item', { hasText: 'Export as JSON Lines' }).click();
    await page.waitForFunction(() => (window as unknown as Win).__fakeHost.log.some((m) => m.method === 'export'));
    assert.deepEqual((await hostLog(page)).filter((m) => m.method === 'export').pop()?.params, { format: 'jsonl' });
    assert.deepEqual(problems, []);

    // A streaming load shows progress and can be cancelled.
    const loading = await open('&load=1');
    await loading.page.locator('ale-app .load vscode-button.cancel').waitFor({ state: 'visible' });
    // The session reads one folder after the other: "of" counts the files of the folders begun so far.
    assert.match((await loading.page.locator('ale-app .load-text').textContent()) ?? '', /^Reading [\d,]+ of [\d,]+ files… [\d,]+ events$/);
    await loading.page.locator('ale-app .load vscode-button.cancel').click();
    await loading.page.waitForFunction(() => (window as unknown as Win).__fakeHost.log.some((m) => m.method === 'cancel'));
    assert.deepEqual((await hostLog(loading.page)).filter((m) => m.method === 'cancel').pop()?.params, {});
    await loading.page.getByText(/Loading cancelled/).waitFor({ state: 'visible' });
    assert.deepEqual(loading.problems, []);
  });

  it('says which part of a live query’s filter went to the API, and fetches again with a new filter', async () => {
    const { page, problems } = await open('&live=1');
    const strip = page.locator('ale-app .strip.live');
    await strip.waitFor({ state: 'visible' });
    const text = (await strip.textContent())?.replace(/\s+/g, ' ') ?? '';
    assert.match(text, /Control Plane · acme <i>\(prod\)<\/i>: 3 pages, 200,000 events/);
    assert.match(text, /Sent to the API: time range, actionType = delete/);
    assert.match(text, /Applied here: actor:"<b>alice<\/b>"/, 'markup in a filter or label is shown as text');
    // Nothing to fetch again while the bar holds the fetched filter.
    assert.equal(await strip.locator('vscode-button.refetch').count(), 0);
    await page.locator('ae-filter-bar vscode-textfield input').fill('action:create');
    await strip.locator('vscode-button.refetch').click();
    await page.waitForFunction(() => (window as unknown as Win).__fakeHost.log.some((m) => m.method === 'live/refetch'));
    const log = await hostLog(page);
    assert.deepEqual(log.filter((m) => m.method === 'live/refetch').pop()?.params, { filter: 'action:create' });
    assert.equal(log.filter((m) => m.method === 'query').pop()?.params.filter, 'action:create', 'the panel filters locally at once too');
    await strip.locator('vscode-button.refetch').waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => (window as unknown as Win).__pwned), undefined);
    assert.deepEqual(problems, []);
  });

  it('loads more of a live event from its API into extra tabs, as text', async () => {
    const { page, problems } = await open('&live=1');
    await showAll(page);
    await page.locator('ae-grid .row').first().click();
    await page.locator('ae-detail .tree').waitFor({ state: 'visible' });
    const load = page.locator('ae-detail vscode-button.load-api');
    assert.equal((await load.textContent())?.trim(), 'Load from API');
    await load.click();
    await page.locator('ae-detail vscode-button.load-api', { hasText: 'Loading from API…' }).waitFor({ state: 'visible' });
    await page.locator('ae-detail vscode-tab-header.api-tab').first().waitFor({ state: 'visible' });
    assert.deepEqual(await page.evaluate(() => {
      const d = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-detail')?.shadowRoot;
      return Array.from(d?.querySelectorAll('vscode-tab-header.api-tab') ?? []).map((t) => t.textContent?.trim());
    }), ['Event (read by id)', 'Related events']);
    const detailRow = (await hostLog(page)).filter((m) => m.method === 'detail').pop()?.params.row;
    assert.deepEqual((await hostLog(page)).filter((m) => m.method === 'detail/expand').pop()?.params, { row: detailRow });
    // The first section is shown at once: the API's JSON, with the hostile tag as its literal text.
    const text = (await page.locator('ae-detail pre.api-text').first().textContent()) ?? '';
    assert.ok(text.includes('"<img src=x onerror=window.__pwned=7>"'), 'the hostile string shows as text');
    assert.ok(await page.locator('ae-detail pre.api-text').first().isVisible());
    await page.locator('ae-detail vscode-tab-header.api-tab', { hasText: 'Related events' }).click();
    assert.match((await page.locator('ae-detail pre.api-text').nth(1).textContent()) ?? '', /"relation": "parent"/);
    await page.locator('ae-detail .api-panel button[aria-label="Copy Related events"]').click();
    await page.waitForFunction(() => (window as unknown as Win).__fakeHost.log.some((m) => m.method === 'copy'));
    assert.match(String((await hostLog(page)).filter((m) => m.method === 'copy').pop()?.params.text), /"relation": "parent"/);
    // Another event starts on its tree again, without the previous one's sections.
    await page.locator('ae-grid .row').nth(1).click();
    await page.locator('ae-detail .tree').waitFor({ state: 'visible' });
    assert.equal(await page.locator('ae-detail vscode-tab-header.api-tab').count(), 0);
    const verdict = await page.evaluate(() => {
      let imgs = 0;
      const walk = (root: Document | ShadowRoot) => {
        imgs += root.querySelectorAll('img, iframe').length;
        for (const el of Array.from(root.querySelectorAll('*'))) if (el.shadowRoot) walk(el.shadowRoot);
      };
      walk(document);
      const w = window as unknown as Win;
      return { pwned: w.__pwned, csp: w.__cspViolations, imgs };
    });
    assert.deepEqual(verdict, { pwned: undefined, csp: [], imgs: 0 });
    assert.deepEqual(problems, []);

    // When the API fails, the detail pane says why, as text.
    const failing = await open('&live=1&expandError=1');
    await showAll(failing.page);
    await failing.page.locator('ae-grid .row').first().click();
    await failing.page.locator('ae-detail vscode-button.load-api').click();
    await failing.page.locator('ae-detail .api-error').waitFor({ state: 'visible' });
    assert.equal(
      (await failing.page.locator('ae-detail .api-error').textContent())?.trim(),
      'Could not load from the API: The API said no (HTTP 403) <img src=x onerror=window.__pwned=7>',
    );
    assert.equal(await failing.page.evaluate(() => (window as unknown as Win).__pwned), undefined);
    assert.deepEqual(failing.problems, []);
  });

  it('sends a live event’s and a live query’s actions to the host, which confirms them', async () => {
    const { page, problems } = await open('&live=1');
    await showAll(page);
    await page.locator('ae-grid .row').nth(2).click();
    const action = page.locator('ae-detail vscode-button.event-action[data-action="fake.addTags"]');
    await action.waitFor({ state: 'visible' });
    assert.equal((await action.textContent())?.trim(), 'Add Tags…');
    await action.click();
    await page.waitForFunction(() => (window as unknown as Win).__fakeHost.log.some((m) => m.method === 'detail/action'));
    const detailRow = (await hostLog(page)).filter((m) => m.method === 'detail').pop()?.params.row;
    assert.equal(typeof detailRow, 'number');
    assert.deepEqual((await hostLog(page)).filter((m) => m.method === 'detail/action').pop()?.params, { row: detailRow, actionId: 'fake.addTags' });
    // A query action goes with the filter in the bar, which replaces the fetched one.
    await page.locator('ae-filter-bar vscode-textfield input').fill('action:create');
    const save = page.locator('ale-app .strip.live vscode-button.query-action[data-action="fake.saveQuery"]');
    assert.equal((await save.textContent())?.trim(), 'Save Query in the API…');
    await save.click();
    await page.waitForFunction(() => (window as unknown as Win).__fakeHost.log.some((m) => m.method === 'live/action'));
    assert.deepEqual((await hostLog(page)).filter((m) => m.method === 'live/action').pop()?.params, {
      sourcePath: 'controlplane:acct-1',
      actionId: 'fake.saveQuery',
      filter: 'action:create',
    });
    assert.deepEqual(problems, []);
  });

  it('shows the API’s own counts apart from the fetched ones, in the facets and the timeline', async () => {
    const { page, problems } = await open('&live=1');
    await showAll(page);
    const caption = page.locator('ae-facets .server-caption');
    await caption.waitFor({ state: 'visible' });
    assert.match((await caption.textContent())?.replace(/\s+/g, ' ') ?? '', /the API’s own counts \(\d[\d,]* events\), not the fetched events’: Counted by the fake API .*<img src=x onerror=window\.__pwned=7>/);
    const actions = page.locator('ae-facets section').first();
    assert.match((await actions.locator('.server-head').textContent()) ?? '', /In the API/);
    const server = actions.locator('.server-values .value');
    assert.equal(await server.count(), 3);
    assert.equal((await server.nth(0).locator('.text').textContent())?.trim(), 'DeleteObject');
    assert.equal((await server.nth(0).locator('.count').textContent())?.trim(), '412,345');
    assert.equal((await server.nth(2).locator('.text').textContent())?.trim(), '<img src=x onerror=window.__pwned=7>');
    // The fetched counts are still there, above, and are not the API's.
    assert.ok((await actions.locator(':scope > ul:not(.server-values) .value').count()) > 0);
    // Fields the API did not count have no "In the API" list.
    assert.equal(await page.locator('ae-facets section').nth(1).locator('.server-values').count(), 0);
    // A click on an API value filters like any facet value.
    await server.nth(1).click();
    const input = page.locator('ae-filter-bar vscode-textfield input');
    assert.equal(await input.inputValue(), 'action:"DeleteBucket"');
    await page.waitForFunction(() => (window as unknown as Win).__fakeHost.log.some((m) => m.method === 'query' && String(m.params.filter).endsWith('action:"DeleteBucket"')));

    // The timeline switches between the fetched events and the API's counts.
    const fetchedBars = await page.locator('ae-timeline rect.bar').count();
    assert.ok(fetchedBars > 0);
    assert.equal(await page.locator('ae-timeline rect.bar.server').count(), 0);
    assert.equal(await page.locator('ae-timeline .modes button.mode-fetched').getAttribute('aria-pressed'), 'true');
    await page.locator('ae-timeline .modes button.mode-server').click();
    assert.equal(await page.locator('ae-timeline .modes button.mode-server').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.locator('ae-timeline rect.bar.server').count(), 14);
    assert.match((await page.locator('ae-timeline .legend').textContent()) ?? '', /^In the API \(not all fetched\): [\d,]+ events · 1 d(ay)? per bar/);
    assert.match((await page.locator('ae-timeline .legend').getAttribute('title')) ?? '', /^Counted by the fake API/);
    await page.locator('ae-timeline .modes button.mode-fetched').click();
    assert.equal(await page.locator('ae-timeline rect.bar.server').count(), 0);
    // The live strip says the API counted more than was fetched.
    assert.match((await page.locator('ale-app .strip.live .live-server').textContent())?.replace(/\s+/g, ' ') ?? '', /In the API: [\d,]+ events by its own count, not all fetched/);
    assert.equal(await page.evaluate(() => (window as unknown as Win).__pwned), undefined);
    assert.deepEqual(await page.evaluate(() => (window as unknown as Win).__cspViolations), []);
    assert.deepEqual(problems, []);
  });

  it('does not offer to fetch again when the query is fixed SQL (Lake, Athena): a new filter only filters', async () => {
    const { page, problems } = await open('&live=1&fixed=1');
    const strip = page.locator('ale-app .strip.live');
    await strip.waitFor({ state: 'visible' });
    await page.locator('ae-filter-bar vscode-textfield input').fill('action:create');
    await page.locator('ae-filter-bar vscode-textfield input').press('Enter');
    await page.waitForFunction(() => (window as unknown as Win).__fakeHost.log.some((m) => m.method === 'query' && m.params.filter === 'action:create'));
    assert.equal(await strip.locator('vscode-button.refetch').count(), 0);
    assert.deepEqual(problems, []);
  });

  it('asks the host to add a source, and shows a Source column once the panel holds two', async () => {
    const { page, problems } = await open('&live=1');
    const headers = () =>
      page.evaluate(() => {
        const grid = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-grid');
        return Array.from(grid?.shadowRoot?.querySelectorAll('.hcell') ?? []).map((h) => h.textContent?.trim() ?? '');
      });
    await page.locator('ale-app .strip.live').waitFor({ state: 'visible' });
    assert.ok(!(await headers()).includes('Source'));
    await page.locator('#add-source-btn').click();
    await page.waitForFunction(() => (window as unknown as Win).__fakeHost.log.some((m) => m.method === 'panel/addSource'));
    await page.waitForFunction(() => {
      const grid = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-grid');
      return Array.from(grid?.shadowRoot?.querySelectorAll('.hcell') ?? []).some((h) => h.textContent?.trim() === 'Source');
    });
    const h = await headers();
    assert.equal(h[1], 'Source', `columns: ${h.join(', ')}`);
    await page.waitForFunction(() => (window as unknown as Win).__fakeHost.log.some((m) => m.method === 'view/save' && (m.params.columns as string[]).includes('source')));
    assert.deepEqual(problems, []);
  });

  it('renders hostile strings as text, never as markup, with no CSP violation', async () => {
    const { page, problems } = await open();
    await waitRowsLoaded(page, (r) => r.every((x) => x.loaded));
    // The newest event's actor is an <img onerror> payload: it shows as its literal text.
    const rows = await renderedRows(page);
    assert.equal(rows[0].cells[1], '<img src=x onerror=window.__pwned=1>');
    assert.ok(await page.getByText('<img src=x onerror=window.__pwned=1>').first().isVisible());
    await page.locator('ae-grid .row').first().click();
    await page.locator('ae-detail .tree').waitFor({ state: 'visible' });
    await page.locator('ae-detail vscode-tab-header', { hasText: 'Raw' }).click();
    const raw = (await page.locator('ae-detail pre.raw').textContent()) ?? '';
    assert.ok(raw.includes('</script><img src=x onerror=window.__pwned=5>'), 'raw JSON with </script> shows as text');
    // Problems strip: paths and messages with markup are text too.
    await page.locator('ale-app .strip.problems').click();
    assert.ok(await page.getByText('Unexpected token < in JSON at position 0: <img src=x onerror=window.__pwned=1>').isVisible());
    // Long values (10,000 characters) wrap inside the detail pane.
    await runFilter(page, '');
    await page.locator('ae-grid .row').nth(2).click();
    await page.locator('ae-detail vscode-tab-header', { hasText: 'Tree' }).click();
    await page.locator('ae-detail .line[title="requestParameters.policy"]').waitFor({ state: 'visible' });
    const layout = await page.evaluate(() => {
      const d = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-detail');
      const line = d?.shadowRoot?.querySelector<HTMLElement>('.line[title="requestParameters.policy"]');
      return { detail: d?.getBoundingClientRect().width ?? 0, line: line?.getBoundingClientRect().width ?? 0, page: document.documentElement.scrollWidth };
    });
    assert.ok(layout.line <= layout.detail, `line ${layout.line} fits the pane ${layout.detail}`);
    assert.ok(layout.page <= 1400, `page did not grow sideways (${layout.page})`);

    const verdict = await page.evaluate(() => {
      let imgs = 0;
      let scripts = 0;
      const walk = (root: Document | ShadowRoot) => {
        imgs += root.querySelectorAll('img, svg foreignObject, iframe').length;
        scripts += root.querySelectorAll('script:not([src])').length;
        for (const el of Array.from(root.querySelectorAll('*'))) if (el.shadowRoot) walk(el.shadowRoot);
      };
      walk(document);
      const w = window as unknown as Win;
      return { pwned: w.__pwned, csp: w.__cspViolations, imgs, scripts };
    });
    assert.equal(verdict.pwned, undefined);
    assert.equal(verdict.imgs, 0, 'no <img>, <iframe> or <foreignObject> from event data');
    assert.equal(verdict.scripts, 0, 'no inline <script>');
    assert.deepEqual(verdict.csp, []);
    assert.deepEqual(problems, []);
  });

  it('comes back as it was after the panel is hidden and restored (vscode.setState)', async () => {
    const { page } = await open();
    await runFilter(page, 'region:eu-*');
    await waitForStatus(page, /^(?!200,000 of)[\d,]+ of 200,000 events/);
    await page.waitForTimeout(500); // setState is debounced
    await page.evaluate(() => {
      // The harness keeps setState() in sessionStorage, as VS Code keeps it across a hide.
      location.search = '';
    });
    await waitForStatus(page, /^(?!200,000 of)[\d,]+ of 200,000 events/);
    assert.equal(await page.locator('ae-filter-bar vscode-textfield input').inputValue(), 'region:eu-*');
    const state = await page.evaluate(() => JSON.parse(sessionStorage.getItem('ale-dev-state') ?? '{}') as { restore?: unknown });
    assert.deepEqual(state.restore, { paths: ['/data/AWSLogs/123456789012', '/data/AWSLogs/210987654321'] }, 'PanelState.restore is kept for the host');
  });

  it('saves screenshots in the dark and light themes', async () => {
    const { page, problems } = await open();
    await waitRowsLoaded(page, (r) => r.every((x) => x.loaded));
    await page.locator('ae-grid .row').nth(3).click();
    await page.locator('ae-detail .tree').waitFor({ state: 'visible' });
    await page.locator('ale-app .strip.problems').click();
    await page.mouse.move(700, 500);
    for (const theme of ['dark', 'light'] as const) {
      await page.evaluate((t) => (window as unknown as Win).__fakeHost.setTheme(t), theme);
      await page.waitForTimeout(200);
      const cls = await page.evaluate(() => document.body.className);
      assert.ok(cls.includes(`vscode-${theme}`));
      await page.screenshot({ path: path.join(RESULTS, `webview-${theme}.png`) });
    }
    assert.ok(existsSync(path.join(RESULTS, 'webview-dark.png')));
    assert.ok(existsSync(path.join(RESULTS, 'webview-light.png')));
    assert.deepEqual(problems, []);
  });
});
