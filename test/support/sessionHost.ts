// A panel session's host for node tests: records every message to the webview, every log line and
// everything the session asked the UI to show, and answers the UI's questions as a test sets them.
import { WEBVIEW_CALLS, type IpcMessage, type NotificationType, type Reply, type WebviewCalls, type ParamsOf } from '../../src/protocol';
import type { ProgressStep, SessionHost, SessionUi } from '../../src/session/ports';
import type { PanelSession } from '../../src/session/panelSession';

export interface Posted {
  method: string;
  params: unknown;
  completionId?: string;
}

export class RecordingHost implements SessionHost {
  readonly posted: Posted[] = [];
  readonly logged: { info: string[]; warn: string[] } = { info: [], warn: [] };
  readonly shown: { info: string[]; warn: Array<{ message: string; showProblems: boolean }>; error: string[] } = { info: [], warn: [], error: [] };
  readonly progress: Array<{ title: string; steps: ProgressStep[]; cancel: AbortController }> = [];
  readonly asked: Array<{ title: string; prompt: string; placeholder?: string }> = [];
  readonly confirms: Array<{ message: string; detail: string; button: string }> = [];
  readonly copied: string[] = [];
  readonly exportAsks: Array<{ format: string; count: number; fileName: string; near?: string }> = [];
  addSources = 0;
  changes = 0;
  panelTitle = 'Audit Logs: test';
  /** What the next input boxes answer (undefined = backed out); empty means ''. */
  inputs: Array<string | undefined> = [];
  /** Whether the confirmations are accepted. */
  confirmAnswer = true;
  exportPath: string | undefined;

  readonly log = {
    info: (m: string) => void this.logged.info.push(m),
    warn: (m: string) => void this.logged.warn.push(m),
  };

  readonly ui: SessionUi = {
    info: (m) => void this.shown.info.push(m),
    warn: (m, o) => void this.shown.warn.push({ message: m, showProblems: o?.showProblems === true }),
    error: (m) => void this.shown.error.push(m),
    progress: (title, task) => {
      const entry = { title, steps: [] as ProgressStep[], cancel: new AbortController() };
      this.progress.push(entry);
      return task((s) => entry.steps.push(s), entry.cancel.signal);
    },
    askInput: async (o) => {
      this.asked.push(o);
      return this.inputs.length ? this.inputs.shift() : '';
    },
    confirm: async (o) => {
      this.confirms.push(o);
      return this.confirmAnswer;
    },
    copy: async (text) => void this.copied.push(text),
    exportTarget: async (o) => {
      this.exportAsks.push(o);
      return this.exportPath;
    },
    addSource: async () => void this.addSources++,
  };

  post(method: string, params: unknown, completionId?: string): void {
    this.posted.push(completionId === undefined ? { method, params } : { method, params, completionId });
  }
  title(): string {
    return this.panelTitle;
  }
  setTitle(t: string): void {
    this.panelTitle = t;
  }
  changed(): void {
    this.changes++;
  }

  /** The notifications of one kind, oldest first. */
  notes<P>(n: NotificationType<P>): P[] {
    return this.posted.filter((p) => p.method === n.method && p.completionId === undefined).map((p) => p.params as P);
  }

  last<P>(n: NotificationType<P>): P {
    const all = this.notes(n);
    if (all.length === 0) throw new Error(`no ${n.method} notification was sent`);
    return all[all.length - 1]!;
  }
}

type Key = keyof WebviewCalls;
type ResultOfKey<K extends Key> = WebviewCalls[K] extends { readonly __result?: infer R } ? R : never;

let seq = 0;

/** Sends one call the way the webview does (through the session's dispatch); a request's reply comes back. */
export async function send<K extends Key>(
  session: PanelSession,
  host: RecordingHost,
  key: K,
  params: ParamsOf<WebviewCalls[K]> | Record<string, unknown>,
  covered?: Set<string>,
): Promise<Reply<ResultOfKey<K>> | undefined> {
  covered?.add(key);
  const call = WEBVIEW_CALLS[key];
  const id = `wv-${++seq}`;
  const msg: IpcMessage = call.kind === 'request' ? { id, method: call.method, params, completionId: id } : { id, method: call.method, params };
  await session.receive(msg);
  if (call.kind !== 'request') return undefined;
  const replies = host.posted.filter((p) => p.completionId === id);
  if (replies.length !== 1) throw new Error(`${call.method}: ${replies.length} replies, expected exactly one`);
  return replies[0]!.params as Reply<ResultOfKey<K>>;
}

/** Waits (a bounded number of turns of the event loop) until `cond` holds. */
export async function until(cond: () => boolean, what: string, turns = 2000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    try {
      if (cond()) return;
    } catch {
      // not yet (a notification that has not come)
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error(`gave up waiting for ${what}`);
}
