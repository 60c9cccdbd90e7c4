#!/usr/bin/env node
// The README's pictures, taken from the real extension: the packaged extension in code-server,
// driven with playwright-core in headless Chromium like workbench.e2e.mjs. It runs "Audit Logs:
// Open Sample Logs" from the palette (the sample week the extension makes for a new user), takes
// the panel in Default Dark Modern (the user settings) and Light Modern (picked with "Preferences:
// Color Theme", which writes the setting), then walks the incident hunt of the README. Before each picture it checks what the
// picture shows against the CLI run over the same files (event counts, the filter in the bar, the
// Actor facet, the session chain, the Detections list), so a picture of a wrong panel
// fails the run instead of landing in the README.
//
//   node esbuild.mjs && node test/e2e/shots.e2e.mjs [--no-setup] [--keep] [--out DIR]
//     --out DIR   where the PNGs go (default test-results/shots; `npm run screenshots` writes docs/images)
//
// Closing line "e2e screenshots: N passed, N failed, N skipped"; with AUDIT_LOGS_TEST_SUMMARY=file it
// also writes {"passed","failed","skipped"} there (scripts/test.mjs). Results: test-results/e2e-shots.json.
/* global document, getComputedStyle */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PATHS, REPO, bundledVsCodeVersion } from '../../scripts/vscode-test/lib.mjs';
import {
  closeBrowser, extHostLogs, extensionId, findFiles, freePort, installVsix, launchChromium, makeDirs, makeTempRoot, onSignals,
  openWorkbench, packageVsix, serverEnv, sleep, startCodeServer, stopCodeServer, tail, writeUserSettings,
} from '../../scripts/vscode-test/workbench.mjs';
import { checkList } from './checks.mjs';
import { assert, driver, panelStatus, until } from './drive.mjs';

const { values: opt } = parseArgs({
  options: {
    'no-setup': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    out: { type: 'string', default: join(PATHS.results, 'shots') },
  },
});
const OUT = resolve(opt.out);
const log = (msg) => console.log(`[e2e-shots] ${msg}`);
// Big enough for the panel's default columns beside the facets and the Sources view, small enough
// that each PNG stays well under 300 KB.
const VIEWPORT = { width: 1440, height: 900 };
const TITLE = 'Audit Logs: samples';
const ATTACKER_IP = '203.0.113.250';
const BOB = 'bob@example.com (SSO)';
const MAX_PNG = 300 * 1024;

let page;
let interrupted = false;
const { results, gates, check, counts } = checkList({ shots: 'e2e-shots-failure', page: () => page, interrupted: () => interrupted });

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
  console.error(`\n[e2e-shots] ${sig}: shutting down code-server and chromium`);
  interrupted = true;
  teardown().finally(() => {
    if (tmp && !opt.keep) rmSync(tmp, { recursive: true, force: true });
    process.exit(130);
  });
});

/** The CLI over the same files: the oracle for what each picture must show. */
function cli(args) {
  const r = spawnSync(process.execPath, [join(REPO, 'dist', 'cli.js'), ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`cli ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 400)}`);
  return r.stdout;
}
const cliCount = (dir, filter) => Number(cli(['query', dir, '--filter', filter, '--format', 'count']).trim());

async function main() {
  if (!opt['no-setup']) {
    const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'vscode-test', 'setup.mjs')], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`setup.mjs failed (exit ${r.status ?? r.signal})`);
  }
  for (const f of ['extension.js', 'webview.js', 'cli.js']) {
    if (!existsSync(join(REPO, 'dist', f))) throw new Error(`dist/${f} is missing: run node esbuild.mjs first`);
  }
  mkdirSync(OUT, { recursive: true });
  mkdirSync(PATHS.results, { recursive: true });
  for (const f of readdirSync(PATHS.results)) if (/^e2e-shots-failure-\d+\.png$/.test(f)) rmSync(join(PATHS.results, f));

  tmp = makeTempRoot('ale-e2e-shots-');
  const dirs = makeDirs(tmp);
  writeUserSettings(dirs.userData, { 'workbench.colorTheme': 'Default Dark Modern' });
  const settingsFile = join(dirs.userData, 'User', 'settings.json');
  /**
   * The theme as a user picks it: "Preferences: Color Theme", which writes workbench.colorTheme to
   * the user settings (checked there). Rewriting settings.json from outside while the workbench runs
   * was tried first: code-server did not pick the change up.
   */
  async function setTheme(label, bodyClass) {
    await wb.runCommand('Preferences: Color Theme');
    await wb.pickQuick(label);
    await wb.quickInput().waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => {});
    await until(`body.${bodyClass} in the webview`, async () => new RegExp(bodyClass).test(await bodyTheme()), 30_000);
    // VS Code 1.139 writes the theme's id as the picker shows it ("Light Modern"); older ids keep "Default ".
    const written = new RegExp(`"workbench\\.colorTheme":\\s*"(Default )?${label}"`);
    await until(`"workbench.colorTheme": "${label}" in the user settings`, async () => written.test(readFileSync(settingsFile, 'utf8')), 10_000);
  }
  const extId = extensionId(REPO);
  const vsix = join(tmp, `${extId}.vsix`);
  log(`packaged in ${await packageVsix(REPO, vsix, { home: dirs.home })}s (temp ${tmp})`);
  const env = await serverEnv(dirs.home, {});
  await installVsix({ vsix, extId, dirs, env });
  server = await startCodeServer({ port: await freePort(), dirs, env, onSpawn: (h) => (server = h) });
  log(`code-server ${bundledVsCodeVersion()} on ${server.base}`);
  browser = await launchChromium({ home: dirs.home });
  const wbInfo = await openWorkbench(browser, { url: server.url(dirs.workspace), consoleLog: dirs.browserLog, viewport: VIEWPORT });
  page = wbInfo.page;
  const wb = driver(page);
  await wb.waitForAuditLogs();

  let frame;
  let samples;
  let total;
  const status = () => panelStatus(frame);
  const filterInput = () => frame.locator('ae-filter-bar vscode-textfield input');
  const waitForCount = (count, ms = 60_000) => until(`the status line to read "${count.toLocaleString('en-US')} of …"`, async () => {
    const s = await status();
    return s.count === count ? s : false;
  }, ms);
  async function runFilter(text) {
    await filterInput().click();
    await filterInput().fill(text);
    await filterInput().press('Enter');
  }
  const bodyTheme = () => frame.evaluate(() => document.body.className);
  /** No toast, no hover, nothing focused that draws a ring: then the page as a PNG in OUT. */
  async function shoot(name) {
    const toasts = page.locator('.notifications-toasts .notification-toast');
    // A run of the Sigma rules shows its progress as a toast; the picture waits for it to end.
    await until('the Sigma run to end', async () => (await toasts.filter({ hasText: /Sigma detections/ }).count()) === 0, 120_000);
    if (await toasts.count()) {
      await wb.runCommand('Notifications: Clear All Notifications');
      await until('the notifications to go', async () => (await toasts.count()) === 0, 10_000);
    }
    await page.mouse.move(VIEWPORT.width - 2, VIEWPORT.height - 2);
    await sleep(700);
    const file = join(OUT, name);
    await page.screenshot({ path: file, timeout: 30_000 });
    const size = statSync(file).size;
    assert(size <= MAX_PNG, `${name} is ${size} bytes, over ${MAX_PNG}`);
    return `${name} ${(size / 1024).toFixed(0)} KB`;
  }

  console.log('\nChecks:');
  await check(`palette "Audit Logs: Open Sample Logs" opens "${TITLE}" with every event of the sample week (as the CLI counts them)`, async () => {
    await wb.showAuditLogsView();
    await wb.runCommand('Audit Logs: Open Sample Logs');
    await wb.waitForTab(TITLE, 180_000);
    frame = await wb.panelFrame(TITLE, 60_000);
    // The extension made the samples in its storage on this first run; the CLI reads the same folder.
    samples = await until('the generated sample folder', async () => findFiles(tmp, /^AWSLogs$/).map((p) => resolve(p, '..')).find((d) => d.endsWith('samples')), 120_000);
    await until('the generation to finish', async () => existsSync(join(samples, 'edge-cases')), 120_000);
    const stats = JSON.parse(cli(['stats', samples]));
    total = stats.events;
    const s = await until(`the load to finish with ${total} events`, async () => {
      const st = await status();
      return (await frame.locator('ale-app .load').count()) === 0 && st.total === total ? st : false;
    }, 240_000);
    assert(s.count === total, s.text);
    gates.panel = true;
    return `${s.text}; the CLI reads ${total} events in ${stats.files} files`;
  });

  await check('panel-dark.png: Default Dark Modern (settings), the whole week, timeline and facets, the newest event in the detail pane', async () => {
    await until('the timeline and the facets', async () => (await frame.locator('ae-timeline').count()) > 0 && (await frame.locator('ae-facets li.value').count()) > 5);
    const first = frame.locator('ae-grid .row[data-index="0"]');
    await until('the newest row', async () => ((await first.getAttribute('data-row')) ?? '') !== '');
    await first.click();
    await until('the detail pane to show it', async () => ((await frame.locator('ae-detail .tree').textContent({ timeout: 1_000 }).catch(() => '')) ?? '').includes('eventID'));
    assert(/vscode-dark/.test(await bodyTheme()), `body class "${await bodyTheme()}"`);
    await waitForCount(total);
    gates.darkBg = await frame.evaluate(() => getComputedStyle(document.querySelector('ale-app')).backgroundColor);
    return shoot('panel-dark.png');
  }, { needs: ['panel'] });

  await check('panel-light.png: "Preferences: Color Theme" → Light Modern (written to the user settings as workbench.colorTheme); the panel follows', async () => {
    await setTheme('Light Modern', 'vscode-light');
    const bg = await frame.evaluate(() => getComputedStyle(document.querySelector('ale-app')).backgroundColor);
    assert(bg !== gates.darkBg, `ale-app background stayed ${bg}`);
    await waitForCount(total);
    const note = await shoot('panel-light.png');
    await setTheme('Dark Modern', 'vscode-dark');
    return note;
  }, { needs: ['panel'] });

  let hits;
  await check(`hunt-1-filter.png: "sourceIp:${ATTACKER_IP}" narrows the week to the key's events, all of them by the IAM user ci-deploy (the Actor facet)`, async () => {
    const want = cliCount(samples, `sourceIp:${ATTACKER_IP}`);
    assert(want > 0 && want < total, `the CLI finds ${want} events from ${ATTACKER_IP}`);
    await runFilter(`sourceIp:${ATTACKER_IP}`);
    hits = await waitForCount(want);
    assert((await filterInput().inputValue()) === `sourceIp:${ATTACKER_IP}`, 'the filter bar');
    // The Actor facet: one value, the CI user's ARN, counting every event of the filter.
    const actors = await until('the Actor facet', async () => {
      const rows = await frame.locator('ae-facets section[data-field="actor"] li.value').evaluateAll((li) => li.map((l) => [l.querySelector('.text')?.textContent ?? '', l.querySelector('.count')?.textContent ?? '']));
      return rows.length > 0 ? rows : false;
    });
    assert(actors.length === 1 && /:user\/ci-deploy$/.test(actors[0][0].trim()) && Number(actors[0][1].replace(/,/g, '')) === want, `Actor facet: ${JSON.stringify(actors)}`);
    // The Principal facet too: a derived field, filled for every row the load appended (the sample
    // week's 5,000 small files arrive as runs of files; once it showed "No values" here).
    const principals = await until('the Principal facet', async () => {
      const rows = await frame.locator('ae-facets section[data-field="principal"] li.value').evaluateAll((li) => li.map((l) => [l.querySelector('.text')?.textContent ?? '', l.querySelector('.count')?.textContent ?? '']));
      return rows.length > 0 ? rows : false;
    });
    assert(principals.length === 1 && principals[0][0].trim() === 'ci-deploy' && Number(principals[0][1].replace(/,/g, '')) === want, `Principal facet: ${JSON.stringify(principals)}`);
    gates.hunt = true;
    return `${hits.text}; ${await shoot('hunt-1-filter.png')}`;
  }, { needs: ['panel'] });

  await check(`hunt-2-chain.png: the newest of those events; the detail pane's session chain starts at ${BOB}`, async () => {
    await frame.locator('ae-grid .row[data-index="0"]').click();
    // The pane showed another event before (panel-dark.png's): wait for this one's chain.
    let seen = [];
    const steps = await until(`the session chain from ${BOB} in the detail pane`, async () => {
      seen = (await frame.locator('ae-detail .chain li').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
      return seen[0] === BOB ? seen : false;
    }, 30_000).catch(() => seen);
    const want = [BOB, '→ PowerUserAccess in 444455556666', '→ AssumeRole ReleaseManagerRole in 111122223333', '→ CreateAccessKey for ci-deploy in 111122223333'];
    assert(JSON.stringify(steps.slice(0, 4)) === JSON.stringify(want) && steps[steps.length - 1] === '→ this event', `chain: ${JSON.stringify(steps)}`);
    return `${steps.join(' ')}; ${await shoot('hunt-2-chain.png')}`;
  }, { needs: ['hunt'] });

  await check(`origin:"${BOB}" counts what the CLI counts (a derived field over every loaded event)`, async () => {
    const want = cliCount(samples, `origin:"${BOB}"`);
    assert(want > 0, `the CLI finds ${want} events for origin ${BOB}`);
    await runFilter(`origin:"${BOB}"`);
    return (await waitForCount(want)).text;
  }, { needs: ['hunt'] });

  await check('hunt-3-detections.png: the Detections tab lists every Sigma rule the CLI\'s detect finds in the week, by level', async () => {
    await runFilter('');
    await waitForCount(total);
    const hitsCli = cli(['detect', samples, '--format', 'jsonl']).split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const rules = new Set(hitsCli.map((h) => h.rule.id));
    assert(rules.size > 0, 'the CLI finds no detection in the samples');
    await frame.locator('ale-app .tab-detections').click();
    const shown = await until(`${rules.size} rules in the Detections tab`, async () => {
      const ids = await frame.locator('ae-detections tr.rule').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-rule')));
      return ids.length === rules.size ? ids : false;
    });
    for (const id of shown) assert(rules.has(id), `the tab lists ${id}, which the CLI does not find`);
    return `${rules.size} rules, ${hitsCli.length} hits; ${await shoot('hunt-3-detections.png')}`;
  }, { needs: ['hunt'] });
}

let harnessError;
try {
  await main();
} catch (e) {
  harnessError = e;
  if (!interrupted) console.error(`\n[e2e-shots] HARNESS FAILED: ${e.harness ? e.message : e.stack}`);
} finally {
  await teardown();
}
if (interrupted) await new Promise(() => {}); // the signal handler exits once teardown is done

const { passed, failed, skipped } = counts(harnessError);
if (harnessError && tmp) {
  const d = makeDirs(tmp);
  for (const f of extHostLogs(d.userData)) console.error(`\n--- ${f} (tail)\n${tail(f, 30)}`);
  console.error(`\n--- ${d.serverLog} (tail)\n${tail(d.serverLog, 20)}`);
}
mkdirSync(PATHS.results, { recursive: true });
writeFileSync(join(PATHS.results, 'e2e-shots.json'), JSON.stringify({
  schema: 1, passed, failed, skipped, vscodeVersion: bundledVsCodeVersion(), out: OUT,
  harnessError: harnessError ? String(harnessError.message ?? harnessError) : undefined, checks: results,
}, null, 2));
if (process.env.AUDIT_LOGS_TEST_SUMMARY) writeFileSync(process.env.AUDIT_LOGS_TEST_SUMMARY, JSON.stringify({ passed, failed, skipped }));
const ok = failed === 0 && passed > 0;
if (tmp) {
  if (ok && !opt.keep) rmSync(tmp, { recursive: true, force: true });
  else log(`kept ${tmp}`);
}
console.log(`e2e screenshots: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok ? 0 : 1);
