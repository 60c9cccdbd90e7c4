// `npm test`: every check the project has, in order, stopping at the first red stage.
// Closes with one line "N passed, N failed, N skipped" summed over every test suite.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const totals = { passed: 0, failed: 0, skipped: 0 };
const bin = (name) => join('node_modules', '.bin', name);

function run(title, cmd, args, env = {}) {
  console.log(`\n=== ${title}: ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`\n${title} failed (exit ${r.status ?? r.signal})`);
    return false;
  }
  return true;
}

function mocha(title, files) {
  const summary = join(mkdtempSync(join(tmpdir(), 'ale-test-')), 'summary.json');
  const ok = run(title, process.execPath, [
    bin('mocha').replace(/\.bin[/\\]mocha$/, 'mocha/bin/mocha.js'),
    '--reporter', 'scripts/mocha-summary-reporter.cjs', '--timeout', '60000', '--recursive', ...files,
  ], { AUDIT_LOGS_TEST_SUMMARY: summary });
  if (existsSync(summary)) {
    const s = JSON.parse(readFileSync(summary, 'utf8'));
    totals.passed += s.passed; totals.failed += s.failed; totals.skipped += s.skipped;
    console.log(`${title}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
  } else if (!ok) {
    totals.failed += 1;
  }
  return ok;
}

/** A suite run by its own launcher that writes the same summary file as the mocha reporter. */
function suite(title, args) {
  const summary = join(mkdtempSync(join(tmpdir(), 'ale-test-')), 'summary.json');
  const ok = run(title, process.execPath, args, { AUDIT_LOGS_TEST_SUMMARY: summary });
  if (existsSync(summary)) {
    const s = JSON.parse(readFileSync(summary, 'utf8'));
    totals.passed += s.passed; totals.failed += s.failed; totals.skipped += s.skipped;
  } else if (!ok) {
    totals.failed += 1;
  }
  return ok;
}

const stages = [
  // Three programs: the host (node, no DOM), the webview (DOM) and the browser-side tests (both).
  () => ['.', 'webview', 'test/webview'].every((p) => run(`typecheck ${p}`, bin('tsc'), ['--noEmit', '-p', p])),
  () => run('lint', bin('eslint'), ['.']),
  () => run('build', process.execPath, ['esbuild.mjs']),
  () => mocha('unit', ['out/test/unit']),
  // A real VS Code (code-server) with the packaged extension; installs what it needs on first run.
  () => suite('integration', ['scripts/vscode-test/run.mjs', '.', '--tests', 'out/test/integration', '--screenshot', 'test-results/integration-workbench.png']),
  // The panel's UI in real Chromium against an in-page host (playwright-core comes from the setup above).
  () => mocha('webview', ['out/test/webview']),
  // The whole product driven like a person would: palette, file dialog, panel, export, themes.
  () => suite('e2e', ['test/e2e/workbench.e2e.mjs']),
  // A provider that exists only in the tests, in a test-only build of the extension: Add Account,
  // the Sources tree, the panel and the CLI pick it up from the provider list alone (issue 13 item 3).
  () => suite('e2e sixth provider', ['test/e2e/sixth.e2e.mjs', '--no-setup']),
  // Issue 18: installed while the workbench is open, the walkthrough opens by itself; each step is
  // walked and ticked; the panel's keybindings and its Settings entry work.
  () => suite('e2e walkthrough', ['test/e2e/walkthrough.e2e.mjs', '--no-setup']),
  // The README's pictures from the real extension on the sample logs, each checked against the CLI
  // (into test-results/shots/; `npm run screenshots` writes the committed ones in docs/images/).
  () => suite('e2e screenshots', ['test/e2e/shots.e2e.mjs', '--no-setup']),
];

let ok = true;
for (const stage of stages) {
  if (!stage()) { ok = false; break; }
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
