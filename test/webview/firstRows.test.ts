/**
 * Issue 14, the panel path, in the real webview bundle in Chromium (the dev harness: the real panel
 * session over a real store, under the panel's CSP): the panel's first rows come in the host's
 * answer to `ready` (the state, then the first query's result carrying the grid's first block), and
 * every query's result carries the rows it shows first, so no rows request is made for them. A panel
 * shown again names its own view in `ready`. The performance marks the bench reads are made.
 *
 * Through the browser harness of browser.ts: skipped, loudly, without playwright-core or Chromium.
 */
import assert from 'node:assert/strict';
import { hostLog, runFilter, useBrowserHarness, waitForStatus, waitRowsLoaded, type Page, type Win } from './browser';

type Logged = Awaited<ReturnType<typeof hostLog>>[number];

function rowsAsked(log: Logged[], queryId: unknown, offset = 0): Logged[] {
  return log.filter((m) => m.method === 'rows' && m.params.queryId === queryId && m.params.offset === offset);
}

async function markNames(page: Page): Promise<string[]> {
  return page.evaluate(() => performance.getEntriesByType('mark').map((m) => m.name));
}

describe('panel path (issue 14): the first rows in the answer to ready (Chromium, dev harness)', function () {
  this.timeout(120_000);
  const { open } = useBrowserHarness('webview first-rows tests');

  it('ready names the first query and its window; the rows come with the result, with no query or rows request for them', async () => {
    const { page, problems } = await open('&rows=2000');
    const rows = await waitRowsLoaded(page);
    assert.ok(rows.length > 10);
    await waitForStatus(page, /^2,000 of 2,000 events/);
    const log = await hostLog(page);
    assert.equal(log[0]?.method, 'ready', 'the first message');
    const ready = log[0]!.params as { queryId?: number; view?: unknown; window?: unknown };
    assert.equal(typeof ready.queryId, 'number');
    assert.deepEqual(ready.window, { offset: 0, limit: 200 });
    assert.equal(ready.view, undefined, 'a fresh panel shows the host\'s view');
    assert.deepEqual(log.filter((m) => m.method === 'query'), [], 'no query of its own');
    assert.deepEqual(rowsAsked(log, ready.queryId), [], 'no request for the rows the result carried');
    // The detections are asked for once, after the first result.
    assert.equal(log.filter((m) => m.method === 'detections').length, 1);
    const names = await markNames(page);
    for (const n of ['ale:main', 'ale:ready-sent', 'ale:first-render', 'ale:state', 'ale:result', 'ale:rows', 'host:ready', 'host:first-result']) assert.ok(names.includes(n), `mark ${n}`);
    assert.deepEqual(problems, []);
  });

  it('a filter\'s result carries the rows it shows first', async () => {
    const { page, problems } = await open('&rows=2000');
    await waitRowsLoaded(page);
    await runFilter(page, 'action:GetObject');
    await waitForStatus(page, /^(?!2,000 of)[\d,]+ of 2,000 events/);
    const rows = await waitRowsLoaded(page);
    assert.ok(rows.length > 0);
    const log = await hostLog(page);
    const q = log.filter((m) => m.method === 'query').pop()!;
    assert.equal(q.params.filter, 'action:GetObject');
    assert.deepEqual(q.params.window, { offset: 0, limit: 200, columns: ['time', 'principal', 'action', 'sourceIp', 'outcome', 'error', 'account', 'actor'] });
    assert.deepEqual(rowsAsked(log, q.params.queryId), [], 'no request for them');
    const actions = await page.evaluate(() => {
      const grid = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-grid')?.shadowRoot;
      return Array.from(grid?.querySelectorAll('.row:not(.loading) .cell[data-col="2"]') ?? []).map((c) => c.textContent?.trim());
    });
    assert.ok(actions.length > 0 && actions.every((a) => a === 'GetObject'), JSON.stringify(actions.slice(0, 5)));
    assert.deepEqual(problems, []);
  });

  it('a panel shown again names its own view in ready, and shows its rows without asking for them', async () => {
    const { page, problems } = await open('&rows=2000');
    await waitRowsLoaded(page);
    await runFilter(page, 'region:eu-*');
    await waitForStatus(page, /^(?!2,000 of)[\d,]+ of 2,000 events/);
    const shown = await waitForStatus(page, /^(?!2,000 of)[\d,]+ of 2,000 events/);
    await page.waitForTimeout(500); // setState is debounced
    await page.evaluate(() => {
      // The harness keeps setState() in sessionStorage, as VS Code keeps it across a hide.
      location.search = '?rows=2000';
    });
    await waitForStatus(page, /^(?!2,000 of)[\d,]+ of 2,000 events/);
    assert.equal((await waitForStatus(page, /of 2,000 events/)).split(' · ')[0], shown.split(' · ')[0]);
    await waitRowsLoaded(page);
    assert.equal(await page.locator('ae-filter-bar vscode-textfield input').inputValue(), 'region:eu-*');
    const log = await page.evaluate(() => (window as unknown as Win).__fakeHost.log);
    const ready = log[0]!.params as { queryId: number; view?: { filter: string } };
    assert.equal(log[0]!.method, 'ready');
    assert.equal(ready.view?.filter, 'region:eu-*');
    assert.deepEqual(log.filter((m) => m.method === 'query'), []);
    assert.deepEqual(rowsAsked(log, ready.queryId), []);
    assert.deepEqual(problems, []);
  });
});
