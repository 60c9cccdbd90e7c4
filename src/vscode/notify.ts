/**
 * Every notification the extension shows goes through here, so no text from outside (an API's error
 * body, a server message, a file or bucket name) reaches VS Code's notification renderer as
 * markdown-like links: `[x](command:…)` would become a link that runs a command (see
 * core/safeText.ts). Buttons (`items`) are our own labels; the `detail` of a modal dialog is plain
 * text, but is made safe too. Progress notifications likewise (withProgress). test/unit/trust.net.test.ts
 * fails when a show*Message or withProgress call bypasses this.
 */
import * as vscode from 'vscode';
import { notificationSafe } from '../core/safeText';

type Options = vscode.MessageOptions;

function safeOptions(o: Options): Options {
  return o.detail === undefined ? o : { ...o, detail: notificationSafe(o.detail) };
}

function show<T extends string>(
  fn: (message: string, options: Options, ...items: T[]) => Thenable<T | undefined>,
  message: string,
  rest: Array<Options | T>,
): Thenable<T | undefined> {
  const [first, ...others] = rest;
  const options = first !== undefined && typeof first === 'object' ? safeOptions(first) : {};
  const items = (first !== undefined && typeof first === 'object' ? others : rest) as T[];
  return fn(notificationSafe(message), options, ...items);
}

export function showInfo<T extends string>(message: string, ...rest: Array<Options | T>): Thenable<T | undefined> {
  return show((m, o, ...i: T[]) => vscode.window.showInformationMessage(m, o, ...i), message, rest);
}

export function showWarning<T extends string>(message: string, ...rest: Array<Options | T>): Thenable<T | undefined> {
  return show((m, o, ...i: T[]) => vscode.window.showWarningMessage(m, o, ...i), message, rest);
}

export function showError<T extends string>(message: string, ...rest: Array<Options | T>): Thenable<T | undefined> {
  return show((m, o, ...i: T[]) => vscode.window.showErrorMessage(m, o, ...i), message, rest);
}

/**
 * vscode.window.withProgress, with the title and every progress message made safe: a progress
 * notification renders links like any other (titles name files, buckets and accounts).
 */
export function withProgress<R>(
  options: vscode.ProgressOptions,
  task: (progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken) => Thenable<R>,
): Thenable<R> {
  const safe = options.title === undefined ? options : { ...options, title: notificationSafe(options.title) };
  return vscode.window.withProgress(safe, (progress, token) =>
    task({ report: (v) => progress.report(v.message === undefined ? v : { ...v, message: notificationSafe(v.message) }) }, token),
  );
}
