/**
 * The "Get Started with Audit Log Explorer" walkthrough (package.json contributes.walkthroughs):
 * the command that opens it, the Settings command of the panel's menus, and the context keys its
 * steps complete on. Some steps are done inside the panel's webview (a filter run, an event's
 * detail read, an export from the panel's own menu), where VS Code sees no command: the panel
 * reports each message here and the matching key is set once, for the rest of the session.
 */
import * as vscode from 'vscode';
import { DetailRequest, ExportCommand, QueryCommand } from '../protocol';

export const WALKTHROUGH_ID = 'auditLogs.gettingStarted';

/** Context keys the walkthrough's steps complete on (`onContext:<key>` in package.json). */
export const WALKTHROUGH_KEYS = {
  filterApplied: 'auditLogs.filterApplied',
  detailOpened: 'auditLogs.detailOpened',
  exported: 'auditLogs.exported',
} as const;

const set = new Set<string>();

function setOnce(key: string): void {
  if (set.has(key)) return;
  set.add(key);
  void vscode.commands.executeCommand('setContext', key, true);
}

/** Looks at a message from a panel's webview (before the session checks it) for a walkthrough step. */
export function noteWalkthroughProgress(m: unknown): void {
  if (typeof m !== 'object' || m === null) return;
  const { method, params } = m as { method?: unknown; params?: unknown };
  if (method === QueryCommand.method) {
    const filter = typeof params === 'object' && params !== null ? (params as { filter?: unknown }).filter : undefined;
    if (typeof filter === 'string' && filter.trim() !== '') setOnce(WALKTHROUGH_KEYS.filterApplied);
  } else if (method === DetailRequest.method) {
    setOnce(WALKTHROUGH_KEYS.detailOpened);
  } else if (method === ExportCommand.method) {
    setOnce(WALKTHROUGH_KEYS.exported);
  }
}

/** globalState: the walkthrough was shown once (on the first activation after install). */
const SHOWN_KEY = 'auditLogs.walkthroughShown';

/**
 * VS Code opens a walkthrough by itself only when its walkthrough service saw the install happen in
 * the running window (in code-server 4.139 it did not, see test/e2e/README.md): so on its first
 * activation the extension opens it, unless the user turned that off
 * (`workbench.welcomePage.walkthroughs.openOnInstall`, the setting VS Code's own opening obeys; a
 * machine-scoped setting, so in a remote window only the remote machine's value reaches this host).
 */
function openOnFirstActivation(context: vscode.ExtensionContext, id: string): void {
  if (context.globalState.get<boolean>(SHOWN_KEY)) return;
  if (vscode.workspace.getConfiguration('workbench.welcomePage').get<boolean>('walkthroughs.openOnInstall') === false) return;
  void context.globalState.update(SHOWN_KEY, true);
  // Inactive, as VS Code opens one on install: whatever the user is doing (a quick pick) keeps the focus.
  void vscode.commands.executeCommand('workbench.action.openWalkthrough', id, { inactive: true });
}

export function registerWalkthroughCommands(context: vscode.ExtensionContext): vscode.Disposable[] {
  const extensionId = context.extension.id;
  openOnFirstActivation(context, `${extensionId}#${WALKTHROUGH_ID}`);
  return [
    vscode.commands.registerCommand('auditLogs.getStarted', () =>
      vscode.commands.executeCommand('workbench.action.openWalkthrough', `${extensionId}#${WALKTHROUGH_ID}`, false),
    ),
    vscode.commands.registerCommand('auditLogs.openSettings', () => vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${extensionId}`)),
  ];
}
