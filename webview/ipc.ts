/**
 * HostIpc: the webview's side of the message protocol (after GitLens' `apps/shared/ipc.ts`).
 *
 * - sendCommand: fire and forget.
 * - sendRequest: settles with the `<method>/completion` reply carrying the same completionId:
 *   resolves with its result, or rejects at once with a RequestError when the host refused or
 *   failed the request (and tells `onRequestError` listeners, so the panel can show it); rejects
 *   on timeout too, so a lost answer never leaves a promise hanging forever.
 * - onNotification: host → webview messages by method.
 */
import type { CommandType, IpcMessage, NotificationType, ReplyErrorCode, RequestType } from '../src/protocol';

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

/** The host answered a request with an error instead of its result. */
export class RequestError extends Error {
  constructor(
    readonly method: string,
    message: string,
    readonly code: ReplyErrorCode,
  ) {
    super(message);
  }
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
  private readonly errorHandlers = new Set<(err: RequestError) => void>();
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

  /** Errors the host answered requests with (all but `stale` ones, which are no one's concern). */
  onRequestError(handler: (err: RequestError) => void): Disposable {
    this.errorHandlers.add(handler);
    return { dispose: () => this.errorHandlers.delete(handler) };
  }

  /** Exposed for tests: feed a message as if the host had posted it. */
  onMessage(data: unknown): void {
    if (!isIpcMessage(data)) return;
    if (data.completionId !== undefined) {
      const p = this.pending.get(data.completionId);
      if (p && p.response === data.method) {
        this.pending.delete(data.completionId);
        clearTimeout(p.timer);
        this.settle(p, data.params, data.method.slice(0, -'/completion'.length));
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

  /** A reply is `{ result }` or `{ error: { message, code } }` (Reply in src/protocol); anything else is a failure. */
  private settle(p: Pending, reply: unknown, method: string): void {
    const r = (typeof reply === 'object' && reply !== null ? reply : {}) as { result?: unknown; error?: { message?: unknown; code?: unknown } };
    if ('result' in r) {
      p.resolve(r.result);
      return;
    }
    const e: { message?: unknown; code?: unknown } = typeof r.error === 'object' && r.error !== null ? r.error : {};
    const message = typeof e.message === 'string' ? e.message : `${method}: the extension host sent a reply without a result`;
    const err = new RequestError(method, message, CODES.find((c) => c === e.code) ?? 'failed');
    p.reject(err);
    if (err.code === 'stale') return;
    for (const h of [...this.errorHandlers]) {
      try {
        h(err);
      } catch (x) {
        console.error('[audit-log-explorer] request error handler failed', x);
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

const CODES: readonly ReplyErrorCode[] = ['invalid', 'failed', 'stale', 'unknown'];

function isIpcMessage(x: unknown): x is IpcMessage {
  if (typeof x !== 'object' || x === null) return false;
  const m = x as Record<string, unknown>;
  return typeof m.method === 'string' && (m.completionId === undefined || typeof m.completionId === 'string');
}
