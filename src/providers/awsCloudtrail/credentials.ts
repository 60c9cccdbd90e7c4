// An AWS account entry keeps one secret string (SecretStorage, the CLI's --secret). Its stored form
// is JSON naming where the credentials come from:
//   {"type":"profile","profile":"dev"}    a profile of the shared config/credentials files (fromIni:
//                                         static keys, SSO, assume-role, credential_process)
//   {"type":"default"}                    the SDK's Node default chain (env, SSO, ini, IMDS, …)
//   {"type":"keys","accessKeyId":"AKIA…","secretAccessKey":"…","sessionToken":"…"}
// The forms people paste are accepted too: `profile:NAME`, `default`, `KEYID:SECRET[:TOKEN]` (AWS
// secret keys and session tokens are base64-like and never contain ':').
// The secret key and session token are secrets; the access key id is not (AWS prints it in
// CloudTrail records and error messages), so messages may name it. providers/ never imports vscode.
import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { ApiError } from '../../core/errors';

export const PROVIDER_NAME = 'AWS CloudTrail';

export type AwsCredentials =
  | { type: 'profile'; profile: string }
  | { type: 'default' }
  | { type: 'keys'; accessKeyId: string; secretAccessKey: string; sessionToken?: string };

const HELP =
  'Give an AWS profile name as {"type":"profile","profile":"NAME"} (or profile:NAME), {"type":"default"} for the SDK default chain, ' +
  'or access keys as {"type":"keys","accessKeyId":"AKIA…","secretAccessKey":"…"} (or ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]).';

function malformed(why: string): ApiError {
  // Never echo the input: it may hold a secret key.
  return new ApiError({ kind: 'auth', provider: PROVIDER_NAME, url: '', message: `The AWS credentials are not usable: ${why}. ${HELP}` });
}

/** The one string stored for an account. */
export function encodeAwsCredentials(c: AwsCredentials): string {
  if (c.type === 'profile') return JSON.stringify({ type: 'profile', profile: c.profile.trim() });
  if (c.type === 'default') return JSON.stringify({ type: 'default' });
  const out: Record<string, string> = { type: 'keys', accessKeyId: c.accessKeyId.trim(), secretAccessKey: c.secretAccessKey.trim() };
  if (c.sessionToken && c.sessionToken.trim()) out.sessionToken = c.sessionToken.trim();
  return JSON.stringify(out);
}

function checkKeys(id: unknown, secret: unknown, token: unknown): AwsCredentials {
  if (typeof id !== 'string' || id.trim() === '') throw malformed('the access key id is missing');
  if (typeof secret !== 'string' || secret.trim() === '') throw malformed('the secret access key is missing');
  if (token !== undefined && token !== null && typeof token !== 'string') throw malformed('the session token is not text');
  const k = id.trim();
  // The id goes into the Authorization header's credential scope; anything else means a wrong paste.
  if (!/^[A-Z0-9]{16,128}$/.test(k)) throw malformed('the access key id should be 16 or more capital letters and digits (AKIA…, ASIA…)');
  if (/[\s\p{Cc}]/u.test(secret.trim())) throw malformed('the secret access key contains spaces or control characters');
  const t = typeof token === 'string' && token.trim() !== '' ? token.trim() : undefined;
  if (t !== undefined && /[\s\p{Cc}]/u.test(t)) throw malformed('the session token contains spaces or control characters');
  return t === undefined ? { type: 'keys', accessKeyId: k, secretAccessKey: secret.trim() } : { type: 'keys', accessKeyId: k, secretAccessKey: secret.trim(), sessionToken: t };
}

function checkProfile(p: unknown): AwsCredentials {
  if (typeof p !== 'string' || p.trim() === '') throw malformed('the profile name is missing');
  // Profile names are section names of an ini file: no brackets, line breaks or control characters.
  if (/[[\]\p{Cc}]/u.test(p)) throw malformed('the profile name contains brackets or control characters');
  return { type: 'profile', profile: p.trim() };
}

/** Reads the stored (or pasted) form; throws an ApiError of kind 'auth' that never contains the input. */
export function decodeAwsCredentials(stored: string): AwsCredentials {
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
    const type = typeof o.type === 'string' ? o.type.toLowerCase() : o.profile !== undefined ? 'profile' : o.accessKeyId !== undefined ? 'keys' : '';
    if (type === 'profile') return checkProfile(o.profile);
    if (type === 'default') return { type: 'default' };
    if (type === 'keys') return checkKeys(o.accessKeyId, o.secretAccessKey, o.sessionToken);
    throw malformed('"type" must be "profile", "default" or "keys"');
  }
  if (text.toLowerCase() === 'default') return { type: 'default' };
  if (/^profile:/i.test(text)) return checkProfile(text.slice('profile:'.length));
  const parts = text.split(':');
  if (parts.length === 2 || parts.length === 3) return checkKeys(parts[0], parts[1], parts[2]);
  throw malformed('the text is neither JSON, profile:NAME, default, nor ACCESS_KEY_ID:SECRET_ACCESS_KEY');
}

/** Every string that must never appear in a message or log line for this stored secret. */
export function secretsOf(stored: string): string[] {
  const out = [stored];
  try {
    const c = decodeAwsCredentials(stored);
    if (c.type === 'keys') {
      out.push(c.secretAccessKey);
      if (c.sessionToken) out.push(c.sessionToken);
    }
  } catch {
    // Undecodable: the whole string is all there is to hide.
  }
  return out.filter((s) => s.length > 0);
}

/** The `aws` CLI hint for this credential source, used in expired/SSO messages. */
export function loginHint(c: AwsCredentials | undefined): string {
  if (c?.type === 'profile') return `run \`aws sso login --profile ${c.profile}\` (for an SSO profile) or refresh the profile's keys`;
  if (c?.type === 'keys') return c.sessionToken ? 'get a new session token (temporary keys expire) or replace the keys' : 'replace the keys';
  return 'run `aws sso login` (for an SSO profile) or refresh the keys the default chain finds';
}

/** Who the credentials are, for messages: never the secret parts. */
export function describeCredentials(c: AwsCredentials): string {
  if (c.type === 'profile') return `profile ${c.profile}`;
  if (c.type === 'default') return 'the default credential chain';
  return `access key ${c.accessKeyId}`;
}

export interface CredentialOptions {
  /** Where fromIni looks (tests); otherwise AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE / ~/.aws. */
  configFilepath?: string;
  filepath?: string;
}

/**
 * The SDK credential provider for the decoded secret. Profiles are read with `ignoreCache` so an edited
 * config file (a new profile, `aws configure`) is seen on the next fetch without restarting the editor;
 * the SDK's credentials cache per client still avoids re-resolving for every page.
 */
export function credentialsFor(c: AwsCredentials, opts: CredentialOptions = {}): AwsCredentialIdentityProvider {
  if (c.type === 'keys') {
    const identity: AwsCredentialIdentity = c.sessionToken
      ? { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken }
      : { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
    return async () => identity;
  }
  const files = { ...(opts.configFilepath ? { configFilepath: opts.configFilepath } : {}), ...(opts.filepath ? { filepath: opts.filepath } : {}) };
  if (c.type === 'profile') return fromIni({ profile: c.profile, ignoreCache: true, ...files });
  return fromNodeProviderChain({ ignoreCache: true, ...files });
}

/**
 * credentialsFor, resolved once for all the clients of one session (every region's CloudTrail client,
 * the S3 and CloudTrail clients of a bucket): a profile's SSO or assume-role call runs once. A failed
 * resolution is forgotten, so the next call tries again.
 */
export function sharedCredentialsFor(c: AwsCredentials, opts: CredentialOptions = {}): AwsCredentialIdentityProvider {
  const base = credentialsFor(c, opts);
  let pending: ReturnType<AwsCredentialIdentityProvider> | undefined;
  return (...args) => {
    if (!pending) {
      pending = base(...args);
      pending.catch(() => {
        pending = undefined;
      });
    }
    return pending;
  };
}

/**
 * The stored secret from the environment variables the AWS CLI reads (for the command line):
 * keys when AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set, else AWS_PROFILE, else undefined.
 */
export function awsSecretFromEnv(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return encodeAwsCredentials({ type: 'keys', accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN });
  }
  if (env.AWS_PROFILE) return encodeAwsCredentials({ type: 'profile', profile: env.AWS_PROFILE });
  return undefined;
}
