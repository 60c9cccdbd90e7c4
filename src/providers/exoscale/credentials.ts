// An Exoscale account needs an API key AND its secret, but the extension keeps one secret string per
// account (SecretStorage, the CLI's --secret). The stored form is JSON {"key":"EXO…","secret":"…"};
// the form people paste, `KEY:SECRET` (or the two separated by whitespace, as the portal shows them
// on two lines), is accepted too. Exoscale keys and secrets never contain ':' or whitespace.
// providers/ never imports vscode.
import { z, type ZodType } from 'zod';
import { decodeStoredCredentials, storedSecrets, type CredentialFormat } from '../storedCredentials';

export const PROVIDER_NAME = 'Exoscale';

export interface ExoscaleCredentials {
  key: string;
  secret: string;
}

/** The one string stored for an account. */
export function encodeExoscaleCredentials(key: string, secret: string): string {
  return JSON.stringify({ key: key.trim(), secret: secret.trim() });
}

/** Both end up in an HTTP header (the key) or an HMAC key (the secret): one line of visible characters. */
const required = (missing: string) => z.string({ error: missing }).trim().min(1, missing);

const StoredExoscale: ZodType<ExoscaleCredentials> = z.preprocess(
  // The names the portal, the CLI and the SDKs use for the two values.
  (o) => {
    if (!o || typeof o !== 'object') return o;
    const r = o as Record<string, unknown>;
    return { key: r.key ?? r.apiKey ?? r.api_key, secret: r.secret ?? r.apiSecret ?? r.api_secret };
  },
  z
    .object({ key: required('the API key is missing'), secret: required('the API secret is missing') })
    // Checked once both are there, so a missing one is named first; inner spaces or control
    // characters mean something else was pasted.
    .superRefine((c, ctx) => {
      if (/[\s,\p{Cc}]/u.test(c.key)) ctx.addIssue({ code: 'custom', message: 'the API key contains spaces, commas or control characters' });
      else if (/[\s\p{Cc}]/u.test(c.secret)) ctx.addIssue({ code: 'custom', message: 'the API secret contains spaces or control characters' });
    }),
);

/** `KEY:SECRET`, or the two separated by whitespace (the portal shows them on two lines). */
function exoscaleFromText(text: string): unknown {
  const colon = text.indexOf(':');
  if (colon >= 0) return { key: text.slice(0, colon), secret: text.slice(colon + 1) };
  const ws = /^(\S+)\s+(\S+)$/.exec(text);
  return ws ? { key: ws[1], secret: ws[2] } : undefined;
}

const EXOSCALE_FORMAT: CredentialFormat<ExoscaleCredentials> = {
  provider: PROVIDER_NAME,
  what: 'The Exoscale credentials',
  help: 'Enter the Exoscale API key and secret as KEY:SECRET (for example EXO1a2b…:xYz…), or as JSON {"key":"EXO…","secret":"…"}.',
  schema: StoredExoscale,
  fromText: exoscaleFromText,
  unknownText: 'only one value was given (an Exoscale account needs both the key and the secret)',
  secrets: (c) => [c.key, c.secret],
};

/** Reads the stored (or pasted) form; throws an ApiError of kind 'auth' that never contains the input. */
export function decodeExoscaleCredentials(stored: string): ExoscaleCredentials {
  return decodeStoredCredentials(EXOSCALE_FORMAT, stored);
}

/** Every string to redact for this stored secret: the whole string, the key and the secret. */
export function credentialSecrets(stored: string): string[] {
  return storedSecrets(EXOSCALE_FORMAT, stored);
}
