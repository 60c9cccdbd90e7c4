// EXO2-HMAC-SHA256 request signing for the Exoscale API v2 (API-NOTES §2), with node:crypto only.
// Follows egoscale (v2/api/security.go, v3/api.go signRequest) where it and requests-exoscale-auth
// differ: a query parameter is signed only when it has exactly one value, and then it is both in
// the value string and in `signed-query-args` (Python lists multi-valued names but skips their
// values; we never send such parameters, so both agree on what we send).
// providers/ never imports vscode.
import { createHmac } from 'node:crypto';
import type { AuthorizeRequest } from '../../core/http';

/** How long a signature stays valid, as both upstream clients do (10 minutes). */
export const SIGNATURE_TTL_SECONDS = 600;

export interface SignInput {
  method: string;
  /** The URL exactly as sent: its escaped path (with any /v2 or proxy prefix) and query are signed. */
  url: URL | string;
  /** The exact body bytes sent, as text; '' or undefined when there is none. */
  body?: string;
  key: string;
  secret: string;
  /** UNIX time in seconds after which the server refuses the request. */
  expires: number;
}

export interface Signed {
  /** The whole `Authorization` header value. */
  header: string;
  /** The five-line message that was signed (for tests and debugging; contains no secret). */
  message: string;
  signedQueryArgs: string[];
  signature: string;
}

/** Byte-order comparison (Go's sort.Strings), not UTF-16 order, so non-ASCII names sort like upstream. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Parameter names with exactly one value, sorted, and their decoded values concatenated in that order. */
export function signedQuery(params: URLSearchParams): { names: string[]; values: string } {
  const counts = new Map<string, number>();
  for (const name of params.keys()) counts.set(name, (counts.get(name) ?? 0) + 1);
  const names = [...counts].filter(([, n]) => n === 1).map(([name]) => name).sort(byteOrder);
  return { names, values: names.map((n) => params.get(n) ?? '').join('') };
}

/** Signs one request. Pure: the same input always gives the same header. */
export function signRequest(input: SignInput): Signed {
  const url = typeof input.url === 'string' ? new URL(input.url) : input.url;
  const { names, values } = signedQuery(url.searchParams);
  const expires = String(Math.floor(input.expires));
  // Segment 4 (signed header values) is always empty: "none at the moment" upstream.
  const message = [`${input.method.toUpperCase()} ${url.pathname}`, input.body ?? '', values, '', expires].join('\n');
  const signature = createHmac('sha256', Buffer.from(input.secret, 'utf8')).update(message, 'utf8').digest('base64');
  const parts = [`EXO2-HMAC-SHA256 credential=${input.key}`];
  if (names.length > 0) parts.push(`signed-query-args=${names.join(';')}`);
  parts.push(`expires=${expires}`, `signature=${signature}`);
  return { header: parts.join(','), message, signedQueryArgs: names, signature };
}

export interface AuthorizerOptions {
  key: string;
  secret: string;
  /** Clock in epoch ms (default Date.now); the signature expires SIGNATURE_TTL_SECONDS after it. */
  now?: () => number;
  ttlSeconds?: number;
}

/**
 * The HttpClient `authorize` callback. HttpClient calls it for every attempt, so a retry after a
 * long Retry-After gets a fresh `expires` rather than one that may have run out.
 */
export function exoscaleAuthorizer(opts: AuthorizerOptions): (req: AuthorizeRequest) => Record<string, string> {
  const now = opts.now ?? Date.now;
  const ttl = opts.ttlSeconds ?? SIGNATURE_TTL_SECONDS;
  return (req) => {
    const expires = Math.floor(now() / 1000) + ttl;
    return { authorization: signRequest({ method: req.method, url: req.url, body: req.body, key: opts.key, secret: opts.secret, expires }).header };
  };
}
