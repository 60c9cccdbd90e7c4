// `npm run test:electron`: the integration suite in a desktop VS Code downloaded by
// @vscode/test-electron — for machines that can reach the VS Code download site (this one cannot;
// here `npm test` runs the same suite in code-server instead).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

const build = spawnSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(1);
const root = resolve('.');
try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: resolve(root, 'out/test/electron/index.js'),
    launchArgs: [resolve(root, 'test/fixtures'), '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (err) {
  console.error(`test:electron failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
