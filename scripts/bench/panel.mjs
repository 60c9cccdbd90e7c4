#!/usr/bin/env node
// The panel path, timed the way a user meets it (issue 14): the packaged extension in code-server,
// driven with playwright-core in headless chromium like the e2e suite (test/e2e/drive.mjs). Per
// data set and round: F1 → "Audit Logs: Open CloudTrail Logs…" → the folder in the file dialog →
// OK; the clock starts at that click (the command has its folder) and stops at the first rows in
// the panel's grid and at the final count (the load strip gone, the status line counting the whole
// set). Between two panel opens it times our CLI's `stats` of the same folder, so a busy stretch of
// the machine falls on both sides of the ratio. Not a test: it asserts nothing about time.
//
//   node scripts/bench/panel.mjs --sets JSON --cli dist/cli.js [--repeat R] [--no-setup] [--keep]
//     --sets  [{"key":"big","dir":"/…/AWSLogs","expect":1000000}, …]
//
// `npm run bench -- --panel` builds, generates the sets and runs this (scripts/bench/panelRun.ts);
// results are JSON lines on stdout ({"name":"panel"|"cli-stats", …}), progress on stderr.
/* global document, window, setTimeout, PerformanceObserver */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { PATHS, REPO, bundledVsCodeVersion } from '../vscode-test/lib.mjs';
import {
  closeBrowser, extHostLogs, extensionId, freePort, installVsix, launchChromium, makeDirs, makeTempRoot, onSignals,
  openWorkbench, packageVsix, serverEnv, sleep, startCodeServer, stopCodeServer, tail, writeUserSettings,
} from '../vscode-test/workbench.mjs';
import { driver, until } from '../../test/e2e/drive.mjs';

const { values: opt } = parseArgs({
  options: {
    sets: { type: 'string' },
    cli: { type: 'string' },
    repeat: { type: 'string', default: '3' },
    'no-setup': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    /** Longest wait for one panel to finish loading, in seconds. */
    timeout: { type: 'string', default: '300' },
  },
});
const log = (msg) => process.stderr.write(`[bench panel] ${msg}\n`);
const emit = (line) => process.stdout.write(JSON.stringify(line) + '\n');
const sets = JSON.parse(opt.sets ?? '[]');
const repeat = Number(opt.repeat);
const LOAD_TIMEOUT_MS = Number(opt.timeout) * 1000;
if (!Array.isArray(sets) || sets.length === 0 || !opt.cli || !(repeat >= 1)) {
  process.stderr.write('usage: node scripts/bench/panel.mjs --sets JSON --cli FILE [--repeat R] [--no-setup] [--keep]\n');
  process.exit(2);
}

/** Our CLI's `stats` of `dir`, spawn to exit (node start-up included, as a user pays it). */
function cliStats(dir) {
  return new Promise((resolveRun, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [opt.cli, 'stats', dir], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      try {
        resolveRun({ ms, code, events: JSON.parse(out).events });
      } catch {
        reject(new Error(`stats exited with ${code}, output ${JSON.stringify(out.slice(0, 200))}`));
      }
    });
  });
}

/**
 * Runs in the panel's frame: polls every few ms (the page's clock is the machine's, Date.now() on
 * both sides) and resolves when the load has finished, with when it first saw rows in the grid
 * and the final count. `rowsAtStart` says the rows were there before the watch began (then the
 * time is when the frame was found, late by at most the frame poll).
 */
function watchPanel({ timeoutMs }) {
  return new Promise((resolve) => {
    const started = Date.now();
    // The panel's long tasks (its thread busy ≥ 50 ms), to tell a late message from a busy panel.
    const longTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) longTasks.push({ at: performance.timeOrigin + e.startTime, ms: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      // no long task timing here
    }
    const out = { watchStart: started, longTasks, firstRows: undefined, rowsAtStart: false, final: undefined, sawLoad: false, text: '', maxPollGapMs: 0 };
    let last = started;
    const poll = () => {
      const now = Date.now();
      out.maxPollGapMs = Math.max(out.maxPollGapMs, now - last);
      last = now;
      const root = document.querySelector('ale-app')?.shadowRoot;
      const grid = root?.querySelector('ae-grid')?.shadowRoot;
      const row = grid?.querySelector('.row[data-index="0"]:not(.loading)');
      if (out.firstRows === undefined && row && row.getAttribute('data-row') !== '' && row.textContent.trim() !== '') {
        out.firstRows = now;
        out.rowsAtStart = now === started;
      }
      const loading = !!root?.querySelector('.load');
      out.sawLoad ||= loading;
      const text = root?.querySelector('.status .count')?.textContent?.trim() ?? '';
      const m = /^([\d,]+) of ([\d,]+) events/.exec(text);
      out.text = text;
      if (!loading && m && out.sawLoad) {
        out.final = now;
        out.total = Number(m[2].replace(/,/g, ''));
        resolve(out);
        return;
      }
      if (now - started > timeoutMs) {
        out.timedOut = true;
        resolve(out);
        return;
      }
      setTimeout(poll, 5);
    };
    poll();
  });
}

/**
 * Runs in the panel's frame once the load has finished: waits (at most `waitMs`) for the host's
 * timings of the load's end, then returns every mark of the panel's start and of the load's end as
 * epoch ms: the webview's own (`ale:*`, performance.mark), the host's (`host:*`, their time in
 * `detail.at`, sent by the host), the document's start (performance.timeOrigin) and the bundle's
 * fetch (resource timing), with how many times the bundle was fetched.
 */
function readMarks({ waitMs }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const read = () => {
      const marks = performance.getEntriesByType('mark');
      const done = marks.some((m) => m.name === 'host:final-delivered') && marks.some((m) => m.name === 'ale:final-drawn');
      if (!done && Date.now() - started < waitMs) {
        setTimeout(read, 20);
        return;
      }
      const origin = performance.timeOrigin;
      const out = { 'doc-start': origin };
      const spent = {};
      for (const m of marks) {
        if (m.name.startsWith('host:') && typeof m.detail?.at === 'number') out[m.name] = m.detail.at;
        else if (m.name.startsWith('host-spent:') && typeof m.detail?.ms === 'number') spent[m.name.slice('host-spent:'.length)] = m.detail;
        else if (m.name.startsWith('ale:')) out[m.name] = origin + m.startTime;
      }
      const bundles = performance.getEntriesByType('resource').filter((r) => /webview\.js(\?|$)/.test(r.name));
      if (bundles[0]) {
        out['bundle-fetch'] = origin + bundles[0].startTime;
        out['bundle-fetched'] = origin + bundles[0].responseEnd;
      }
      resolve({ marks: out, spent, bundleLoads: bundles.length });
    };
    read();
  });
}

let server;
let browser;
let tmp;
let interrupted = false;
async function teardown() {
  await closeBrowser(browser);
  browser = undefined;
  await stopCodeServer(server);
  server = undefined;
}
onSignals(() => {
  interrupted = true;
  teardown().finally(() => {
    if (tmp && !opt.keep) rmSync(tmp, { recursive: true, force: true });
    process.exit(130);
  });
});

async function main() {
  if (!opt['no-setup']) {
    const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'vscode-test', 'setup.mjs')], { stdio: ['ignore', 2, 2] });
    if (r.status !== 0) throw new Error(`setup.mjs failed (exit ${r.status ?? r.signal})`);
  }
  tmp = makeTempRoot('ale-bench-panel-');
  const dirs = makeDirs(tmp);
  writeUserSettings(dirs.userData, { 'workbench.colorTheme': 'Default Dark Modern' });
  const extId = extensionId(REPO);
  const vsix = join(tmp, `${extId}.vsix`);
  await packageVsix(REPO, vsix, { home: dirs.home });
  const env = await serverEnv(dirs.home, {});
  await installVsix({ vsix, extId, dirs, env });
  server = await startCodeServer({ port: await freePort(), dirs, env, logLevel: 'info', onSpawn: (h) => (server = h) });
  log(`code-server ${bundledVsCodeVersion()} on ${server.base}`);
  browser = await launchChromium({ home: dirs.home });
  const { page } = await openWorkbench(browser, { url: server.url(dirs.workspace), consoleLog: dirs.browserLog });
  const wb = driver(page);
  await wb.waitForAuditLogs();
  // The workbench's own long tasks (its thread relays every message to the panel's frame).
  await page.evaluate(() => {
    const w = /** @type {{ __aleBenchLongTasks?: Array<{ at: number, ms: number }> }} */ (window);
    w.__aleBenchLongTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__aleBenchLongTasks?.push({ at: performance.timeOrigin + e.startTime, ms: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      // no long task timing here
    }
  });
  // Let the workbench settle (extensions activating, the Explorer) before the first clock starts.
  await sleep(3000);

  for (let round = 1; round <= repeat; round++) {
    for (const set of sets) {
      if (interrupted) return;
      const cli = await cliStats(set.dir);
      emit({ name: 'cli-stats', set: set.key, round, ms: Math.round(cli.ms), events: cli.events, code: cli.code });
      log(`${set.key} round ${round}: CLI stats ${Math.round(cli.ms)} ms, ${cli.events} events`);
      await sleep(1000);

      const title = `Audit Logs: ${set.dir.split('/').filter(Boolean).pop()}`;
      await wb.runCommand('Audit Logs: Open CloudTrail Logs…');
      // The OK click is what the clock measures from; everything before is the person choosing
      // (typing the folder's path, the dialog listing it).
      const known = new Set(page.frames());
      let t0 = 0;
      await wb.folderDialog(set.dir, { beforeClick: () => (t0 = Date.now()) });
      // The panel's frame (two iframes deep) exists once the webview has loaded its page.
      const frame = await until(`the panel frame of ${set.dir}`, async () => {
        for (const f of page.frames()) {
          if (known.has(f)) continue;
          const has = await f.evaluate(() => !!document.querySelector('ale-app')).catch(() => false);
          if (has) return f;
        }
        return undefined;
      }, 60_000);
      const w = await frame.evaluate(watchPanel, { timeoutMs: LOAD_TIMEOUT_MS });
      if (w.timedOut) throw new Error(`${set.key}: the load did not finish within ${opt.timeout} s (status "${w.text}")`);
      const { marks, spent, bundleLoads } = await frame.evaluate(readMarks, { waitMs: 10_000 });
      const phases = {};
      for (const [k, at] of Object.entries(marks)) phases[k] = Math.round(at - t0);
      // How long the panel's own thread was busy between the host posting the final state and the panel taking it.
      const from = marks['host:final-state'];
      const to = marks['ale:final-state'];
      const busy = (tasks) => (from !== undefined && to !== undefined ? Math.round(tasks.reduce((n, t) => n + Math.max(0, Math.min(to, t.at + t.ms) - Math.max(from, t.at)), 0)) : null);
      const busyBeforeFinal = busy(w.longTasks);
      const workbenchTasks = await page.evaluate(() => window.__aleBenchLongTasks ?? []);
      const workbenchBusyBeforeFinal = busy(workbenchTasks);
      const workbenchLongTasksMs = Math.round(workbenchTasks.filter((t) => t.at >= t0 && t.at <= w.final).reduce((n, t) => n + t.ms, 0));
      const result = {
        name: 'panel', set: set.key, round, title,
        frameFoundMs: w.watchStart - t0,
        firstRowsMs: w.firstRows !== undefined ? w.firstRows - t0 : null,
        finalMs: w.final - t0,
        total: w.total, expect: set.expect, status: w.text, rowsAtStart: w.rowsAtStart, maxPollGapMs: w.maxPollGapMs,
        phases, spent, bundleLoads, busyBeforeFinal, workbenchBusyBeforeFinal, workbenchLongTasksMs, longTasksMs: Math.round(w.longTasks.reduce((n, t) => n + t.ms, 0)),
      };
      emit(result);
      log(`${set.key} round ${round}: first rows ${result.firstRowsMs} ms, final count ${result.finalMs} ms ("${w.text}")`);
      await wb.runCommand('View: Close All Editors');
      await until('the panel to close', async () => (await page.locator('.tabs-container .tab').count()) === 0, 30_000);
      // The closed panel's store is garbage now; give the extension host time to collect it.
      await sleep(3000);
    }
  }
}

let error;
try {
  mkdirSync(PATHS.results, { recursive: true });
  await main();
} catch (e) {
  error = e;
  log(`FAILED: ${e.stack ?? e}`);
  if (tmp) {
    const d = makeDirs(tmp);
    for (const f of extHostLogs(d.userData)) process.stderr.write(`\n--- ${f} (tail)\n${tail(f, 30)}\n`);
  }
} finally {
  await teardown();
}
if (interrupted) await new Promise(() => {});
if (tmp && !opt.keep && !error) rmSync(tmp, { recursive: true, force: true });
else if (tmp) log(`kept ${tmp}`);
process.exit(error ? 1 : 0);
