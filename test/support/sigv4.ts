// SigV4 (AWS4-HMAC-SHA256) recomputed from a received request, for the local AWS fakes (CloudTrail,
// Athena, S3): the signature the client must have sent, so a wrong secret is really refused.
import { createHash, createHmac } from 'node:crypto';
import type * as http from 'node:http';

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** AWS's URI encoding (RFC 3986 unreserved characters kept). */
export function awsEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The raw query as decoded pairs, in order. */
export function queryPairs(rawQuery: string): Array<[string, string]> {
  if (!rawQuery) return [];
  return rawQuery.split('&').map((part) => {
    const eq = part.indexOf('=');
    return eq < 0 ? [safeDecode(part), ''] : [safeDecode(part.slice(0, eq)), safeDecode(part.slice(eq + 1))];
  });
}

/**
 * The hex signature for `scope` (date/region/service/aws4_request) over the signed headers. The
 * path is signed as sent (S3 does not encode it twice); S3 signs the x-amz-content-sha256 value,
 * the JSON protocols (CloudTrail, Athena) the body's hash.
 */
export function expectedSignature(req: http.IncomingMessage, body: Buffer, secret: string, scope: string, signedHeaders: string[]): string {
  const [date, region, service] = scope.split('/');
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const [rawPath, rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s);
  const query = queryPairs(rawQuery)
    .map(([k, v]) => [awsEscape(k), awsEscape(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${String(req.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const payloadHash = service === 's3' ? String(req.headers['x-amz-content-sha256'] ?? '') : createHash('sha256').update(body).digest('hex');
  const canonical = [req.method ?? 'GET', rawPath || '/', query, canonicalHeaders, signedHeaders.join(';'), payloadHash].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const kSigning = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  return createHmac('sha256', kSigning).update(toSign, 'utf8').digest('hex');
}
