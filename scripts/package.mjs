// `npm run package`: a release build (minified, no test hooks, no sourcemaps) packaged as a .vsix
// with @vscode/vsce, which the project's own setup installs under .vscode-test/ (it runs on Node 24).
import { spawnSync } from 'node:child_process';
import { PATHS, REPO, envWithNode24 } from './vscode-test/lib.mjs';

function step(title, cmd, args, opts = {}) {
  console.log(`\n=== ${title}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: REPO, ...opts });
  if (r.status !== 0) {
    console.error(`${title} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

step('release build', process.execPath, ['esbuild.mjs', '--production']);
step('tools (vsce)', process.execPath, ['scripts/vscode-test/setup.mjs']);
step('vsce package', PATHS.node24, [PATHS.vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--allow-star-activation'], {
  env: envWithNode24(),
});
