#!/usr/bin/env node
// Done-when for issue 13 item 3: a provider that exists only in the tests (test/support/sixthProvider,
// one folder, and one registry line, test/e2e/sixth/providers.ts) works end to end with no other
// source file changed. The test-only build of the extension (out/sixth/extension.js, from
// test/e2e/sixth/extension.ts: createActivate with the longer list) is packaged with the real
// manifest, media and bundles, installed in code-server and driven with playwright-core:
//   1. Add Account lists it beside the five built-in APIs and adds an account through its own steps
//      (site, tenant, endpoint, token), the token proven against its API on 127.0.0.1;
//   2. the Sources tree shows "Sixth Audit API accounts" with the account under it;
//   3. Query Account… fetches it into a panel: the count, the rows, what went to the API, and the
//      region facet's counts, whose value narrows the rows when clicked;
//   4. the CLI (the same list, in this process) lists it in its help and fetches it.
// Each check fails when its place does not show the sixth provider.
//
//   node esbuild.mjs && node test/e2e/sixth.e2e.mjs [--no-setup] [--keep]
// Closing line "e2e sixth provider: N passed, N failed, N skipped"; with AUDIT_LOGS_TEST_SUMMARY=file
// it also writes {"passed","failed","skipped"} there (scripts/test.mjs). Results: test-results/e2e-sixth.json.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PATHS, REPO, bundledVsCodeVersion } from '../../scripts/vscode-test/lib.mjs';
import {
  closeBrowser, extHostLogs, extensionId, freePort, installVsix, launchChromium, makeDirs, makeTempRoot, onSignals,
  openWorkbench, packageVsix, screenshot, serverEnv, startCodeServer, stopCodeServer, tail, writeUserSettings,
} from '../../scripts/vscode-test/workbench.mjs';
import { checkList } from './checks.mjs';
import { assert, driver, panelStatus, until } from './drive.mjs';

const { values: opt } = parseArgs({
  options: {
    'no-setup': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const log = (msg) => console.log(`[e2e-sixth] ${msg}`);
const require = createRequire(import.meta.url);
const out = (...p) => join(REPO, 'out', ...p);

let page;
let interrupted = false;
const { results, check, skip, counts } = checkList({ shots: 'e2e-sixth-failure', page: () => page, interrupted: () => interrupted });

let server;
let browser;
let tmp;
let api;
let tearingDown;
function teardown() {
  tearingDown ??= (async () => {
    await closeBrowser(browser);
    browser = undefined;
    await stopCodeServer(server);
    await api?.close();
  })();
  return tearingDown;
}
onSignals((sig) => {
  console.error(`\n[e2e-sixth] ${sig}: shutting down code-server and chromium`);
  interrupted = true;
  teardown().finally(() => {
    if (tmp && !opt.keep) rmSync(tmp, { recursive: true, force: true });
    process.exit(130);
  });
});

/**
 * The extension as a release would ship it (manifest, media, dist/), with dist/extension.js
 * replaced by the test-only build: nothing in src/ knows the sixth provider.
 */
function stageExtension(dir) {
  mkdirSync(dir, { recursive: true });
  // package.nls.json: the manifest's words (package.json names them as %keys%).
  for (const f of ['package.json', 'package.nls.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore']) if (existsSync(join(REPO, f))) copyFileSync(join(REPO, f), join(dir, f));
  // The bundled Sigma rules and the translation bundles ship beside dist/ as in a release.
  for (const d of ['media', 'dist', 'rules', 'l10n']) if (existsSync(join(REPO, d))) cpSync(join(REPO, d), join(dir, d), { recursive: true });
  copyFileSync(out('sixth', 'extension.js'), join(dir, 'dist', 'extension.js'));
  rmSync(join(dir, 'dist', 'extension.js.map'), { force: true });
}

async function main() {
  if (!opt['no-setup']) {
    const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'vscode-test', 'setup.mjs')], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`setup.mjs failed (exit ${r.status ?? r.signal})`);
  }
  for (const f of [out('sixth', 'extension.js'), join(REPO, 'dist', 'webview.js'), out('test', 'support', 'sixthProvider', 'api.js')]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run node esbuild.mjs first`);
  }
  const sixthApi = require(out('test', 'support', 'sixthProvider', 'api.js'));
  const { SIXTH_NAME, SIXTH_TOKEN_ENV } = require(out('test', 'support', 'sixthProvider', 'descriptor.js'));
  const { PROVIDERS } = require(out('src', 'providers', 'registry.js'));
  const { SIXTH_PROVIDERS } = require(out('test', 'e2e', 'sixth', 'providers.js'));
  const { main: cliMain } = require(out('src', 'cli.js'));

  const events = sixthApi.generateSixthEvents(65, Date.now());
  api = await sixthApi.startSixthApi(events);
  const logins = events.filter((e) => e.verb === 'login');
  const bySite = (site, list) => list.filter((e) => e.site === site).length;

  mkdirSync(PATHS.results, { recursive: true });
  for (const f of readdirSync(PATHS.results)) if (/^e2e-sixth-failure-\d+\.png$/.test(f)) rmSync(join(PATHS.results, f));
  tmp = makeTempRoot('ale-e2e-sixth-');
  const dirs = makeDirs(tmp);
  writeUserSettings(dirs.userData, { 'workbench.colorTheme': 'Default Light Modern' });
  const stage = join(tmp, 'extension');
  stageExtension(stage);
  const extId = extensionId(stage);
  const vsix = join(tmp, `${extId}.vsix`);
  log(`packaged the test-only build in ${await packageVsix(stage, vsix, { home: dirs.home })}s (temp ${tmp})`);
  const env = await serverEnv(dirs.home, {});
  await installVsix({ vsix, extId, dirs, env });
  server = await startCodeServer({ port: await freePort(), dirs, env, onSpawn: (h) => (server = h) });
  log(`code-server ${bundledVsCodeVersion()} on ${server.base}`);
  browser = await launchChromium({ home: dirs.home });
  const wb = await openWorkbench(browser, { url: server.url(dirs.workspace), consoleLog: dirs.browserLog });
  page = wb.page;
  const d = driver(page);
  await d.waitForAuditLogs();

  console.log('\nChecks:');
  const added = await check(`Add Account… lists "${SIXTH_NAME}" beside the five built-in APIs; its own steps (site, tenant, endpoint, token) add an account, the token proven against its API`, async () => {
    await d.runCommand('Audit Logs: Add Account…');
    const labels = await until('the list of audit APIs', async () => {
      const t = await d.quickInput().locator('.quick-input-title').textContent({ timeout: 1_000 }).catch(() => '');
      const l = /which audit API/.test(t ?? '') ? await d.quickLabels() : [];
      return l.length >= PROVIDERS.length ? l : undefined;
    }, 10_000);
    const want = SIXTH_PROVIDERS.map((p) => p.displayName);
    assert(JSON.stringify(labels) === JSON.stringify(want), `the picker lists ${JSON.stringify(labels)}, not ${JSON.stringify(want)}`);
    await d.pickQuick(SIXTH_NAME);
    await d.answerInput(/Sixth Audit API: a name for this account/, 'sixth e2e');
    await d.pickQuick('north');
    await d.answerInput(/Sixth tenant/, sixthApi.SIXTH_TENANT);
    await d.answerInput(/API endpoint/, api.url);
    await d.answerInput(/Sixth API token/, sixthApi.SIXTH_TOKEN, { password: true });
    const toast = await d.toast(/added "sixth e2e"/);
    assert(api.requests.some((r) => r.url === `/v1/tenants/${sixthApi.SIXTH_TENANT}` && r.headers.authorization === `Bearer ${sixthApi.SIXTH_TOKEN}`), 'the token was not tried against the API');
    return toast.trim().replace(/\s+/g, ' ');
  });

  if (!added) skip('the Sources tree shows the account under "Sixth Audit API accounts"', 'no account was added');
  else await check('the Sources tree shows the account under "Sixth Audit API accounts"', async () => {
    await d.showAuditLogsView();
    await d.treeRow(`${SIXTH_NAME} accounts`).waitFor({ state: 'visible', timeout: 15_000 });
    const row = d.treeRow('sixth e2e');
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    const text = (await row.textContent())?.replace(/\s+/g, ' ').trim();
    assert(/acme · north/.test(text ?? ''), `the account row reads "${text}"`);
    return text;
  });

  const title = 'Audit Logs: sixth e2e';
  if (!added) skip('Query Account… fetches it into a panel', 'no account was added');
  else await check(`Query Account… → "action:login" → last 24 hours: ${logins.length} events in the panel, the verb sent to the API, rows and the region facet's counts; clicking "north" narrows to ${bySite('north', logins)}`, async () => {
    await d.runCommand('Audit Logs: Query Account…');
    await d.pickQuick('sixth e2e');
    await d.answerInput(/Query sixth e2e/, 'action:login');
    await d.pickQuick('Last 24 hours');
    await d.waitForTab(title);
    const frame = await d.panelFrame(title);
    const s = await until(`the status line to read "${logins.length} of …"`, async () => {
      const st = await panelStatus(frame);
      return st.count === logins.length ? st : false;
    });
    const strip = (await frame.locator('ale-app .strip.live').textContent()).replace(/\s+/g, ' ').trim();
    assert(/Sent to the API: time range, action: login/.test(strip), `live strip: ${strip}`);
    assert(api.requests.some((r) => /\/events\?.*verb=login/.test(r.url)), 'the verb was not sent to the API');
    await until(`${logins.length} rows in the grid`, async () => (await frame.locator('ae-grid .row[data-row]:not([data-row=""])').count()) === logins.length);
    const firstRow = (await frame.locator('ae-grid .row[data-row]:not([data-row=""])').first().textContent())?.replace(/\s+/g, ' ') ?? '';
    assert(/login/.test(firstRow) && /@acme\.example/.test(firstRow), `first row: ${firstRow}`);
    const facet = (site) => frame.locator('ae-facets section[data-field="region"] li.value', { has: frame.locator('.text', { hasText: new RegExp(`^${site}$`) }) }).first();
    for (const site of ['north', 'south', 'east']) {
      const want = bySite(site, logins);
      if (!want) continue;
      const shown = Number(((await facet(site).locator('.count').textContent({ timeout: 10_000 })) ?? '').replace(/,/g, ''));
      assert(shown === want, `region facet ${site}: ${shown}, the API holds ${want}`);
    }
    await facet('north').click();
    const narrowed = await until(`the status line to read "${bySite('north', logins)} of …"`, async () => {
      const st = await panelStatus(frame);
      return st.count === bySite('north', logins) ? st : false;
    });
    return `${s.text} → ${narrowed.text}; ${strip}`;
  });

  await check('the CLI with the same list: the help names it with its flags, and fetch reads its API', async () => {
    const sink = () => {
      const parts = [];
      return { write: (c) => parts.push(String(c)), text: () => parts.join('') };
    };
    const help = sink();
    assert((await cliMain(['--help'], help, sink(), SIXTH_PROVIDERS)) === 0, 'help exit status');
    assert(/fetch <[^>]*\|sixth>/.test(help.text()) && /--tenant T/.test(help.text()) && /SIXTH_API_TOKEN/.test(help.text()), 'the help does not name the sixth provider');
    process.env[SIXTH_TOKEN_ENV] = sixthApi.SIXTH_TOKEN;
    const o = sink();
    const e = sink();
    const code = await cliMain(['fetch', 'sixth', '--endpoint', api.url, '--tenant', sixthApi.SIXTH_TENANT, '--from', '-24h', '--format', 'count'], o, e, SIXTH_PROVIDERS);
    delete process.env[SIXTH_TOKEN_ENV];
    assert(code === 0 && o.text().trim() === String(events.length), `fetch: exit ${code}, "${o.text().trim()}", ${e.text().trim()}`);
    return `${o.text().trim()} events; ${e.text().trim()}`;
  });
  await screenshot(page, join(PATHS.results, 'e2e-sixth-workbench.png'), { log: () => {} });
}

let harnessError;
try {
  await main();
} catch (e) {
  harnessError = e;
  if (!interrupted) console.error(`\n[e2e-sixth] HARNESS FAILED: ${e.harness ? e.message : e.stack}`);
} finally {
  await teardown();
}
if (interrupted) await new Promise(() => {});

const { passed, failed, skipped } = counts(harnessError);
if (harnessError && tmp) {
  const d = makeDirs(tmp);
  for (const f of extHostLogs(d.userData)) console.error(`\n--- ${f} (tail)\n${tail(f, 30)}`);
  console.error(`\n--- ${d.serverLog} (tail)\n${tail(d.serverLog, 20)}`);
}
mkdirSync(PATHS.results, { recursive: true });
writeFileSync(join(PATHS.results, 'e2e-sixth.json'), JSON.stringify({ schema: 1, passed, failed, skipped, harnessError: harnessError ? String(harnessError.message ?? harnessError) : undefined, checks: results }, null, 2));
if (process.env.AUDIT_LOGS_TEST_SUMMARY) writeFileSync(process.env.AUDIT_LOGS_TEST_SUMMARY, JSON.stringify({ passed, failed, skipped }));
const ok = failed === 0 && passed > 0;
if (tmp) {
  if (ok && !opt.keep) rmSync(tmp, { recursive: true, force: true });
  else log(`kept ${tmp} (user-data/logs, code-server.log, browser-console.log)`);
}
console.log(`e2e sixth provider: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok ? 0 : 1);
