/**
 * Issue 12, items 21 and 22, in the real webview bundle in Chromium (the dev harness: the bundle
 * plus the real panel session, src/session/panelSession.ts, over a real store of 200,000 generated rows).
 *
 * 21: while sources load, one count (the load strip says what the status line counts) and the
 *     rows, facets and timeline fill as events arrive; the end state is that of a finished load.
 * 22: after a load a summary line says events, duplicates merged, files skipped, problems (which
 *     open the list with file, line and column, as text) and the load time; per source too.
 *
 * Through the browser harness of browser.ts: skipped, loudly, without playwright-core
 * (.vscode-test/tools) or Chromium.
 */
import assert from 'node:assert/strict';
import { useBrowserHarness, type Page, type Win } from './browser';

/** What a person sees at one instant, read in one go (no render between the reads). */
interface Seen {
  strip?: string;
  status: string;
  loadedRows: number;
  firstRows: string[];
  facets: number;
  bars: number;
  summary?: string;
}

function seen(page: Page): Promise<Seen> {
  return page.evaluate(() => {
    const app = document.querySelector('ale-app')?.shadowRoot;
    const text = (sel: string) => app?.querySelector(sel)?.textContent?.replace(/\s+/g, ' ').trim();
    const grid = app?.querySelector('ae-grid')?.shadowRoot;
    const rows = Array.from(grid?.querySelectorAll<HTMLElement>('.row:not(.loading):not(.stale)') ?? []);
    return {
      strip: text('.load-text'),
      status: text('.status .count') ?? '',
      loadedRows: rows.length,
      firstRows: rows.slice(0, 5).map((r) => Array.from(r.querySelectorAll('.cell')).map((c) => c.textContent ?? '').join('|')),
      facets: app?.querySelector('ae-facets')?.shadowRoot?.querySelectorAll('li.value').length ?? 0,
      bars: app?.querySelector('ae-timeline')?.shadowRoot?.querySelectorAll('rect.bar').length ?? 0,
      summary: text('.strip.summary .summary-text'),
    };
  });
}

async function until(page: Page, pred: (s: Seen) => boolean, timeout = 30_000): Promise<Seen> {
  const deadline = Date.now() + timeout;
  let last: Seen | undefined;
  while (Date.now() < deadline) {
    last = await seen(page).catch(() => undefined);
    if (last && pred(last)) return last;
    await page.waitForTimeout(50);
  }
  throw new Error(`never seen: last ${JSON.stringify(last)}`);
}

const num = (s: string) => Number(s.replace(/,/g, ''));
/** "Reading 23 of 905 files… 5,083 events" → 5083. */
const stripEvents = (s: string) => num(/… ([\d,]+) events$/.exec(s)?.[1] ?? 'NaN');
/** "5,083 of 5,083 events · 3 ms" → [5083, 5083]. */
const statusCounts = (s: string) => {
  const m = /^([\d,]+) of ([\d,]+) events/.exec(s);
  return m ? [num(m[1]), num(m[2])] : undefined;
};

describe('trust (items 21, 22): the events panel while and after loading (Chromium, dev harness)', function () {
  this.timeout(120_000);
  const { open } = useBrowserHarness();

  it('item 21: while loading, the strip and the status line say the same count, and rows, facets and timeline fill as events arrive', async () => {
    const { page, problems } = await open('&load=1');
    const samples: Seen[] = [];
    const deadline = Date.now() + 60_000;
    for (;;) {
      const s = await seen(page);
      if (s.strip === undefined) break; // the load ended
      samples.push(s);
      assert.ok(Date.now() < deadline, 'the load never ended');
      await page.waitForTimeout(40);
    }
    const during = samples.filter((s) => statusCounts(s.status) !== undefined);
    assert.ok(during.length >= 5, `${during.length} samples while loading`);
    for (const s of during) {
      const [, total] = statusCounts(s.status)!;
      assert.equal(stripEvents(s.strip!), total, `one count while loading: strip "${s.strip}", status "${s.status}"`);
    }
    // Progressive: part-way through, rows, facets and the timeline already show what has arrived.
    const partway = during.filter((s) => {
      const [, total] = statusCounts(s.status)!;
      return total > 0 && total < 200_000 && s.loadedRows > 0 && s.facets > 0 && s.bars > 0;
    });
    assert.ok(partway.length > 0, `no sample with rows, facets and bars before the end: ${JSON.stringify(during.map((s) => [s.status, s.loadedRows, s.facets, s.bars]).slice(0, 12))}`);
    // The host pushes each update; the panel does not ask again itself while loading.
    const queries = (await page.evaluate(() => (window as unknown as Win).__fakeHost.log)).filter((m) => m.method === 'query');
    assert.ok(queries.length <= 2, `${queries.length} queries sent while loading`);

    // The end state is that of a load that was never shown in progress.
    const end = await until(page, (s) => /^200,000 of 200,000 events/.test(s.status) && s.loadedRows > 20);
    const { page: whole } = await open();
    const done = await until(whole, (s) => /^200,000 of 200,000 events/.test(s.status) && s.loadedRows > 20);
    assert.deepEqual(end.firstRows, done.firstRows);
    assert.equal(end.facets, done.facets);
    assert.equal(end.bars, done.bars);
    assert.deepEqual(problems, []);
  });

  it('item 22: after a load, one line says events, duplicates merged, files skipped, problems and the time; problems open the list as text; each source has its counts', async () => {
    const { page, problems } = await open();
    const s = await until(page, (x) => x.summary !== undefined);
    // The time is shown; its value is not asserted, only its form.
    assert.match(s.summary ?? '', /^200,000 events · 12 duplicates merged · 1 file skipped · 3 problems · \d+\.\d s$/);
    await page.locator('ale-app .strip.summary .summary-problems').click();
    const items = await page.locator('ale-app .problems-list li').allTextContents();
    assert.equal(items.length, 3);
    const flat = items.map((t) => t.replace(/\s+/g, ' ').trim());
    assert.ok(flat[0].startsWith('/data/AWSLogs/123456789012/CloudTrail/us-east-1/2024/05/01/truncated.json.gz:1:18231 — '), flat[0]);
    assert.ok(flat[1].includes('<img src=x onerror=window.__pwned=6>.json'), 'a hostile path is shown as its text');
    assert.equal(await page.evaluate(() => document.querySelector('ale-app')?.shadowRoot?.querySelectorAll('.problems-list img').length), 0);
    assert.equal(await page.evaluate(() => (window as unknown as Win).__pwned), undefined);
    // Skipped files: which, and why (as text).
    await page.locator('ale-app .strip.summary .summary-skipped').click();
    const skipped = (await page.locator('ale-app .summary-skipped-list li').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    assert.deepEqual(skipped, ['/data/AWSLogs/210987654321/CloudTrail-Digest/us-east-1/2024/05/01/<b>digest</b>.json.gz — CloudTrail digest file (holds no events)']);
    // Several sources: each one's own counts.
    await page.locator('ale-app .summary-sources-toggle').click();
    const perSource = (await page.locator('ale-app .summary-sources li').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    // As the session counts them: the digest is in the second folder, and each load's time is shown.
    assert.equal(perSource.length, 2);
    assert.match(perSource[0]!, /^AWSLogs\/123456789012 \(fake\): 120,000 events · 12 duplicates merged · 0 files skipped · 2 problems · \d+\.\d s$/);
    assert.match(perSource[1]!, /^AWSLogs\/210987654321 \(fake\): 80,000 events · 0 duplicates merged · 1 file skipped · 1 problem · \d+\.\d s$/);
    assert.deepEqual(problems, []);
  });

  it('item 22: while loading there is no summary line (the load strip counts); it comes with the time when the load ends', async () => {
    const { page } = await open('&load=1');
    const loading = await until(page, (x) => x.strip !== undefined);
    assert.equal(loading.summary, undefined);
    const end = await until(page, (x) => x.strip === undefined && x.summary !== undefined, 60_000);
    assert.match(end.summary ?? '', /^200,000 events · .* · \d+\.\d s$/);
  });
});
