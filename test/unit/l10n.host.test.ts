/**
 * Issue 18, on the host side: a translation needs no code change. With the pseudo-locale bundle
 * (l10n/bundle.l10n.qps-ploc.json) handed to @vscode/l10n, as the extension hands it VS Code's
 * bundle on activation (src/vscode/localization.ts), the real panel session over real files says
 * its notification and its progress title in that language: the words the host
 * shows come from the bundle, the numbers and names stay as they are. Without a bundle (the CLI,
 * English VS Code) the same calls say the English source text.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import { exportDialogOptions } from '../../src/session/exporter';
import { summaryParts } from '../../src/session/loadSummary';
import { NODE_IO } from '../../src/session/nodeIo';
import { PanelSession } from '../../src/session/panelSession';
import { RecordingHost } from '../support/sessionHost';

const ROOT = path.resolve(__dirname, '../../..');
const fixtures = path.join(ROOT, 'test/fixtures');
const PSEUDO = JSON.parse(readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.qps-ploc.json'), 'utf8')) as Record<string, string>;

function pseudo(english: string, ...args: string[]): string {
  const t = PSEUDO[english];
  assert.ok(t, `the pseudo bundle has no "${english}"`);
  assert.notEqual(t, english);
  return t.replace(/\{(\d+)\}/g, (m, i: string) => args[Number(i)] ?? m);
}

describe('l10n: the host says the session\'s messages in the bundle\'s language (issue 18)', function () {
  this.timeout(60_000);
  afterEach(() => l10n.config({ contents: {} })); // English again for every other test in this process

  it('a load with a problem: the warning and the progress title come from the pseudo-locale bundle', async () => {
    l10n.config({ contents: PSEUDO });
    const host = new RecordingHost();
    const session = new PanelSession(host, { io: NODE_IO, paths: [path.join(fixtures, 'shapes'), path.join(fixtures, 'malformed', 'truncated.json')], ticker: { intervalMs: 5 } });
    try {
      await session.load();
      assert.deepEqual(host.shown.warn, [{ message: pseudo('Audit Logs: 1 problem while reading; everything readable was loaded.'), showProblems: true }]);
      assert.equal(host.progress[0]?.title, pseudo('Reading {0} sources', '2'));
    } finally {
      session.dispose();
    }
  });

  it('the save dialog and the summary line: translated words around untouched numbers', () => {
    l10n.config({ contents: PSEUDO });
    assert.equal(exportDialogOptions('csv', 1234).title, pseudo('Export {0} Filtered Events as {1}', '1,234', pseudo('CSV')));
    assert.equal(summaryParts({ events: 5083, duplicates: 0, skipped: 1, problems: 2 })[0]?.text, pseudo('{0} events', '5,083'));
  });

  it('without a bundle (the CLI, English VS Code) the same calls say the English text', () => {
    assert.equal(exportDialogOptions('csv', 1234).title, 'Export 1,234 Filtered Events as CSV');
    assert.deepEqual(summaryParts({ events: 1, duplicates: 2, skipped: 1, problems: 0 }).map((p) => p.text), ['1 event', '2 duplicates merged', '1 file skipped', '0 problems']);
  });
});
