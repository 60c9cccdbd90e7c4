/**
 * Extension entry point: wires the pieces together and nothing else lives here.
 */
import * as vscode from 'vscode';
import { SourceSet } from './providers/sourceSet';
import { registerCommands } from './vscode/commands';
import { EventsPanel, PANEL_VIEW_TYPE } from './vscode/panel';
import { RestoreState, ViewState } from './vscode/protocol';
import { RecentList } from './vscode/recent';
import { createStatusBar } from './vscode/statusBar';
import { RecentTree, SourcesTree } from './vscode/trees';
import { z } from 'zod';

export interface ExtensionApi {
  version: string;
  /** For tests and other extensions: the open panels' event counts. */
  panels(): Array<{ title: string; events: number; paths: string[] }>;
}

const SavedWebviewState = z.object({ restore: RestoreState, view: ViewState.optional() }).passthrough();

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const log = vscode.window.createOutputChannel('Audit Logs', { log: true });
  const recent = new RecentList(context.globalState);
  const sources = new SourcesTree();
  const recentTree = new RecentTree(recent);

  context.subscriptions.push(
    log,
    recent,
    sources,
    recentTree,
    vscode.window.createTreeView('auditLogs.sources', { treeDataProvider: sources, showCollapseAll: true }),
    vscode.window.createTreeView('auditLogs.recent', { treeDataProvider: recentTree }),
    createStatusBar(),
    ...registerCommands({ context, log, recent, refreshTrees: () => sources.refresh() }),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel, state: unknown) {
        // The state comes back from the webview: checked like any other input.
        const saved = SavedWebviewState.safeParse(state);
        if (!saved.success) {
          webviewPanel.dispose();
          return;
        }
        const panel = new EventsPanel(webviewPanel, context.extensionUri, new SourceSet(), saved.data.restore.paths, log, saved.data.view);
        sources.refresh();
        await panel.load();
      },
    }),
    { dispose: () => EventsPanel.all().forEach((p) => p.dispose()) },
  );

  return {
    version: String(context.extension.packageJSON.version),
    panels: () => EventsPanel.all().map((p) => ({ title: p.panel.title, events: p.sources.store.size, paths: [...p.paths] })),
  };
}

export function deactivate(): void {
  // Panels and trees are disposed through context.subscriptions.
}
