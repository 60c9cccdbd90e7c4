// Builds every bundle the project ships, plus a plain transpile of src/ and test/ into out/ for mocha.
//   node esbuild.mjs               development build (sourcemaps)
//   node esbuild.mjs --production  minified, no sourcemaps
//   node esbuild.mjs --watch       rebuild on change
//   node esbuild.mjs --metafile    also write esbuild's metafiles to out/meta/ and print what each shipped bundle is made of
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const metafile = process.argv.includes('--metafile');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
};

const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  {
    ...node,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    // The in-host test hook exists only in development builds; release builds drop it entirely.
    define: { __AUDIT_LOGS_TEST_HOOKS__: production ? 'false' : 'true' },
  },
  // Loader workers are their own entry: worker_threads needs a file to start.
  { ...node, entryPoints: ['src/providers/logFiles/cloudtrailWorker.ts'], outfile: 'dist/cloudtrailWorker.js' },
  // Free-text search helpers (src/core/searchPool.ts), started next to whichever bundle searches.
  { ...node, entryPoints: ['src/core/searchWorker.ts'], outfile: 'dist/searchWorker.js' },
  {
    ...node,
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  },
  // DuckDB (the bench's anchor) is a native dev dependency: required at run time, never bundled.
  { ...node, entryPoints: ['scripts/bench.ts'], outfile: 'dist/bench.js', external: ['@duckdb/node-api'] },
  { ...node, entryPoints: ['scripts/generate-samples.ts'], outfile: 'dist/generate-samples.js' },
  {
    ...common,
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    // The bundle's evaluation starts here (webview/marks.ts; main.ts marks its end).
    banner: { js: "performance.mark('ale:bundle-start');" },
  },
].filter((b) => b.entryPoints.every((e) => existsSync(e)));

// The test-only extension with a sixth provider in its list (test/e2e/sixth.e2e.mjs installs it):
// development builds only, and into out/, which no package ships.
if (!production && existsSync('test/e2e/sixth/extension.ts')) {
  builds.push({
    ...node,
    entryPoints: ['test/e2e/sixth/extension.ts'],
    outfile: 'out/sixth/extension.js',
    external: ['vscode'],
    define: { __AUDIT_LOGS_TEST_HOOKS__: 'true' },
  });
}

// Unit tests run the sources as plain CommonJS modules (no bundling), so a worker file sits
// next to the module that starts it, exactly as in dist/.
if (!production) {
  builds.push({
    entryPoints: ['src/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    outdir: 'out',
    outbase: '.',
    bundle: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}

// The vendors' SQL grammars for the unit tests (test/support/sqlGrammars.ts): dt-sql-parser ships ES
// modules with directory imports that node cannot load as they are, so its Trino and Hive parsers are
// bundled into one CommonJS file under out/ (development builds only; nothing in dist/ imports it).
if (!production && existsSync('node_modules/dt-sql-parser')) {
  builds.push({
    stdin: { contents: "export { TrinoSQL, HiveSQL } from 'dt-sql-parser'; export { TrinoSqlLexer } from 'dt-sql-parser/dist/lib/trino/TrinoSqlLexer';", resolveDir: '.', loader: 'js' },
    outfile: 'out/test/support/dtSqlParser.bundle.js',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
}

// Static assets the panel loads from dist/ (node_modules is not shipped in the .vsix).
function copyAssets() {
  mkdirSync('dist/codicons', { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/codicons/${f}`);
  // The IP → country / AS table (scripts/geo/build-ip-table.mjs) with its licences and SOURCE note.
  mkdirSync('dist/geo', { recursive: true });
  for (const f of readdirSync('data/geo')) copyFileSync(`data/geo/${f}`, `dist/geo/${f}`);
}
copyAssets();

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log(`watching ${contexts.length} builds…`);
} else {
  const results = await Promise.all(builds.map((b) => esbuild.build({ ...b, metafile })));
  if (metafile) reportBundles(results);
}

/** Who owns an input file: its npm package, or its folder two levels down (src/core, webview/components). */
function owner(input) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (m) return m[1];
  return input.split('/').slice(0, input.startsWith('src/') || input.startsWith('webview/') ? 2 : 1).join('/');
}

/** One metafile per bundle in out/meta/, and for each bundle the .vsix ships its size and largest owners. */
function reportBundles(results) {
  mkdirSync('out/meta', { recursive: true });
  const rows = [];
  for (const r of results) {
    for (const [file, output] of Object.entries(r.metafile.outputs)) {
      if (!output.entryPoint || !file.startsWith('dist/') || /dist\/(bench|generate-samples)\.js$/.test(file)) continue;
      writeFileSync(`out/meta/${basename(file, '.js')}.json`, JSON.stringify(r.metafile));
      const by = new Map();
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) by.set(owner(input), (by.get(owner(input)) ?? 0) + bytesInOutput);
      const top = [...by].sort((a, b) => b[1] - a[1]).slice(0, 6);
      const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
      rows.push(`${file} ${kb(output.bytes)}: ${top.map(([k, n]) => `${k} ${kb(n)}`).join(', ')}`);
    }
  }
  console.log(`bundles (metafiles in out/meta/):\n${rows.map((r) => `  ${r}`).join('\n')}`);
}
