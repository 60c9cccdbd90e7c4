/**
 * The detection settings (auditLogs.detections.ruleFolders, .disabledRules) applied to the rules
 * every panel runs, now and whenever they change: the rules are read again and every open panel
 * runs its detections again.
 */
import * as vscode from 'vscode';
import { readDetectionSettings } from '../providers/detections/settings';
import { NODE_DETECTOR } from '../session/nodeIo';
import { EventsPanel } from './panel';

function apply(): void {
  const s = readDetectionSettings((key) => vscode.workspace.getConfiguration('auditLogs.detections').get(key));
  NODE_DETECTOR.reload({ folders: s.ruleFolders, disabled: s.disabledRules });
}

export function watchDetectionSettings(): vscode.Disposable {
  apply();
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration('auditLogs.detections')) return;
    apply();
    for (const p of EventsPanel.all()) void p.session.detections.rerun();
  });
}
