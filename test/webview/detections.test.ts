/**
 * The Detections section (issue 16) in a real browser: the dev harness's real bundle in Chromium.
 * The harness's in-page session has no Sigma engine (it needs node:v8 and node:zlib, so the browser
 * io gives no detector; the real runs are tested in test/unit/session.calls.test.ts and end to end in
 * test/e2e/workbench.e2e.mjs), so this sends the panel a detections summary the way the host pushes
 * one, with hostile rule texts, and checks what the panel makes of it: the tab and its count, levels
 * most severe first, each rule with title, level, hits, author and link, a click that puts
 * `rule:<id>` or `level:>=…` in the filter bar and runs it, and hostile texts shown as text.
 */
import assert from 'node:assert/strict';
import type { DetectionsSummary } from '../../src/protocol';
import { hostLog, useBrowserHarness, waitForStatus, type Page, type Win } from './browser';

const HOSTILE_TITLE = '<img src=x onerror=window.__pwned=1>';

function summary(): DetectionsSummary {
  const rule = (id: string, title: string, level: DetectionsSummary['rules'][number]['level'], hits: number, link: string) => ({
    id,
    title,
    level,
    author: `author of ${id}`,
    link,
    description: `what ${id} finds`,
    references: [],
    falsePositives: [],
    hits,
  });
  return {
    state: 'done',
    events: 5000,
    eventsWithHits: 7,
    byLevel: { informational: 0, low: 4, medium: 0, high: 2, critical: 1 },
    rules: [
      rule('crit-1', 'Trail stopped', 'critical', 1, 'https://github.com/SigmaHQ/sigma/blob/x/rules/a.yml'),
      rule('high-1', HOSTILE_TITLE, 'high', 2, 'javascript:window.__pwned=2'),
      rule('low-1', 'Buckets listed', 'low', 4, '/home/me/rules/low.yml'),
    ],
    problems: 0,
    bySource: {},
  };
}

async function push(page: Page, s: DetectionsSummary): Promise<void> {
  await page.evaluate((params) => window.dispatchEvent(new MessageEvent('message', { data: { id: 'host-detect', method: 'detections/didRun', params } })), s);
}

describe('webview: the Detections section in Chromium (dev harness)', function () {
  this.timeout(120_000);
  const { open } = useBrowserHarness('webview detections tests');

  it('no detector: no Detections tab', async () => {
    const { page } = await open('&rows=2000');
    await waitForStatus(page, /^2,000 of 2,000 events/);
    const asked = (await hostLog(page)).filter((m) => m.method === 'detections');
    assert.equal(asked.length, 1, 'the panel asks for the detections once it is ready');
    assert.equal(await page.locator('ale-app .tab-detections').count(), 0);
  });

  it('lists levels and rules most severe first; a rule or a level click filters; hostile texts stay text', async () => {
    const { page, problems } = await open('&rows=2000');
    await waitForStatus(page, /^2,000 of 2,000 events/);
    await push(page, summary());
    const tab = page.locator('ale-app .tab-detections');
    await tab.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(((await tab.textContent()) ?? '').replace(/\s+/g, ' '), /Detections \(3 high\+\)/);
    await tab.click();
    const rows = page.locator('ae-detections tr.rule');
    await rows.first().waitFor({ state: 'visible', timeout: 10_000 });
    const texts = (await rows.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    assert.equal(texts.length, 3);
    assert.match(texts[0]!, /^critical Trail stopped rule 1 author of crit-1$/);
    assert.ok(texts[1]!.includes(HOSTILE_TITLE), texts[1]);
    assert.match(texts[2]!, /low Buckets listed \/home\/me\/rules\/low\.yml 4 author of low-1/);
    const levels = (await page.locator('ae-detections button.level').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    assert.deepEqual(levels, ['critical 1', 'high 2', 'medium 0', 'low 4', 'informational 0']);
    // Links: an https rule link only; a javascript: one and a file path are text.
    const made = await page.evaluate(() => {
      const root = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-detections')?.shadowRoot;
      return {
        links: Array.from(root?.querySelectorAll('a') ?? [], (a) => a.getAttribute('href')),
        img: root?.querySelectorAll('img').length ?? -1,
        pwned: (window as unknown as Win).__pwned,
      };
    });
    assert.deepEqual(made, { links: ['https://github.com/SigmaHQ/sigma/blob/x/rules/a.yml'], img: 0, pwned: undefined });

    await rows.nth(1).locator('button.rule-title').click();
    await page.waitForFunction(() => document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-grid') != null);
    const queries = async () => (await hostLog(page)).filter((m) => m.method === 'query').map((m) => m.params.filter);
    await waitFor(async () => (await queries()).includes('rule:"high-1"'), 'the rule filter sent');
    await page.locator('ale-app .tab-detections').click();
    await page.locator('ae-detections button.level', { hasText: 'high' }).click();
    await waitFor(async () => (await queries()).includes('level:>=high'), 'the level filter sent');
    assert.deepEqual(problems, []);
  });

  it('says a run is under way and over how many events, and says a cancelled run did not check some events; the earlier hits stay listed', async () => {
    const { page, problems } = await open('&rows=2000');
    await waitForStatus(page, /^2,000 of 2,000 events/);
    await push(page, { ...summary(), state: 'running', pending: 1234 });
    await page.locator('ale-app .tab-detections').click();
    const note = page.locator('ae-detections p.running');
    await note.waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal((await note.textContent())?.trim(), 'Running the Sigma rules over 1,234 events…');
    await push(page, { ...summary(), state: 'cancelled', pending: 1234 });
    const cancelled = page.locator('ae-detections p.cancelled');
    await cancelled.waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal((await cancelled.textContent())?.trim(), 'Cancelled: the rules did not run over 1,234 events (they run again when more events load).');
    assert.equal(await page.locator('ae-detections p.running').count(), 0);
    assert.equal(await page.locator('ae-detections tr.rule').count(), 3, 'the hits of the runs before stay');
    assert.deepEqual(problems, []);
  });
});

async function waitFor(cond: () => Promise<boolean>, what: string, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never happened: ${what}`);
}
