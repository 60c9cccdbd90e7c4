// One e2e suite's checks: each is run, timed and recorded (passed with its note, failed with the
// first lines of its error and a screenshot, skipped with why). workbench.e2e.mjs and
// sixth.e2e.mjs both record theirs here, and both write these results to test-results/.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PATHS } from '../../scripts/vscode-test/lib.mjs';
import { screenshot } from '../../scripts/vscode-test/workbench.mjs';

/**
 * `page()`: the workbench page for a failure's screenshot (`<shots>-<n>.png`), once there is one;
 * `interrupted()`: a signal is tearing everything down, so nothing more runs or is recorded;
 * `skipReason(missing, gates)`: why a check whose gates are not open is skipped.
 */
export function checkList({ shots, page, interrupted, skipReason = (missing) => `needs ${missing.join(', ')} (an earlier check failed)` }) {
  const results = []; // { name, state: passed|failed|skipped, ms, note?, error?, reason? }
  const gates = {}; // what later checks need

  function skip(name, reason) {
    results.push({ name, state: 'skipped', ms: 0, reason });
    console.log(`  - ${name} — skipped: ${reason}`);
  }

  /** Runs one check; `needs` lists gates that must be open, otherwise it is skipped. True when it passed. */
  async function check(name, fn, { needs = [] } = {}) {
    if (interrupted()) return false;
    const missing = needs.filter((g) => !gates[g]);
    if (missing.length) {
      skip(name, skipReason(missing, gates));
      return false;
    }
    const s = performance.now();
    try {
      const note = await fn();
      const ms = Math.round(performance.now() - s);
      results.push({ name, state: 'passed', ms, ...(note ? { note: String(note) } : {}) });
      console.log(`  ✓ ${name} (${ms} ms)${note ? ` — ${note}` : ''}`);
      return true;
    } catch (e) {
      if (interrupted()) return false;
      const ms = Math.round(performance.now() - s);
      const message = (e?.message ?? String(e)).split('\n').slice(0, 6).join('\n');
      results.push({ name, state: 'failed', ms, error: message });
      console.log(`  ✗ ${name} (${ms} ms)\n${message.split('\n').map((l) => `      ${l}`).join('\n')}`);
      const p = page();
      if (p) await screenshot(p, join(PATHS.results, `${shots}-${results.length}.png`), { log: () => {} });
      return false;
    }
  }

  /** The counts for the summary line; a harness error counts as one more failure. */
  function counts(harnessError) {
    const of = (state) => results.filter((r) => r.state === state).length;
    return { passed: of('passed'), failed: of('failed') + (harnessError ? 1 : 0), skipped: of('skipped') };
  }

  return { results, gates, check, skip, counts };
}
