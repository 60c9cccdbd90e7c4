#!/usr/bin/env node
// Runs an extension's mocha integration suite inside a real VS Code extension host (code-server),
// fully offline: vsce package -> code-server --install-extension -> code-server on 127.0.0.1 ->
// headless Chromium (playwright-core) opens the workbench -> the extension activates, sees
// AUDIT_LOGS_TEST_RUN and runs the suite via host-runner.cjs -> results file -> screenshot -> teardown.
//
//   node scripts/vscode-test/run.mjs [EXTENSION_DIR] [options]
//     EXTENSION_DIR       folder with the extension's package.json (default: the throwaway fixture
//                         extension, copied to .vscode-test/fixture-ext/)
//     --tests PATH        compiled CommonJS test file or folder (*.test.js/*.test.cjs, recursive);
//                         repeatable. Default: the fixture's suite, or EXTENSION_DIR/out/test/integration
//     --vsix FILE         install this .vsix instead of packaging EXTENSION_DIR
//     --timeout SECONDS   how long to wait for the results file once the workbench is up (default 180)
//     --grep PATTERN      only tests whose full title matches
//     --screenshot FILE   default test-results/vscode-workbench.png
//     --keep              keep the temp dir (user data, logs, workspace) even when everything passed
//     --no-setup          do not run setup.mjs first
// Exit 0 only when the results file arrived, every test passed and at least one ran.
// Closing line: "integration: N passed, N failed, N skipped" (also written as JSON to
// $AUDIT_LOGS_TEST_SUMMARY when set, like scripts/mocha-summary-reporter.cjs).
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
/* global fetch */
import { HERE, PATHS, REPO, VT, bundledVsCodeVersion, capture, codeServerEntry, codeServerEnv, listDir } from './lib.mjs';

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tests: { type: 'string', multiple: true },
    vsix: { type: 'string' },
    timeout: { type: 'string', default: '180' },
    grep: { type: 'string' },
    screenshot: { type: 'string', default: join(PATHS.results, 'vscode-workbench.png') },
    keep: { type: 'boolean', default: false },
    'no-setup': { type: 'boolean', default: false },
  },
});

const T0 = performance.now();
const timings = {};
const mark = (name, since) => (timings[name] = +((performance.now() - since) / 1000).toFixed(1));
const log = (msg) => console.log(`[vscode-test] ${msg}`);
const fail = (msg) => {
  throw Object.assign(new Error(msg), { harness: true });
};

// ---------------------------------------------------------------- state torn down in finally
let server; // code-server ChildProcess (own process group)
let browser; // playwright Browser
let tmp; // temp dir with user-data, extensions, workspace, logs
let tearingDown; // the one teardown promise: the signal handler and the main path share it
let interrupted = false;
const offsite = new Set(); // origins other than 127.0.0.1 the workbench page tried to reach

function teardown() {
  tearingDown ??= doTeardown();
  return tearingDown;
}

async function doTeardown() {
  if (browser) {
    await Promise.race([browser.close().catch(() => {}), sleep(10_000)]);
    browser = undefined;
  }
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    // detached: true made code-server the leader of its own process group; the extension host,
    // file watcher and pty host are its children in that group.
    try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
    if (!(await Promise.race([exited.then(() => true), sleep(8_000).then(() => false)]))) {
      try { process.kill(-server.pid, 'SIGKILL'); } catch { /* already gone */ }
      await Promise.race([exited, sleep(3_000)]);
    }
  }
  // Anything left in the group goes too: the extension host is built to outlive a dropped
  // connection (reconnection grace time) and was seen surviving code-server when a run was
  // interrupted while the workbench was connecting. Sweep until the group is empty.
  if (server) {
    for (let i = 0; i < 50; i++) {
      const left = groupMembers(server.pid);
      if (left.length === 0) break;
      for (const pid of left) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      }
      await sleep(100);
    }
  }
}

/** pids whose process group is pgid (Linux /proc; empty elsewhere). */
function groupMembers(pgid) {
  const pids = [];
  for (const d of listDir('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid pgrp ...
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') pids.push(Number(d));
    } catch { /* exited meanwhile */ }
  }
  return pids;
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => {
    console.error(`\n[vscode-test] ${sig}: shutting down code-server and chromium`);
    interrupted = true;
    teardown().finally(() => {
      if (tmp && !opt.keep) rmSync(tmp, { recursive: true, force: true });
      process.exit(130);
    });
  });
}

// ---------------------------------------------------------------- helpers
function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function findTests(p) {
  const abs = resolve(p);
  if (!existsSync(abs)) fail(`--tests ${p}: no such file or folder`);
  if (statSync(abs).isFile()) return [abs];
  return readdirSync(abs, { recursive: true })
    .filter((f) => /\.test\.c?js$/.test(f))
    .map((f) => join(abs, f))
    .sort();
}

function findFiles(dir, re) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).filter((f) => re.test(basename(f))).map((f) => join(dir, f));
}

function tail(file, lines = 40) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return `(no ${file})`;
  }
}

async function runChecked(label, cmd, args, opts) {
  const r = await capture(cmd, args, opts);
  if (r.code !== 0) fail(`${label} failed (exit ${r.code}):\n${(r.stdout + r.stderr).trim()}`);
  return r;
}

function prepareFixture() {
  mkdirSync(PATHS.fixture, { recursive: true });
  // Kept as .cjs in the repo (lint globals); VS Code loads the extension's "main" as extension.js.
  // Files are only rewritten when they changed, so concurrent runs do not trip over each other.
  for (const [from, to] of [['package.json', 'package.json'], ['README.md', 'README.md'], ['extension.cjs', 'extension.js']]) {
    const text = readFileSync(join(PATHS.fixtureSrc, from), 'utf8');
    const dest = join(PATHS.fixture, to);
    if (!existsSync(dest) || readFileSync(dest, 'utf8') !== text) writeFileSync(dest, text);
  }
  return PATHS.fixture;
}

// Keep VS Code quiet and offline: no telemetry, updates, experiments, gallery, welcome pages,
// workspace-trust prompts, surveys or AI/chat onboarding.
const USER_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'telemetry.enableTelemetry': false,
  'telemetry.enableCrashReporter': false,
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'extensions.showRecommendationsOnlyOnDemand': true,
  'workbench.enableExperiments': false,
  'workbench.settings.enableNaturalLanguageSearch': false,
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.cloudChanges.autoResume': 'off',
  'workbench.cloudChanges.continueOn': 'off',
  'security.workspace.trust.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'git.autofetch': false,
  'npm.fetchOnlinePackageInfo': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'typescript.surveys.enabled': false,
  'json.schemaDownload.enable': false,
  'window.restoreWindows': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'files.hotExit': 'off',
};

// ---------------------------------------------------------------- main
async function main() {
  if (!opt['no-setup']) {
    const s = performance.now();
    const r = spawnSync(process.execPath, [join(HERE, 'setup.mjs')], { stdio: 'inherit' });
    if (r.status !== 0) fail(`setup.mjs failed (exit ${r.status ?? r.signal})`);
    mark('setup', s);
  }
  if (!existsSync(PATHS.node24) || !existsSync(PATHS.codeServerPkg) || !existsSync(PATHS.vsce)) {
    fail('harness not installed: run node scripts/vscode-test/setup.mjs');
  }

  const usingFixture = positionals.length === 0 && !opt.vsix;
  const extDir = usingFixture ? prepareFixture() : resolve(positionals[0] ?? REPO);
  const manifest = JSON.parse(readFileSync(join(extDir, 'package.json'), 'utf8'));
  const extId = `${manifest.publisher}.${manifest.name}`.toLowerCase();

  const testFiles = (opt.tests ?? [usingFixture ? join(PATHS.fixtureSrc, 'fixture.test.cjs') : join(extDir, 'out', 'test', 'integration')])
    .flatMap(findTests);
  if (testFiles.length === 0) fail(`no *.test.js / *.test.cjs files in ${opt.tests ?? join(extDir, 'out/test/integration')}`);

  tmp = mkdtempSync(join(tmpdir(), 'ale-vscode-'));
  const userData = join(tmp, 'user-data');
  const extensionsDir = join(tmp, 'extensions');
  const workspace = join(tmp, 'workspace');
  const home = join(tmp, 'home');
  const resultsFile = join(tmp, 'results.json');
  const serverLog = join(tmp, 'code-server.log');
  const browserLog = join(tmp, 'browser-console.log');
  for (const d of [userData, join(userData, 'User'), extensionsDir, workspace]) mkdirSync(d, { recursive: true });
  writeFileSync(join(workspace, 'harness-marker.txt'), 'audit-log-explorer harness\n');
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  log(`extension ${extId} from ${opt.vsix ?? extDir}; ${testFiles.length} test file(s); temp ${tmp}`);

  // --- package
  let vsix = opt.vsix && resolve(opt.vsix);
  if (!vsix) {
    const s = performance.now();
    vsix = join(tmp, `${extId}.vsix`);
    // --no-dependencies: the extension is bundled (and vsce would otherwise run npm list);
    // --allow-missing-repository/--skip-license: no prompts; runs on Node 24 (vsce's own engines).
    await runChecked('vsce package', PATHS.node24, [PATHS.vsce, 'package', '--no-dependencies',
      '--allow-missing-repository', '--skip-license', '--allow-star-activation', '--out', vsix], {
      cwd: extDir, env: codeServerEnv(home),
    });
    mark('package', s);
    log(`packaged ${basename(vsix)} in ${timings.package}s`);
  }

  // --- code-server environment: isolated home, gallery pointed at a closed local port
  const port = await freePort();
  const closedPort = await freePort(); // nothing listens there: gallery requests fail fast, locally
  const gallery = `http://127.0.0.1:${closedPort}`;
  const env = codeServerEnv(home, {
    EXTENSIONS_GALLERY: JSON.stringify({
      serviceUrl: `${gallery}/gallery`,
      itemUrl: `${gallery}/item`,
      resourceUrlTemplate: `${gallery}/resource/{publisher}/{name}/{version}/{path}`,
      controlUrl: '',
      nlsBaseUrl: '',
    }),
    VSCODE_GALLERY_SERVICE_URL: `${gallery}/gallery`,
    AUDIT_LOGS_TEST_RUN: resultsFile,
    AUDIT_LOGS_TEST_RUNNER: PATHS.hostRunner,
    AUDIT_LOGS_TEST_FILES: JSON.stringify(testFiles),
    ...(opt.grep ? { AUDIT_LOGS_TEST_GREP: opt.grep } : {}),
    ELECTRON_RUN_AS_NODE: undefined,
    VSCODE_IPC_HOOK_CLI: undefined, // when launched from a VS Code terminal, don't talk to that one
  });
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const config = join(tmp, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const entry = codeServerEntry();
  const common = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensionsDir];

  // --- install the vsix
  {
    const s = performance.now();
    const r = await runChecked('code-server --install-extension', PATHS.node24,
      [entry, ...common, '--force', '--install-extension', vsix], { env });
    mark('install', s);
    const listed = await capture(PATHS.node24, [entry, ...common, '--list-extensions'], { env });
    if (!listed.stdout.toLowerCase().split('\n').includes(extId)) {
      fail(`${extId} not listed after install:\n${r.stdout}${r.stderr}\n--list-extensions: ${listed.stdout}${listed.stderr}`);
    }
    log(`installed into ${extensionsDir} in ${timings.install}s`);
  }

  // --- start code-server
  const sStart = performance.now();
  const out = createWriteStream(serverLog);
  server = spawn(PATHS.node24, [entry, ...common,
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--disable-proxy', '--disable-file-downloads',
    '--ignore-last-opened', '--log', 'debug'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.pipe(out);
  server.stderr.pipe(out);
  let serverExit;
  server.once('exit', (code, signal) => (serverExit = code ?? signal));
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (serverExit !== undefined) fail(`code-server exited (${serverExit}) before listening:\n${tail(serverLog)}`);
    if (performance.now() - sStart > 60_000) fail(`code-server did not answer ${base}/healthz within 60 s:\n${tail(serverLog)}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    await sleep(200);
  }
  mark('serverStart', sStart);
  log(`code-server ${bundledVsCodeVersion()} listening on ${base} after ${timings.serverStart}s`);

  // --- open the workbench in headless Chromium: the extension host starts when a client connects
  const sBrowser = performance.now();
  const { chromium } = createRequire(join(VT, 'tools', 'package.json'))('playwright-core');
  // playwright makes its profile/artifacts dirs in os.tmpdir() (this process's TMPDIR) and Chromium
  // its org.chromium.* dirs in its own: both go inside the run's temp dir, removed with it.
  const browserTmp = join(home, 'tmp');
  process.env.TMPDIR = browserTmp;
  browser = await chromium.launch({
    executablePath: PATHS.chromium,
    headless: true,
    // Playwright's own signal handlers close the browser and exit(130) at once, before code-server
    // is stopped; this script's handlers do both.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage', '--disable-breakpad', '--disable-crash-reporter'],
    // Chromium puts its crashpad database under $XDG_CONFIG_HOME/chromium whatever the profile dir:
    // keep it in the temp home, not in the real ~/.config.
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), TMPDIR: browserTmp },
  });
  // In the web workbench vscode.env.clipboard is the page's clipboard: without these permissions a
  // read waits forever for a prompt nobody answers.
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const consoleOut = createWriteStream(browserLog);
  page.on('console', (m) => consoleOut.write(`[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => consoleOut.write(`[pageerror] ${e.stack ?? e}\n`));
  page.on('requestfailed', (r) => consoleOut.write(`[requestfailed] ${r.url()} ${r.failure()?.errorText}\n`));
  // Everything should stay on 127.0.0.1; log anything else the workbench tries (it fails anyway here).
  page.on('request', (r) => {
    const u = r.url();
    if (/^https?:/.test(u) && new URL(u).hostname !== '127.0.0.1') {
      offsite.add(new URL(u).origin);
      consoleOut.write(`[offsite-request] ${u}\n`);
    }
  });
  const url = `${base}/?folder=${encodeURIComponent(workspace)}`;
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  mark('workbench', sBrowser);
  log(`workbench up in Chromium after ${timings.workbench}s (${url})`);

  // --- wait for the results file the host runner writes
  const sTests = performance.now();
  const limit = Number(opt.timeout) * 1000;
  let results;
  let error;
  while (!results) {
    if (existsSync(resultsFile)) {
      results = JSON.parse(readFileSync(resultsFile, 'utf8'));
      break;
    }
    if (serverExit !== undefined) { error = `code-server exited (${serverExit}) before the results arrived`; break; }
    if (performance.now() - sTests > limit) {
      error = `no results file after ${opt.timeout}s: did the extension activate and call ` +
        'require(process.env.AUDIT_LOGS_TEST_RUNNER).runInHost({ context }) when AUDIT_LOGS_TEST_RUN is set?';
      break;
    }
    await sleep(250);
  }
  mark('tests', sTests);

  // --- screenshot (also on failure: it shows what the workbench was doing)
  try {
    await sleep(1500); // let the last editor/webview paint
    mkdirSync(resolve(opt.screenshot, '..'), { recursive: true });
    await page.screenshot({ path: opt.screenshot, timeout: 30_000 });
    log(`screenshot ${opt.screenshot}`);
  } catch (e) {
    log(`screenshot failed: ${e.message}`);
  }
  return { results, error, resultsFile, serverLog, browserLog, userData };
}

let code = 1;
let outcome;
try {
  outcome = await main();
} catch (e) {
  if (!interrupted) console.error(`\n[vscode-test] FAILED: ${e.harness ? e.message : e.stack}`);
} finally {
  const s = performance.now();
  await teardown();
  mark('teardown', s);
}

if (interrupted) await new Promise(() => {}); // the signal handler exits (130) once teardown is done

if (outcome) {
  const { results, error } = outcome;
  mkdirSync(PATHS.results, { recursive: true });
  if (results) {
    console.log(`\nIn-host results (VS Code ${results.vscodeVersion}, extension host ${results.node}, ${results.durationMs} ms):`);
    for (const t of results.tests) {
      const mark_ = t.state === 'passed' ? '✓' : t.state === 'failed' ? '✗' : '-';
      console.log(`  ${mark_} ${t.title} (${t.durationMs ?? 0} ms)`);
      if (t.error) {
        const at = (t.error.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 4);
        console.log([...t.error.message.split('\n'), ...at.map((l) => l.trim())].map((l) => `      ${l}`).join('\n'));
      }
    }
    if (results.error) console.log(`  ✗ runner error: ${results.error.message}\n${results.error.stack ?? ''}`);
    writeFileSync(join(PATHS.results, 'vscode-integration.json'), JSON.stringify(results, null, 2));
  }
  const ok = !error && results?.done === true && results.failed === 0 && results.passed > 0;
  if (!ok) {
    if (error) console.error(`\n[vscode-test] FAILED: ${error}`);
    if (results && results.passed === 0 && results.failed === 0) console.error('[vscode-test] FAILED: no test ran');
  }
  // Logs only help when the suite did not run properly (plain test failures speak for themselves).
  if (error || results?.error || (results && results.tests.length === 0)) {
    const exthost = findFiles(join(outcome.userData, 'logs'), /exthost.*\.log$|remoteexthost\.log$/);
    for (const f of exthost) console.error(`\n--- ${f} (tail)\n${tail(f, 30)}`);
    console.error(`\n--- ${outcome.serverLog} (tail)\n${tail(outcome.serverLog, 20)}`);
    console.error(`\n--- ${outcome.browserLog} (tail)\n${tail(outcome.browserLog, 15)}`);
  }
  code = ok ? 0 : 1;
  const passed = results?.passed ?? 0;
  const failed = (results?.failed ?? 0) + (ok || results?.failed ? 0 : 1);
  const skipped = results?.skipped ?? 0;
  if (process.env.AUDIT_LOGS_TEST_SUMMARY) {
    writeFileSync(process.env.AUDIT_LOGS_TEST_SUMMARY, JSON.stringify({ passed, failed, skipped }));
  }
  if (offsite.size) log(`warning: the workbench page tried to reach ${[...offsite].join(', ')} (see browser-console.log)`);
  mark('total', T0);
  log(`timings (s): ${Object.entries(timings).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`integration: ${passed} passed, ${failed} failed, ${skipped} skipped`);
} else if (process.env.AUDIT_LOGS_TEST_SUMMARY) {
  writeFileSync(process.env.AUDIT_LOGS_TEST_SUMMARY, JSON.stringify({ passed: 0, failed: 1, skipped: 0 }));
}

if (tmp) {
  if (code === 0 && !opt.keep) rmSync(tmp, { recursive: true, force: true });
  else log(`kept ${tmp} (user-data/logs, code-server.log, browser-console.log, results.json)`);
}
process.exit(code);
