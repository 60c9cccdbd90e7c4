/**
 * Issue 12, the panel a new user and a hostile event meet (items 16, 20, 23–26): hidden characters
 * as escapes, the four themes, facets past the top 10, unknown fields, the default columns and
 * ARNs, the timeline's dates, a detail of an event that left the results, new columns in view.
 *
 * The browser harness of browser.ts: the dev harness (webview/dev, the real bundle over a fake
 * host) in Chromium through playwright-core from .vscode-test/tools; skipped, loudly, without them.
 */
import assert from 'node:assert/strict';
import { hostLog, runFilter, useBrowserHarness, waitForStatus, waitRowsLoaded, type Page, type Win } from './browser';

/**
 * Where two characters of a text node under `selector` (in the shadow root of `host`) are drawn:
 * their left edges, to tell whether the text reads in its logical order.
 */
async function charLefts(page: Page, host: string, selector: string, needle: string, a: number, b: number): Promise<[number, number]> {
  return page.evaluate(
    ({ host, selector, needle, a, b }) => {
      const root = document.querySelector('ale-app')?.shadowRoot?.querySelector(host)?.shadowRoot;
      const els = Array.from(root?.querySelectorAll(selector) ?? []);
      for (const el of els) {
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const i = (n.textContent ?? '').indexOf(needle);
          if (i < 0) continue;
          const at = (k: number) => {
            const r = document.createRange();
            r.setStart(n, i + k);
            r.setEnd(n, i + k + 1);
            return r.getBoundingClientRect().left;
          };
          return [at(a), at(b)] as [number, number];
        }
      }
      throw new Error(`no text ${needle} under ${host} ${selector}`);
    },
    { host, selector, needle, a, b },
  );
}

describe('webview: trust (issue 12) in Chromium', function () {
  this.timeout(120_000);
  const { open } = useBrowserHarness('webview trust tests');

  it('item 16: shows bidi, zero-width and control characters as escapes in the grid, tree and raw view, and copies the exact value', async () => {
    const { page, problems } = await open();
    await waitRowsLoaded(page);
    // The grid: "ad<ZWSP>min" is not "admin".
    const actor = page.locator('ae-grid .row[data-index="4"] .cell[data-col="1"]');
    assert.equal(await actor.textContent(), 'ad\\u200bmin');
    assert.equal(await actor.locator('.esc').count(), 1);
    assert.match((await actor.getAttribute('title')) ?? '', /^ad\\u200bmin$/);

    await page.locator('ae-grid .row[data-index="4"]').click();
    await page.locator('ae-detail .tree').waitFor({ state: 'visible' });
    // The tree: the override shows as \u202e and does not reverse "gpj.exe" into "exe.jpg".
    const file = page.locator('ae-detail .line[title="requestParameters.fileName"] .string');
    assert.equal(await file.textContent(), '"invoice-\\u202egpj.exe"');
    const [g, x] = await charLefts(page, 'ae-detail', '.line[title="requestParameters.fileName"] .string', 'gpj.exe', 0, 5);
    assert.ok(g < x, `"gpj.exe" reads left to right (g at ${g}, x at ${x})`);
    // A key with an override, and ANSI and NUL in a value, as escapes.
    assert.equal(await page.locator('ae-detail .line[title="requestParameters.key\\\\u202e"] .key').textContent(), 'key\\u202e');
    const ansi = page.locator('ae-detail .line[title="responseElements.message"] .string');
    assert.equal(await ansi.textContent(), '"\\u001b[31mred\\u001b[0m and a NUL: \\u0000."');
    assert.equal(await ansi.locator('.esc').count(), 3);
    // Copy Value copies the original characters.
    await page.locator('ae-detail .line[title="requestParameters.fileName"]').hover();
    await page.locator('ae-detail .line-actions button[aria-label="Copy value"]').click();
    await page.waitForFunction(() => (window as unknown as Win).__fakeHost.log.some((m) => m.method === 'copy'));
    assert.equal((await hostLog(page)).filter((m) => m.method === 'copy').pop()?.params.text, 'invoice-\u202egpj.exe');

    // The raw view: the same escape, and the text after it keeps its order.
    await page.locator('ae-detail vscode-tab-header', { hasText: 'Raw' }).click();
    const raw = (await page.locator('ae-detail pre.raw').first().textContent()) ?? '';
    assert.ok(raw.includes('"invoice-\\u202egpj.exe"'), raw.slice(0, 300));
    assert.ok(!/[\u202a-\u202e\u2066-\u2069\u200b-\u200f]/.test(raw), 'no live bidi or zero-width character in the raw view');
    const [rg, rx] = await charLefts(page, 'ae-detail', 'pre.raw', 'gpj.exe', 0, 5);
    assert.ok(rg < rx, `raw "gpj.exe" reads left to right (g at ${rg}, x at ${rx})`);
    // Every string of the raw JSON is its own bidi island.
    const isolated = await page.evaluate(() => {
      const root = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-detail')?.shadowRoot;
      const spans = Array.from(root?.querySelectorAll('pre.raw .v') ?? []);
      return { n: spans.length, isolate: spans.every((s) => getComputedStyle(s).unicodeBidi === 'isolate') };
    });
    assert.ok(isolated.n > 20 && isolated.isolate, JSON.stringify(isolated));
    // Copy Event JSON is the raw event as it arrived.
    await page.locator('ae-detail button[aria-label="Copy event JSON"]').click();
    await page.waitForFunction(() => (window as unknown as Win).__fakeHost.log.filter((m) => m.method === 'copy').length >= 2);
    assert.ok(String((await hostLog(page)).filter((m) => m.method === 'copy').pop()?.params.text).includes('"invoice-\u202egpj.exe"'));
    assert.deepEqual(problems, []);
  });

  it('item 20: header, cells and section titles are readable in all four themes (dark, light, high contrast, high contrast light)', async () => {
    const { page, problems } = await open();
    await waitRowsLoaded(page);
    const results: string[] = [];
    for (const theme of ['dark', 'light', 'hc', 'hcLight']) {
      await page.evaluate((t) => (window as unknown as Win).__fakeHost.setTheme(t), theme);
      await page.waitForTimeout(100);
      const pairs = await page.evaluate(() => {
        const parse = (c: string): [number, number, number, number] => {
          const m = /rgba?\(([^)]+)\)/.exec(c);
          if (m) {
            const p = m[1].split(/[,\s/]+/).filter(Boolean).map(Number);
            return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
          }
          const s = /color\(srgb ([^)]+)\)/.exec(c);
          if (s) {
            const p = s[1].split(/[\s/]+/).filter(Boolean).map(Number);
            return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1];
          }
          return [0, 0, 0, 0];
        };
        const parentOf = (el: Element): Element | null => el.parentElement ?? ((el.getRootNode() as ShadowRoot).host ?? null);
        /** The color behind `el`: its and its ancestors' backgrounds, composited over white. */
        const background = (el: Element): [number, number, number] => {
          const chain: Element[] = [];
          for (let e: Element | null = el; e; e = parentOf(e)) chain.push(e);
          let c: [number, number, number] = [255, 255, 255];
          for (const e of chain.reverse()) {
            const [r, g, b, a] = parse(getComputedStyle(e).backgroundColor);
            c = [r * a + c[0] * (1 - a), g * a + c[1] * (1 - a), b * a + c[2] * (1 - a)];
          }
          return c;
        };
        const lum = ([r, g, b]: number[]) => {
          const f = (x: number) => ((x /= 255) <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4));
          return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
        };
        const contrast = (el: Element) => {
          const bg = background(el);
          const [r, g, b, a] = parse(getComputedStyle(el).color);
          const fg = [r * a + bg[0] * (1 - a), g * a + bg[1] * (1 - a), b * a + bg[2] * (1 - a)];
          const [l1, l2] = [lum(fg), lum(bg)].sort((x, y) => y - x);
          return (l1 + 0.05) / (l2 + 0.05);
        };
        const app = document.querySelector('ale-app')?.shadowRoot;
        const pick = (host: string, sel: string) => app?.querySelector(host)?.shadowRoot?.querySelector(sel);
        const out: Record<string, number> = {};
        const targets: Array<[string, Element | null | undefined]> = [
          ['grid header', pick('ae-grid', '.hcell .label')],
          ['grid cell', pick('ae-grid', '.row .cell[data-col="1"]')],
          ['facet title', pick('ae-facets', '.section-title')],
          ['facet value', pick('ae-facets', '.value .text')],
          ['status', app?.querySelector('.status .count')],
        ];
        for (const [name, el] of targets) out[name] = el ? contrast(el) : -1;
        return out;
      });
      for (const [name, ratio] of Object.entries(pairs)) {
        // WCAG AA for text; high contrast themes promise more (AAA).
        const need = theme.startsWith('hc') ? 7 : 4.5;
        if (!(ratio >= need)) results.push(`${theme}: ${name} contrast ${ratio.toFixed(2)} < ${need}`);
      }
    }
    assert.deepEqual(results, []);
    assert.deepEqual(problems, []);
  });

  it('item 25 (issue 15): the default columns fit a 1600 px panel, the principal shows its ARN on hover, and ARNs show their end with the whole value as tooltip', async () => {
    const { page, problems } = await open('', { width: 1600, height: 900 });
    await waitRowsLoaded(page);
    const fit = await page.evaluate(() => {
      const grid = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-grid');
      const vp = grid?.shadowRoot?.querySelector('.viewport')?.getBoundingClientRect();
      const out: Record<string, number> = {};
      for (const h of Array.from(grid?.shadowRoot?.querySelectorAll('.hcell:not(.filler)') ?? [])) out[h.textContent?.trim() ?? ''] = h.getBoundingClientRect().right - (vp?.right ?? 0);
      return out;
    });
    for (const col of ['Time', 'Principal', 'Action', 'Source IP', 'Outcome', 'Error', 'Account']) assert.ok(fit[col] !== undefined && fit[col] <= 0, `${col} ends ${fit[col]} px past the grid: ${JSON.stringify(fit)}`);

    /** For each element showing `text`: is its last character inside it, and its first cut off? */
    const ends = (host: string, selector: string, text: string) =>
      page.evaluate(
        ({ host, selector, text }) => {
          const root = document.querySelector('ale-app')?.shadowRoot?.querySelector(host)?.shadowRoot;
          const el = Array.from(root?.querySelectorAll<HTMLElement>(selector) ?? []).find((e) => e.textContent === text);
          if (!el) return undefined;
          const box = el.getBoundingClientRect();
          const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
          const node = walker.nextNode();
          if (!node) return undefined;
          const rect = (k: number) => {
            const r = document.createRange();
            r.setStart(node, k);
            r.setEnd(node, k + 1);
            return r.getBoundingClientRect();
          };
          return {
            lastInside: rect(text.length - 1).right <= box.right + 0.5 && rect(text.length - 1).left >= box.left,
            firstCut: rect(0).left < box.left,
            title: el.closest('[title]')?.getAttribute('title') ?? '',
          };
        },
        { host, selector, text },
      );
    const arn = 'arn:aws:sts::123456789012:assumed-role/Admin/alice@example.com';
    await runFilter(page, `actor:"${arn}"`);
    await waitForStatus(page, /^(?!200,000 of)[\d,]+ of 200,000 events/);
    await waitRowsLoaded(page);
    const cell = await ends('ae-grid', '.row .cell', 'Admin/alice@example.com');
    assert.ok(cell, 'a principal cell: the role and session of the ARN');
    assert.deepEqual(cell, { lastInside: true, firstCut: false, title: `Admin/alice@example.com\n${arn}` });
    const facet = await ends('ae-facets', '.value .text', arn);
    assert.ok(facet, 'an actor facet value with the ARN');
    assert.equal(facet.lastInside, true);
    assert.equal(facet.firstCut, true);
    assert.ok(facet.title.startsWith(`${arn}\n`), facet.title);
    assert.deepEqual(problems, []);
  });

  it('item 23: facets show the distinct count, page in more values, sort rarest first and find a rare value', async () => {
    const { page, problems } = await open();
    await waitRowsLoaded(page);
    const section = (field: string) => page.locator(`ae-facets section[data-field="${field}"]`);
    const texts = async (field: string) =>
      page.evaluate((f) => {
        const root = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-facets')?.shadowRoot;
        return Array.from(root?.querySelectorAll(`section[data-field="${f}"] > ul:not(.server-values) .value .text`) ?? []).map((e) => e.textContent ?? '');
      }, field);
    // The header counts the distinct values (18 actions, one only in the harness's session chain), not the 10 shown.
    assert.equal((await section('action').locator('.head .n').textContent())?.trim(), '18');
    assert.equal((await texts('action')).length, 10);
    assert.match((await section('sourceIp').locator('.head .n').textContent())?.trim() ?? '', /^\d{2,3},\d{3}$/);
    // "Show 7 more" asks the host for the next page.
    await section('action').locator('button.more').click();
    await page.waitForFunction(() => (document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-facets')?.shadowRoot?.querySelectorAll('section[data-field="action"] > ul .value').length ?? 0) === 18);
    const req = (await hostLog(page)).filter((m) => m.method === 'facet').pop()?.params;
    assert.deepEqual({ field: req?.field, offset: req?.offset, limit: req?.limit, order: req?.order }, { field: 'action', offset: 10, limit: 50, order: 'desc' });
    assert.equal(await section('action').locator('button.more').count(), 0);

    // Rarest first: the one event of "ad<ZWSP>min" comes to the top (shown with its escape).
    await section('actor').locator('button.order-btn').click();
    await page.waitForFunction(() => {
      const root = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-facets')?.shadowRoot;
      return root?.querySelector('section[data-field="actor"] > ul .value .text')?.textContent === 'ad\\u200bmin';
    });
    assert.equal(await section('actor').locator('button.order-btn').getAttribute('aria-pressed'), 'true');
    assert.equal((await section('actor').locator('> ul .value').first().locator('.count').textContent())?.trim(), '1');
    assert.equal(await section('actor').locator('> ul .value').first().locator('.esc').count(), 1);

    // A field with more values than the list holds says so, and offers "Show all" only up to it.
    const more = (await section('sourceIp').locator('.more-row').textContent())?.replace(/\s+/g, ' ') ?? '';
    assert.match(more, /Show 50 more/);
    assert.match(more, /Show all 10,000/);
    assert.match(more, /the list stops at 10,000/);

    // Find a value among 100,000+ source IPs by typing, then filter on it with the keyboard.
    await section('sourceIp').locator('button.search-btn').click();
    const search = section('sourceIp').locator('input.facet-search');
    await search.fill('10.10.8.');
    await page.waitForFunction(() => {
      const root = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-facets')?.shadowRoot;
      const v = Array.from(root?.querySelectorAll('section[data-field="sourceIp"] > ul .value .text') ?? []).map((e) => e.textContent ?? '');
      return v.length > 0 && v.every((x) => x.includes('10.10.8.'));
    });
    const found = await texts('sourceIp');
    await search.press('ArrowDown');
    await page.keyboard.press('Enter');
    const input = page.locator('ae-filter-bar vscode-textfield input');
    await page.waitForFunction(() => {
      const bar = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-filter-bar')?.shadowRoot;
      return (bar?.querySelector('vscode-textfield') as unknown as { value: string } | null)?.value.startsWith('sourceIp:');
    });
    assert.equal(await input.inputValue(), `sourceIp:"${found[0]}"`);
    assert.deepEqual(problems, []);
  });

  it('item 24: warns about a field no event has, suggests the closest, and completes field names from the keyboard', async () => {
    const { page, problems } = await open();
    await waitRowsLoaded(page);
    const input = page.locator('ae-filter-bar vscode-textfield input');
    await runFilter(page, 'srcip:1.2.3.4');
    await waitForStatus(page, /^0 of 200,000 events/);
    const warning = page.locator('ae-filter-bar .warning');
    await warning.waitFor({ state: 'visible' });
    assert.equal((await warning.locator('.message').textContent())?.replace(/\s+/g, ' ').trim(), 'No event has the field srcip — did you mean sourceIp?');
    await warning.locator('button.use-field').click();
    assert.equal(await input.inputValue(), 'sourceIp:1.2.3.4');
    await page.waitForFunction(() => (window as unknown as Win).__fakeHost.log.some((m) => m.method === 'query' && m.params.filter === 'sourceIp:1.2.3.4'));
    await warning.waitFor({ state: 'hidden' });
    // A known field that matches nothing is not a typo: no warning.
    await runFilter(page, 'action:NoSuchAction');
    await waitForStatus(page, /^0 of 200,000 events/);
    await page.waitForTimeout(200);
    assert.equal(await warning.count(), 0);

    // Completion: typing a field prefix lists names; ↓ and Enter insert one with its colon.
    await input.fill('');
    await input.focus();
    await page.keyboard.type('sourc');
    const list = page.locator('ae-filter-bar .completion');
    await list.waitFor({ state: 'visible' });
    const options = await page.evaluate(() =>
      Array.from(document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-filter-bar')?.shadowRoot?.querySelectorAll('.completion .option') ?? []).map((o) => o.textContent),
    );
    assert.deepEqual(options.slice(0, 3), ['sourceIp', 'source', 'sourceIPAddress']);
    await page.keyboard.press('ArrowDown');
    assert.equal(await list.locator('.option.active').textContent(), 'sourceIp');
    await page.keyboard.press('Enter');
    assert.equal(await input.inputValue(), 'sourceIp:');
    await page.keyboard.type('10.*');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (window as unknown as Win).__fakeHost.log.some((m) => m.method === 'query' && m.params.filter === 'sourceIp:10.*'));
    // Tab takes the first name; raw paths seen in the data are offered too.
    await page.keyboard.type(' requestParameters.buck');
    await list.waitFor({ state: 'visible' });
    await page.keyboard.press('Tab');
    assert.equal(await input.inputValue(), 'sourceIp:10.* requestParameters.bucketName:');
    // Escape closes the list and keeps the text.
    await page.keyboard.type('x -reg');
    await list.waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await list.waitFor({ state: 'hidden' });
    assert.equal(await input.inputValue(), 'sourceIp:10.* requestParameters.bucketName:x -reg');
    assert.deepEqual(problems, []);
  });

  it('item 26: a zoomed timeline says the date, the detail pane marks an event the filter left out, a new column scrolls into view', async () => {
    const { page, problems } = await open();
    await waitRowsLoaded(page);
    // Zoomed to one hour: the first tick carries the date.
    await runFilter(page, 'time:>=2024-05-03T10:00:00Z time:<2024-05-03T11:00:00Z');
    await waitForStatus(page, /^(?!200,000 of)[\d,]+ of 200,000 events/);
    await page.waitForFunction(() => {
      const t = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-timeline')?.shadowRoot;
      return /^2024-05-03 10:0/.test(t?.querySelector('text')?.textContent ?? '');
    });
    const ticks = await page.evaluate(() =>
      Array.from(document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-timeline')?.shadowRoot?.querySelectorAll('svg text') ?? []).map((t) => t.textContent ?? ''),
    );
    assert.ok(ticks.length > 2, ticks.join(', '));
    assert.match(ticks[0], /^2024-05-03 10:00/);
    assert.ok(ticks.slice(1).every((t) => /^10:\d\d(:\d\d)?$/.test(t)), ticks.join(', '));

    // The detail pane: an event the new filter leaves out is marked, and one it keeps is not.
    await runFilter(page, '');
    await waitForStatus(page, /^200,000 of 200,000 events/);
    await waitRowsLoaded(page);
    const row = page.locator('ae-grid .row[data-index="2"]');
    const action = (await row.locator('.cell[data-col="2"]').textContent()) ?? '';
    await row.click();
    await page.locator('ae-detail .tree').waitFor({ state: 'visible' });
    const gone = page.locator('ae-detail .gone');
    assert.equal(await gone.count(), 0);
    await runFilter(page, `-action:"${action}"`);
    await gone.waitFor({ state: 'visible' });
    assert.match((await gone.textContent()) ?? '', /Not in the current results/);
    assert.equal(await page.locator('ae-grid .row.selected').count(), 0, 'no row is highlighted for it');
    await runFilter(page, `action:"${action}"`);
    await gone.waitFor({ state: 'hidden' });
    await waitRowsLoaded(page);
    assert.equal(await page.locator('ae-grid .row.selected').count(), 1, 'the event is highlighted where it is now');

    // A column added from the chooser is scrolled into view.
    await page.locator('#columns-btn').click();
    const find = page.locator('ae-columns vscode-textfield input');
    await find.fill('userIdentity.accessKeyId');
    await find.press('Enter');
    await page.waitForFunction(() => {
      const grid = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-grid')?.shadowRoot;
      return Array.from(grid?.querySelectorAll('.hcell') ?? []).some((h) => h.textContent?.trim() === 'userIdentity.accessKeyId');
    });
    await page.waitForTimeout(100);
    const seen = await page.evaluate(() => {
      const grid = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-grid')?.shadowRoot;
      const vp = grid?.querySelector('.viewport')?.getBoundingClientRect();
      const h = Array.from(grid?.querySelectorAll('.hcell') ?? []).find((x) => x.textContent?.trim() === 'userIdentity.accessKeyId')?.getBoundingClientRect();
      return { left: (h?.left ?? 0) - (vp?.left ?? 0), right: (h?.right ?? 0) - (vp?.right ?? 0) };
    });
    assert.ok(seen.left >= 0 && seen.right <= 0, `the new column is in view: ${JSON.stringify(seen)}`);
    assert.deepEqual(problems, []);
  });
});
