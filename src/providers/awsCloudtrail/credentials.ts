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
import { z, type ZodType } from 'zod';
import { decodeStoredCredentials, storedSecrets, type CredentialFormat } from '../storedCredentials';

export const PROVIDER_NAME = 'AWS CloudTrail';

export type AwsCredentials =
  | { type: 'profile'; profile: string }
  | { type: 'default' }
  | { type: 'keys'; accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** Text that must be one line of visible characters. */
const PLAIN = /[\s\p{Cc}]/u;

/** A required text field: missing, not text or blank all read as missing. */
const required = (missing: string) => z.string({ error: missing }).trim().min(1, missing);

const Profile = z.object({
  type: z.literal('profile'),
  profile: z
    .string({ error: 'the profile name is missing' })
    .refine((p) => p.trim() !== '', 'the profile name is missing')
    // Profile names are section names of an ini file: no brackets, line breaks or control characters.
    .refine((p) => !/[[\]\p{Cc}]/u.test(p), 'the profile name contains brackets or control characters')
    .transform((p) => p.trim()),
});

const Keys = z
  .object({
    type: z.literal('keys'),
    accessKeyId: required('the access key id is missing'),
    secretAccessKey: required('the secret access key is missing'),
    sessionToken: z
      .string({ error: 'the session token is not text' })
      .nullish()
      .transform((t) => t?.trim() || undefined),
  })
  // Checked once every field is there, so a missing one is named first.
  .superRefine((k, ctx) => {
    // The id goes into the Authorization header's credential scope; anything else means a wrong paste.
    if (!/^[A-Z0-9]{16,128}$/.test(k.accessKeyId)) ctx.addIssue({ code: 'custom', message: 'the access key id should be 16 or more capital letters and digits (AKIA…, ASIA…)' });
    else if (PLAIN.test(k.secretAccessKey)) ctx.addIssue({ code: 'custom', message: 'the secret access key contains spaces or control characters' });
    else if (k.sessionToken !== undefined && PLAIN.test(k.sessionToken)) ctx.addIssue({ code: 'custom', message: 'the session token contains spaces or control characters' });
  })
  .transform(({ accessKeyId, secretAccessKey, sessionToken }): AwsCredentials =>
    sessionToken === undefined ? { type: 'keys', accessKeyId, secretAccessKey } : { type: 'keys', accessKeyId, secretAccessKey, sessionToken },
  );

/** The JSON form; `type` may be left out when `profile` or `accessKeyId` says which. */
const StoredAws: ZodType<AwsCredentials> = z.preprocess(
  (o) => {
    if (!o || typeof o !== 'object') return o;
    const r = o as Record<string, unknown>;
    const type = typeof r.type === 'string' ? r.type.toLowerCase() : r.profile !== undefined ? 'profile' : r.accessKeyId !== undefined ? 'keys' : '';
    return { ...r, type };
  },
  z.discriminatedUnion('type', [Profile, z.object({ type: z.literal('default') }), Keys], { error: '"type" must be "profile", "default" or "keys"' }),
);

/** AWS secret keys and session tokens are base64-like and never contain ':'. */
function awsFromText(text: string): unknown {
  if (text.toLowerCase() === 'default') return { type: 'default' };
  if (/^profile:/i.test(text)) return { type: 'profile', profile: text.slice('profile:'.length) };
  const parts = text.split(':');
  if (parts.length === 2 || parts.length === 3) return { type: 'keys', accessKeyId: parts[0], secretAccessKey: parts[1], sessionToken: parts[2] };
  return undefined;
}

const AWS_FORMAT: CredentialFormat<AwsCredentials> = {
  provider: PROVIDER_NAME,
  what: 'The AWS credentials',
  help:
    'Give an AWS profile name as {"type":"profile","profile":"NAME"} (or profile:NAME), {"type":"default"} for the SDK default chain, ' +
    'or access keys as {"type":"keys","accessKeyId":"AKIA…","secretAccessKey":"…"} (or ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]).',
  schema: StoredAws,
  fromText: awsFromText,
  unknownText: 'the text is neither JSON, profile:NAME, default, nor ACCESS_KEY_ID:SECRET_ACCESS_KEY',
  secrets: (c) => (c.type === 'keys' ? [c.secretAccessKey, ...(c.sessionToken ? [c.sessionToken] : [])] : []),
};

/** The one string stored for an account. */
export function encodeAwsCredentials(c: AwsCredentials): string {
  if (c.type === 'profile') return JSON.stringify({ type: 'profile', profile: c.profile.trim() });
  if (c.type === 'default') return JSON.stringify({ type: 'default' });
  const out: Record<string, string> = { type: 'keys', accessKeyId: c.accessKeyId.trim(), secretAccessKey: c.secretAccessKey.trim() };
  if (c.sessionToken && c.sessionToken.trim()) out.sessionToken = c.sessionToken.trim();
  return JSON.stringify(out);
}

/** Reads the stored (or pasted) form; throws an ApiError of kind 'auth' that never contains the input. */
export function decodeAwsCredentials(stored: string): AwsCredentials {
  return decodeStoredCredentials(AWS_FORMAT, stored);
}

/** Every string that must never appear in a message or log line for this stored secret. */
export function secretsOf(stored: string): string[] {
  return storedSecrets(AWS_FORMAT, stored);
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
