// The HTTP handler every AWS SDK client here uses (CloudTrail, S3, Athena): the SDK's Node handler
// with its connection and response timeouts, plus what it lacks for the same bounds as the other
// providers' HttpClient:
// - a deadline for each whole try, headers and every byte of the body: the SDK's own timeouts
//   are per phase and per idle socket, so a server that trickles one byte every few seconds
//   would hold a fetch open for ever;
// - timeouts end the call instead of being retried (the SDK would retry each up to maxAttempts);
// - the account's rate limiter before every try, the SDK's own retries included (a throttled
//   LookupEvents retried 0.09 s later would break CloudTrail's 2 requests per second);
// - a log line for every try that does not simply succeed (status, error type, time, try n of m).
// providers/ never imports vscode.
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { formatDuration } from '../../core/errors';

export const DEFAULT_CONNECT_MS = 10_000;
/** For the response headers (the SDK's requestTimeout). */
export const DEFAULT_RESPONSE_MS = 30_000;
/** One whole try, headers and body (HttpClient's DEFAULT_TOTAL_MS). */
export const DEFAULT_DEADLINE_MS = 120_000;

/** A try that ran out of time. Not retried by the SDK (no `$retryable`, a name it does not know). */
export class RequestTimedOut extends Error {
  override readonly name = 'RequestTimedOut';
  /** The message without what the SDK's deserializer may append to `message`. */
  readonly detail: string;

  constructor(
    readonly limitMs: number,
    /** What the limit was for. */
    readonly limit: 'connection' | 'response' | 'deadline',
    /** Whether the response headers had arrived. */
    readonly started: boolean,
  ) {
    super(RequestTimedOut.describe(limitMs, limit, started));
    this.detail = RequestTimedOut.describe(limitMs, limit, started);
  }

  private static describe(limitMs: number, limit: RequestTimedOut['limit'], started: boolean): string {
    return (
      limit === 'deadline'
        ? `timed out after ${formatDuration(limitMs)}, the limit for one request (${started ? 'the response began but did not finish' : 'no response had begun'})`
        : limit === 'connection'
          ? `timed out after ${formatDuration(limitMs)} waiting for a connection`
          : `timed out after ${formatDuration(limitMs)} waiting for the response`
    );
  }
}

/** The RequestTimedOut in an error or its causes (the SDK wraps what the body stream throws). */
export function requestTimedOut(e: unknown): RequestTimedOut | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; depth++) {
    if (cur instanceof RequestTimedOut) return cur;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

export interface BoundedHandlerOptions {
  connectMs?: number;
  responseMs?: number;
  deadlineMs?: number;
  /** Awaited before every try (a RateLimiter). */
  limiter?: { acquire(signal?: AbortSignal): Promise<void> };
  log?: (line: string) => void;
}

type Request = Parameters<NodeHttpHandler['handle']>[0];
type HandlerOptions = NonNullable<Parameters<NodeHttpHandler['handle']>[1]>;
type Handled = Awaited<ReturnType<NodeHttpHandler['handle']>>;

interface BodyStream {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  destroy(error?: Error): unknown;
}

function isBodyStream(b: unknown): b is BodyStream {
  return !!b && typeof (b as BodyStream).on === 'function' && typeof (b as BodyStream).destroy === 'function';
}

function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

function isTimeout(e: unknown): boolean {
  const x = e as { name?: unknown; code?: unknown };
  return x?.name === 'TimeoutError' || x?.code === 'ETIMEDOUT';
}

export class BoundedHttpHandler extends NodeHttpHandler {
  private readonly connectMs: number;
  private readonly responseMs: number;
  private readonly deadlineMs: number;

  constructor(private readonly bounds: BoundedHandlerOptions = {}) {
    const connectMs = bounds.connectMs ?? DEFAULT_CONNECT_MS;
    const responseMs = bounds.responseMs ?? DEFAULT_RESPONSE_MS;
    // Without throwOnRequestTimeout the SDK's handler only logs a warning and keeps waiting.
    super({ connectionTimeout: connectMs, requestTimeout: responseMs, throwOnRequestTimeout: true });
    this.connectMs = connectMs;
    this.responseMs = responseMs;
    this.deadlineMs = bounds.deadlineMs ?? DEFAULT_DEADLINE_MS;
  }

  override async handle(request: Request, options: HandlerOptions = {}): Promise<Handled> {
    const callerSignal = options.abortSignal as AbortSignal | undefined;
    await this.bounds.limiter?.acquire(callerSignal);
    const what = this.describe(request);
    const started = performance.now();
    const deadline = new AbortController();
    let body: BodyStream | undefined;
    let timedOut: RequestTimedOut | undefined;
    const timer = setTimeout(() => {
      timedOut = new RequestTimedOut(this.deadlineMs, 'deadline', body !== undefined);
      this.log(what, timedOut.detail, started);
      body?.destroy(timedOut);
      deadline.abort(timedOut);
    }, this.deadlineMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, deadline.signal]) : deadline.signal;
    let out: Handled;
    try {
      out = await super.handle(request, { ...options, abortSignal: signal });
    } catch (e) {
      clearTimeout(timer);
      if (timedOut) throw timedOut;
      if (callerSignal?.aborted) throw e;
      if (isTimeout(e)) {
        // Which limit: connecting, or waiting for the headers (both are TimeoutError in the SDK).
        const connecting = /establish a connection/i.test(String((e as Error).message));
        const t = new RequestTimedOut(connecting ? this.connectMs : this.responseMs, connecting ? 'connection' : 'response', false);
        this.log(what, t.detail, started);
        throw t;
      }
      const code = (e as { code?: unknown }).code;
      this.log(what, `${typeof code === 'string' ? code : (e as Error).name ?? 'error'}: ${(e as Error).message ?? String(e)}`, started);
      throw e;
    }
    const res = out.response;
    if (res.statusCode < 200 || res.statusCode > 299) {
      const type = header(res.headers, 'x-amzn-errortype')?.split(':')[0];
      this.log(what, `${res.statusCode}${type ? ` ${type}` : ''}`, started);
    }
    if (isBodyStream(res.body)) {
      body = res.body;
      // No 'data' listener: that would start the stream before the SDK reads it.
      const done = () => clearTimeout(timer);
      body.on('end', done);
      body.on('close', done);
      body.on('error', done);
    } else {
      clearTimeout(timer);
    }
    // A body nobody reads to the end must not keep the process alive until the deadline.
    timer.unref?.();
    return out;
  }

  private describe(request: Request): string {
    const target = header(request.headers, 'x-amz-target');
    const op = target ? ` ${target.slice(target.lastIndexOf('.') + 1)}` : '';
    const port = request.port ? `:${request.port}` : '';
    // Never the userinfo, whatever the endpoint held.
    const url = `${request.protocol}//${request.hostname}${port}${request.path}`;
    const attempt = /attempt=(\d+)(?:;\s*max=(\d+))?/.exec(header(request.headers, 'amz-sdk-request') ?? '');
    const tryText = attempt ? ` (try ${attempt[1]}${attempt[2] ? ` of ${attempt[2]}` : ''})` : '';
    return `${request.method} ${url}${op}${tryText}`;
  }

  private log(what: string, outcome: string, started: number): void {
    this.bounds.log?.(`${what} → ${outcome} in ${Math.round(performance.now() - started)} ms`);
  }
}
