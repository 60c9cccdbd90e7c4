// An Exoscale account needs an API key AND its secret, but the extension keeps one secret string per
// account (SecretStorage, the CLI's --secret). The stored form is JSON {"key":"EXO…","secret":"…"};
// the form people paste, `KEY:SECRET` (or the two separated by whitespace, as the portal shows them
// on two lines), is accepted too. Exoscale keys and secrets never contain ':' or whitespace.
// providers/ never imports vscode.
import { ApiError } from '../../core/errors';

export const PROVIDER_NAME = 'Exoscale';

export interface ExoscaleCredentials {
  key: string;
  secret: string;
}

/** The one string stored for an account. */
export function encodeExoscaleCredentials(key: string, secret: string): string {
  return JSON.stringify({ key: key.trim(), secret: secret.trim() });
}

const HELP =
  'Enter the Exoscale API key and secret as KEY:SECRET (for example EXO1a2b…:xYz…), or as JSON {"key":"EXO…","secret":"…"}.';

function malformed(why: string): ApiError {
  // Never echo the input: it is (part of) a secret.
  return new ApiError({ kind: 'auth', provider: PROVIDER_NAME, url: '', message: `The Exoscale credentials are not usable: ${why}. ${HELP}` });
}

function check(key: unknown, secret: unknown): ExoscaleCredentials {
  if (typeof key !== 'string' || key.trim() === '') throw malformed('the API key is missing');
  if (typeof secret !== 'string' || secret.trim() === '') throw malformed('the API secret is missing');
  const k = key.trim();
  const s = secret.trim();
  // Both end up in an HTTP header (the key) or an HMAC key (the secret); control characters or
  // inner spaces mean something else was pasted.
  if (/[\s,\p{Cc}]/u.test(k)) throw malformed('the API key contains spaces, commas or control characters');
  if (/[\s\p{Cc}]/u.test(s)) throw malformed('the API secret contains spaces or control characters');
  return { key: k, secret: s };
}

/** Reads the stored (or pasted) form; throws an ApiError of kind 'auth' that never contains the input. */
export function decodeExoscaleCredentials(stored: string): ExoscaleCredentials {
  const text = (stored ?? '').trim();
  if (text === '') throw malformed('nothing was given');
  if (text.startsWith('{')) {
    let j: unknown;
    try {
      j = JSON.parse(text);
    } catch {
      throw malformed('it looks like JSON but does not parse');
    }
    if (!j || typeof j !== 'object' || Array.isArray(j)) throw malformed('the JSON is not an object');
    const o = j as Record<string, unknown>;
    return check(o.key ?? o.apiKey ?? o.api_key, o.secret ?? o.apiSecret ?? o.api_secret);
  }
  const colon = text.indexOf(':');
  if (colon >= 0) return check(text.slice(0, colon), text.slice(colon + 1));
  const ws = /^(\S+)\s+(\S+)$/.exec(text);
  if (ws) return check(ws[1], ws[2]);
  throw malformed('only one value was given (an Exoscale account needs both the key and the secret)');
}

/** Every string to redact for this stored secret: the whole string, the key and the secret. */
export function credentialSecrets(stored: string): string[] {
  const out = [stored, stored.trim()];
  try {
    const c = decodeExoscaleCredentials(stored);
    out.push(c.key, c.secret);
  } catch {
    // Malformed: the whole string is still redacted.
  }
  return [...new Set(out)].filter((s) => s.length > 0);
}
