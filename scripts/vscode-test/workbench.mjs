// Reusable pieces of the code-server harness: used by run.mjs (in-host mocha suite),
// scripts/start.mjs (`npm start`) and test/e2e/workbench.e2e.mjs (Playwright against the workbench).
//
//   freePort / isPortFree          127.0.0.1 ports
//   makeDirs / writeUserSettings   isolated user-data, extensions, home (HOME/XDG_*/TMPDIR) + offline settings
//   extensionId / packageVsix      vsce package (Node 24) into a .vsix
//   serverEnv                      code-server environment: isolated home, gallery on a closed local port
//   installVsix                    code-server --install-extension (and check it is listed)
//   startCodeServer                code-server on 127.0.0.1 in its own process group, waits for /healthz
//   stopCodeServer                 SIGTERM the group, SIGKILL whatever is left until it is empty
//   launchChromium / openWorkbench headless Debian chromium via playwright-core, the workbench page
//   screenshot, tail, findFiles, onSignals
//
// Nothing here leaves 127.0.0.1. Errors meant for the user (not a stack) carry `harness: true`.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
/* global fetch */
import { PATHS, VT, capture, codeServerEntry, codeServerEnv, listDir } from './lib.mjs';

export { sleep };

/** An error whose message is for the user (printed without a stack). */
export function fail(msg) {
  throw Object.assign(new Error(msg), { harness: true });
}

// ---------------------------------------------------------------- ports

/** A port nothing listens on right now (the OS picks it). */
export function freePort(host = '127.0.0.1') {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, host, () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** Whether `port` can be bound on `host` now. */
export function isPortFree(port, host = '127.0.0.1') {
  return new Promise((res) => {
    const s = createServer();
    s.unref();
    s.once('error', () => res(false));
    s.listen(port, host, () => s.close(() => res(true)));
  });
}

// ---------------------------------------------------------------- directories and settings

// Keep VS Code quiet and offline: no telemetry, updates, experiments, gallery, welcome pages,
// workspace-trust prompts, surveys or AI/chat onboarding.
export const USER_SETTINGS = Object.freeze({
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
});

/** A fresh temp dir (under the OS temp dir), e.g. /tmp/ale-vscode-XXXXXX. */
export function makeTempRoot(prefix = 'ale-vscode-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * The directory layout of one code-server instance under `root` (created when missing):
 * user-data/ (+ User/), extensions/, home/ (HOME, XDG_*, TMPDIR), workspace/, logs.
 */
export function makeDirs(root) {
  const d = {
    root,
    userData: join(root, 'user-data'),
    extensionsDir: join(root, 'extensions'),
    home: join(root, 'home'),
    workspace: join(root, 'workspace'),
    config: join(root, 'config.yaml'),
    serverLog: join(root, 'code-server.log'),
    browserLog: join(root, 'browser-console.log'),
  };
  for (const p of [d.userData, join(d.userData, 'User'), d.extensionsDir, d.home, d.workspace]) mkdirSync(p, { recursive: true });
  return d;
}

/**
 * Writes user-data/User/settings.json: USER_SETTINGS plus `extra`. With `merge`, keys already in an
 * existing file (e.g. a theme picked in an earlier `npm start` session) are kept unless overridden;
 * a file that is not plain JSON (comments) is left alone and false is returned.
 */
export function writeUserSettings(userData, extra = {}, { merge = false } = {}) {
  const file = join(userData, 'User', 'settings.json');
  mkdirSync(dirname(file), { recursive: true });
  let existing = {};
  if (merge && existsSync(file)) {
    try {
      existing = JSON.parse(readFileSync(file, 'utf8') || '{}');
    } catch {
      return false;
    }
  }
  const all = { ...existing, ...USER_SETTINGS, ...extra };
  writeFileSync(file, JSON.stringify(all, null, 2));
  // A machine-scoped setting reaches the extension host only from the remote machine's settings:
  // the extension's own first-run opening of its walkthrough reads openOnInstall there, so every
  // suite but the walkthrough's keeps it off (it opened in the middle of another suite's quick pick).
  const machine = join(userData, 'Machine', 'settings.json');
  mkdirSync(dirname(machine), { recursive: true });
  let machineExisting = {};
  try {
    if (existsSync(machine)) machineExisting = JSON.parse(readFileSync(machine, 'utf8') || '{}');
  } catch {
    machineExisting = {};
  }
  const key = 'workbench.welcomePage.walkthroughs.openOnInstall';
  writeFileSync(machine, JSON.stringify({ ...machineExisting, [key]: all[key] }, null, 2));
  return true;
}

// ---------------------------------------------------------------- package and install

export function readManifest(extDir) {
  return JSON.parse(readFileSync(join(extDir, 'package.json'), 'utf8'));
}

/** publisher.name, lower-case, as code-server --list-extensions prints it. */
export function extensionId(extDir) {
  const m = readManifest(extDir);
  return `${m.publisher}.${m.name}`.toLowerCase();
}

export async function runChecked(label, cmd, args, opts) {
  const r = await capture(cmd, args, opts);
  if (r.code !== 0) fail(`${label} failed (exit ${r.code}):\n${(r.stdout + r.stderr).trim()}`);
  return r;
}

/**
 * vsce package EXT_DIR into `out` with Node 24 (vsce's engines); `home` keeps it out of the real
 * home. --no-dependencies: the extension is bundled (vsce would otherwise run npm list). A test
 * or `npm start` package is a local one, as `npm run package` makes without REPOSITORY_URL
 * (scripts/release/manifest.cjs): no repository to name, the README's relative links left as they are.
 * Returns the seconds it took.
 */
export async function packageVsix(extDir, out, { home }) {
  const s = performance.now();
  mkdirSync(dirname(out), { recursive: true });
  await runChecked('vsce package', PATHS.node24, [PATHS.vsce, 'package', '--no-dependencies',
    '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], {
    cwd: extDir, env: codeServerEnv(home),
  });
  return +((performance.now() - s) / 1000).toFixed(1);
}

/**
 * The environment for every code-server invocation: HOME, XDG_* and TMPDIR inside `home`, Node 24 first
 * on PATH, the extension gallery pointed at a closed 127.0.0.1 port (requests fail fast, locally),
 * plus `extra` (e.g. AUDIT_LOGS_* variables, which reach the extension host). Keys set to undefined
 * are removed.
 */
export async function serverEnv(home, extra = {}) {
  const closedPort = await freePort(); // nothing listens there
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
    ELECTRON_RUN_AS_NODE: undefined,
    VSCODE_IPC_HOOK_CLI: undefined, // when launched from a VS Code terminal, don't talk to that one
    ...extra,
  });
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env;
}

/** The arguments every code-server invocation of one instance shares. */
function commonArgs({ config, userData, extensionsDir }) {
  return ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensionsDir];
}

/**
 * code-server reads `config` (never ~/.config/code-server/config.yaml, which it would create with a
 * password, on any invocation). Without a port: for --install-extension / --list-extensions.
 */
export function writeServerConfig(config, port) {
  writeFileSync(config, `${port ? `bind-addr: 127.0.0.1:${port}\n` : ''}auth: none\ncert: false\n`);
}

/**
 * code-server --install-extension VSIX --force, then --list-extensions to check `extId` is there.
 * `dirs` is what makeDirs returned (config, userData, extensionsDir).
 */
export async function installVsix({ vsix, extId, dirs, env }) {
  const s = performance.now();
  if (!existsSync(dirs.config)) writeServerConfig(dirs.config);
  const entry = codeServerEntry();
  const r = await runChecked('code-server --install-extension', PATHS.node24,
    [entry, ...commonArgs(dirs), '--force', '--install-extension', vsix], { env });
  const seconds = +((performance.now() - s) / 1000).toFixed(1);
  const listed = await capture(PATHS.node24, [entry, ...commonArgs(dirs), '--list-extensions'], { env });
  if (!listed.stdout.toLowerCase().split('\n').includes(extId)) {
    fail(`${extId} not listed after install:\n${r.stdout}${r.stderr}\n--list-extensions: ${listed.stdout}${listed.stderr}`);
  }
  return seconds;
}

// ---------------------------------------------------------------- code-server

/**
 * Starts code-server on 127.0.0.1:port with --auth none, in its own process group (detached), its
 * output into dirs.serverLog, and waits until /healthz answers. Returns a handle:
 *   { proc, port, base, seconds, exited(): code|signal|undefined, url(folder) }
 * Stop it with stopCodeServer(handle), also after a failed start: `onSpawn(handle)` is called as
 * soon as the process exists (so a signal handler can stop it while it starts), and the handle is
 * attached to a start error as `.server`.
 */
export async function startCodeServer({ port, dirs, env, timeoutMs = 60_000, logLevel = 'debug', extraArgs = [], onSpawn }) {
  const s = performance.now();
  writeServerConfig(dirs.config, port);
  const out = createWriteStream(dirs.serverLog, { flags: 'a' });
  const proc = spawn(PATHS.node24, [codeServerEntry(), ...commonArgs(dirs),
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--disable-proxy', '--disable-file-downloads',
    '--ignore-last-opened', '--log', logLevel, ...extraArgs], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.pipe(out);
  proc.stderr.pipe(out);
  let exit;
  proc.once('exit', (code, signal) => (exit = code ?? signal));
  const base = `http://127.0.0.1:${port}`;
  const handle = {
    proc,
    port,
    base,
    logFile: dirs.serverLog,
    seconds: 0,
    exited: () => exit,
    /** The workbench URL with `folder` open (an absolute path on this machine). */
    url: (folder) => (folder ? `${base}/?folder=${encodeURIComponent(folder)}` : `${base}/`),
  };
  onSpawn?.(handle);
  try {
    for (;;) {
      if (exit !== undefined) fail(`code-server exited (${exit}) before listening:\n${tail(dirs.serverLog)}`);
      if (performance.now() - s > timeoutMs) fail(`code-server did not answer ${base}/healthz within ${timeoutMs / 1000} s:\n${tail(dirs.serverLog)}`);
      try {
        const r = await fetch(`${base}/healthz`);
        if (r.ok) break;
      } catch { /* not up yet */ }
      await sleep(200);
    }
  } catch (e) {
    e.server = handle;
    throw e;
  }
  handle.seconds = +((performance.now() - s) / 1000).toFixed(1);
  return handle;
}

/** pids whose process group is pgid (Linux /proc; empty elsewhere). */
export function groupMembers(pgid) {
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

/**
 * SIGTERM code-server's process group, SIGKILL it after 8 s, then sweep the group until it is empty:
 * the extension host is built to outlive a dropped connection (reconnection grace time) and was seen
 * surviving code-server when a run was interrupted while the workbench was connecting.
 * Accepts a startCodeServer handle or a ChildProcess; safe to call twice.
 */
export async function stopCodeServer(server) {
  const proc = server?.proc ?? server;
  if (!proc?.pid) return;
  if (proc.exitCode === null && proc.signalCode === null) {
    const exited = new Promise((r) => proc.once('exit', r));
    // detached: true made code-server the leader of its own process group; the extension host,
    // file watcher and pty host are its children in that group.
    try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* already gone */ }
    if (!(await Promise.race([exited.then(() => true), sleep(8_000).then(() => false)]))) {
      try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* already gone */ }
      await Promise.race([exited, sleep(3_000)]);
    }
  }
  for (let i = 0; i < 50; i++) {
    const left = groupMembers(proc.pid);
    if (left.length === 0) break;
    for (const pid of left) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
    await sleep(100);
  }
}

// ---------------------------------------------------------------- chromium

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--disable-breakpad', '--disable-crash-reporter'];

/** playwright-core from .vscode-test/tools. */
export function playwright() {
  return createRequire(join(VT, 'tools', 'package.json'))('playwright-core');
}

/**
 * Headless Debian chromium. playwright makes its profile/artifacts dirs in os.tmpdir() (this
 * process's TMPDIR) and Chromium its org.chromium.* dirs in its own: both go into `home`/tmp.
 * Playwright's own SIGINT/SIGTERM/SIGHUP handlers are off: they close the browser and exit(130) at
 * once, before code-server is stopped; callers handle the signals (onSignals) and tear down both.
 */
export async function launchChromium({ home }) {
  const browserTmp = join(home, 'tmp');
  mkdirSync(browserTmp, { recursive: true, mode: 0o700 });
  process.env.TMPDIR = browserTmp;
  return playwright().chromium.launch({
    executablePath: PATHS.chromium,
    headless: true,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: CHROMIUM_ARGS,
    // Chromium puts its crashpad database under $XDG_CONFIG_HOME/chromium whatever the profile dir:
    // keep it in the isolated home, not in the real ~/.config.
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), TMPDIR: browserTmp },
  });
}

/** browser.close(), but never wait more than 10 s. */
export async function closeBrowser(browser) {
  if (browser) await Promise.race([browser.close().catch(() => {}), sleep(10_000)]);
}

/**
 * A new page on the workbench at `url`, waiting for `.monaco-workbench`. The browser console,
 * page errors and failed requests go to `consoleLog` (a file) and into `messages` (an array of
 * { type, text, url }); any request to a host other than 127.0.0.1 is logged and its origin added
 * to `offsite`. In the web workbench vscode.env.clipboard is the page's clipboard: without the
 * clipboard permissions a read waits forever for a prompt nobody answers.
 * Returns { page, messages, offsite, seconds }.
 */
export async function openWorkbench(browser, { url, consoleLog, viewport = { width: 1600, height: 1000 }, colorScheme, timeoutMs = 60_000 }) {
  const s = performance.now();
  const origin = new URL(url).origin;
  const context = await browser.newContext({ viewport, ...(colorScheme ? { colorScheme } : {}) });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = await context.newPage();
  const out = consoleLog ? createWriteStream(consoleLog, { flags: 'a' }) : undefined;
  const messages = [];
  const offsite = new Set();
  const note = (type, text, where = '') => {
    messages.push({ type, text, url: where });
    out?.write(`[${type}] ${text}${where ? ` (${where})` : ''}\n`);
  };
  page.on('console', (m) => note(m.type(), m.text(), m.location()?.url ?? ''));
  page.on('pageerror', (e) => note('pageerror', String(e.stack ?? e)));
  page.on('requestfailed', (r) => note('requestfailed', `${r.url()} ${r.failure()?.errorText}`));
  // Everything should stay on 127.0.0.1; log anything else the workbench tries (it fails anyway here).
  // Webview resources have https://*.vscode-resource.vscode-cdn.net URLs, but the webview's service
  // worker answers them from code-server (over 127.0.0.1): not offsite.
  page.on('request', (r) => {
    const u = r.url();
    if (/^https?:/.test(u) && new URL(u).hostname !== '127.0.0.1' && !new URL(u).hostname.endsWith('.vscode-resource.vscode-cdn.net')) {
      offsite.add(new URL(u).origin);
      note('offsite-request', u);
    }
  });
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  await page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
  return { page, messages, offsite, seconds: +((performance.now() - s) / 1000).toFixed(1) };
}

/** Screenshot of the page (or of a locator) into `file`, after `settleMs`; returns false on failure. */
export async function screenshot(target, file, { settleMs = 0, log = console.log } = {}) {
  try {
    if (settleMs) await sleep(settleMs);
    mkdirSync(dirname(file), { recursive: true });
    await target.screenshot({ path: file, timeout: 30_000 });
    log(`screenshot ${file}`);
    return true;
  } catch (e) {
    log(`screenshot ${file} failed: ${e.message.split('\n')[0]}`);
    return false;
  }
}

// ---------------------------------------------------------------- misc

export function tail(file, lines = 40) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return `(no ${file})`;
  }
}

export function findFiles(dir, re) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).filter((f) => re.test(basename(f))).map((f) => join(dir, f));
}

/** The extension host logs under user-data/logs (remoteexthost.log, exthost*.log). */
export function extHostLogs(userData) {
  return findFiles(join(userData, 'logs'), /exthost.*\.log$|remoteexthost\.log$/);
}

/**
 * Calls `handler(signal)` once on the first SIGINT, SIGTERM or SIGHUP (the others are then ignored
 * while it runs). The handler is expected to tear down and exit.
 */
export function onSignals(handler) {
  let fired = false;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      if (fired) return;
      fired = true;
      handler(sig);
    });
  }
}
