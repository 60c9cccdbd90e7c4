/**
 * The Principals view (issue 15, part 3) in a real browser: the dev harness (the real bundle
 * answered by the real panel session over a real store of generated, partly hostile events; see
 * browser.ts), driven with playwright-core in Chromium. The events grouped by a field for the current
 * filter, the field selector and its fallback when a field has no values, paging with the true
 * count, a row click that filters, a facet's "show all" that opens the same table, an error shown as
 * text, and hostile values as text.
 */
import assert from 'node:assert/strict';
import { hostLog, runFilter, statusText, useBrowserHarness, waitForStatus, type Page, type Win } from './browser';

/** The summary's counts line, e.g. "9 values over 5,000 events · 512 without Actor", with the field it is about (read at once). */
async function countsOf(page: Page): Promise<{ text: string; field: string | undefined; loading: boolean; selected: string | undefined }> {
  return page.evaluate(() => {
    const root = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-summary')?.shadowRoot;
    const counts = root?.querySelector<HTMLElement>('.counts');
    return {
      text: (counts?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      field: counts?.dataset.field,
      loading: root?.querySelector('.bar .codicon-loading') != null,
      selected: root?.querySelector<HTMLSelectElement>('select.field-select')?.value,
    };
  });
}

/** Waits for the counts line of the summary by `field` (the one selected, by default) to match. */
async function waitForCounts(page: Page, re: RegExp, field?: string, timeout = 20_000): Promise<string> {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    const c = await countsOf(page);
    last = c.text;
    if (re.test(c.text) && !c.loading && c.field !== undefined && c.field === (field ?? c.selected)) return c.text;
    await page.waitForTimeout(50);
  }
  throw new Error(`summary counts never matched ${re}: last was "${last}"`);
}

const num = (text: string) => Number(text.replace(/,/g, ''));

/** The rows the summary shows: value, events, and the distinct actions. */
async function summaryRows(page: Page): Promise<Array<{ value: string; events: number; actions: number }>> {
  return page.evaluate(() => {
    const root = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-summary')?.shadowRoot;
    return Array.from(root?.querySelectorAll('tr.group') ?? []).map((tr) => ({
      value: tr.querySelector('td.value')?.textContent ?? '',
      events: Number((tr.querySelector('td.events')?.textContent ?? '').replace(/,/g, '')),
      actions: Number((tr.querySelector('td[data-facet="action"] .n')?.textContent ?? '').replace(/,/g, '')),
    }));
  });
}

/** The facet's own count of distinct values, in its head. */
async function facetDistinct(page: Page, field: string): Promise<number> {
  return num(((await page.locator(`ae-facets section[data-field="${field}"] .head .n`).textContent()) ?? '').trim());
}

describe('webview: the Principals view in Chromium (dev harness)', function () {
  this.timeout(120_000);
  const { open } = useBrowserHarness('webview summary tests');

  it('groups the matching events by who acted, falls back from a field without values, pages with the true count, and a click filters', async () => {
    const { page, problems } = await open('&rows=5000');
    await waitForStatus(page, /^5,000 of 5,000 events/);
    await page.locator('ale-app .tab-summary').click();
    // Every event of the harness has a principal (core/principal.ts): the view opens on it.
    const counts = await waitForCounts(page, /values? over 5,000 events/, 'principal');
    assert.equal(await page.locator('ae-summary .note').count(), 0, 'no fallback note when the field has values');
    assert.equal(await page.locator('ae-summary select.field-select').inputValue(), 'principal');
    const principals = await facetDistinct(page, 'principal');
    assert.equal(counts.split(' ')[0], String(principals), `the facet's distinct count and the summary's: ${counts}`);
    const rows = await summaryRows(page);
    assert.equal(rows.length, principals);
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1].events >= rows[i].events, 'most events first');
    const asked = (await hostLog(page)).filter((m) => m.method === 'summary').map((m) => m.params.field);
    assert.equal(asked[0], 'principal');
    // By actor: the hostile actor is a row, as text.
    await page.locator('ae-summary select.field-select').selectOption('actor');
    await waitForCounts(page, /values? over 5,000 events/, 'actor');
    const actorRows = await summaryRows(page);
    assert.equal(actorRows.length, await facetDistinct(page, 'actor'));
    assert.ok(actorRows.some((r) => r.value === '<img src=x onerror=window.__pwned=1>'), JSON.stringify(actorRows.map((r) => r.value)));

    // Another field: source IPs, more than a page of them, the true count and "Show more".
    await page.locator('ae-summary select.field-select').selectOption('sourceIp');
    const ips = await waitForCounts(page, /^[\d,]+ values over 5,000 events/, 'sourceIp');
    const distinct = num(ips.split(' ')[0]);
    assert.ok(distinct > 100, ips);
    assert.equal((await summaryRows(page)).length, 100);
    assert.match((await page.locator('ae-summary .shown-count').textContent()) ?? '', new RegExp(`Showing 100 of ${distinct.toLocaleString('en-US')}`));
    await page.locator('ae-summary button.more').click();
    await page.waitForFunction((n) => (document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-summary')?.shadowRoot?.querySelectorAll('tr.group').length ?? 0) === n, Math.min(200, distinct));
    const page2 = (await hostLog(page)).filter((m) => m.method === 'summary').pop()?.params;
    assert.deepEqual({ field: page2?.field, offset: page2?.offset, limit: page2?.limit }, { field: 'sourceIp', offset: 100, limit: 100 });

    // A click on a row filters to its value and shows its events: the same number.
    const first = (await summaryRows(page))[0];
    await page.locator('ae-summary tr.group').first().click();
    assert.equal(await page.locator('ae-filter-bar vscode-textfield input').inputValue(), `sourceIp:"${first.value}"`);
    await waitForStatus(page, new RegExp(`^${first.events.toLocaleString('en-US')} of 5,000 events`));
    assert.equal(await page.locator('ale-app .tab-events').getAttribute('aria-selected'), 'true');
    assert.equal(await page.locator('ae-grid').count(), 1);
    // Back on the summary, it follows the filter: one source IP, a picked field stays picked.
    await page.locator('ale-app .tab-summary').click();
    await waitForCounts(page, new RegExp(`^1 value over ${first.events.toLocaleString('en-US')} events`));
    assert.equal(await page.locator('ae-summary select.field-select').inputValue(), 'sourceIp');
    // Alt+click excludes the value (the term takes the place of the one that picked it) and stays on the summary.
    await page.locator('ale-app .tab-events').click();
    await runFilter(page, '');
    await waitForStatus(page, /^5,000 of 5,000 events/);
    await page.locator('ale-app .tab-summary').click();
    await waitForCounts(page, new RegExp(`^${distinct.toLocaleString('en-US')} values over 5,000 events`));
    const top = (await summaryRows(page))[0];
    await page.locator('ae-summary tr.group').first().click({ modifiers: ['Alt'] });
    const rest = (5000 - top.events).toLocaleString('en-US');
    await waitForStatus(page, new RegExp(`^${rest} of 5,000 events`));
    assert.equal(await page.locator('ae-filter-bar vscode-textfield input').inputValue(), `-sourceIp:"${top.value}"`);
    assert.equal(await page.locator('ale-app .tab-summary').getAttribute('aria-selected'), 'true');
    await waitForCounts(page, new RegExp(`^${(distinct - 1).toLocaleString('en-US')} values over ${rest} events`));
    assert.ok(!(await summaryRows(page)).some((r) => r.value === top.value));

    const verdict = await page.evaluate(() => ({ pwned: (window as unknown as Win).__pwned, csp: (window as unknown as Win).__cspViolations }));
    assert.deepEqual(verdict, { pwned: undefined, csp: [] });
    assert.deepEqual(problems, []);
  });

  it('every facet\'s "show all" opens the same table for its field with the true distinct count', async () => {
    const { page, problems } = await open('&rows=5000');
    await waitForStatus(page, /^5,000 of 5,000 events/);
    for (const field of ['action', 'region', 'sourceIp']) {
      if ((await page.locator('ale-app .tab-events').getAttribute('aria-selected')) !== 'true') await page.locator('ale-app .tab-events').click();
      const distinct = await facetDistinct(page, field);
      const button = page.locator(`ae-facets section[data-field="${field}"] button.table-all`);
      assert.match(((await button.textContent()) ?? '').replace(/\s+/g, ' '), new RegExp(`Show all ${distinct.toLocaleString('en-US')} in a table`));
      await button.click();
      const counts = await waitForCounts(page, new RegExp(`^${distinct.toLocaleString('en-US')} values? over 5,000 events`), field);
      assert.ok(counts, field);
      assert.equal(await page.locator('ae-summary select.field-select').inputValue(), field);
      assert.equal(await page.locator('ae-summary .note').count(), 0, 'a field picked is not swapped for another');
      const rows = await summaryRows(page);
      assert.equal(rows.length, Math.min(100, distinct));
      assert.ok(rows.reduce((n, r) => n + r.events, 0) <= 5000);
    }
    // Each row of the action table lists one action.
    await page.locator('ae-facets section[data-field="action"] button.table-all').click();
    await waitForCounts(page, /values? over 5,000 events/, 'action');
    assert.ok((await summaryRows(page)).every((r) => r.actions === 1));
    assert.deepEqual(problems, []);
  });

  it('shows the host\'s refusal as text, and answers again on the next result', async () => {
    const { page } = await open('&rows=2000');
    await waitForStatus(page, /^2,000 of 2,000 events/);
    await page.evaluate(() => (window as unknown as Win).__fakeHost.failNext('summary', 'failed', 'The summary request failed: <b>no</b>'));
    await page.locator('ale-app .tab-summary').click();
    await page.locator('ae-summary .note.error').waitFor({ state: 'visible' });
    assert.equal(await page.locator('ae-summary .note.error').textContent(), 'The summary request failed: <b>no</b>');
    assert.equal(await page.locator('ae-summary .note.error b').count(), 0);
    await runFilter(page, 'outcome:failure');
    const status = await waitForStatus(page, /^(?!2,000 of)[\d,]+ of 2,000 events/);
    await waitForCounts(page, new RegExp(`over ${status.split(' ')[0]} events`));
    assert.equal(await page.locator('ae-summary .note.error').count(), 0);
    // Every row of a failures-only summary has an error rate of 100%.
    const rates = await page.locator('ae-summary td.errors').allTextContents();
    assert.ok(rates.length > 0 && rates.every((r) => r.trim() === '100.0%'), rates.join(' '));
    assert.ok((await statusText(page)).length > 0);
  });
});
