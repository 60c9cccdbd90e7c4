/**
 * Extension entry point: wires the pieces together and nothing else lives here. The sidebar,
 * commands and events panel arrive with the VS Code experience (issue 4); until then activation
 * only proves the bundle loads in a real extension host.
 */
import type * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): { storeVersion: string } {
  return { storeVersion: context.extension.packageJSON.version as string };
}

export function deactivate(): void {
  // Nothing to release yet: the store lives and dies with the extension host.
}
