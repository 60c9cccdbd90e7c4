/**
 * Issue 18: a translation needs no code change. The dev harness page is given the pseudo-locale
 * bundle (l10n/bundle.l10n.qps-ploc.json, made by `npm run l10n`) the way the host gives VS Code's
 * bundle to the real panel (a meta tag read by webview/l10nSetup.ts); the panel's own words come out
 * of that bundle, in Chromium, while the event data in the grid stays exactly as it was.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { renderedRows, ROOT, useBrowserHarness, waitRowsLoaded } from './browser';

const bundle = JSON.parse(readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.qps-ploc.json'), 'utf8')) as Record<string, string>;

/** The pseudo translation of `english` (the test fails if the bundle lacks it or leaves it English). */
function pseudo(english: string): string {
  const t = bundle[english];
  assert.ok(t, `the pseudo bundle has no "${english}"`);
  assert.notEqual(t, english, `"${english}" is not translated in the pseudo bundle`);
  return t;
}

/** A status line in the pseudo locale: its template with each {n} a number. */
function statusPattern(): RegExp {
  const escaped = pseudo('{0} of {1} events · {2} ms').replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\{\d\}/g, '[\\d,]+')}$`);
}

describe('webview: the panel in another language (issue 18) in Chromium', function () {
  this.timeout(120_000);
  const { open } = useBrowserHarness('webview translation tests');

  it('shows its own words from the bundle it is given, and the events exactly as they are', async () => {
    const english = await open('&rows=2000');
    await waitRowsLoaded(english.page);
    const englishRows = await renderedRows(english.page);
    const englishHeader = (await english.page.locator('ae-grid .hcell[role="columnheader"] .label').first().textContent())?.trim();

    const { page, problems } = await open('&rows=2000&locale=qps-ploc', undefined, statusPattern());
    await waitRowsLoaded(page);
    // Toolbar, tabs, the grid's column header and the status line: the pseudo-locale's words.
    assert.equal(await page.locator('#export-btn').getAttribute('title'), pseudo('Export Matching Events…'));
    assert.equal((await page.locator('ale-app .tab-events').textContent())?.trim(), pseudo('Events'));
    const header = (await page.locator('ae-grid .hcell[role="columnheader"] .label').first().textContent())?.trim();
    assert.equal(englishHeader, 'Time');
    assert.equal(header, pseudo('Time'));
    assert.match(((await page.locator('ale-app .status .count').textContent()) ?? '').trim(), statusPattern());
    // The events are data: the same cells, character for character, as in English.
    const rows = await renderedRows(page);
    assert.ok(rows.length > 0 && englishRows.length > 0);
    assert.deepEqual(rows[0]!.cells, englishRows[0]!.cells);
    assert.deepEqual(problems, []);
    assert.deepEqual(english.problems, []);
  });
});
