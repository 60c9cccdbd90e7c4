/**
 * Issue 15, part 4 in the panel (the dev harness: the real bundle over the real panel session, in
 * Chromium): the Country and AS facets carry the IP data's attribution, the fields filter, and the
 * detail pane's where-from line says what the address is, with the attribution under it. The
 * harness runs in a page, where no IP table is provided: country and AS stay empty there and the
 * line says the table could not be loaded; test/unit/ipGeo.session.test.ts covers them with it.
 */
import assert from 'node:assert/strict';
import { runFilter, useBrowserHarness, waitForStatus, waitRowsLoaded } from './browser';

describe('webview: where from (issue 15, part 4) in Chromium', function () {
  this.timeout(120_000);
  const { open } = useBrowserHarness('webview where-from tests');

  it('shows the Country and AS facets with the data attribution, filters on ipClass, and the where-from line in the detail', async () => {
    const { page, problems } = await open('&rows=3000');
    await waitRowsLoaded(page);
    const country = page.locator('ae-facets section[data-field="country"] .section-title');
    assert.equal(await country.textContent(), 'Country');
    assert.match((await country.getAttribute('title')) ?? '', /NRO.*RouteViews.*DB-IP.*CC BY 4\.0/);
    const asn = page.locator('ae-facets section[data-field="asn"] .section-title');
    assert.equal(await asn.textContent(), 'AS');
    assert.match((await asn.getAttribute('title')) ?? '', /db-ip\.com/);

    await runFilter(page, 'ipClass:private');
    await waitForStatus(page, /^[\d,]+ of 3,000 events/);
    await waitRowsLoaded(page);
    await page.locator('ae-grid .row[data-index="0"]').click();
    const where = page.locator('ae-detail .where');
    await where.waitFor({ state: 'visible' });
    assert.match((await where.locator('.where-text').textContent()) ?? '', /^private address/);
    const source = (await where.locator('.where-source').textContent()) ?? '';
    assert.match(source, /DB-IP/);
    assert.match(source, /CC BY 4\.0/);
    assert.match((await where.getAttribute('title')) ?? '', /^10\.\d+\.\d+\.\d+: private address/);
    assert.deepEqual(problems, []);
  });
});
