/**
 * One timeline: "Add Source to Panel…" puts more files, folders or live accounts (of any provider)
 * into the active events panel, so they are filtered, faceted and read in time order together,
 * each event keeping its `source`.
 */
import * as vscode from 'vscode';
import { showInfo } from './notify';
import { z } from 'zod';
import { askLiveQuery, directQuery, pickAccount, QueryArgs, type AccountCommandDeps } from './accountCommands';
import { EventsPanel } from './panel';

const AddPathsArgs = z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(1000) });

/** A panel's title without the "Audit Logs: " its titles start with (in the display language). */
function withoutPrefix(title: string): string {
  const prefix = vscode.l10n.t('Audit Logs: {0}', '');
  return title.startsWith(prefix) ? title.slice(prefix.length) : title;
}

export function registerTimelineCommands(d: AccountCommandDeps): vscode.Disposable {
  return vscode.commands.registerCommand('auditLogs.addToPanel', async (arg?: unknown) => {
    const panel = EventsPanel.activePanel() ?? EventsPanel.all().at(-1);
    if (!panel) {
      void showInfo(vscode.l10n.t('Audit Logs: open logs or query an account first; then add more sources to that panel.'));
      return undefined;
    }
    const paths = AddPathsArgs.safeParse(arg);
    if (paths.success) {
      await panel.addPaths(paths.data.paths);
      return { sources: panel.sources.sources.length, events: panel.sources.store.size };
    }
    const direct = QueryArgs.safeParse(arg);
    if (direct.success) {
      const q = await directQuery(d, direct.data);
      if (!q) return undefined;
      const r = await panel.fetch(q.provider, q.account, q.secret, q.query);
      return { ...r, sources: panel.sources.sources.length, total: panel.sources.store.size };
    }
    const FILES = 'files';
    const choice = await vscode.window.showQuickPick(
      [
        { label: vscode.l10n.t('$(folder-opened) CloudTrail files or folders…'), id: FILES },
        ...d.accounts.list().map((a) => ({ label: `$(cloud) ${a.label}`, description: d.providers.get(a.provider)?.provider.displayName, id: a.id })),
      ],
      { title: vscode.l10n.t('Add a source to "{0}"', withoutPrefix(panel.panel.title)), ignoreFocusOut: true },
    );
    if (!choice) return undefined;
    if (choice.id === FILES) {
      const uris = await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectFolders: true, canSelectMany: true, openLabel: vscode.l10n.t('Add to the Panel'), title: vscode.l10n.t('Add CloudTrail logs to the panel') });
      const local = uris?.filter((u) => u.scheme === 'file') ?? [];
      if (local.length === 0) return undefined;
      await panel.addPaths(local.map((u) => u.fsPath));
      return { sources: panel.sources.sources.length, events: panel.sources.store.size };
    }
    const account = await pickAccount(d, { account: { id: choice.id } }, vscode.l10n.t('Add which account?'));
    const asked = account && (await askLiveQuery(d, account, panel.session.currentFilter));
    if (!account || !asked) return undefined;
    const r = await panel.fetch(asked.provider, account, asked.secret, asked.query);
    return { ...r, sources: panel.sources.sources.length, total: panel.sources.store.size };
  });
}
