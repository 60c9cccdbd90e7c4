// One typed error for every live API provider. Messages are written for the person using the
// extension (what happened, what to do next) and never contain a secret: everything that ends up
// in `message` or `url` has been through `redact()`.
// core/ never imports vscode.

export type ApiErrorKind =
  | 'auth'
  | 'forbidden'
  | 'not-found'
  | 'rate-limited'
  | 'bad-request'
  | 'server'
  | 'timeout'
  | 'network'
  | 'cancelled'
  | 'invalid-response'
  | 'paging-loop';

export interface ApiErrorInit {
  kind: ApiErrorKind;
  /** Already redacted. */
  message: string;
  provider: string;
  /** Already redacted. */
  url: string;
  status?: number;
  requestId?: string;
  /** 1-based page number when the error happened while paging. */
  page?: number;
  /** How many requests were sent for this call (including retries). */
  attempts?: number;
  /** When the server told us how long to wait (Retry-After), in ms. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly provider: string;
  readonly url: string;
  readonly status?: number;
  readonly requestId?: string;
  readonly page?: number;
  readonly attempts?: number;
  readonly retryAfterMs?: number;

  constructor(init: ApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ApiError';
    this.kind = init.kind;
    this.provider = init.provider;
    this.url = init.url;
    this.status = init.status;
    this.requestId = init.requestId;
    this.page = init.page;
    this.attempts = init.attempts;
    this.retryAfterMs = init.retryAfterMs;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** Every form a secret may take on the wire or in a log: as is, URL-encoded, base64 / base64url. */
export function secretForms(secret: string): string[] {
  if (!secret) return [];
  const forms = new Set<string>([secret]);
  const enc = encodeURIComponent(secret);
  forms.add(enc);
  forms.add(enc.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  forms.add(enc.replace(/%20/g, '+')); // application/x-www-form-urlencoded (URLSearchParams)
  forms.add(new URLSearchParams({ k: secret }).toString().slice(2));
  forms.add(encodeURI(secret));
  const b64 = Buffer.from(secret, 'utf8').toString('base64');
  forms.add(b64);
  forms.add(b64.replace(/=+$/, ''));
  forms.add(Buffer.from(secret, 'utf8').toString('base64url'));
  forms.add(JSON.stringify(secret).slice(1, -1)); // as it appears inside a JSON string
  return [...forms].filter((f) => f.length > 0);
}

/**
 * Replaces every secret, in every form from `secretForms`, with `[redacted]`.
 * Longer forms are replaced first so a secret that contains another is fully hidden.
 */
export function redact(text: string, secrets: Iterable<string>): string {
  if (!text) return text;
  const forms = new Set<string>();
  for (const s of secrets) for (const f of secretForms(s)) forms.add(f);
  let out = redactUrlCredentials(text);
  if (forms.size === 0) return out;
  for (const f of [...forms].sort((a, b) => b.length - a.length)) {
    if (out.includes(f)) out = out.split(f).join('[redacted]');
  }
  return out;
}

/**
 * `user:password@` in any URL of a text becomes `[redacted]@`: an endpoint typed with credentials
 * in it must not leak them into a log or a message. Linear: each scan starts at a literal `://`
 * and stops at the first character that cannot be in userinfo.
 */
export function redactUrlCredentials(text: string): string {
  return text.includes('@') ? text.replace(/:\/\/[^/\s@?#]+@/g, '://[redacted]@') : text;
}

/** True when a URL text carries a user name or password (`https://user:pass@host/`). */
export function hasUrlCredentials(url: string): boolean {
  try {
    const u = new URL(url.trim());
    return u.username !== '' || u.password !== '';
  } catch {
    return /:\/\/[^/\s@?#]+@/.test(url);
  }
}

/** "30 s", "0.2 s", "1.5 s", "2 min", "3 h 20 min". */
export function formatDuration(ms: number): string {
  if (ms >= 7_200_000) {
    const h = Math.floor(ms / 3_600_000);
    const m = Math.round((ms - h * 3_600_000) / 60_000);
    return m > 0 && m < 60 ? `${h} h ${m} min` : `${m >= 60 ? h + 1 : h} h`;
  }
  if (ms >= 120_000) return `${Math.round(ms / 60_000)} min`;
  const s = ms / 1000;
  if (s >= 10) return `${Math.round(s)} s`;
  return `${Math.round(s * 10) / 10} s`;
}
