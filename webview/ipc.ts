/**
 * HostIpc: the webview's side of the message protocol (after GitLens' `apps/shared/ipc.ts`).
 *
 * - sendCommand: fire and forget.
 * - sendRequest: resolves with the `<method>/completion` notification carrying the same
 *   completionId (rejects on timeout, so a lost answer never leaves a promise hanging forever).
 * - onNotification: host → webview messages by method.
 */
import type { CommandType, IpcMessage, NotificationType, RequestType } from './protocol';

export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState<T>(state: T): T;
}

declare global {
  function acquireVsCodeApi(): VsCodeApi;
}

export interface Disposable {
  dispose(): void;
}

interface Pending {
  response: string;
  resolve(value: unknown): void;
  reject(reason: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class HostIpc {
  private seq = 0;
  private readonly pending = new Map<string, Pending>();
  private readonly handlers = new Map<string, Set<(params: unknown) => void>>();
  private readonly prefix = `wv-${Math.random().toString(36).slice(2, 8)}-`;

  constructor(
    readonly api: VsCodeApi,
    target: Pick<Window, 'addEventListener'> = window,
  ) {
    target.addEventListener('message', (e: MessageEvent) => this.onMessage(e.data));
  }

  sendCommand<P>(type: CommandType<P>, params: P): void {
    this.post({ id: this.nextId(), method: type.method, params });
  }

  sendRequest<P, R>(type: RequestType<P, R>, params: P, timeoutMs = 30_000): Promise<R> {
    const id = this.nextId();
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${type.method}: no answer from the extension host within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { response: type.response, resolve: resolve as (v: unknown) => void, reject, timer });
      this.post({ id, method: type.method, params, completionId: id });
    });
  }

  onNotification<P>(type: NotificationType<P>, handler: (params: P) => void): Disposable {
    let set = this.handlers.get(type.method);
    if (!set) this.handlers.set(type.method, (set = new Set()));
    const h = handler as (params: unknown) => void;
    set.add(h);
    return { dispose: () => set.delete(h) };
  }

  /** Exposed for tests: feed a message as if the host had posted it. */
  onMessage(data: unknown): void {
    if (!isIpcMessage(data)) return;
    if (data.completionId !== undefined) {
      const p = this.pending.get(data.completionId);
      if (p && p.response === data.method) {
        this.pending.delete(data.completionId);
        clearTimeout(p.timer);
        p.resolve(data.params);
        return;
      }
    }
    const set = this.handlers.get(data.method);
    if (!set) return;
    for (const h of [...set]) {
      try {
        h(data.params);
      } catch (e) {
        console.error(`[audit-log-explorer] handler for ${data.method} failed`, e);
      }
    }
  }

  private nextId(): string {
    return this.prefix + ++this.seq;
  }

  private post(msg: IpcMessage): void {
    this.api.postMessage(msg);
  }
}

function isIpcMessage(x: unknown): x is IpcMessage {
  if (typeof x !== 'object' || x === null) return false;
  const m = x as Record<string, unknown>;
  return typeof m.method === 'string' && (m.completionId === undefined || typeof m.completionId === 'string');
}
