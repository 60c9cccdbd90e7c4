/**
 * Issue 12, item 19, in a real extension host: one set of sources is one panel, one Sources entry
 * and one Recent entry, however it was opened again (a trailing slash, Open Sample Logs twice, a
 * tab VS Code revives after a reload while the same folder is open already).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

interface TreeLine {
  label: string;
  description?: string;
  children?: TreeLine[];
}
interface Api {
  panels(): Array<{ title: string; events: number; paths: string[] }>;
  trees(): Promise<{ sources: TreeLine[]; recent: TreeLine[] }>;
  testContext?: vscode.ExtensionContext;
  testRestore?: (webviewPanel: vscode.WebviewPanel, state: unknown) => Promise<void>;
  testPanels?: () => ReadonlyArray<{ panel: vscode.WebviewPanel; paths: string[] }>;
}
interface OpenResult {
  events: number;
}

const EXTENSION_ID = 'audit-log-explorer.audit-log-explorer';
const repo = path.resolve(__dirname, '../../..');
const shapes = path.join(repo, 'test', 'fixtures', 'shapes');

async function api(): Promise<Api> {
  const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is installed`);
  return ext.isActive ? ext.exports : ext.activate();
}

const panelsOf = (a: Api, dir: string) => a.panels().filter((p) => p.paths.length === 1 && path.resolve(p.paths[0]) === dir);
const openedNamed = async (a: Api, label: string) =>
  ((await a.trees()).sources.find((n) => n.label === 'Log files')?.children ?? []).filter((c) => c.label === label);
const recentNamed = async (a: Api, label: string) => (await a.trees()).recent.filter((r) => r.label === label);

describe('trust (item 19): one panel, one Sources entry, one Recent entry per set of sources', function () {
  this.timeout(120_000);

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opening a folder again (with a trailing slash) reveals its panel instead of a second one', async () => {
    const a = await api();
    const first = await vscode.commands.executeCommand<OpenResult>('auditLogs.openFiles', vscode.Uri.file(shapes));
    const again = await vscode.commands.executeCommand<OpenResult>('auditLogs.openFiles', [vscode.Uri.file(`${shapes}/`)]);
    assert.equal(again.events, first.events);
    assert.equal(panelsOf(a, shapes).length, 1, JSON.stringify(a.panels()));
    assert.equal((await openedNamed(a, 'shapes')).length, 1, 'shapes is listed once in Sources');
    assert.equal((await recentNamed(a, 'shapes')).length, 1, 'shapes is listed once in Recent');
  });

  it('a tab revived by the panel serializer for a folder already open closes instead of loading it twice', async () => {
    const a = await api();
    assert.ok(a.testRestore, 'a development build (test hooks) is under test');
    await vscode.commands.executeCommand('auditLogs.openFiles', vscode.Uri.file(shapes));
    const revived = vscode.window.createWebviewPanel('auditLogs.events', 'Audit Logs: shapes', vscode.ViewColumn.Active, { enableScripts: true });
    let disposed = false;
    revived.onDidDispose(() => (disposed = true));
    await a.testRestore(revived, { restore: { paths: [`${shapes}/`] } });
    assert.ok(disposed, 'the revived duplicate tab was closed');
    assert.equal(panelsOf(a, shapes).length, 1, JSON.stringify(a.panels()));
    assert.equal((await openedNamed(a, 'shapes')).length, 1, 'shapes is listed once in Sources');
  });

  it('"Open Sample Logs" twice keeps one "samples" panel and one Recent entry', async () => {
    const a = await api();
    const first = await vscode.commands.executeCommand<OpenResult>('auditLogs.openSampleLogs');
    const again = await vscode.commands.executeCommand<OpenResult>('auditLogs.openSampleLogs');
    assert.equal(again.events, first.events);
    assert.equal(a.panels().filter((p) => p.title === 'Audit Logs: samples').length, 1, JSON.stringify(a.panels().map((p) => p.title)));
    assert.equal((await openedNamed(a, 'samples')).length, 1, 'samples is listed once in Sources');
    assert.equal((await recentNamed(a, 'samples')).length, 1, 'samples is listed once in Recent');
  });

  it('`npm start`: "Open Sample Logs" opens the samples folder it already shows (AUDIT_LOGS_SAMPLES), not a second copy', async () => {
    const a = await api();
    const root = mkdtempSync(path.join(tmpdir(), 'ale-start-'));
    const samples = path.join(root, 'samples');
    const day = path.join(samples, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', '2024', '05', '01');
    mkdirSync(day, { recursive: true });
    copyFileSync(path.join(shapes, 'lookup-events-pretty.json'), path.join(day, 'events.json'));
    const before = process.env.AUDIT_LOGS_SAMPLES;
    process.env.AUDIT_LOGS_SAMPLES = samples;
    try {
      // What AUDIT_LOGS_OPEN does at startup, then the command.
      await vscode.commands.executeCommand('auditLogs.openFiles', [vscode.Uri.file(samples)]);
      await vscode.commands.executeCommand('auditLogs.openSampleLogs');
      const shown = a.panels().filter((p) => p.title === 'Audit Logs: samples');
      assert.equal(shown.length, 1, JSON.stringify(a.panels()));
      assert.deepEqual(shown[0].paths, [samples]);
      // Once in Recent, and the command's entry is that folder (not a generated copy elsewhere).
      const recent = (await a.trees()).recent;
      assert.equal(recent.filter((r) => r.description === samples).length, 1);
      assert.equal(recent[0].description, samples);
    } finally {
      if (before === undefined) delete process.env.AUDIT_LOGS_SAMPLES;
      else process.env.AUDIT_LOGS_SAMPLES = before;
    }
  });

  it('Recent shows one entry per folder even when older state holds it twice (trailing slash)', async () => {
    const a = await api();
    const ctx = a.testContext;
    assert.ok(ctx);
    const now = Date.now();
    const before = ctx.globalState.get('auditLogs.recent');
    try {
      await ctx.globalState.update('auditLogs.recent', [
        { kind: 'folder', path: '/tmp/ale-recent-dup/logs/', label: 'logs', openedAt: now },
        { kind: 'folder', path: '/tmp/ale-recent-dup/logs', label: 'logs', openedAt: now - 1000 },
        { kind: 'folder', path: '/tmp/ale-recent-dup/./logs', label: 'logs', openedAt: now - 2000 },
      ]);
      assert.equal((await recentNamed(a, 'logs')).length, 1);
    } finally {
      await ctx.globalState.update('auditLogs.recent', before);
    }
  });
});

describe('trust (item 21): the real panel while a folder of thousands of files loads', function () {
  this.timeout(180_000);

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('sends the webview a few throttled snapshots, not one per file, each followed by the query rerun over the same events', async () => {
    const a = await api();
    assert.ok(a.testPanels, 'a development build (test hooks) is under test');
    const before = new Set(a.testPanels());
    const opening = vscode.commands.executeCommand<OpenResult & { files: number }>('auditLogs.openSampleLogs');
    // Listen to what the new panel posts from as early as it exists.
    const posted: Array<{ method: string; params: { events?: number; total?: number; done?: boolean } }> = [];
    const deadline = Date.now() + 60_000;
    let panel: { panel: vscode.WebviewPanel } | undefined;
    while (!panel && Date.now() < deadline) {
      panel = a.testPanels().find((p) => !before.has(p));
      if (!panel) await new Promise((r) => setTimeout(r, 5));
    }
    assert.ok(panel, 'the sample logs panel opened');
    const webview = panel.panel.webview;
    const post = webview.postMessage.bind(webview);
    webview.postMessage = (msg: { method: string; params: { events?: number; total?: number } }) => {
      posted.push(msg);
      return post(msg);
    };
    // What the webview asks marks the answers that are not ticks: the panel answers a query
    // synchronously, before this later listener records the question.
    const asked = webview.onDidReceiveMessage((m: { method?: string }) => posted.push({ method: `webview:${String(m.method)}`, params: {} }));
    const r = await opening;
    asked.dispose();
    assert.ok(r.files > 1000, `${r.files} files`);
    const progress = posted.filter((m) => m.method === 'load/progress');
    assert.ok(progress.length >= 1, 'progress was sent');
    assert.ok(progress.length <= r.files / 10, `${progress.length} progress messages for ${r.files} files`);
    // One count: a snapshot and the query rerun right after it count the same events.
    for (let i = 0; i < posted.length - 1; i++) {
      if (posted[i].method !== 'load/progress' || posted[i + 1].method !== 'query/didRun') continue;
      if (posted[i + 2]?.method === 'webview:query') continue; // the answer to a question, not the tick's rerun
      assert.equal(posted[i + 1].params.total, posted[i].params.events, `snapshot ${i}: ${JSON.stringify(posted.slice(i, i + 3).map((m) => m.method))}`);
    }
    // (How many such pairs there are depends on when the webview booted and asked its first
    // query; the ticker's unit test checks the same rule on every snapshot.)
  });
});
