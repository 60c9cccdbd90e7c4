// Builds the events panel's dev harness: the real webview bundle plus a fake extension host, served
// under the same CSP as the real panel, for trying the UI in a plain browser.
//   node webview/dev/build.mjs                 build into out/webview-dev/
//   node webview/dev/build.mjs --serve [port]  build, then serve on 127.0.0.1 (port 0 = any free one)
//   node webview/dev/build.mjs --watch --serve rebuild on change
// Open http://127.0.0.1:PORT/?rows=1000000&theme=light (see fakeHost.ts for the parameters).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const outdir = join(root, 'out/webview-dev');
const args = process.argv.slice(2);
const watch = args.includes('--watch');
const serveAt = args.indexOf('--serve');

// The same options esbuild.mjs uses for dist/webview.js.
const common = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  sourcemap: 'linked',
  logLevel: 'warning',
};
const builds = [
  { ...common, entryPoints: [join(root, 'webview/main.ts')], outfile: join(outdir, 'webview.js') },
  // The harness runs the real panel session and store (src/session, src/core): their few uses of
  // node's Buffer get webview/dev/bufferShim.ts; nothing else of node reaches the browser.
  // The store's codec and search pool reach node:zlib and worker threads: nodeShims/ stands in (raw
  // bytes kept plain, search on the page's thread), and __dirname is the worker file's empty folder.
  {
    ...common,
    entryPoints: [join(root, 'webview/dev/fakeHost.ts')],
    outfile: join(outdir, 'fakeHost.js'),
    inject: [join(root, 'webview/dev/bufferShim.ts')],
    alias: nodeShimAliases(),
    define: { __dirname: '""' },
  },
];

/** webview/dev/nodeShims/aliases.json as esbuild aliases (module → absolute stand-in path). */
function nodeShimAliases() {
  const dir = join(here, 'nodeShims');
  const map = JSON.parse(readFileSync(join(dir, 'aliases.json'), 'utf8'));
  return Object.fromEntries(Object.entries(map).filter(([k]) => k.startsWith('node:')).map(([k, v]) => [k, join(dir, v)]));
}

function copyAssets() {
  mkdirSync(outdir, { recursive: true });
  const codicons = join(root, 'node_modules/@vscode/codicons/dist');
  copyFileSync(join(here, 'index.html'), join(outdir, 'index.html'));
  copyFileSync(join(here, 'vscode-default.css'), join(outdir, 'vscode-default.css'));
  copyFileSync(join(codicons, 'codicon.css'), join(outdir, 'codicon.css'));
  copyFileSync(join(codicons, 'codicon.ttf'), join(outdir, 'codicon.ttf'));
}

copyAssets();
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}

/**
 * `?locale=xx`: the bundle l10n/bundle.l10n.xx.json, as the host puts VS Code's bundle in the
 * panel's page (an HTML attribute); '{}' (English) without one.
 */
function l10nAttribute(locale) {
  const file = locale && /^[a-z]{2,3}(-[a-z0-9]+)*$/i.test(locale) ? join(root, 'l10n', `bundle.l10n.${locale}.json`) : undefined;
  const json = file && existsSync(file) ? JSON.stringify(JSON.parse(readFileSync(file, 'utf8'))) : '{}';
  return json.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

if (serveAt >= 0) {
  const portArg = Number(args[serveAt + 1]);
  const port = Number.isInteger(portArg) ? portArg : 5174;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = `http://${req.headers.host}`;
    let rel = decodeURIComponent(url.pathname);
    if (rel === '/') rel = '/index.html';
    const file = normalize(join(outdir, rel));
    if (!file.startsWith(outdir + sep) || !existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    let body = readFileSync(file);
    if (rel === '/index.html') {
      // A fresh nonce per page, as the real panel does per render.
      if (watch) copyAssets();
      const nonce = randomBytes(16).toString('base64');
      body = Buffer.from(
        readFileSync(join(outdir, 'index.html'), 'utf8').replaceAll('{{nonce}}', nonce).replaceAll('{{cspSource}}', origin).replaceAll('{{l10n}}', l10nAttribute(url.searchParams.get('locale'))),
      );
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(body);
  });
  server.listen(port, '127.0.0.1', () => {
    const addr = server.address();
    console.log(`Serving http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}/`);
  });
} else {
  console.log(`Built ${outdir}`);
}
