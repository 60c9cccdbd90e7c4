/**
 * The extension's translations (issue 18). VS Code picks l10n/bundle.l10n.<language>.json for the
 * display language (package.json "l10n"); src/vscode translates with vscode.l10n.t. The layers below
 * (session, providers, core) also run under the CLI and in a browser, so they translate with
 * @vscode/l10n, handed the same bundle here on activation; the CLI never configures it and stays
 * English. The webview gets the bundle in its page (webviewHtml.ts) and configures its own copy.
 * In English VS Code has no bundle and every call returns the source text.
 */
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';

/** Hands VS Code's bundle for the display language to @vscode/l10n (the session's strings). */
export function configureL10n(): void {
  const bundle = vscode.l10n.bundle;
  if (bundle) l10n.config({ contents: bundle });
}

/** The bundle as JSON for the webview page ('{}' when VS Code has none: English). */
export function webviewBundleJson(): string {
  return JSON.stringify(vscode.l10n.bundle ?? {});
}
