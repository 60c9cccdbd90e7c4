/**
 * The one decoder for the secret string an account entry keeps (SecretStorage, the CLI's --secret)
 * when a provider needs more than one token in it. A provider gives a format: a zod schema for the
 * stored JSON form (its issue messages say what is wrong), the pasted text forms it also accepts, and
 * which parts are secret. Errors are ApiErrors of kind 'auth' that never echo the input, which may
 * hold a secret. providers/ never imports vscode.
 */
import type { ZodType } from 'zod';
import { ApiError } from '../core/errors';

export interface CredentialFormat<T> {
  /** The provider's display name, for the ApiError. */
  provider: string;
  /** How messages name the credentials ("The AWS credentials"). */
  what: string;
  /** What to give instead, added to every refusal. */
  help: string;
  /** Checks the object the JSON form (or a text form) gives; the first issue's message is the refusal. */
  schema: ZodType<T>;
  /** A text form that is not JSON as the object `schema` checks, or undefined when it is none of them. */
  fromText(text: string): unknown;
  /** Why a text in no known form is refused. */
  unknownText: string;
  /** The parts of decoded credentials that must never appear in a message or log line. */
  secrets(c: T): string[];
}

function refusal(format: CredentialFormat<unknown>, why: string): ApiError {
  return new ApiError({ kind: 'auth', provider: format.provider, url: '', message: `${format.what} are not usable: ${why}. ${format.help}` });
}

/** Reads the stored (or pasted) form; throws an ApiError of kind 'auth' that never contains the input. */
export function decodeStoredCredentials<T>(format: CredentialFormat<T>, stored: string): T {
  const text = (stored ?? '').trim();
  if (text === '') throw refusal(format, 'nothing was given');
  let candidate: unknown;
  if (text.startsWith('{')) {
    try {
      candidate = JSON.parse(text);
    } catch {
      throw refusal(format, 'it looks like JSON but does not parse');
    }
    if (!candidate || typeof candidate !== 'object' || Array.isArray(candidate)) throw refusal(format, 'the JSON is not an object');
  } else {
    candidate = format.fromText(text);
    if (candidate === undefined) throw refusal(format, format.unknownText);
  }
  const parsed = format.schema.safeParse(candidate);
  if (!parsed.success) throw refusal(format, parsed.error.issues[0]?.message ?? 'it is in no known form');
  return parsed.data;
}

/** Every string to redact for a stored secret: the whole string (as given and trimmed) and each secret part. */
export function storedSecrets<T>(format: CredentialFormat<T>, stored: string): string[] {
  const out = [stored, stored.trim()];
  try {
    out.push(...format.secrets(decodeStoredCredentials(format, stored)));
  } catch {
    // Undecodable: the whole string is all there is to hide.
  }
  return [...new Set(out)].filter((s) => s.length > 0);
}
