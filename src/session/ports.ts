/**
 * What a panel session asks of its host. The session decides what happens and what is said; the
 * host only shows it (VS Code: the webview, notifications, input boxes, the clipboard, the save
 * dialog) and answers. Node tests give a recording host, so every decision is tested without VS Code.
 */
import type { ExportFormat } from './io';

export interface SessionLog {
  info(message: string): void;
  warn(message: string): void;
}

/** A progress line: `increment` in percent of the whole, when the session knows it. */
export interface ProgressStep {
  message: string;
  increment?: number;
}

export interface SessionUi {
  info(message: string): void;
  /** `showProblems`: the host offers to open the log, where every problem is listed. */
  warn(message: string, opts?: { showProblems?: boolean }): void;
  error(message: string): void;
  /**
   * Runs `task` with a cancellable progress notification titled `title`; cancelling aborts `signal`.
   * Resolves or rejects with the task.
   */
  progress<T>(title: string, task: (report: (step: ProgressStep) => void, signal: AbortSignal) => Promise<T>): Promise<T>;
  /** One line of input; undefined when the person backed out. */
  askInput(o: { title: string; prompt: string; placeholder?: string }): Promise<string | undefined>;
  /** A modal question with one button that goes ahead; true only when that button was pressed. */
  confirm(o: { message: string; detail: string; button: string }): Promise<boolean>;
  copy(text: string): Promise<void>;
  /** Where to write an export (a save dialog), or undefined; `near` is a path to start next to. */
  exportTarget(o: { format: ExportFormat; count: number; fileName: string; near?: string }): Promise<string | undefined>;
  /** The host asks which files, folders or account to add to this panel, then adds them through the session. */
  addSource(): Promise<void>;
}

export interface SessionHost {
  /** A message to the webview (a notification, or a request's completion with its completionId). */
  post(method: string, params: unknown, completionId?: string): unknown;
  /** The panel's title as shown now, and a new one (the session renames it as sources are added). */
  title(): string;
  setTitle(title: string): void;
  /** The shown counts, the current result or the load changed (status bar, trees). */
  changed(): void;
  log: SessionLog;
  ui: SessionUi;
}
