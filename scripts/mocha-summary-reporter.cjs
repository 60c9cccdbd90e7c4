// Mocha's spec output, plus one machine-readable closing line that CI reads:
// "N passed, N failed, N skipped" (also written to $AUDIT_LOGS_TEST_SUMMARY when set).
const Mocha = require('mocha');
const fs = require('node:fs');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const s = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      const line = `${s.passes} passed, ${s.failures} failed, ${s.pending} skipped`;
      const out = process.env.AUDIT_LOGS_TEST_SUMMARY;
      if (out) fs.writeFileSync(out, JSON.stringify({ passed: s.passes, failed: s.failures, skipped: s.pending }));
      else console.log(line);
    });
  }
}
module.exports = SummaryReporter;
