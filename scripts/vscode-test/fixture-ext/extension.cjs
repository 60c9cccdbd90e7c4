// Fixture extension for the code-server harness (copied to .vscode-test/fixture-ext/extension.js).
// This is the whole "test build hook" a real extension needs: on activation, if the launcher set
// AUDIT_LOGS_TEST_RUN, load the in-host runner by absolute path and let it run the mocha suite.
const vscode = require('vscode');

function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('aleFixture.ping', (arg) => ({ pong: true, arg, pid: process.pid })),
  );
  if (process.env.AUDIT_LOGS_TEST_RUN && process.env.AUDIT_LOGS_TEST_RUNNER) {
    // Not awaited: activation finishes first, the suite runs right after.
    require(process.env.AUDIT_LOGS_TEST_RUNNER).runInHost({ context });
  }
  return { context };
}

function deactivate() {}

module.exports = { activate, deactivate };
