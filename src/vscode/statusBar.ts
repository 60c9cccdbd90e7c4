/**
 * The active panel in the status bar: "12,345 of 1,000,000 events · 3 sources", and per source its
 * events and problems in the tooltip (labels are data: they go in as text, never as markdown).
 */
import * as vscode from 'vscode';
import type { SourceInfo } from '../session/sourceSet';
import { EventsPanel } from './panel';

const fmt = (n: number) => n.toLocaleString('en-US');

/** "acme (prod): 1,234 events, 2 problems" for one source of a panel. */
export function sourceLine(s: SourceInfo): string {
  const events = s.report?.events ?? s.live?.added ?? 0;
  const problems = (s.report?.errors.length ?? 0) + (s.live?.stoppedBy ? 1 : 0) + (s.live?.problems?.length ?? 0);
  const state = s.liveQuery?.fetching ? vscode.l10n.t(', fetching…') : s.live?.cancelled || s.report?.cancelled ? vscode.l10n.t(', cancelled') : '';
  const counts = !problems
    ? vscode.l10n.t('{0} events', fmt(events))
    : problems === 1
      ? vscode.l10n.t('{0} events, 1 problem', fmt(events))
      : vscode.l10n.t('{0} events, {1} problems', fmt(events), fmt(problems));
  return `${s.label}: ${counts}${state}`;
}

export function createStatusBar(): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('auditLogs.count', vscode.StatusBarAlignment.Left, 50);
  item.name = vscode.l10n.t('Audit Logs: event count');
  item.command = 'auditLogs.revealPanel';
  const update = () => {
    const panel = EventsPanel.activePanel();
    if (!panel) {
      item.hide();
      return;
    }
    // While loading, the count is the panel's last snapshot (the one its status line shows), not
    // the store's size this instant: one number everywhere.
    const loading = panel.sources.loading;
    const total = panel.session.loadShown.events;
    const shown = panel.session.currentView?.count ?? total;
    const sources = panel.sources.sources;
    const problems = panel.sources.problems().length;
    const many = sources.length > 1 ? vscode.l10n.t(' · {0} sources', sources.length) : '';
    const warn = problems ? ' $(warning)' : '';
    const count = shown === total ? vscode.l10n.t('{0} events', fmt(total)) : vscode.l10n.t('{0} of {1} events', fmt(shown), fmt(total));
    item.text = `$(list-flat) ${count}${many}${warn}${loading ? ' $(loading~spin)' : ''}`;
    const tip = new vscode.MarkdownString();
    tip.appendText(panel.panel.title);
    for (const s of sources) tip.appendMarkdown('\n\n').appendText(sourceLine(s));
    if (problems) {
      tip.appendMarkdown('\n\n').appendText(
        problems === 1
          ? vscode.l10n.t("1 problem in all; everything readable is shown. See the panel's problems strip.")
          : vscode.l10n.t("{0} problems in all; everything readable is shown. See the panel's problems strip.", fmt(problems)),
      );
    }
    item.tooltip = tip;
    item.show();
  };
  const sub = EventsPanel.onDidChange(update);
  update();
  return vscode.Disposable.from(item, sub);
}
