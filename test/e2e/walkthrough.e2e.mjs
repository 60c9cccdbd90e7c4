#!/usr/bin/env node
// Issue 18's walkthrough and keyboard, in a real VS Code workbench (code-server on 127.0.0.1) driven
// by playwright-core in headless Debian chromium, dark theme:
//   1. the extension is installed while the workbench is open ("Extensions: Install from VSIX…",
//      as from the Marketplace), and its walkthrough opens by itself (first install; README.md here
//      says why the extension opens it rather than VS Code);
//   2. every step is walked the way it asks (its command link, then the action in the panel) and
//      gets its completed tick; "Audit Logs: Get Started" opens the walkthrough again;
//   3. each panel keybinding does its thing in the panel, and none is a key VS Code binds by default;
//   4. Settings in the panel's "…" menu opens the settings editor filtered to the extension.
// Along the way it takes the walkthrough's pictures from the real panel: test-results/walkthrough/,
// or with --media media/walkthrough/ (what the walkthrough ships; `npm run media`).
//
//   node esbuild.mjs && node test/e2e/walkthrough.e2e.mjs [--no-setup] [--keep] [--media]
// Closing line "e2e walkthrough: N passed, N failed, N skipped"; with AUDIT_LOGS_TEST_SUMMARY=file it
// also writes {"passed","failed","skipped"} there (scripts/test.mjs). Results: test-results/e2e-walkthrough.json.
/* global document, navigator */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { PATHS, REPO, bundledVsCodeVersion } from '../../scripts/vscode-test/lib.mjs';
import {
  closeBrowser, extHostLogs, extensionId, freePort, launchChromium, makeDirs, makeTempRoot, onSignals,
  openWorkbench, packageVsix, screenshot, serverEnv, sleep, startCodeServer, stopCodeServer, tail, writeUserSettings,
} from '../../scripts/vscode-test/workbench.mjs';
import { checkList } from './checks.mjs';
import { shrinkPng } from './png.mjs';
import { assert, driver, escapeRe, panelStatus, until } from './drive.mjs';

const { values: opt } = parseArgs({
  options: {
    'no-setup': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    media: { type: 'boolean', default: false },
  },
});
const log = (msg) => console.log(`[e2e-walkthrough] ${msg}`);
const require = createRequire(import.meta.url);
const MANIFEST = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const NLS = JSON.parse(readFileSync(join(REPO, 'package.nls.json'), 'utf8'));
const text = (ref) => (/^%.+%$/.test(ref) ? NLS[ref.slice(1, -1)] : ref);
const WALKTHROUGH = MANIFEST.contributes.walkthroughs[0];
const WALKTHROUGH_TITLE = text(WALKTHROUGH.title);
const MEDIA_DIR = opt.media ? join(REPO, 'media', 'walkthrough') : join(PATHS.results, 'walkthrough');
/** The incident the sample week hides (src/samples/story.ts): a CI user's key used from outside. */
const INCIDENT_IP = '203.0.113.250';
const SAMPLES_TITLE = 'Audit Logs: samples';

let page;
let interrupted = false;
const { results, gates, check, counts } = checkList({ shots: 'e2e-walkthrough-failure', page: () => page, interrupted: () => interrupted });

let server;
let browser;
let tmp;
let tearingDown;
function teardown() {
  tearingDown ??= (async () => {
    await closeBrowser(browser);
    browser = undefined;
    await stopCodeServer(server);
  })();
  return tearingDown;
}
onSignals((sig) => {
  console.error(`\n[e2e-walkthrough] ${sig}: shutting down code-server and chromium`);
  interrupted = true;
  teardown().finally(() => {
    if (tmp && !opt.keep) rmSync(tmp, { recursive: true, force: true });
    process.exit(130);
  });
});

// ---------------------------------------------------------------- the walkthrough in the Welcome editor

const welcome = () => page.locator('.gettingStartedContainer').first();
/** A step's row (button) in the open walkthrough, by the step's id in package.json. */
const stepRow = (id) => welcome().locator(`.getting-started-step[data-step-id$="#${id}"]`).first();

/** The walkthrough itself is shown (its steps), not only listed on the Welcome page. */
async function walkthroughOpen() {
  // The Welcome page keeps a walkthrough's slide in the page when it shows the list, its step buttons disabled.
  const row = stepRow(WALKTHROUGH.steps[0].id);
  return (await row.isVisible().catch(() => false)) && (await row.isEnabled({ timeout: 1_000 }).catch(() => false));
}

async function stepDone(id) {
  return (await stepRow(id).getAttribute('aria-checked', { timeout: 2_000 }).catch(() => '')) === 'true';
}

/** Shows the walkthrough's tab again (the panel opens beside it, in the same group). */
async function showWalkthrough() {
  const tab = page.locator('.tabs-container .tab', { hasText: /Welcome|Walkthrough|Get Started/ }).first();
  if (await tab.count()) await tab.click();
  // Shown again, the Welcome page may be back at its list of walkthroughs: pick ours there, as a user would.
  await until('the walkthrough', async () => {
    if (await walkthroughOpen()) return true;
    const entry = welcome().getByRole('button').filter({ hasText: WALKTHROUGH_TITLE }).filter({ visible: true }).first();
    if (await entry.count()) await entry.click({ timeout: 2_000 }).catch(() => {});
    return false;
  }, 15_000);
}

/** Expands step `id` and clicks its command link (a button the walkthrough makes from `[label](command:…)`). */
async function runStepLink(id, label) {
  await showWalkthrough();
  const row = stepRow(id);
  assert(!(await stepDone(id)), `step ${id} was ticked before its action`);
  // An expanded step's button is disabled (the first one is expanded when the walkthrough opens).
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  await until(`step ${id} to expand`, async () => (await row.getAttribute('aria-expanded')) === 'true', 10_000);
  const link = row.locator('.monaco-button, a', { hasText: new RegExp(`^\\s*${escapeRe(label)}\\s*$`) }).first();
  await link.click();
}

async function waitStepDone(id) {
  await showWalkthrough();
  await until(`the tick of step ${id}`, () => stepDone(id), 15_000);
}

// ---------------------------------------------------------------- pictures

/** The editor area (the panel's webview lies over it), as the walkthrough's picture `name`. */
async function picture(name, target = page.locator('.part.editor')) {
  // Without the notification toasts ("3 problems while reading…" of the sample logs' edge cases).
  for (const close of await page.locator('.notifications-toasts .notification-toast .codicon-notifications-clear').all()) await close.click({ timeout: 1_000 }).catch(() => {});
  await sleep(400);
  const file = join(MEDIA_DIR, name);
  assert(await screenshot(target, file, { log: () => {} }), `screenshot ${name} failed`);
  const [before, after] = shrinkPng(file);
  return `${name} ${Math.round(after / 1024)} KB (${Math.round(before / 1024)} KB as Chromium wrote it)`;
}

// ---------------------------------------------------------------- main

async function main() {
  if (!opt['no-setup']) {
    const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'vscode-test', 'setup.mjs')], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`setup.mjs failed (exit ${r.status ?? r.signal})`);
  }
  for (const f of [join(REPO, 'dist', 'extension.js'), join(REPO, 'dist', 'webview.js'), join(REPO, 'out', 'src', 'samples', 'generator.js')]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run node esbuild.mjs first`);
  }
  mkdirSync(PATHS.results, { recursive: true });
  mkdirSync(MEDIA_DIR, { recursive: true });
  for (const f of readdirSync(PATHS.results)) if (/^e2e-walkthrough-failure-\d+\.png$/.test(f)) rmSync(join(PATHS.results, f));
  tmp = makeTempRoot('ale-e2e-walkthrough-');
  const dirs = makeDirs(tmp);
  const ws = dirs.workspace;
  // "Your own CloudTrail folder": three days of log files as S3 delivers them (the sample generator's).
  const samples = require(join(REPO, 'out', 'src', 'samples', 'generator.js'));
  let trailFiles = 0;
  for (const f of samples.generateSampleFiles({ days: 3, eventsPerDay: 60 })) {
    if (!f.path.startsWith('AWSLogs/') || f.path.includes('CloudTrail-Digest')) continue;
    const to = join(ws, 'my-trail', ...f.path.split('/'));
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, f.data);
    trailFiles++;
  }
  const exportsDir = join(tmp, 'exports');
  mkdirSync(exportsDir);
  // Dark, and the walkthrough opens on install as it does by default (the harness's settings turn it off).
  // As VS Code starts by default: the Welcome page at startup, walkthroughs opened on install (the
  // harness's settings turn both off).
  writeUserSettings(dirs.userData, {
    'workbench.colorTheme': 'Default Dark Modern',
    'workbench.welcomePage.walkthroughs.openOnInstall': true,
  });
  const extId = extensionId(REPO);
  const vsix = join(ws, `${extId}.vsix`);
  log(`packaged in ${await packageVsix(REPO, vsix, { home: dirs.home })}s (temp ${tmp})`);
  const env = await serverEnv(dirs.home, {});
  server = await startCodeServer({ port: await freePort(), dirs, env, onSpawn: (h) => (server = h) });
  log(`code-server ${bundledVsCodeVersion()} on ${server.base}`);
  browser = await launchChromium({ home: dirs.home });
  const wbInfo = await openWorkbench(browser, { url: server.url(ws), consoleLog: dirs.browserLog, viewport: { width: 1360, height: 820 } });
  page = wbInfo.page;
  const d = driver(page);
  await until('the Explorer to list the workspace', async () => (await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'my-trail' }).count()) > 0, 60_000);

  console.log('\nChecks:');
  // ---- 1. first install
  await check('"Extensions: Install from VSIX…" while the workbench is open: the walkthrough opens by itself (first install) and stays open', async () => {
    await d.runCommand('Extensions: Install from VSIX...');
    await fileDialog(d, vsix, { exists: true });
    await until(`the walkthrough "${WALKTHROUGH_TITLE}" to open`, walkthroughOpen, 90_000);
    // And it stays open (the Welcome page rebuilds itself as walkthroughs register).
    await sleep(8_000);
    await screenshot(page, join(PATHS.results, 'e2e-walkthrough-opened.png'), { log: () => {} });
    assert(await walkthroughOpen(), 'the walkthrough was shown, then the Welcome page went back to its list');
    const steps = await welcome().locator('.getting-started-step[data-step-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-step-id')));
    const want = WALKTHROUGH.steps.map((s) => `${extId}#${WALKTHROUGH.id}#${s.id}`);
    assert(want.every((id) => steps.some((x) => x.toLowerCase() === id.toLowerCase())), `steps ${JSON.stringify(steps)}`);
    assert(!(await Promise.all(WALKTHROUGH.steps.map((s) => stepDone(s.id)))).some(Boolean), 'a step is ticked before anything was done');
    gates.walkthrough = true;
    return `${steps.length} steps, none ticked`;
  });
  await d.waitForAuditLogs().catch(() => {});

  // ---- 2. every step, as it asks
  const step = (id) => WALKTHROUGH.steps.find((s) => s.id === id);
  const stepTitle = (id) => text(step(id).title);
  let frame;

  await check(`step "${stepTitle('openSamples')}": its link opens the sample logs in the panel; ticked`, async () => {
    await runStepLink('openSamples', 'Open Sample Logs');
    await d.waitForTab(SAMPLES_TITLE, 90_000);
    frame = await d.panelFrame(SAMPLES_TITLE, 90_000);
    const st = await until('the sample logs loaded', async () => {
      const s = await panelStatus(frame);
      // Read to the end: the summary line ("20,704 events · … files skipped · …") replaces the progress.
      const done = (await frame.locator('ale-app .strip.summary').count()) > 0 && (await frame.locator('ale-app .load').count()) === 0;
      return s.total > 1000 && done ? s : false;
    }, 120_000);
    await frame.locator('ae-grid .row[data-index="0"] .cell').first().waitFor({ state: 'visible', timeout: 15_000 });
    const shot = await picture('samples.png');
    await waitStepDone('openSamples');
    gates.panel = true;
    return `${st.text}; ${shot}`;
  }, { needs: ['walkthrough'] });

  const showPanel = async () => {
    await page.locator('.tabs-container .tab', { hasText: SAMPLES_TITLE }).first().click();
    frame = await d.panelFrame(SAMPLES_TITLE);
  };

  await check(`step "${stepTitle('findIncident')}": its link focuses the filter bar; "sourceIp:${INCIDENT_IP}" + Enter narrows to the incident; ticked`, async () => {
    await runStepLink('findIncident', 'Focus the Filter Bar');
    frame = await d.panelFrame(SAMPLES_TITLE);
    await until('the filter bar to have the keyboard', () => filterFocused(frame), 10_000);
    await page.keyboard.type(`sourceIp:${INCIDENT_IP}`, { delay: 10 });
    await page.keyboard.press('Enter');
    const st = await until('the incident’s events', async () => {
      const s = await panelStatus(frame);
      return s.count > 0 && s.count < s.total ? s : false;
    });
    const first = await frame.locator('ae-grid .row[data-index="0"]').textContent({ timeout: 10_000 });
    assert(first?.includes(INCIDENT_IP), `first row: ${first}`);
    const shot = await picture('filter.png');
    await waitStepDone('findIncident');
    return `${st.text}; ${shot}`;
  }, { needs: ['panel'] });

  await check(`step "${stepTitle('readDetail')}": its link opens the first event's detail, with the session chain back to a person; ticked`, async () => {
    await runStepLink('readDetail', 'Open the Selected Event');
    frame = await d.panelFrame(SAMPLES_TITLE);
    const chain = await until('the detail pane with the session chain', async () => {
      const t = (await frame.locator('ae-detail').first().evaluate((el) => el.shadowRoot?.textContent ?? '').catch(() => '')) ?? '';
      return /bob@example\.com/.test(t) && t.includes(INCIDENT_IP) ? t : false;
    });
    const shot = await picture('detail.png');
    await waitStepDone('readDetail');
    return `${chain.length} characters in the pane; ${shot}`;
  }, { needs: ['panel'] });

  await check(`step "${stepTitle('openFolder')}": its link's dialog takes the my-trail folder (${trailFiles} files); the panel reads it; ticked`, async () => {
    await runStepLink('openFolder', 'Open CloudTrail Logs…');
    await d.folderDialog(join(ws, 'my-trail'));
    await d.quickInput().waitFor({ state: 'hidden', timeout: 10_000 });
    const title = 'Audit Logs: my-trail';
    await d.waitForTab(title, 30_000);
    const f = await d.panelFrame(title);
    const st = await until('the folder read', async () => {
      const s = await panelStatus(f);
      return s.total > 0 && (await f.locator('ale-app .strip.summary').count()) > 0 ? s : false;
    }, 60_000);
    const shot = await picture('folder.png');
    await waitStepDone('openFolder');
    return `${st.text}; ${shot}`;
  }, { needs: ['walkthrough'] });

  await check(`step "${stepTitle('addAccount')}": its link lists the live audit APIs; ticked`, async () => {
    await runStepLink('addAccount', 'Add Account…');
    const labels = await until('the list of audit APIs', async () => {
      const l = await d.quickLabels();
      return l.length >= 5 ? l : undefined;
    }, 15_000);
    assert(labels.includes('AWS CloudTrail'), `the picker lists ${JSON.stringify(labels)}`);
    const box = await d.quickInput().boundingBox();
    const clip = { x: Math.max(0, box.x - 8), y: Math.max(0, box.y - 8), width: Math.min(box.width + 16, 1360), height: Math.min(box.height + 16, 820 - box.y) };
    await sleep(300);
    const file = join(MEDIA_DIR, 'account.png');
    await page.screenshot({ path: file, clip });
    const [, size] = shrinkPng(file);
    await page.keyboard.press('Escape');
    await waitStepDone('addAccount');
    return `${labels.join(', ')}; account.png ${Math.round(size / 1024)} KB`;
  }, { needs: ['walkthrough'] });

  const exported = join(exportsDir, 'incident.jsonl');
  await check(`step "${stepTitle('export')}": the panel's Export button → JSON Lines → save dialog writes the filtered events; ticked`, async () => {
    await showPanel();
    const want = (await panelStatus(frame)).count;
    await frame.locator('#export-btn').click();
    const item = frame.locator('ale-app vscode-context-menu-item', { hasText: 'Export as JSON Lines' }).first();
    await item.waitFor({ state: 'visible', timeout: 10_000 });
    const shot = await picture('export.png');
    await item.click();
    await fileDialog(d, exported);
    const lines = await until(`${want} events in the export file`, async () => {
      const l = existsSync(exported) ? readFileSync(exported, 'utf8').split('\n').filter(Boolean) : [];
      return l.length === want ? l : false;
    });
    assert(lines.every((l) => JSON.parse(l).sourceIPAddress === INCIDENT_IP), 'an exported event is not from the incident address');
    await waitStepDone('export');
    return `${lines.length} events; ${shot}`;
  }, { needs: ['panel'] });

  await check('every step of the walkthrough is ticked (the Welcome page no longer lists it; "Audit Logs: Get Started" shows it)', async () => {
    await page.locator('.tabs-container .tab', { hasText: /Welcome|Walkthrough/ }).first().click();
    await until('the Welcome page to leave the finished walkthrough out of its list', async () =>
      !(await walkthroughOpen()) && (await welcome().getByRole('button').filter({ hasText: WALKTHROUGH_TITLE }).filter({ visible: true }).count()) === 0, 10_000);
    await d.runCommand('Audit Logs: Get Started');
    await until('the walkthrough', walkthroughOpen, 15_000);
    const open = [];
    for (const s of WALKTHROUGH.steps) if (!(await stepDone(s.id))) open.push(s.id);
    assert(open.length === 0, `not ticked: ${open.join(', ')}`);
    return `${WALKTHROUGH.steps.length} of ${WALKTHROUGH.steps.length}`;
  }, { needs: ['walkthrough'] });

  await check('"Audit Logs: Get Started" opens the walkthrough again after its tab was closed', async () => {
    const tab = page.locator('.tabs-container .tab', { hasText: /Welcome|Walkthrough/ }).first();
    await tab.hover();
    await tab.locator('.tab-actions .action-label').first().click();
    await until('the walkthrough’s tab to close', async () => (await tab.count()) === 0 && !(await walkthroughOpen()), 10_000);
    await d.runCommand('Audit Logs: Get Started');
    // Known flake (session 6): in code-server 4.139 the first Get Started after closing the Welcome
    // tab sometimes opened nothing, in about half the runs, not understood yet. A second try is made
    // and said in the result, so a run shows how often it happens; two misses fail the check.
    if (await until('the walkthrough', walkthroughOpen, 15_000).then(() => true, () => false)) return 'opened at the first try';
    await d.runCommand('Audit Logs: Get Started');
    await until('the walkthrough (second try)', walkthroughOpen, 15_000);
    return 'opened at the SECOND try: the first Get Started opened nothing';
  }, { needs: ['walkthrough'] });

  // ---- 3. the panel's keys
  const keys = Object.fromEntries(MANIFEST.contributes.keybindings.map((k) => [k.command, k.key]));
  const press = async (command) => {
    const k = keys[command];
    assert(k, `${command} has no key`);
    await page.keyboard.press(playwrightKey(k));
  };
  const selectedRowText = async () => ((await frame.locator('ale-app .status').textContent()) ?? '').match(/Row ([\d,]+)/)?.[1];

  await check('the panel keys: focus the filter bar, next / previous event, open the detail, clear the filter, export', async () => {
    await showPanel();
    await frame.locator('ae-grid .row[data-index="0"]').click();
    await until('row 1 selected', async () => (await selectedRowText()) === '1');
    const notes = [];
    await press('auditLogs.nextEvent');
    await until(`${keys['auditLogs.nextEvent']}: row 2`, async () => (await selectedRowText()) === '2', 10_000);
    await press('auditLogs.nextEvent');
    await until(`${keys['auditLogs.nextEvent']}: row 3`, async () => (await selectedRowText()) === '3', 10_000);
    await press('auditLogs.previousEvent');
    await until(`${keys['auditLogs.previousEvent']}: row 2`, async () => (await selectedRowText()) === '2', 10_000);
    notes.push('next/previous move the selection');
    // The detail pane closed, then the key opens it on the selected event.
    await frame.locator('vscode-toolbar-button[label="Hide Event Detail"]').click();
    await until('the detail pane hidden', async () => (await frame.locator('ae-detail').count()) === 0, 10_000);
    await frame.locator('ae-grid .row[data-index="1"]').click();
    await press('auditLogs.openDetail');
    await until(`${keys['auditLogs.openDetail']}: the detail pane`, async () => (await frame.locator('ae-detail').count()) === 1, 10_000);
    notes.push('open detail shows the pane');
    await frame.locator('ae-grid .row[data-index="0"]').click();
    await press('auditLogs.focusFilter');
    await until(`${keys['auditLogs.focusFilter']}: the filter bar has the keyboard`, () => filterFocused(frame), 10_000);
    notes.push('the filter bar has the keyboard');
    await frame.locator('ae-grid .row[data-index="0"]').click();
    const before = await panelStatus(frame);
    assert(before.count < before.total, `the filter is on: ${before.text}`);
    await press('auditLogs.clearFilter');
    await until(`${keys['auditLogs.clearFilter']}: every event`, async () => {
      const s = await panelStatus(frame);
      return s.count === s.total;
    }, 15_000);
    const bar = await frame.locator('ae-filter-bar vscode-textfield input').inputValue();
    assert(bar === '', `the filter bar still reads "${bar}"`);
    notes.push('clear filter shows every event');
    await press('auditLogs.exportResults');
    await until(`${keys['auditLogs.exportResults']}: the export's format picker`, async () => /Export the filtered events/.test((await d.quickInput().locator('.quick-input-title').textContent({ timeout: 1_000 }).catch(() => '')) ?? ''), 10_000);
    await page.keyboard.press('Escape');
    notes.push('export asks for the format');
    return notes.join('; ');
  }, { needs: ['panel'] });

  await check('no panel key takes a VS Code default that can apply in the panel (Preferences: Open Default Keyboard Shortcuts (JSON))', async () => {
    await d.runCommand('Preferences: Open Default Keyboard Shortcuts (JSON)');
    const editor = page.locator('.editor-group-container.active .monaco-editor').first();
    await editor.waitFor({ state: 'visible', timeout: 15_000 });
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Control+C');
    const json = await until('the default keybindings on the clipboard', async () => {
      const t = await page.evaluate(() => navigator.clipboard.readText()).catch(() => '');
      return t.includes('"key"') && t.length > 10_000 ? t : false;
    }, 10_000);
    await d.runCommand('View: Close Editor');
    const defaults = defaultKeybindings(json);
    assert(defaults.length > 500, `${defaults.length} default keybindings read`);
    const notes = [];
    const clashes = [];
    for (const ours of MANIFEST.contributes.keybindings) {
      // The list holds the extensions' keybindings too: ours must be there, the rest are VS Code's.
      assert(defaults.some((k) => k.command === ours.command && normalKey(k.key) === normalKey(ours.key) && k.when === ours.when), `${ours.command} is not bound to ${ours.key}`);
      const same = defaults.filter((k) => normalKey(k.key) === normalKey(ours.key) && !k.command.startsWith('auditLogs.'));
      const live = same.filter((k) => !onlyOutsideThePanel(k.when));
      if (live.length) clashes.push(`${ours.key} (${ours.command}): ${live.map((k) => `${k.command} when ${k.when ?? 'always'}`).join('; ')}`);
      notes.push(`${ours.key}: ${same.length} default${same.length === 1 ? '' : 's'}, each only where the panel is not (an editor, input, list, view, terminal, chat…)`);
    }
    assert(clashes.length === 0, `defaults that would apply in the panel:\n${clashes.join('\n')}`);
    return notes.join('; ');
  });

  // ---- 4. Settings from the panel's menu
  await check('the panel\'s "…" menu → Settings: the settings editor, filtered to this extension', async () => {
    await showPanel();
    await page.locator('.editor-group-container.active .editor-actions .action-label[aria-label="More Actions..."], .editor-group-container.active .editor-actions .codicon-toolbar-more').first().click();
    const entry = page.locator('.context-view .monaco-menu .action-label', { hasText: /^Settings$/ });
    await entry.waitFor({ state: 'visible', timeout: 10_000 });
    await sleep(500);
    await entry.click();
    const query = await until('the settings editor’s search', async () => {
      const v = await page.locator('.settings-editor .suggest-input-container .view-lines').first().textContent({ timeout: 1_000 }).catch(() => '');
      return v?.replace(/\u00a0/g, ' ').includes(`@ext:${extId}`) ? v : false;
    }, 15_000);
    const shown = await until('the extension’s settings listed', async () => {
      const n = await page.locator('.settings-editor .setting-item-contents .setting-item-title').count();
      return n > 0 ? n : false;
    }, 15_000);
    return `"${query.trim()}": ${shown} settings shown`;
  }, { needs: ['panel'] });

  await screenshot(page, join(PATHS.results, 'e2e-walkthrough-workbench.png'), { log: () => {} });
}

/** Whether the panel's filter input has the keyboard (the focus chain through the shadow roots). */
function filterFocused(frame) {
  return frame.evaluate(() => {
    const chain = [];
    for (let el = document.activeElement; el; el = el.shadowRoot?.activeElement ?? null) chain.push(el.localName);
    return chain.includes('ae-filter-bar') && chain[chain.length - 1] === 'input';
  }).catch(() => false);
}

/**
 * code-server's open and save dialogs (a quick input whose text is a path and whose list is that
 * folder): the folder's path, then the name typed; for a file that exists, wait until the dialog
 * made it the active row (Enter any earlier accepts the folder); then Enter.
 */
async function fileDialog(d, path, { exists = false } = {}) {
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const name = path.slice(slash + 1);
  await d.quickInput().waitFor({ state: 'visible', timeout: 15_000 });
  await until('the file dialog', async () => (await d.quickInputBox().inputValue()).startsWith('/') && (await d.quickRows().count()) > 0, 15_000);
  await d.quickInputBox().fill(dir);
  const labels = () => d.quickRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label')?.trim()));
  await until(`the dialog to list ${dir}`, async () => (await d.quickInputBox().inputValue()) === dir && (!exists || (await labels()).includes(name)), 10_000);
  await d.quickInputBox().press('End');
  await page.keyboard.type(name, { delay: 20 });
  await until(`the dialog to show ${path}`, async () => (await d.quickInputBox().inputValue()) === path, 5_000);
  if (exists) {
    await until(`the dialog to make "${name}" its active row`, async () =>
      (await d.quickInput().locator('.quick-input-list .monaco-list-row.focused').getAttribute('aria-label', { timeout: 500 }).catch(() => ''))?.trim() === name, 10_000);
  } else {
    await sleep(300);
  }
  await page.keyboard.press('Enter');
  await d.quickInput().waitFor({ state: 'hidden', timeout: 10_000 });
}

/** The default keybindings (JSON with comments, as "Open Default Keyboard Shortcuts (JSON)" shows them). */
function defaultKeybindings(jsonc) {
  const json = jsonc.split('\n').filter((l) => !/^\s*\/\//.test(l)).join('\n').replace(/,(\s*[\]}])/g, '$1');
  return JSON.parse(json);
}

function normalKey(k) {
  return k.toLowerCase().split(' ').map((chord) => chord.split('+').sort().join('+')).join(' ');
}

/**
 * Whether a default binding's `when` needs a focus the events panel never has: every alternative of
 * it names (not negated) a text editor, an input, a list, the terminal, a notebook or the quick input.
 * A binding without `when` applies everywhere.
 */
function onlyOutsideThePanel(when) {
  if (!when) return false;
  const focus = /(^|[^!\w.])(editorTextFocus|editorFocus|textInputFocus|inputFocus|terminalFocus|terminalTextSelected|notebookEditorFocused|notebookCellEditorFocused|listFocus|treeElementCanExpand|inQuickInput|inQuickOpen|findInputFocussed|replaceInputFocussed|searchViewletFocus|inSearchEditor|inChat|chatInputHasFocus|inlineChatFocused|interactiveEditorFocused|webviewFindWidgetFocused|editorHoverFocused|suggestWidgetVisible|parameterHintsVisible|inReferenceSearchEditor|referenceSearchVisible|inDiffEditor|isInDiffEditor|accessibilityHelpWidgetVisible|breadcrumbsActive|markersNavigationVisible|renameInputVisible|sideBarFocus|panelFocus|auxiliaryBarFocus|historyNavigationWidgetFocus|scmRepository|accessibleViewIsShown|editorPartModal|markdownEditorFocus|focusedView|notebookCellListFocused|notebookFindWidgetFocused|inChatInput|breakpointsFocused|terminalChatResponseContainsCodeBlock|terminalChatResponseContainsMultipleCodeBlocks|fileMatchOrMatchFocus)(?![\w.])/;
  return when.split('||').every((alt) => focus.test(alt));
}

/** A keybinding as package.json writes it ("ctrl+alt+f") as Playwright presses it ("Control+Alt+F"). */
function playwrightKey(key) {
  const names = { ctrl: 'Control', alt: 'Alt', shift: 'Shift', cmd: 'Meta', meta: 'Meta', up: 'ArrowUp', down: 'ArrowDown', left: 'ArrowLeft', right: 'ArrowRight',
    enter: 'Enter', escape: 'Escape', backspace: 'Backspace', delete: 'Delete', pageup: 'PageUp', pagedown: 'PageDown', home: 'Home', end: 'End', space: 'Space', tab: 'Tab' };
  return key.split('+').map((p) => names[p] ?? (/^f\d+$/.test(p) ? p.toUpperCase() : p.length === 1 ? p.toUpperCase() : p)).join('+');
}

let harnessError;
try {
  await main();
} catch (e) {
  harnessError = e;
  if (!interrupted) console.error(`\n[e2e-walkthrough] HARNESS FAILED: ${e.harness ? e.message : e.stack}`);
} finally {
  await teardown();
}
if (interrupted) await new Promise(() => {});

const { passed, failed, skipped } = counts(harnessError);
if ((harnessError || failed) && tmp) {
  const d = makeDirs(tmp);
  for (const f of extHostLogs(d.userData)) console.error(`\n--- ${f} (tail)\n${tail(f, 30)}`);
  console.error(`\n--- ${d.serverLog} (tail)\n${tail(d.serverLog, 20)}`);
}
mkdirSync(PATHS.results, { recursive: true });
writeFileSync(join(PATHS.results, 'e2e-walkthrough.json'), JSON.stringify({ schema: 1, passed, failed, skipped, harnessError: harnessError ? String(harnessError.message ?? harnessError) : undefined, checks: results }, null, 2));
if (process.env.AUDIT_LOGS_TEST_SUMMARY) writeFileSync(process.env.AUDIT_LOGS_TEST_SUMMARY, JSON.stringify({ passed, failed, skipped }));
const ok = failed === 0 && passed > 0;
if (tmp) {
  if (ok && !opt.keep) rmSync(tmp, { recursive: true, force: true });
  else log(`kept ${tmp} (user-data/logs, code-server.log, browser-console.log)`);
}
console.log(`e2e walkthrough: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok ? 0 : 1);
