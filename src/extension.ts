/**
 * Extension entry point: wires the pieces together and nothing else lives here. `createActivate`
 * takes the list of live providers, so a build with one more (test/e2e/sixth/extension.ts) is one line.
 */
// First: configures zod before any schema is built (see zodSetup.ts).
import './zodSetup';
import * as vscode from 'vscode';
import type { ProviderDescriptor } from './providers/descriptor';
import { createProviders, PROVIDERS, providerIds } from './providers/registry';
import { registerAccountCommands } from './vscode/accountCommands';
import { registerLakeCommand } from './vscode/lakeCommand';
import { registerTimelineCommands } from './vscode/timelineCommands';
import { listBucketLevel, registerS3Commands } from './vscode/s3Commands';
import { TrailBuckets } from './vscode/trailBuckets';
import { registerAthenaCommands } from './vscode/athenaCommands';
import { AccountStore } from './vscode/accounts';
import { SavedQueries } from './vscode/savedQueries';
import { registerCommands } from './vscode/commands';
import { EventsPanel, PANEL_VIEW_TYPE } from './vscode/panel';
import { RestoreState, ViewState } from './session/protocolSchemas';
import { RecentList } from './vscode/recent';
import { createStatusBar } from './vscode/statusBar';
import { RecentTree, SourcesTree } from './vscode/trees';
import { watchDetectionSettings } from './vscode/detectionSettings';
import { configureL10n } from './vscode/localization';
import { registerPanelKeyCommands } from './vscode/panelKeys';
import { registerWalkthroughCommands } from './vscode/walkthrough';
import { z } from 'zod';

export interface ExtensionApi {
  version: string;
  /** For tests and other extensions: the open panels' event counts. */
  panels(): Array<{ title: string; events: number; paths: string[] }>;
  /** What the Sources and Recent trees show, as label/description pairs (for tests). */
  trees(): Promise<{ sources: TreeLine[]; recent: TreeLine[] }>;
  /** Development builds only: the context, for the integration suite under @vscode/test-electron. */
  testContext?: vscode.ExtensionContext;
  /** Development builds only: the panels themselves (the integration suite reads what they post). */
  testPanels?: () => readonly EventsPanel[];
  /** Development builds only: what the panel serializer does with a revived tab and its saved state. */
  testRestore?: (webviewPanel: vscode.WebviewPanel, state: unknown) => Promise<void>;
}

export interface TreeLine {
  label: string;
  description?: string;
  children?: TreeLine[];
}

declare const __AUDIT_LOGS_TEST_HOOKS__: boolean | undefined;

const SavedWebviewState = z.object({ restore: RestoreState, view: ViewState.optional() }).passthrough();

/** The extension's activate function over these live providers (the registry's list, or a test's). */
export function createActivate(list: readonly ProviderDescriptor[]): (context: vscode.ExtensionContext) => ExtensionApi {
  return (context) => activateWith(context, list);
}

export const activate = createActivate(PROVIDERS);

function activateWith(context: vscode.ExtensionContext, list: readonly ProviderDescriptor[]): ExtensionApi {
  // First: the session's and providers' messages are translated from here on (localization.ts).
  configureL10n();
  const log = vscode.window.createOutputChannel('Audit Logs', { log: true });
  const recent = new RecentList(context.globalState);
  const accounts = new AccountStore(context.globalState, context.secrets, providerIds(list));
  const saved = new SavedQueries(context.globalState);
  // Each request is one line in the "Audit Logs" channel (secrets redacted by the HTTP core).
  const providers = createProviders(list, { log: (line) => log.info(line) });
  const buckets = new TrailBuckets(context.globalState);
  const deps = { context, log, accounts, saved, recent, providers };
  const sources = new SourcesTree(accounts, saved, providers, { buckets, list: (b, path) => listBucketLevel({ ...deps, buckets }, b, path) });
  const recentTree = new RecentTree(recent);

  /** A panel VS Code brings back after a reload (its state comes from the webview: checked like any input). */
  const restorePanel = async (webviewPanel: vscode.WebviewPanel, state: unknown): Promise<void> => {
    const saved = SavedWebviewState.safeParse(state);
    if (!saved.success) {
      webviewPanel.dispose();
      return;
    }
    const panel = EventsPanel.restore(webviewPanel, context.extensionUri, saved.data.restore.paths, log, saved.data.view);
    sources.refresh();
    await panel?.session.load();
  };

  context.subscriptions.push(
    watchDetectionSettings(),
    log,
    recent,
    sources,
    recentTree,
    vscode.window.createTreeView('auditLogs.sources', { treeDataProvider: sources, showCollapseAll: true }),
    vscode.window.createTreeView('auditLogs.recent', { treeDataProvider: recentTree }),
    createStatusBar(),
    accounts,
    saved,
    ...registerCommands({ context, log, recent, refreshTrees: () => sources.reloadScopes() }),
    ...registerPanelKeyCommands(),
    ...registerWalkthroughCommands(context),
    ...registerAccountCommands({ context, log, accounts, saved, recent, providers }),
    registerLakeCommand({ context, log, accounts, saved, recent, providers }),
    registerTimelineCommands({ context, log, accounts, saved, recent, providers }),
    buckets,
    ...registerS3Commands({ ...deps, buckets }),
    ...registerAthenaCommands({ ...deps, buckets }),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, { deserializeWebviewPanel: restorePanel }),
    { dispose: () => EventsPanel.all().forEach((p) => p.dispose()) },
  );

  startTestsInHost(context);

  return {
    version: String(context.extension.packageJSON.version),
    panels: () => EventsPanel.all().map((p) => ({ title: p.panel.title, events: p.sources.store.size, paths: [...p.paths] })),
    trees: async () => ({ sources: await describeTree(sources), recent: await describeTree(recentTree) }),
    ...(typeof __AUDIT_LOGS_TEST_HOOKS__ !== 'undefined' && __AUDIT_LOGS_TEST_HOOKS__ ? { testContext: context, testPanels: () => EventsPanel.all(), testRestore: restorePanel } : {}),
  };
}

export function deactivate(): void {
  // Panels and trees are disposed through context.subscriptions.
}

/**
 * Development builds run the integration suite inside this extension host when the test launcher
 * (scripts/vscode-test/run.mjs) asks for it through the environment (see test/integration/README.md),
 * and open the paths in AUDIT_LOGS_OPEN (a JSON array) for `npm start`.
 */
function startTestsInHost(context: vscode.ExtensionContext): void {
  if (typeof __AUDIT_LOGS_TEST_HOOKS__ === 'undefined' || !__AUDIT_LOGS_TEST_HOOKS__) return;
  // `npm start` opens the sample logs in the panel as soon as the workbench is up.
  const open = process.env.AUDIT_LOGS_OPEN;
  if (open) {
    let value: unknown;
    try {
      value = JSON.parse(open);
    } catch {
      value = undefined;
    }
    const paths = z.array(z.string().min(1)).safeParse(value);
    if (paths.success) void vscode.commands.executeCommand('auditLogs.openFiles', paths.data.map((p) => vscode.Uri.file(p)));
  }
  const runner = process.env.AUDIT_LOGS_TEST_RUNNER;
  if (!process.env.AUDIT_LOGS_TEST_RUN || !runner) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the runner lives in the repository, outside the bundle
  const mod = require(runner) as { runInHost(opts: { context: vscode.ExtensionContext }): Promise<void> };
  void mod.runInHost({ context });
}

async function describeTree<T>(tree: vscode.TreeDataProvider<T>, node?: T, depth = 0): Promise<TreeLine[]> {
  const children = ((await tree.getChildren(node)) ?? []) as T[];
  const lines: TreeLine[] = [];
  for (const child of children) {
    const item = (await tree.getTreeItem(child)) as vscode.TreeItem;
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    const line: TreeLine = { label };
    if (typeof item.description === 'string') line.description = item.description;
    if (depth < 3 && item.collapsibleState !== vscode.TreeItemCollapsibleState.None) line.children = await describeTree(tree, child, depth + 1);
    lines.push(line);
  }
  return lines;
}
