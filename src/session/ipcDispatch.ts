/**
 * The host's side of the webview protocol, without vscode so node tests reach it: checks each
 * message from the webview against its schema (protocolSchemas.ts), calls the handler for its
 * method, and answers every request exactly once, with its result or with an error the webview
 * shows. Commands get no answer; their refusals and failures go to the log, as before.
 */
import { WEBVIEW_CALLS, type IpcMessage, type ParamsOf, type Reply, type ReplyErrorCode, type RequestType, type WebviewCalls } from '../protocol';
import { IpcEnvelope, PARAMS } from './protocolSchemas';

/** Thrown by a handler to answer its request with this error (the message is shown in the panel as text). */
export class ReplyFailure extends Error {
  constructor(
    message: string,
    readonly code: ReplyErrorCode = 'failed',
  ) {
    super(message);
  }
}

type Answer<C> = C extends RequestType<unknown, infer R> ? R : void;

/** One handler per call the webview may make: a request's handler returns its result. */
export type IpcHandlers = { readonly [K in keyof WebviewCalls]: (params: ParamsOf<WebviewCalls[K]>) => Answer<WebviewCalls[K]> | Promise<Answer<WebviewCalls[K]>> };

export interface IpcDispatchOptions {
  /** Sends a request's reply to the webview as the message `response` with this completionId. */
  reply(response: string, completionId: string, reply: Reply<unknown>): unknown;
  log(message: string): void;
  /** The text of a handler's failure as the webview may show it (the host redacts secrets here). */
  errorText?(err: unknown): string;
}

/** What an error says, cut to what a status line can hold. */
const MESSAGE_MAX = 500;

const KEYS = new Map<string, keyof WebviewCalls>((Object.keys(WEBVIEW_CALLS) as Array<keyof WebviewCalls>).map((k) => [WEBVIEW_CALLS[k].method, k]));

export async function dispatchIpc(raw: unknown, handlers: IpcHandlers, opts: IpcDispatchOptions): Promise<void> {
  const env = IpcEnvelope.safeParse(raw);
  if (!env.success) {
    opts.log('ignored a malformed message from the events panel');
    return;
  }
  const msg = env.data as IpcMessage;
  const name = msg.method.slice(0, 60);
  const key = KEYS.get(msg.method);
  const isRequest = key !== undefined ? WEBVIEW_CALLS[key].kind === 'request' : msg.completionId !== undefined;
  // A panel closed meanwhile cannot take the answer: that is no one's error.
  const send = (reply: Reply<unknown>) => {
    try {
      void Promise.resolve(opts.reply(`${msg.method}/completion`, msg.completionId ?? msg.id, reply)).catch(() => undefined);
    } catch {
      opts.log(`could not answer the events panel's ${name}: the panel is gone`);
    }
  };
  const fail = (code: ReplyErrorCode, message: string) => {
    if (isRequest) send({ error: { code, message: message.slice(0, MESSAGE_MAX) } });
  };
  if (key === undefined) {
    opts.log(`ignored an unknown message from the events panel: ${name}`);
    fail('unknown', `The extension does not know the request ${name}.`);
    return;
  }
  const parsed = PARAMS[key].safeParse(msg.params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const why = issue ? `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}` : 'invalid params';
    opts.log(`the events panel sent a message that was rejected (${name}): ${why.slice(0, MESSAGE_MAX)}`);
    fail('invalid', `The extension refused the ${name} request (${why}).`);
    return;
  }
  let result: unknown;
  try {
    const handler = handlers[key] as (params: unknown) => unknown;
    result = await handler(parsed.data);
  } catch (err) {
    const text = opts.errorText ? opts.errorText(err) : err instanceof Error ? err.message : String(err);
    if (!(err instanceof ReplyFailure)) opts.log(`the events panel's ${name} failed: ${text.slice(0, MESSAGE_MAX)}`);
    fail(err instanceof ReplyFailure ? err.code : 'failed', err instanceof ReplyFailure || !isRequest ? text : `The ${name} request failed: ${text}`);
    return;
  }
  if (isRequest) send({ result });
}
