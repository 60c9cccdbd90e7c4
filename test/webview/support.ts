/**
 * Helpers for the webview tests. The project's test build transpiles src/ and test/ into out/ but
 * not webview/ (that only ships as a browser bundle), so the webview modules a node test needs are
 * bundled here on the fly with esbuild.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type * as Format from '../../webview/format';
import type * as Ipc from '../../webview/ipc';
import type * as State from '../../webview/state';

/** The project root: the nearest folder above this file with our package.json. */
export function projectRoot(from = __dirname): string {
  let dir = from;
  while (true) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'audit-log-explorer') return dir;
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

export interface WebviewModules {
  format: typeof Format;
  ipc: typeof Ipc;
  state: typeof State;
}

let cached: WebviewModules | undefined;

export function loadWebview(): WebviewModules {
  if (cached) return cached;
  const root = projectRoot();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require(path.join(root, 'node_modules/esbuild')) as typeof import('esbuild');
  const result = esbuild.buildSync({
    stdin: {
      contents: ['format', 'ipc', 'state'].map((m) => `export * as ${m} from './webview/${m}';`).join('\n'),
      resolveDir: root,
      sourcefile: 'webview-test-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'error',
  });
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'ale-webview-')), 'webview.cjs');
  writeFileSync(file, result.outputFiles[0].text);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  cached = require(file) as WebviewModules;
  return cached;
}
