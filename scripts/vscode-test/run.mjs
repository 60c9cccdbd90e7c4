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
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { HERE, PATHS, REPO, bundledVsCodeVersion } from './lib.mjs';
import {
  closeBrowser, extHostLogs, extensionId, fail, freePort, installVsix, launchChromium, makeDirs, makeTempRoot,
  onSignals, openWorkbench, packageVsix, screenshot, serverEnv, startCodeServer, stopCodeServer, tail, writeUserSettings,
} from './workbench.mjs';

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

// ---------------------------------------------------------------- state torn down in finally
let server; // startCodeServer handle (own process group)
let browser; // playwright Browser
let tmp; // temp dir with user-data, extensions, workspace, logs
let tearingDown; // the one teardown promise: the signal handler and the main path share it
let interrupted = false;
let offsite = new Set(); // origins other than 127.0.0.1 the workbench page tried to reach

function teardown() {
  tearingDown ??= (async () => {
    await closeBrowser(browser);
    browser = undefined;
    await stopCodeServer(server);
  })();
  return tearingDown;
}

onSignals((sig) => {
  console.error(`\n[vscode-test] ${sig}: shutting down code-server and chromium`);
  interrupted = true;
  teardown().finally(() => {
    if (tmp && !opt.keep) rmSync(tmp, { recursive: true, force: true });
    process.exit(130);
  });
});

// ---------------------------------------------------------------- helpers
function findTests(p) {
  const abs = resolve(p);
  if (!existsSync(abs)) fail(`--tests ${p}: no such file or folder`);
  if (statSync(abs).isFile()) return [abs];
  return readdirSync(abs, { recursive: true })
    .filter((f) => /\.test\.c?js$/.test(f))
    .map((f) => join(abs, f))
    .sort();
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
  const extId = extensionId(extDir);

  const testFiles = (opt.tests ?? [usingFixture ? join(PATHS.fixtureSrc, 'fixture.test.cjs') : join(extDir, 'out', 'test', 'integration')])
    .flatMap(findTests);
  if (testFiles.length === 0) fail(`no *.test.js / *.test.cjs files in ${opt.tests ?? join(extDir, 'out/test/integration')}`);

  tmp = makeTempRoot('ale-vscode-');
  const dirs = makeDirs(tmp);
  const { userData, workspace, home, serverLog, browserLog } = dirs;
  const resultsFile = join(tmp, 'results.json');
  writeFileSync(join(workspace, 'harness-marker.txt'), 'audit-log-explorer harness\n');
  writeUserSettings(userData);
  log(`extension ${extId} from ${opt.vsix ?? extDir}; ${testFiles.length} test file(s); temp ${tmp}`);

  // --- package
  let vsix = opt.vsix && resolve(opt.vsix);
  if (!vsix) {
    vsix = join(tmp, `${extId}.vsix`);
    timings.package = await packageVsix(extDir, vsix, { home });
    log(`packaged ${basename(vsix)} in ${timings.package}s`);
  }

  // --- code-server environment: isolated home, gallery pointed at a closed local port, the
  // AUDIT_LOGS_TEST_* contract for the extension host
  const port = await freePort();
  const env = await serverEnv(home, {
    AUDIT_LOGS_TEST_RUN: resultsFile,
    AUDIT_LOGS_TEST_RUNNER: PATHS.hostRunner,
    AUDIT_LOGS_TEST_FILES: JSON.stringify(testFiles),
    ...(opt.grep ? { AUDIT_LOGS_TEST_GREP: opt.grep } : {}),
  });

  // --- install the vsix
  timings.install = await installVsix({ vsix, extId, dirs, env });
  log(`installed into ${dirs.extensionsDir} in ${timings.install}s`);

  // --- start code-server
  server = await startCodeServer({ port, dirs, env, onSpawn: (h) => (server = h) });
  timings.serverStart = server.seconds;
  log(`code-server ${bundledVsCodeVersion()} listening on ${server.base} after ${timings.serverStart}s`);

  // --- open the workbench in headless Chromium: the extension host starts when a client connects
  const sBrowser = performance.now();
  browser = await launchChromium({ home });
  const url = server.url(workspace);
  const wb = await openWorkbench(browser, { url, consoleLog: browserLog });
  const { page } = wb;
  offsite = wb.offsite;
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
    if (server.exited() !== undefined) { error = `code-server exited (${server.exited()}) before the results arrived`; break; }
    if (performance.now() - sTests > limit) {
      error = `no results file after ${opt.timeout}s: did the extension activate and call ` +
        'require(process.env.AUDIT_LOGS_TEST_RUNNER).runInHost({ context }) when AUDIT_LOGS_TEST_RUN is set?';
      break;
    }
    await sleep(250);
  }
  mark('tests', sTests);

  // --- screenshot (also on failure: it shows what the workbench was doing); let the last editor/webview paint
  await screenshot(page, opt.screenshot, { settleMs: 1500, log });
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
    for (const f of extHostLogs(outcome.userData)) console.error(`\n--- ${f} (tail)\n${tail(f, 30)}`);
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
