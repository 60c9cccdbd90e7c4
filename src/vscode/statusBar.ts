/** The event count of the active panel in the status bar ("12,345 of 1,000,000 events"). */
import * as vscode from 'vscode';
import { EventsPanel } from './panel';

export function createStatusBar(): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('auditLogs.count', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Audit Logs: event count';
  item.command = 'auditLogs.revealPanel';
  const update = () => {
    const panel = EventsPanel.activePanel();
    if (!panel) {
      item.hide();
      return;
    }
    const total = panel.sources.store.size;
    const shown = panel.currentView?.count ?? total;
    const fmt = (n: number) => n.toLocaleString('en-US');
    item.text = `$(list-flat) ${shown === total ? fmt(total) : `${fmt(shown)} of ${fmt(total)}`} events${panel.sources.loading ? ' $(loading~spin)' : ''}`;
    const problems = panel.sources.problems().length;
    item.tooltip = `${panel.panel.title}${problems ? ` — ${problems} problems while reading` : ''}`;
    item.show();
  };
  const sub = EventsPanel.onDidChange(update);
  update();
  return vscode.Disposable.from(item, sub);
}
