// Driving the code-server workbench like a person, for e2e suites: the command palette, quick picks,
// input boxes, editor tabs, the Sources tree and the events panel's webview frame. What was found
// about each (labels typed without "…", rows with detail lines, frames two iframes deep) is in
// README.md here. workbench.e2e.mjs and sixth.e2e.mjs both drive the workbench with these.
/* global document, customElements */
import { performance } from 'node:perf_hooks';
import { sleep } from '../../scripts/vscode-test/workbench.mjs';

export function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

/** Polls `fn` until it returns something truthy; throws `what` (with the last value) after `ms`. */
export async function until(what, fn, ms = 30_000) {
  const s = performance.now();
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = `error: ${e.message.split('\n')[0]}`;
    }
    if (performance.now() - s > ms) throw new Error(`timed out after ${ms / 1000}s waiting for ${what}${last !== undefined && last !== false ? ` (last: ${JSON.stringify(last)})` : ''}`);
    await sleep(150);
  }
}

/** The helpers bound to one workbench page. */
export function driver(page) {
  const quickInput = () => page.locator('.quick-input-widget');
  const quickInputBox = () => quickInput().locator('input.input');
  const quickRows = () => quickInput().locator('.quick-input-list .monaco-list-row');
  const quickRow = (label) => quickRows().filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRe(label)}\\s*$`) }) });

  async function closeQuickInput() {
    if (await quickInput().isVisible().catch(() => false)) {
      await page.keyboard.press('Escape');
      await quickInput().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
    }
  }

  async function openPalette() {
    await closeQuickInput();
    await page.keyboard.press('F1');
    if (!(await quickInput().waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false))) {
      await page.locator('.command-center .search-box, .command-center-center').first().click();
      await quickInput().waitFor({ state: 'visible', timeout: 5_000 });
    }
  }

  return {
    quickInput,
    quickInputBox,
    /** The open quick input's rows (a file dialog lists its folder here). */
    quickRows,
    /** Rows of the open quick input whose label is exactly `label`. */
    quickRow,
    /** The labels of the open quick pick's rows (the first .label-name of each: the label, not the detail). */
    async quickLabels() {
      return quickRows().evaluateAll((rows) => rows.map((r) => r.querySelector('.label-name')?.textContent?.trim() ?? ''));
    },
    /** Runs a command from the palette by its exact label; reopens the palette until it lists it. */
    async runCommand(label) {
      const row = quickRow(label);
      await until(`"${label}" in the command palette`, async () => {
        await openPalette();
        await quickInputBox().fill(`>${label.replace(/…$/, '')}`);
        return row.first().waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false);
      }, 20_000);
      await row.first().click();
    },
    /** Picks `label` in the open quick pick: types it until it is the first row, then Enter. */
    async pickQuick(label) {
      const row = quickRow(label);
      await until(`"${label}" in the quick pick`, async () => (await row.count()) > 0, 10_000);
      await quickInputBox().fill(label);
      await until(`"${label}" as the first row`, async () => {
        const first = quickRows().first();
        return (await first.locator('.label-name').first().textContent({ timeout: 1_000 }).catch(() => ''))?.trim() === label;
      }, 10_000);
      await quickInputBox().press('Enter');
    },
    /** Answers the input box whose title matches `title` with `text`, typed, then Enter. */
    async answerInput(title, text, { password = false } = {}) {
      await until(`the input box "${title}"`, async () => title.test((await quickInput().locator('.quick-input-title').textContent({ timeout: 1_000 }).catch(() => '')) ?? ''), 10_000);
      if (password) {
        const type = await quickInputBox().getAttribute('type');
        assert(type === 'password', `the key box is type="${type}", so the key shows on screen`);
      }
      if (text) {
        await quickInputBox().fill('');
        await quickInputBox().pressSequentially(text, { delay: 5 });
      }
      await quickInputBox().press('Enter');
    },
    /**
     * The simple file dialog accepting a folder: its path (the dialog lists it), then the OK button
     * (labelled with the dialog's openLabel; Enter on a folder row would navigate into it).
     * Resolves right after the click, before the dialog has closed: the command has its folder.
     */
    /** `beforeClick` runs just before the OK click (the bench starts its clock there). */
    async folderDialog(dir, { okLabel = 'Open in Audit Log Explorer', beforeClick } = {}) {
      await quickInput().waitFor({ state: 'visible', timeout: 10_000 });
      await until('the file dialog to list its folder', async () => (await quickInputBox().inputValue()).startsWith('/') && (await quickRows().count()) > 0, 10_000);
      await quickInputBox().fill(`${dir}/`);
      await until(`the dialog to list ${dir}/`, async () => (await quickInputBox().inputValue()) === `${dir}/` &&
        (await quickRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label')?.trim()))).some((l) => l && l !== '..'), 10_000);
      const ok = quickInput().locator('.monaco-button', { hasText: new RegExp(`^${escapeRe(okLabel)}$`) });
      await ok.waitFor({ state: 'visible', timeout: 10_000 });
      beforeClick?.();
      await ok.click();
    },
    async waitForTab(title, ms) {
      await until(`the editor tab "${title}"`, async () => (await page.locator('.tabs-container .tab').allInnerTexts()).map((t) => t.trim()).includes(title), ms);
    },
    async toast(re, ms = 15_000) {
      return until(`a notification matching ${re}`, async () => (await page.locator('.notifications-toasts .notification-toast').allInnerTexts()).find((x) => re.test(x)), ms);
    },
    /** A row of a tree in the side bar whose label is exactly `label`. */
    treeRow(label) {
      return page.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRe(label)}\\s*$`) }) }).first();
    },
    /** Waits for the extension's activity bar entry (its contributions are in once it is). */
    async waitForAuditLogs() {
      await page.locator('.activitybar .action-item a[aria-label^="Audit Logs"], .activitybar .action-item[aria-label^="Audit Logs"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    },
    /** Shows the Audit Logs side bar (a click on its entry when it is already shown would hide it). */
    async showAuditLogsView() {
      const sources = page.locator('.sidebar .pane-header', { hasText: /Sources/ }).first();
      if (await sources.isVisible().catch(() => false)) return;
      await page.locator('.activitybar .action-item a[aria-label^="Audit Logs"], .activitybar .action-item[aria-label^="Audit Logs"]').first().click();
      await sources.waitFor({ state: 'visible', timeout: 10_000 });
    },
    /** The frame of the panel titled `title` once <ale-app> has rendered that title. */
    async panelFrame(title, ms = 30_000) {
      return until(`the panel frame "${title}"`, async () => {
        for (const f of page.frames()) {
          const t = await f
            .evaluate(() => (customElements.get('ale-app') ? document.querySelector('ale-app')?.shadowRoot?.querySelector('.titlebar .title')?.textContent?.trim() : undefined))
            .catch(() => undefined);
          if (t === title) return f;
        }
        return undefined;
      }, ms);
    },
  };
}

/** ale-app's status line, e.g. { text: "8 of 8 events · 1 ms", count: 8, total: 8 }. */
export async function panelStatus(frame) {
  const text = (await frame.locator('ale-app .status .count').textContent({ timeout: 2_000 }))?.trim() ?? '';
  const m = /^([\d,]+) of ([\d,]+) events/.exec(text);
  return m ? { text, count: Number(m[1].replace(/,/g, '')), total: Number(m[2].replace(/,/g, '')) } : { text };
}
