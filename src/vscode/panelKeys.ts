/**
 * The panel's keyboard commands: each has a keybinding scoped to the events panel
 * (`activeWebviewPanelId == 'auditLogs.events'` in package.json), a title in the Keyboard Shortcuts
 * editor, and is carried out by the webview (a PanelCommandNotification through the protocol).
 * Export has no webview part: its keybinding runs auditLogs.exportResults.
 */
import * as vscode from 'vscode';
import type { PanelCommand } from '../protocol';
import { showInfo } from './notify';
import { EventsPanel } from './panel';

/** Command id → what the webview does (package.json declares each with its keybinding). */
export const PANEL_KEY_COMMANDS: ReadonlyArray<readonly [string, PanelCommand]> = [
  ['auditLogs.focusFilter', 'focusFilter'],
  ['auditLogs.nextEvent', 'nextEvent'],
  ['auditLogs.previousEvent', 'previousEvent'],
  ['auditLogs.openDetail', 'openDetail'],
  ['auditLogs.clearFilter', 'clearFilter'],
];

export function registerPanelKeyCommands(): vscode.Disposable[] {
  return PANEL_KEY_COMMANDS.map(([id, command]) =>
    vscode.commands.registerCommand(id, async () => {
      const panel = EventsPanel.activePanel() ?? EventsPanel.all()[0];
      if (!panel) {
        void showInfo(vscode.l10n.t('Audit Logs: open some logs first; this acts on the events panel.'));
        return false;
      }
      // From the palette or the walkthrough the panel may be behind another editor: show it, and
      // give it the keyboard. A hidden panel's webview boots again when shown: the command waits for it.
      const hidden = !panel.panel.visible;
      if (!panel.panel.active || command === 'focusFilter') panel.panel.reveal(undefined, false);
      return panel.runInWebview(command, { whenReady: hidden });
    }),
  );
}
