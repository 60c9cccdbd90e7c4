// The Cloudflare v4 envelope `{success, errors, messages, result, result_info}` and its errors.
// Threat-events responses are declared in the OpenAPI as bare arrays/objects while the docs say
// "Data is at body["result"]" (API-NOTES §3 caveat), so both shapes are accepted everywhere.
// providers/ never imports vscode.
import type { ZodType } from 'zod';
import { ApiError, type ApiErrorKind } from '../../core/errors';
import { CfEnvelope, type CfMessage, type CfResultInfo } from './schema';

export const PROVIDER_NAME = 'Cloudflare';

/** Cloudflare's "Authentication error" code, sent with 401/403 and sometimes inside a 200 `success:false`. */
export const CF_AUTH_ERROR_CODE = 10000;

export interface Unwrapped<T> {
  result: T;
  resultInfo?: CfResultInfo;
}

export interface UnwrapContext {
  /** Redacted URL of the request, for the error. */
  url: string;
  /** What was asked for, in messages ("the list of datasets"). */
  what: string;
  page?: number;
  status?: number;
  requestId?: string;
  redact: (text: string) => string;
}

function oneLine(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** "Cloudflare error 10000: Authentication error; Cloudflare error 7003: …" (at most 5). */
export function formatCfErrors(errors: readonly (CfMessage | string)[]): string {
  const parts: string[] = [];
  for (const e of errors.slice(0, 5)) {
    if (typeof e === 'string') {
      parts.push(`Cloudflare error: ${oneLine(e, 300)}`);
      continue;
    }
    const code = e.code === undefined || e.code === null || e.code === '' ? '' : ` ${String(e.code)}`;
    const message = e.message ? `: ${oneLine(e.message, 300)}` : '';
    if (code || message) parts.push(`Cloudflare error${code}${message}`);
  }
  if (errors.length > 5) parts.push(`(+${errors.length - 5} more)`);
  return parts.join('; ');
}

/** The Cloudflare errors in an error response body, or a short text of a non-JSON one; '' if none. */
export function errorDetail(body: string): string {
  if (!body.trim()) return '';
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    // An HTML error page (a proxy, Cloudflare's own 5xx page) says nothing useful in one line.
    return /^\s*</.test(body) ? '' : oneLine(body, 200);
  }
  const env = CfEnvelope.safeParse(json);
  if (env.success && env.data.errors && env.data.errors.length) return formatCfErrors(env.data.errors);
  if (json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string') {
    return oneLine((json as { message: string }).message, 200);
  }
  return '';
}

function codesOf(errors: readonly (CfMessage | string)[]): number[] {
  return errors.flatMap((e) => (typeof e === 'object' && e.code !== undefined && e.code !== null ? [Number(e.code)] : []));
}

function isEnvelope(body: unknown): body is Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const o = body as Record<string, unknown>;
  return 'result' in o || (typeof o.success === 'boolean' && Array.isArray(o.errors));
}

/**
 * The `result` of a v4 envelope, or the body itself when it is bare, validated with `schema`.
 * `success:false` (also inside a 200) is an ApiError naming each Cloudflare error code and message.
 */
export function unwrap<T>(body: unknown, schema: ZodType<T>, ctx: UnwrapContext): Unwrapped<T> {
  let result: unknown = body;
  let resultInfo: CfResultInfo | undefined;
  if (isEnvelope(body)) {
    const env = CfEnvelope.safeParse(body);
    if (!env.success) throw invalid(ctx, `the envelope: ${env.error.issues[0]?.message ?? 'unexpected shape'}`);
    const errors = env.data.errors ?? [];
    if (env.data.success === false || (errors.length > 0 && (env.data.result === undefined || env.data.result === null))) {
      const codes = codesOf(errors);
      const kind: ApiErrorKind = codes.includes(CF_AUTH_ERROR_CODE) ? 'auth' : 'bad-request';
      const detail = formatCfErrors(errors) || 'no error details given';
      throw new ApiError({
        kind,
        provider: PROVIDER_NAME,
        url: ctx.url,
        page: ctx.page,
        status: ctx.status,
        requestId: ctx.requestId,
        message: ctx.redact(`Cloudflare refused ${ctx.what} (success: false): ${detail}.`),
      });
    }
    result = env.data.result;
    resultInfo = env.data.result_info ?? undefined;
  } else if (body && typeof body === 'object' && (body as { success?: unknown }).success === false && !Array.isArray(body)) {
    throw new ApiError({ kind: 'bad-request', provider: PROVIDER_NAME, url: ctx.url, page: ctx.page, status: ctx.status, message: `Cloudflare refused ${ctx.what} (success: false).` });
  }
  const parsed = schema.safeParse(result);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`);
    throw invalid(ctx, issues.join('; '));
  }
  return { result: parsed.data, resultInfo };
}

function invalid(ctx: UnwrapContext, detail: string): ApiError {
  const where = ctx.page && ctx.page > 1 ? ` at page ${ctx.page}` : '';
  return new ApiError({
    kind: 'invalid-response',
    provider: PROVIDER_NAME,
    url: ctx.url,
    page: ctx.page,
    status: ctx.status,
    requestId: ctx.requestId,
    message: ctx.redact(`Cloudflare answered ${ctx.what} with something that is not the expected JSON${where}: ${detail}`),
  });
}

/** A copy of an ApiError with another message (already redacted). */
export function withMessage(e: ApiError, message: string): ApiError {
  return new ApiError({
    kind: e.kind,
    provider: e.provider,
    url: e.url,
    status: e.status,
    requestId: e.requestId,
    page: e.page,
    attempts: e.attempts,
    retryAfterMs: e.retryAfterMs,
    cause: e.cause,
    message,
  });
}

/**
 * The message for an error status, for HttpClient's `describeError`: the Cloudflare error codes and
 * messages, and what to do about them. 429 keeps HttpClient's wording (it adds the wait).
 */
export function describeCfStatus(status: number, body: string, who: { account: string; accountId: string }): string | undefined {
  const detail = errorDetail(body);
  const d = detail ? `: ${detail}` : '';
  const perms = 'the "Cloudforce One Read" permission ("Cloudforce One Write" to create, tag or move events)';
  if (status === 401)
    return `Cloudflare rejected the API token (401)${d}. Check the token for ${who.account}: it must be an API token with ${perms}, or add it again.`;
  if (status === 403)
    return `The API token may not do this on Cloudflare account ${who.accountId} (403)${d}. Give the token ${perms} for this account.`;
  if (status === 404)
    return `Not found (404) at Cloudflare${d}. Check the account id (${who.accountId}) and the dataset or event id; the account needs Cloudforce One.`;
  if (status === 429) return undefined;
  if (status >= 500) return `Cloudflare had a server error (${status})${d}`;
  return `Cloudflare rejected the request (${status})${d}. Check the filters, dataset ids and time range.`;
}
