/**
 * Issue 18, keyboard: VS Code's panel commands (keybindings scoped to the panel, src/vscode/panelKeys.ts)
 * reach the webview as PanelCommandNotification, and the panel does what its own keys and buttons
 * do. Here the dev harness's host posts the notification (test/e2e/walkthrough.e2e.mjs presses the
 * real keys in code-server).
 */
import assert from 'node:assert/strict';
import { PanelCommandNotification, type PanelCommand } from '../../src/protocol';
import { runFilter, statusText, useBrowserHarness, waitForStatus, waitRowsLoaded, type Page, type Win } from './browser';

function send(page: Page, command: PanelCommand | string): Promise<void> {
  return page.evaluate(
    ([method, c]) => (window as unknown as Win).__fakeHost.post({ id: `key-${c}`, method, params: { command: c } }),
    [PanelCommandNotification.method, command] as const,
  );
}

/** "Row N" of the status line, when a row is selected. */
async function selectedRow(page: Page): Promise<string | undefined> {
  return /Row ([\d,]+)/.exec((await page.locator('ale-app .status').textContent()) ?? '')?.[1];
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeout = 10_000): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: T | undefined | false;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what}: last ${JSON.stringify(last)}`);
}

/** Whether the filter bar's input has the keyboard (the focus chain through the shadow roots). */
function filterFocused(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const chain: string[] = [];
    for (let el: Element | null = document.activeElement; el; el = el.shadowRoot?.activeElement ?? null) chain.push(el.localName);
    return chain.includes('ae-filter-bar') && chain[chain.length - 1] === 'input';
  });
}

describe('webview: VS Code panel commands (issue 18 keyboard) in Chromium', function () {
  this.timeout(120_000);
  const { open } = useBrowserHarness('webview panel command tests');

  it('next / previous event move the selection (from the first row when none is selected), also from the Principals tab', async () => {
    const { page, problems } = await open('&rows=3000');
    await waitRowsLoaded(page);
    assert.equal(await selectedRow(page), undefined);
    await send(page, 'nextEvent');
    await waitFor('row 1', async () => (await selectedRow(page)) === '1');
    await send(page, 'nextEvent');
    await waitFor('row 2', async () => (await selectedRow(page)) === '2');
    await send(page, 'nextEvent');
    await waitFor('row 3', async () => (await selectedRow(page)) === '3');
    await send(page, 'previousEvent');
    await waitFor('row 2', async () => (await selectedRow(page)) === '2');
    assert.equal(await page.locator('ae-grid .row[data-index="1"]').getAttribute('aria-selected'), 'true');
    // From another tab: the events come back and the selection moves on.
    await page.locator('ale-app .tab-summary').click();
    await page.locator('ae-summary').waitFor({ state: 'visible' });
    await send(page, 'nextEvent');
    await waitFor('row 3 in the Events tab', async () => (await selectedRow(page)) === '3' && (await page.locator('ae-grid').count()) === 1);
    assert.deepEqual(problems, []);
  });

  it('open detail shows the detail pane with the selected event, also when the pane was hidden', async () => {
    const { page, problems } = await open('&rows=3000');
    await waitRowsLoaded(page);
    await page.locator('vscode-toolbar-button[label="Hide Event Detail"]').click();
    await waitFor('the pane hidden', async () => (await page.locator('ae-detail').count()) === 0);
    await send(page, 'openDetail');
    await waitFor('the pane with row 1', async () => (await page.locator('ae-detail').count()) === 1 && (await selectedRow(page)) === '1');
    const id = ((await page.locator('ae-grid .row[data-index="0"]').textContent()) ?? '').trim();
    assert.ok(id.length > 0);
    await waitFor('the event in the pane', async () => ((await page.locator('ae-detail .tree').textContent()) ?? '').length > 50);
    assert.deepEqual(problems, []);
  });

  it('focus filter gives the filter bar the keyboard; clear filter empties it and shows every event', async () => {
    const { page, problems } = await open('&rows=3000');
    await waitRowsLoaded(page);
    await page.locator('ae-grid .row[data-index="0"]').click();
    assert.equal(await filterFocused(page), false);
    await send(page, 'focusFilter');
    await waitFor('the filter bar focused', () => filterFocused(page));
    await runFilter(page, 'ipClass:private');
    await waitForStatus(page, /^(?!3,000 of)[\d,]+ of 3,000 events/);
    await send(page, 'clearFilter');
    await waitForStatus(page, /^3,000 of 3,000 events/);
    assert.equal(await page.locator('ae-filter-bar vscode-textfield input').inputValue(), '');
    assert.deepEqual(problems, []);
  });

  it('ignores a command it does not know', async () => {
    const { page, problems } = await open('&rows=3000');
    await waitRowsLoaded(page);
    const before = await statusText(page);
    await send(page, 'deleteEverything');
    await send(page, '<img src=x onerror=alert(1)>');
    await page.waitForTimeout(200);
    assert.equal(await selectedRow(page), undefined);
    assert.equal((await statusText(page)).replace(/ · .*$/, ''), before.replace(/ · .*$/, ''));
    assert.deepEqual(problems, []);
  });
});
