/**
 * The events panel in VS Code: a webview panel around a PanelSession (src/session/panelSession.ts),
 * which holds the sources and answers every message from the webview (checked with zod first, in
 * session/ipcDispatch.ts). This file only shows what the session decides: the webview and its
 * lifecycle, the panel registry (all, active, by paths, restore, open), progress notifications,
 * input boxes and confirmations, the clipboard and the save dialog.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { showError, showInfo, showWarning, withProgress } from './notify';
import type { AccountConfig, LiveProvider, LiveQuery } from '../providers/provider';
import { PanelSession, type LiveResult } from '../session/panelSession';
import { baseName } from '../session/display';
import { NODE_IO } from '../session/nodeIo';
import type { SessionHost, SessionUi } from '../session/ports';
import type { SourceSet } from '../session/sourceSet';
import { PanelCommandNotification, ReadyCommand, type IpcMessage, type PanelCommand, type PanelCommandParams, type RefetchParams, type ViewState } from '../protocol';
import { exportDialogOptions, type ExportFormat } from '../session/exporter';
import { pathSetKey, uniquePaths } from './sourceKey';
import { webviewHtml } from './webviewHtml';
import { noteWalkthroughProgress } from './walkthrough';

export const PANEL_VIEW_TYPE = 'auditLogs.events';

export class EventsPanel implements vscode.Disposable {
  private static readonly panels = new Set<EventsPanel>();
  private static active: EventsPanel | undefined;
  private static readonly changed = new vscode.EventEmitter<EventsPanel | undefined>();
  /** Fires when the active panel changes or its counts change (status bar, trees). */
  static readonly onDidChange = EventsPanel.changed.event;

  static all(): readonly EventsPanel[] {
    return [...EventsPanel.panels];
  }

  static activePanel(): EventsPanel | undefined {
    return EventsPanel.active;
  }

  /** The panel showing exactly these files and folders (however their paths are written), if one is open. */
  static findByPaths(paths: readonly string[]): EventsPanel | undefined {
    const key = pathSetKey(paths);
    if (key === undefined) return undefined;
    for (const p of EventsPanel.panels) if (pathSetKey(p.paths) === key) return p;
    return undefined;
  }

  /**
   * The panel serializer's half: a panel VS Code brings back after a reload becomes a panel again,
   * unless these sources are open already (opened again at startup before the tab was revived):
   * then the revived tab closes, so no folder is shown, loaded or listed twice.
   */
  static restore(webviewPanel: vscode.WebviewPanel, extensionUri: vscode.Uri, paths: string[], log: vscode.LogOutputChannel, view?: ViewState): EventsPanel | undefined {
    if (EventsPanel.findByPaths(paths)) {
      webviewPanel.dispose();
      return undefined;
    }
    return new EventsPanel(webviewPanel, extensionUri, paths, log, view);
  }

  /** `openedAt`: when the command that opens it started (epoch ms), the first of the panel's timings. */
  static open(extensionUri: vscode.Uri, paths: string[], log: vscode.LogOutputChannel, view?: ViewState, openedAt?: number): EventsPanel {
    const title = paths.length === 1 ? vscode.l10n.t('Audit Logs: {0}', baseName(paths[0]!)) : vscode.l10n.t('Audit Logs: {0} sources', paths.length);
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, title, vscode.ViewColumn.Active, EventsPanel.options(extensionUri));
    return new EventsPanel(panel, extensionUri, paths, log, view, openedAt);
  }

  /** A panel for a live query: no paths, events arrive from an API (session.fetchApi/fetchLake/fetchAthena). */
  static openLive(extensionUri: vscode.Uri, title: string, log: vscode.LogOutputChannel): EventsPanel {
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, title, vscode.ViewColumn.Active, EventsPanel.options(extensionUri));
    return new EventsPanel(panel, extensionUri, [], log);
  }

  static options(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableFindWidget: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
  }

  readonly session: PanelSession;
  private readonly disposables: vscode.Disposable[] = [];
  private msgSeq = 0;
  private pendingCommand: PanelCommand | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    paths: string[],
    private readonly log: vscode.LogOutputChannel,
    view?: ViewState,
    openedAt?: number,
  ) {
    const host: SessionHost = {
      post: (method, params, completionId) => {
        const msg: IpcMessage = { id: `h${++this.msgSeq}`, method, params, ...(completionId !== undefined ? { completionId } : {}) };
        return this.panel.webview.postMessage(msg);
      },
      title: () => this.panel.title,
      setTitle: (title) => {
        this.panel.title = title;
      },
      changed: () => EventsPanel.changed.fire(this),
      log,
      ui: this.ui(),
    };
    this.session = new PanelSession(host, { io: NODE_IO, paths: uniquePaths(paths), ...(view ? { view } : {}), ...(openedAt !== undefined ? { openedAt } : {}) });
    this.session.timings.mark('panel');
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'audit-logs.svg');
    panel.webview.options = EventsPanel.options(extensionUri);
    panel.webview.html = webviewHtml(panel.webview, extensionUri);
    this.session.timings.mark('html');
    EventsPanel.panels.add(this);
    EventsPanel.active = this;
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => {
        noteWalkthroughProgress(m);
        this.session.receive(m);
        // A command for a webview that was not there yet goes once it has booted (after its state).
        if (this.pendingCommand !== undefined && isReady(m)) {
          const command = this.pendingCommand;
          this.pendingCommand = undefined;
          void this.runInWebview(command);
        }
      }),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active) EventsPanel.active = this;
        EventsPanel.changed.fire(this);
      }),
    );
  }

  /** How the session's questions, messages and progress lines are shown in VS Code. */
  private ui(): SessionUi {
    return {
      info: (message) => void showInfo(message),
      warn: (message, opts) => {
        if (!opts?.showProblems) return void showWarning(message);
        void showWarning(message, vscode.l10n.t('Show Problems')).then((choice) => {
          if (choice) this.log.show(true);
        });
      },
      error: (message) => void showError(message),
      progress: (title, task) =>
        Promise.resolve(
          withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
            const cancel = new AbortController();
            token.onCancellationRequested(() => cancel.abort());
            return task((step) => progress.report(step), cancel.signal);
          }),
        ),
      askInput: async (o) => vscode.window.showInputBox({ title: o.title, prompt: o.prompt, placeHolder: o.placeholder, ignoreFocusOut: true }),
      confirm: async (o) => (await showWarning(o.message, { modal: true, detail: o.detail }, o.button)) === o.button,
      copy: async (text) => vscode.env.clipboard.writeText(text),
      exportTarget: async (o) => {
        // Start where the logs came from (or the workspace), not at the filesystem root.
        const near = vscode.workspace.workspaceFolders?.[0]?.uri ?? (o.near !== undefined ? vscode.Uri.file(dirName(o.near)) : undefined);
        const target = await vscode.window.showSaveDialog({
          ...(near ? { defaultUri: vscode.Uri.joinPath(near, o.fileName) } : {}),
          ...exportDialogOptions(o.format, o.count),
        });
        return target?.fsPath;
      },
      addSource: async () => {
        EventsPanel.active = this;
        await vscode.commands.executeCommand('auditLogs.addToPanel');
      },
    };
  }

  /** The files and folders of this panel, normalised (see sourceKey.ts), each once. */
  get paths(): string[] {
    return this.session.paths;
  }

  get sources(): SourceSet {
    return this.session.sources;
  }

  /** Adds files or folders to this panel: one timeline with what is already in it. */
  addPaths(paths: string[]): Promise<void> {
    return this.session.addPaths(uniquePaths(paths));
  }

  /** Fetches an API account into this panel (Lake and Athena: session.fetchLake / fetchAthena). */
  fetch(provider: LiveProvider, account: AccountConfig, secret: string, query: LiveQuery): Promise<LiveResult> {
    return this.session.fetchApi(provider, account, secret, query);
  }

  refetch(params: RefetchParams): Promise<void> {
    return this.session.refetch(params);
  }

  /** Writes the current result to `target`; returns the number of events written. */
  exportTo(format: ExportFormat, target: vscode.Uri): Promise<number> {
    return this.session.exportTo(format, target.fsPath);
  }

  reveal(): void {
    this.panel.reveal();
  }

  /**
   * A panel command (keybinding or palette) for the webview to carry out. A hidden panel has no
   * webview (its context is not retained): with `whenReady`, the command waits for the webview that
   * showing the panel boots.
   */
  runInWebview(command: PanelCommand, { whenReady = false } = {}): Thenable<boolean> {
    if (whenReady) {
      this.pendingCommand = command;
      return Promise.resolve(true);
    }
    const msg: IpcMessage<PanelCommandParams> = { id: `h${++this.msgSeq}`, method: PanelCommandNotification.method, params: { command } };
    return this.panel.webview.postMessage(msg);
  }

  dispose(): void {
    if (!EventsPanel.panels.delete(this)) return;
    if (EventsPanel.active === this) EventsPanel.active = undefined;
    this.session.dispose();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
    EventsPanel.changed.fire(undefined);
  }
}

function isReady(m: unknown): boolean {
  return typeof m === 'object' && m !== null && (m as { method?: unknown }).method === ReadyCommand.method;
}

/** The folder itself, or the folder a file is in. */
function dirName(p: string): string {
  try {
    return statSync(p).isDirectory() ? p : path.dirname(p);
  } catch {
    return path.dirname(p);
  }
}
