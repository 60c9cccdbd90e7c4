// Runs a mocha suite inside the VS Code (code-server) extension host and writes the results file
// that scripts/vscode-test/run.mjs waits for. The extension under test (its test build) calls
//   require(process.env.AUDIT_LOGS_TEST_RUNNER).runInHost({ context })
// from activate() when process.env.AUDIT_LOGS_TEST_RUN is set.
//
// Environment contract (set by run.mjs on the code-server process, inherited by the extension host):
//   AUDIT_LOGS_TEST_RUN     absolute path of the results JSON file to write (written once, atomically)
//   AUDIT_LOGS_TEST_RUNNER  absolute path of this file
//   AUDIT_LOGS_TEST_FILES   JSON array of absolute paths of CommonJS mocha test files
//   AUDIT_LOGS_TEST_GREP    optional mocha --grep pattern
//   AUDIT_LOGS_TEST_TIMEOUT optional per-test timeout in ms (default 60000)
// Tests reach the extension's ExtensionContext as globalThis.auditLogsTest.context.
const fs = require('node:fs');
const path = require('node:path');
const { setImmediate } = require('node:timers');

function loadMocha() {
  // mocha 12 is an ES module package whose CommonJS build is lib/mocha.cjs; resolved from the
  // repository's node_modules (this file lives in the repository), so nothing is bundled.
  const dir = path.dirname(require.resolve('mocha/package.json'));
  const cjs = path.join(dir, 'lib', 'mocha.cjs');
  return require(fs.existsSync(cjs) ? cjs : dir);
}

function writeResults(file, results) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(results, null, 2));
  fs.renameSync(tmp, file); // the launcher never sees a half-written file
}

function errorInfo(err) {
  if (!err) return undefined;
  return { message: String(err.message ?? err), stack: err.stack, expected: err.expected, actual: err.actual };
}

/**
 * @param {{ context?: unknown, files?: string[], resultsFile?: string, grep?: string, timeout?: number }} opts
 * @returns {Promise<object>} the results written to the file
 */
async function runInHost(opts = {}) {
  const resultsFile = opts.resultsFile ?? process.env.AUDIT_LOGS_TEST_RUN;
  if (!resultsFile) throw new Error('runInHost: AUDIT_LOGS_TEST_RUN is not set');
  const started = Date.now();
  const results = {
    schema: 1,
    done: true,
    passed: 0,
    failed: 0,
    skipped: 0,
    durationMs: 0,
    vscodeVersion: undefined,
    node: process.version,
    pid: process.pid,
    tests: [],
    error: undefined,
  };
  try {
    // Let activate() return before the suite starts.
    await new Promise((r) => setImmediate(r));
    const vscode = require('vscode');
    results.vscodeVersion = vscode.version;
    globalThis.auditLogsTest = { context: opts.context, vscode };
    const files = opts.files ?? JSON.parse(process.env.AUDIT_LOGS_TEST_FILES || '[]');
    if (files.length === 0) throw new Error('no test files (AUDIT_LOGS_TEST_FILES is empty)');
    const Mocha = loadMocha();
    const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;
    const mocha = new Mocha({
      ui: 'bdd',
      color: false,
      timeout: opts.timeout ?? Number(process.env.AUDIT_LOGS_TEST_TIMEOUT || 60000),
      // Collecting reporter: the launcher prints the results, the host log gets one line per test.
      reporter: function Collect(runner) {
        const add = (test, state, err) => {
          results.tests.push({
            title: test.fullTitle(),
            file: test.file,
            state,
            durationMs: test.duration,
            error: errorInfo(err),
          });
          console.log(`[audit-logs-test] ${state}: ${test.fullTitle()}${err ? ` — ${err.message}` : ''}`);
        };
        runner.on(EVENT_TEST_PASS, (t) => add(t, 'passed'));
        runner.on(EVENT_TEST_FAIL, (t, err) => add(t, 'failed', err)); // hooks too: title says which
        runner.on(EVENT_TEST_PENDING, (t) => add(t, 'skipped'));
      },
    });
    const grep = opts.grep ?? process.env.AUDIT_LOGS_TEST_GREP;
    if (grep) mocha.grep(grep);
    for (const f of files) mocha.addFile(f);
    await new Promise((resolve) => mocha.run(() => resolve()));
  } catch (err) {
    results.error = errorInfo(err);
    console.error('[audit-logs-test] runner error', err);
  }
  for (const t of results.tests) results[t.state] += 1;
  if (results.error) results.failed += 1;
  results.durationMs = Date.now() - started;
  writeResults(resultsFile, results);
  return results;
}

module.exports = { runInHost };
