// `npm run package`: a release build (minified, no test hooks, no sourcemaps) packaged as a .vsix
// with @vscode/vsce, which the project's own setup installs under .vscode-test/ (it runs on Node 24).
//
//   node scripts/package.mjs [--out FILE]      default: <name>-<version>.vsix in the repository
//
// What vsce packages is staged in a temp folder: the files `vsce ls` lists (the .vscodeignore rules)
// and the release manifest from scripts/release/manifest.cjs (no start-up activation; repository,
// homepage and bugs from REPOSITORY_URL when it is set). The build also writes esbuild's metafiles
// (out/meta/) and prints what dominates each bundle.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PATHS, REPO, envWithNode24 } from './vscode-test/lib.mjs';

const { releaseManifest } = createRequire(import.meta.url)('./release/manifest.cjs');
const { values: opt } = parseArgs({ options: { out: { type: 'string' } } });

function step(title, cmd, args, opts = {}) {
  console.log(`\n=== ${title}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: REPO, ...opts });
  if (r.status !== 0) {
    console.error(`${title} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
let release;
try {
  release = releaseManifest(pkg, process.env);
} catch (e) {
  console.error(`npm run package: ${e.message}`);
  process.exit(2);
}
const out = resolve(opt.out ?? join(REPO, `${pkg.name}-${pkg.version}.vsix`));

step('release build', process.execPath, ['esbuild.mjs', '--production', '--metafile']);
step('tools (vsce)', process.execPath, ['scripts/vscode-test/setup.mjs']);

console.log('\n=== stage');
const ls = spawnSync(PATHS.node24, [PATHS.vsce, 'ls', '--no-dependencies'], { cwd: REPO, env: envWithNode24(), encoding: 'utf8' });
if (ls.status !== 0) {
  console.error(`vsce ls failed (exit ${ls.status ?? ls.signal}):\n${ls.stdout}${ls.stderr}`);
  process.exit(1);
}
const files = ls.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
const stage = mkdtempSync(join(tmpdir(), 'ale-package-'));
for (const f of [...files, '.vscodeignore']) {
  mkdirSync(dirname(join(stage, f)), { recursive: true });
  copyFileSync(join(REPO, f), join(stage, f));
}
writeFileSync(join(stage, 'package.json'), `${JSON.stringify(release.manifest, null, 2)}\n`);
console.log(`${files.length} files; activationEvents ${JSON.stringify(release.manifest.activationEvents)}`);
for (const n of release.notes) console.log(n);

step('vsce package', PATHS.node24, [PATHS.vsce, 'package', '--no-dependencies', ...release.vsceArgs, '--out', out], {
  cwd: stage,
  env: envWithNode24(),
});
rmSync(stage, { recursive: true, force: true });
const bytes = statSync(out).size;
console.log(`\n${out}: ${bytes.toLocaleString('en-US')} bytes (${(bytes / 1024 / 1024).toFixed(2)} MiB)`);
