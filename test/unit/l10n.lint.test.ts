/**
 * Issue 18: user-visible text in src/vscode goes through vscode.l10n.t. The lint rule
 * local/l10n-strings (eslint.config.mjs) is checked through ESLint's own API on code placed in
 * src/vscode: each literal a person would see is reported, and translated text, data (paths,
 * `s3://` URLs, codicons alone) and literals nobody sees are not. `npm run lint` runs it on the
 * real sources.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '../../..');
const RULE = 'local/l10n-strings';
const FILE = 'src/vscode/fixture.ts';
const HEAD = "import * as vscode from 'vscode';\nimport { showError, showInfo, showWarning, withProgress } from './notify';\ndeclare const item: vscode.TreeItem; declare const bar: vscode.StatusBarItem; declare const tip: vscode.MarkdownString; declare const n: number; declare const name: string;\n";

/** [what, code, how many reports] */
const bypassing: Array<[string, string, number]> = [
  ['an information message', "void showInfo('Audit Logs: select an event first.');", 1],
  ['a warning built with a template literal', 'void showWarning(`Audit Logs: ${n} problems while reading.`);', 1],
  ['an error built with +', "void showError('Audit Logs: ' + name);", 1],
  ['a button of a modal question', "void showWarning(vscode.l10n.t('Remove {0}?', name), { modal: true, detail: 'It cannot be undone.' }, 'Remove');", 2],
  ['vscode.window.showErrorMessage directly', "void vscode.window.showErrorMessage('Something failed');", 1],
  ['a progress title', "void withProgress({ location: vscode.ProgressLocation.Notification, title: 'Reading the bucket…' }, async () => undefined);", 1],
  ['a quick pick title and its items', "void vscode.window.showQuickPick([{ label: 'Last hour', ms: 1 }], { title: 'Time range' });", 2],
  ['a quick pick of plain strings', "void vscode.window.showQuickPick(['First choice', 'Second choice']);", 2],
  ['an input box prompt, placeholder and validation message', "void vscode.window.showInputBox({ prompt: 'Filter the events', placeHolder: 'e.g. action:delete*', validateInput: (v) => (v ? undefined : 'Required') });", 3],
  ['a save dialog label', "void vscode.window.showSaveDialog({ saveLabel: 'Export', title: vscode.l10n.t('Export') });", 1],
  ['a webview panel title', "vscode.window.createWebviewPanel('x', `Audit Logs: ${name}`, vscode.ViewColumn.Active);", 1],
  ['a tree item label', "new vscode.TreeItem('Log files');", 1],
  ['a tree item description and tooltip', "item.description = n ? 'reading…' : name; item.tooltip = 'Log files open in panels';", 2],
  ['a status bar text', 'bar.text = `$(list-flat) ${n} events`;', 1],
  ['a tooltip line', "tip.appendText(`${name}\\nThe key is kept in secret storage.`);", 1],
];

const translated: Array<[string, string]> = [
  ['a translated message with a placeholder', "void showInfo(vscode.l10n.t('Audit Logs: exported {0} events.', n));"],
  ['a translated quick pick', "void vscode.window.showQuickPick([{ label: vscode.l10n.t('Last hour'), ms: 1 }], { title: vscode.l10n.t('Time range'), ignoreFocusOut: true });"],
  ['data: a path, an s3:// URL, a codicon, a separator', "item.description = name; item.label = `s3://${name}/`; bar.text = `$(warning) ${n}`; tip.appendMarkdown('\\n\\n');"],
  ['ids and options nobody reads', "vscode.window.createWebviewPanel('auditLogs.events', vscode.l10n.t('Audit Logs: {0}', name), vscode.ViewColumn.Active); void vscode.commands.executeCommand('auditLogs.openFiles');"],
  ['an input value (what the person edits, not our words)', "void vscode.window.showInputBox({ title: vscode.l10n.t('Table name'), value: 'cloudtrail_logs' });"],
];

describe('lint: user-visible text in src/vscode goes through vscode.l10n.t (issue 18)', function () {
  this.timeout(60_000);
  let eslint: ESLint;
  before(() => {
    eslint = new ESLint({ cwd: ROOT });
  });

  async function reports(code: string, file = FILE): Promise<string[]> {
    const [result] = await eslint.lintText(`${HEAD}${code}\n`, { filePath: path.join(ROOT, file) });
    assert.ok(result, 'ESLint returned no result');
    assert.deepEqual(result.messages.filter((m) => m.fatal), [], `${code} did not parse`);
    return result.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
  }

  for (const [what, code, count] of bypassing) {
    it(`reports ${what}`, async () => {
      const got = await reports(code);
      assert.equal(got.length, count, `expected ${count} ${RULE} report(s), got ${JSON.stringify(got)}`);
      assert.match(got[0]!, /bypasses vscode\.l10n\.t/);
    });
  }

  for (const [what, code] of translated) {
    it(`allows ${what}`, async () => {
      assert.deepEqual(await reports(code), []);
    });
  }

  it('applies to src/vscode only: the session translates with @vscode/l10n, the CLI stays English', async () => {
    assert.equal((await reports("void showInfo('Audit Logs: select an event first.');")).length, 1);
    assert.deepEqual(await reports("export const m = showInfo('Audit Logs: select an event first.');", 'src/cli.ts'), []);
  });
});
