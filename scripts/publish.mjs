// `npm run publish`: packages a release (scripts/package.mjs) and publishes that one .vsix to the
// Visual Studio Marketplace (vsce, token VSCE_PAT) and/or Open VSX (ovsx, token OVSX_PAT), to each
// registry whose token you supply. It refuses under CI (`CI` set), without a token, and without
// REPOSITORY_URL (see scripts/release/manifest.cjs). No test runs it; the decision is unit-tested.
//
//   REPOSITORY_URL=https://… VSCE_PAT=… OVSX_PAT=… npm run publish
//
// ovsx is not a dependency of the project: it is fetched, at the pinned version, only here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PATHS, REPO, envWithNode24 } from './vscode-test/lib.mjs';

const OVSX = 'ovsx@1.4.0'; // needs Node 22+: run on the harness's Node 24
const { publishPlan } = createRequire(import.meta.url)('./release/manifest.cjs');

const plan = publishPlan(process.env);
if (plan.refuse) {
  console.error(`npm run publish: refused — ${plan.refuse}.`);
  process.exit(2);
}

function run(title, cmd, args, env) {
  console.log(`\n=== ${title}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: REPO, env });
  if (r.status !== 0) {
    console.error(`${title} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

const { name, version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'ale-publish-'));
const vsix = join(dir, `${name}-${version}.vsix`);
try {
  run('package', process.execPath, ['scripts/package.mjs', '--out', vsix], process.env);
  // The tokens reach only the publishing tools, through the environment variables each one reads.
  if (plan.targets.includes('marketplace')) {
    run('Visual Studio Marketplace (vsce publish)', PATHS.node24, [PATHS.vsce, 'publish', '--packagePath', vsix], envWithNode24({ VSCE_PAT: process.env.VSCE_PAT }));
  }
  if (plan.targets.includes('open-vsx')) {
    run('Open VSX (ovsx publish)', 'npm', ['exec', '--yes', `--package=${OVSX}`, '--', 'ovsx', 'publish', vsix], envWithNode24({ OVSX_PAT: process.env.OVSX_PAT }));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
