#!/usr/bin/env node
// `npm start`: builds (development build: it opens the paths in $AUDIT_LOGS_OPEN on activation),
// writes the sample logs on first run (samples/, the project's deterministic generator), and opens
// them in the events panel of a real VS Code:
//
//   - a desktop `code` on PATH:  code --extensionDevelopmentPath=<repo> <repo>/samples
//   - otherwise:                 code-server on 127.0.0.1 (installed into .vscode-test/ by
//                                scripts/vscode-test/setup.mjs on first use), the extension
//                                packaged and installed into persistent user-data/extensions dirs
//                                under .vscode-test/start/, the samples folder as the workspace.
//                                Stays in the foreground until Ctrl-C / SIGTERM, then stops it all.
//
//   node scripts/start.mjs [--code-server] [--check] [--port N] [--reinstall]
//     --code-server  use code-server even when a desktop `code` is on PATH
//     --check        (tests) start code-server, open it in headless chromium, wait for the events
//                    panel (its webview frame's <ale-app>; or, while dist/webview.js is missing,
//                    the editor tab "Audit Logs: samples"), save test-results/start-workbench.png,
//                    stop, exit 0/1. Uses .vscode-test/start-check/ so it never shares user data
//                    with a running `npm start`.
//     --port N       default $PORT, else 8765; a port in use falls back to a free one
//     --reinstall    package and install the extension even if the installed one is current
/* global document, customElements */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { PATHS, REPO, VT, bundledVsCodeVersion } from './vscode-test/lib.mjs';

const { values: opt } = parseArgs({
  options: {
    'code-server': { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    port: { type: 'string' },
    reinstall: { type: 'boolean', default: false },
  },
});

const T0 = performance.now();
const secs = (since = T0) => ((performance.now() - since) / 1000).toFixed(1);
const log = (msg) => console.log(`[start] ${msg}`);
const SAMPLES = join(REPO, 'samples');
const PANEL_TITLE = 'Audit Logs: samples';
// AUDIT_LOGS_SAMPLES: "Open Sample Logs" opens this same folder rather than a second generated copy
// (which Recent would list as a second "samples").
const OPEN_ENV = { AUDIT_LOGS_OPEN: JSON.stringify([SAMPLES]), AUDIT_LOGS_SAMPLES: SAMPLES };

function node(args, what) {
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: REPO });
  if (r.status !== 0) {
    console.error(`[start] ${what} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

/** The first executable `name` on PATH, or undefined. */
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch { /* not here */ }
  }
  return undefined;
}

// ---------------------------------------------------------------- build and samples
node(['esbuild.mjs'], 'build (node esbuild.mjs)');
log(`built in ${secs()}s`);
if (!existsSync(join(SAMPLES, 'AWSLogs'))) {
  const s = performance.now();
  node([join('dist', 'generate-samples.js'), '--out', 'samples'], 'sample generator');
  log(`wrote the sample logs into samples/ in ${secs(s)}s`);
}

// ---------------------------------------------------------------- desktop VS Code
let code = opt.check || opt['code-server'] ? undefined : onPath('code');
if (code && /[\\/]remote-cli[\\/]/.test(code)) {
  // In a VS Code server / code-server terminal `code` is the remote CLI, which cannot start an
  // Extension Development Host: use our own code-server instead.
  log(`${code} is a remote VS Code CLI (this is a VS Code server terminal): using code-server`);
  code = undefined;
}
if (code) {
  log(`desktop VS Code: ${code} --extensionDevelopmentPath=${REPO} ${SAMPLES}`);
  const r = spawnSync(code, [`--extensionDevelopmentPath=${REPO}`, SAMPLES], {
    stdio: 'inherit', env: { ...process.env, ...OPEN_ENV },
  });
  if (r.status === 0) log('opened an Extension Development Host window with the sample logs in the Audit Logs panel.');
  process.exit(r.status ?? 1);
}

// ---------------------------------------------------------------- code-server
// Imported only now: it loads nothing heavy, but there is no reason to on the desktop path.
const wb = await import('./vscode-test/workbench.mjs');

const STATE = join(VT, opt.check ? 'start-check' : 'start');
let server;
let browser;
let tearingDown;
let stopping = false;
const cleanups = [];

function teardown() {
  tearingDown ??= (async () => {
    await wb.closeBrowser(browser);
    browser = undefined;
    await wb.stopCodeServer(server);
    for (const c of cleanups) c();
  })();
  return tearingDown;
}

wb.onSignals((sig) => {
  stopping = true;
  console.log(`\n[start] ${sig}: stopping code-server${browser ? ' and chromium' : ''}…`);
  teardown().finally(() => {
    log('stopped.');
    process.exit(opt.check ? 130 : 0);
  });
});

/** A content hash of what the .vsix is made of, to skip packaging when nothing changed. */
function packageStamp() {
  const h = createHash('sha256');
  const add = (file) => {
    h.update(relative(REPO, file));
    h.update(readFileSync(file));
  };
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const f of readdirSync(dir, { recursive: true }).map(String).sort()) {
      const p = join(dir, f);
      if (f.endsWith('.map') || !statSync(p).isFile()) continue;
      add(p);
    }
  };
  for (const f of ['package.json', '.vscodeignore', 'README.md', 'LICENSE', 'CHANGELOG.md']) if (existsSync(join(REPO, f))) add(join(REPO, f));
  walk(join(REPO, 'dist'));
  walk(join(REPO, 'media'));
  // The bundled Sigma rules ship in the .vsix beside dist/ (the CLI and the host find them there).
  walk(join(REPO, 'rules'));
  return h.digest('hex');
}

async function choosePort() {
  const wanted = Number(opt.port ?? process.env.PORT ?? 8765);
  if (Number.isInteger(wanted) && wanted > 0 && wanted < 65536 && (await wb.isPortFree(wanted))) return wanted;
  const port = await wb.freePort();
  log(`port ${wanted} is in use (or invalid); using ${port} instead`);
  return port;
}

async function main() {
  // 1. the harness (Node 24, code-server, vsce, playwright-core, chromium): idempotent, ~0.2 s when present
  {
    const s = performance.now();
    node([join('scripts', 'vscode-test', 'setup.mjs')], 'setup (scripts/vscode-test/setup.mjs)');
    log(`code-server harness ready (${secs(s)}s)`);
  }

  // 2. persistent dirs (one instance at a time: they hold its user data), offline settings (merged:
  // a theme picked in an earlier session stays)
  const running = join(STATE, 'running.json');
  try {
    const r = JSON.parse(readFileSync(running, 'utf8'));
    process.kill(r.pid, 0); // throws when that process is gone
    if (r.pid !== process.pid) {
      console.error(`[start] Audit Log Explorer is already running at ${r.url} (pid ${r.pid}); stop it first (Ctrl-C there, or kill ${r.pid}).`);
      process.exit(1);
    }
  } catch { /* none, or a stale file */ }
  const dirs = wb.makeDirs(STATE);
  rmSync(dirs.serverLog, { force: true });
  if (!wb.writeUserSettings(dirs.userData, {}, { merge: true })) {
    log(`${join(dirs.userData, 'User', 'settings.json')} is not plain JSON (comments?): left as it is`);
  }
  const extId = wb.extensionId(REPO);
  const version = wb.readManifest(REPO).version;

  // 3. package + install, unless the installed build is this one
  const env = await wb.serverEnv(dirs.home, OPEN_ENV);
  const stampFile = join(STATE, 'installed.stamp');
  const stamp = packageStamp();
  const installedDir = join(dirs.extensionsDir, `${extId}-${version}`);
  if (!opt.reinstall && existsSync(installedDir) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    log(`extension ${extId} ${version} already installed from this build`);
  } else {
    const vsix = join(STATE, `${extId}.vsix`);
    const p = await wb.packageVsix(REPO, vsix, { home: dirs.home });
    const i = await wb.installVsix({ vsix, extId, dirs, env });
    writeFileSync(stampFile, stamp);
    log(`packaged (${p}s) and installed (${i}s) ${extId} ${version} into ${relative(REPO, dirs.extensionsDir)}/`);
  }

  // 4. code-server
  const port = await choosePort();
  server = await wb.startCodeServer({ port, dirs, env, logLevel: opt.check ? 'debug' : 'info', onSpawn: (h) => (server = h) });
  const url = server.url(SAMPLES);
  writeFileSync(running, JSON.stringify({ pid: process.pid, url }));
  cleanups.push(() => rmSync(running, { force: true }));
  console.log(`\nAudit Log Explorer is running in VS Code (code-server ${bundledVsCodeVersion()}) at ${url} — open it in a browser; Ctrl-C to stop.`);
  console.log(`  (started in ${secs()}s; the panel "${PANEL_TITLE}" opens once a browser connects; logs: ${relative(REPO, dirs.serverLog)}, ${relative(REPO, join(dirs.userData, 'logs'))}/)\n`);

  if (!opt.check) {
    // Foreground until a signal (handled above) or until code-server dies on its own.
    const code = await new Promise((r) => server.proc.once('exit', (c, s) => r(c ?? s)));
    if (stopping) return new Promise(() => {}); // the signal handler exits
    console.error(`[start] code-server exited (${code}); last lines of its log:\n${wb.tail(dirs.serverLog, 20)}`);
    await teardown();
    process.exit(1);
  }
  return check(dirs, url);
}

/** --check: the workbench in headless chromium shows the events panel for the samples. */
async function check(dirs, url) {
  const s = performance.now();
  browser = await wb.launchChromium({ home: dirs.home });
  const { page } = await wb.openWorkbench(browser, { url, consoleLog: dirs.browserLog });
  log(`workbench up in chromium after ${secs(s)}s`);
  const deadline = performance.now() + 120_000;
  const waitFor = async (what, fn) => {
    for (;;) {
      const v = await fn().catch(() => undefined);
      if (v) return v;
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      if (server.exited() !== undefined) throw new Error(`code-server exited (${server.exited()})`);
      await wb.sleep(250);
    }
  };
  await waitFor(`the editor tab "${PANEL_TITLE}"`, async () =>
    (await page.locator('.tabs-container .tab').allInnerTexts()).some((t) => t.trim() === PANEL_TITLE));
  log(`editor tab "${PANEL_TITLE}" open after ${secs(s)}s`);
  const bundle = existsSync(join(REPO, 'dist', 'webview.js'));
  const frame = await waitFor('the events panel\'s webview frame with <ale-app>', async () => {
    for (const f of page.frames()) {
      const ok = await f.evaluate((needDefined) => !!document.querySelector('ale-app') && (!needDefined || !!customElements.get('ale-app')), bundle)
        .catch(() => false);
      if (ok) return f;
    }
    return undefined;
  });
  let note = 'webview bundle not built yet: checked the tab and the <ale-app> element only';
  if (bundle) {
    // Loaded: no load strip, and the status line has a count.
    note = await waitFor('the samples to load in the panel', async () => {
      const t = (await frame.locator('ale-app .status .count').textContent({ timeout: 1_000 }))?.trim();
      const loading = await frame.locator('ale-app .load').count();
      return !loading && t && /^[\d,]+ of [\d,]+ events/.test(t) && !t.startsWith('0 of 0') ? t : undefined;
    });
    const problems = (await frame.locator('ale-app .problems-summary').textContent({ timeout: 500 }).catch(() => ''))?.trim();
    if (problems) note += `; ${problems}`;
  }
  log(`events panel ready after ${secs(s)}s: ${note}`);
  await wb.sleep(1000); // let the last rows paint
  const shot = join(PATHS.results, 'start-workbench.png');
  if (!(await wb.screenshot(page, shot, { log }))) throw new Error('screenshot failed');
}

let ok = false;
try {
  await main();
  ok = true;
} catch (e) {
  if (!stopping) {
    console.error(`\n[start] FAILED: ${e.harness ? e.message : e.stack}`);
    if (existsSync(join(STATE, 'code-server.log'))) console.error(`\n--- code-server.log (tail)\n${wb.tail(join(STATE, 'code-server.log'), 20)}`);
  }
} finally {
  if (!stopping) await teardown();
}
if (stopping) await new Promise(() => {});
if (opt.check) {
  mkdirSync(PATHS.results, { recursive: true });
  log(`--check ${ok ? 'passed' : 'FAILED'} in ${secs()}s`);
}
process.exit(ok ? 0 : 1);
