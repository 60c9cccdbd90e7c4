/**
 * The palette commands (category "Audit Logs"). Arguments can come from any extension through
 * executeCommand, so each command checks what it was given before using it.
 */
import { existsSync, promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { showError, showInfo, withProgress } from './notify';
import { writeSamples } from '../samples/generator';
import { ExportFormat } from '../session/exporter';
import { EventsPanel } from './panel';
import { RecentList } from './recent';

export interface OpenResult {
  files: number;
  events: number;
  duplicates: number;
  errors: number;
  skipped: number;
  cancelled: boolean;
}

export interface CommandDeps {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  recent: RecentList;
  refreshTrees(): void;
}

const EXPORT_FORMATS: ExportFormat[] = ['csv', 'json', 'jsonl'];

export function registerCommands(d: CommandDeps): vscode.Disposable[] {
  const { context, log } = d;
  const cmd = (id: string, fn: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, fn);

  const openPaths = async (paths: string[]): Promise<OpenResult> => {
    const openedAt = Date.now();
    // The same files and folders again (a trailing slash, Open Sample Logs twice, a panel restored
    // after a reload): the panel that has them comes to the front instead of a second copy.
    const existing = EventsPanel.findByPaths(paths);
    const panel = existing ?? EventsPanel.open(context.extensionUri, paths, log, undefined, openedAt);
    if (existing) existing.reveal();
    // The load starts first: Recent's entries wait on stat and on storage, the first rows should not.
    const loading = existing ? undefined : panel.session.load();
    const remember = async (): Promise<void> => {
      for (const p of panel.paths) {
        const st = await fs.stat(p).catch(() => undefined);
        await d.recent.add({ kind: st?.isDirectory() ? 'folder' : 'file', path: p, label: p.split(/[\\/]/).filter(Boolean).pop() ?? p });
      }
      d.refreshTrees();
    };
    await Promise.all([remember(), loading]);
    if (existing && panel.sources.loading) await new Promise<void>((resolve) => panel.sources.once('loaded', () => resolve()));
    const reports = panel.sources.sources.map((s) => s.report);
    return {
      files: sum(reports.map((r) => r?.files ?? 0)),
      events: panel.sources.store.size,
      duplicates: sum(reports.map((r) => r?.duplicates ?? 0)),
      errors: sum(reports.map((r) => r?.errors.length ?? 0)),
      skipped: sum(reports.map((r) => r?.skipped.length ?? 0)),
      cancelled: panel.sources.status.cancelled,
    };
  };

  return [
    cmd('auditLogs.openFiles', async (a?: unknown, b?: unknown): Promise<OpenResult | undefined> => {
      // From the Explorer: (clicked, selected[]); from code: a Uri or Uri[]; from the palette: nothing.
      let uris = toUris(b) ?? toUris(a);
      if (!uris) {
        uris = await vscode.window.showOpenDialog({
          canSelectFiles: true,
          canSelectFolders: true,
          canSelectMany: true,
          openLabel: vscode.l10n.t('Open in Audit Log Explorer'),
          title: vscode.l10n.t('Open CloudTrail logs: files (.json, .json.gz, .jsonl, .csv) or folders'),
        });
        if (!uris || uris.length === 0) return undefined;
      }
      const nonFile = uris.find((u) => u.scheme !== 'file');
      if (nonFile) {
        void showError(vscode.l10n.t('Audit Logs: only files on this machine can be opened (got a {0}: location).', nonFile.scheme));
        return undefined;
      }
      return openPaths(uris.map((u) => u.fsPath));
    }),

    cmd('auditLogs.openSampleLogs', async (): Promise<OpenResult | undefined> => {
      const dir = await ensureSamples(context);
      return openPaths([dir]);
    }),

    cmd('auditLogs.revealPanel', (p?: unknown) => {
      const panel = p instanceof EventsPanel ? p : EventsPanel.activePanel();
      panel?.reveal();
    }),

    cmd('auditLogs.refresh', async () => {
      const panel = EventsPanel.activePanel();
      // Reading the same paths again adds only what is new: events already loaded are merged as duplicates.
      if (panel && !panel.sources.loading) await panel.session.load();
      d.refreshTrees();
    }),

    cmd('auditLogs.exportResults', async (f?: unknown, target?: unknown) => {
      const panel = EventsPanel.activePanel() ?? EventsPanel.all()[0];
      if (!panel) {
        void showInfo(vscode.l10n.t('Audit Logs: open some logs first; the export writes the events the panel shows.'));
        return undefined;
      }
      let format = EXPORT_FORMATS.find((x) => x === f);
      if (!format) {
        const pick = await vscode.window.showQuickPick(
          [
            { label: vscode.l10n.t('CSV'), description: vscode.l10n.t('the visible columns'), format: 'csv' as const },
            { label: vscode.l10n.t('JSON'), description: vscode.l10n.t('an array of the raw events'), format: 'json' as const },
            { label: vscode.l10n.t('JSON Lines'), description: vscode.l10n.t('one raw event per line'), format: 'jsonl' as const },
          ],
          { title: vscode.l10n.t('Export the filtered events as'), ignoreFocusOut: true },
        );
        if (!pick) return undefined;
        format = pick.format;
      }
      if (target instanceof vscode.Uri) return panel.exportTo(format, target);
      await panel.session.export(format);
      return undefined;
    }),

    cmd('auditLogs.copyEventJson', async (r?: unknown) => {
      const panel = EventsPanel.activePanel() ?? EventsPanel.all()[0];
      const row = typeof r === 'number' && Number.isInteger(r) ? r : panel?.session.selected;
      if (!panel || row === undefined || row < 0 || row >= panel.sources.store.size) {
        void showInfo(vscode.l10n.t('Audit Logs: select an event in the panel first.'));
        return undefined;
      }
      const text = panel.sources.store.rawText(row);
      await vscode.env.clipboard.writeText(text);
      return text;
    }),

    cmd('auditLogs.closeSource', (node?: unknown) => {
      const panel = isPanelNode(node) ? node.panel : EventsPanel.activePanel();
      panel?.dispose();
    }),

    cmd('auditLogs.removeRecent', async (item?: unknown) => {
      if (item && typeof item === 'object' && 'path' in item && typeof item.path === 'string') await d.recent.remove(item.path);
    }),

    cmd('auditLogs.clearRecent', () => d.recent.clear()),

    cmd('auditLogs.showLog', () => log.show()),
  ];
}

function toUris(v: unknown): vscode.Uri[] | undefined {
  if (v instanceof vscode.Uri) return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => x instanceof vscode.Uri)) return v as vscode.Uri[];
  return undefined;
}

function isPanelNode(v: unknown): v is { panel: EventsPanel } {
  return !!v && typeof v === 'object' && 'panel' in v && v.panel instanceof EventsPanel;
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

declare const __AUDIT_LOGS_TEST_HOOKS__: boolean | undefined;

/**
 * Development builds only: `npm start` opens the repository's samples/ (AUDIT_LOGS_OPEN) and names
 * them in AUDIT_LOGS_SAMPLES, so "Open Sample Logs" shows that same folder, not a second copy.
 */
function devSamples(): string | undefined {
  if (typeof __AUDIT_LOGS_TEST_HOOKS__ === 'undefined' || !__AUDIT_LOGS_TEST_HOOKS__) return undefined;
  const dir = process.env.AUDIT_LOGS_SAMPLES;
  return dir && existsSync(`${dir}/AWSLogs`) ? dir : undefined;
}

/**
 * The sample logs: shipped in the extension when packaged with them, otherwise made once by the
 * project's deterministic generator in the extension's storage.
 */
async function ensureSamples(context: vscode.ExtensionContext): Promise<string> {
  const dev = devSamples();
  if (dev) return dev;
  const shipped = vscode.Uri.joinPath(context.extensionUri, 'samples').fsPath;
  if (existsSync(vscode.Uri.joinPath(context.extensionUri, 'samples', 'AWSLogs').fsPath)) return shipped;
  const dir = vscode.Uri.joinPath(context.globalStorageUri, 'samples').fsPath;
  if (!existsSync(`${dir}/AWSLogs`)) {
    await withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Audit Logs: generating the sample logs') }, () =>
      writeSamples(dir),
    );
  }
  return dir;
}
