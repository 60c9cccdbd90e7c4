/** The live audit sources, one line each, with what to ask a person when adding an account. */
import type { ProviderId } from '../core/event';
import { CLOUD_ONE_REGIONS, conformityBaseUrl, LEGACY_REGIONS } from './conformity/client';
import { createConformityProvider } from './conformity/index';
import { CPLN_AUDIT_BASE } from './controlplane/client';
import { createControlPlaneProvider } from './controlplane/index';
import { CF_API_BASE, createCloudflareProvider, DISPLAY_NAME as CLOUDFLARE_NAME } from './cloudflare/index';
import { createExoscaleProvider, DEFAULT_ZONE, encodeExoscaleCredentials, EXOSCALE_ZONES, exoscaleBaseUrl } from './exoscale/index';
import { AWS_REGIONS, listAwsProfiles } from './awsCloudtrail/profiles';
import { awsSecretFromEnv, createAwsCloudTrailProvider, DEFAULT_REGION, encodeAwsCredentials } from './awsCloudtrail/index';
import type { LiveProvider } from './provider';

/** One answer asked for when adding an account's credentials. */
export interface SecretField {
  title: string;
  /** Shown as dots (default true). */
  password?: boolean;
  optional?: boolean;
  /** Offered as a pick list when there are any (AWS profile names); typing stays possible. */
  suggestions?: () => Promise<string[]>;
}

/** A way to give credentials: its answers become the one stored secret. */
export interface SecretMethod {
  label: string;
  detail?: string;
  fields: SecretField[];
  combine(answers: string[]): string;
}

export interface AccountPrompts {
  scopePrompt?: { title: string; placeholder: string; optional?: boolean };
  /** `many`: several may be picked, stored comma-separated (AWS regions). */
  regionPrompt?: { title: string; items: string[]; many?: boolean };
  /** The API's base URL for a region, offered (editable, for proxies and private endpoints) when adding an account. */
  defaultEndpoint(region?: string): string;
  /** One password box, or a choice of ways (each with its fields) that make the one stored secret. */
  secretPrompt: string | SecretMethod[];
}

/** How the command line gets the credential and what `--account` means for this provider. */
export interface CliSpec {
  /** Environment variables, named as the vendor's own tools name them. */
  env: readonly string[];
  /** The secret in its stored form from those variables; undefined when one is missing. */
  secret(env: Readonly<Record<string, string | undefined>>): string | undefined;
  /** `--account`: the account the API is called for (AccountConfig.scope) or a filter parameter. */
  account?: { scope: true } | { param: string };
}

export interface RegisteredProvider {
  provider: LiveProvider;
  prompts: AccountPrompts;
  cli: CliSpec;
}

const single = (name: string): CliSpec['secret'] => (env) => env[name] || undefined;

/**
 * The providers, each with `log` receiving one line per HTTP request (method, url with secrets
 * redacted, status, duration, page) — the extension sends them to its "Audit Logs" channel, the
 * CLI to stderr with --verbose.
 */
export function liveProviders(log?: (line: string) => void): ReadonlyMap<ProviderId, RegisteredProvider> {
  return new Map<ProviderId, RegisteredProvider>([
    [
      'cloudtrail',
      {
        provider: createAwsCloudTrailProvider({ log }),
        prompts: {
          regionPrompt: { title: 'AWS regions to query (pick one or more)', items: [...AWS_REGIONS], many: true },
          scopePrompt: { title: 'AWS account id, 12 digits (optional: for records that do not name it)', placeholder: '123456789012', optional: true },
          defaultEndpoint: (regions) => `https://cloudtrail.${(regions ?? DEFAULT_REGION).split(',')[0]}.amazonaws.com`,
          secretPrompt: [
            {
              label: 'An AWS profile',
              detail: 'from ~/.aws/config and ~/.aws/credentials: access keys, SSO (after aws sso login), assume-role',
              fields: [{ title: 'AWS profile name', password: false, suggestions: listAwsProfiles }],
              combine: ([profile]) => encodeAwsCredentials({ type: 'profile', profile }),
            },
            {
              label: 'The default credential chain',
              detail: 'AWS_PROFILE or AWS_ACCESS_KEY_ID in VS Code’s environment, SSO, the instance role…',
              fields: [],
              combine: () => encodeAwsCredentials({ type: 'default' }),
            },
            {
              label: 'An access key',
              detail: 'kept in VS Code secret storage',
              fields: [{ title: 'Access key id (AKIA… or ASIA…)', password: false }, { title: 'Secret access key' }, { title: 'Session token (only for temporary keys)', optional: true }],
              combine: ([accessKeyId, secretAccessKey, sessionToken]) => encodeAwsCredentials({ type: 'keys', accessKeyId, secretAccessKey, sessionToken }),
            },
          ],
        },
        // Like the AWS CLI: keys or AWS_PROFILE from the environment, else the SDK's default chain.
        cli: { env: ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'], secret: (env) => awsSecretFromEnv(env) ?? encodeAwsCredentials({ type: 'default' }), account: { scope: true } },
      },
    ],
    [
      'conformity',
      {
        provider: createConformityProvider({ log }),
        prompts: {
          regionPrompt: { title: 'Conformity region (where the account was created)', items: [...LEGACY_REGIONS, ...CLOUD_ONE_REGIONS] },
          defaultEndpoint: (region) => conformityBaseUrl(region),
          secretPrompt: 'Conformity API key (kept in VS Code secret storage)',
        },
        cli: { env: ['CONFORMITY_API_KEY'], secret: single('CONFORMITY_API_KEY'), account: { param: 'accountIds' } },
      },
    ],
    [
      'controlplane',
      {
        provider: createControlPlaneProvider({ log }),
        prompts: {
          scopePrompt: { title: 'Control Plane organization', placeholder: 'my-org' },
          defaultEndpoint: () => CPLN_AUDIT_BASE,
          secretPrompt: 'Control Plane service account key or token (kept in VS Code secret storage)',
        },
        cli: { env: ['CPLN_TOKEN'], secret: single('CPLN_TOKEN') },
      },
    ],
    [
      'exoscale',
      {
        provider: createExoscaleProvider({ log }),
        prompts: {
          regionPrompt: { title: `Exoscale zone (default ${DEFAULT_ZONE})`, items: [...EXOSCALE_ZONES] },
          scopePrompt: { title: 'Organization name, shown as the events’ account (optional)', placeholder: 'my-org', optional: true },
          defaultEndpoint: (zone) => exoscaleBaseUrl(zone),
          secretPrompt: [
            {
              label: 'API key and secret',
              fields: [{ title: 'Exoscale API key (EXO…)' }, { title: 'Exoscale API secret (kept in VS Code secret storage)' }],
              combine: ([key, secret]) => encodeExoscaleCredentials(key, secret),
            },
          ],
        },
        cli: {
          env: ['EXOSCALE_API_KEY', 'EXOSCALE_API_SECRET'],
          secret: (env) => (env.EXOSCALE_API_KEY && env.EXOSCALE_API_SECRET ? encodeExoscaleCredentials(env.EXOSCALE_API_KEY, env.EXOSCALE_API_SECRET) : undefined),
        },
      },
    ],
    [
      'cloudflare',
      {
        provider: createCloudflareProvider({ log }),
        prompts: {
          scopePrompt: { title: 'Cloudflare account id', placeholder: '023e105f4ecef8ad9ca31a8372d0c353' },
          defaultEndpoint: () => CF_API_BASE,
          secretPrompt: `${CLOUDFLARE_NAME} API token with "Cloudforce One Read" (kept in VS Code secret storage)`,
        },
        cli: { env: ['CLOUDFLARE_API_TOKEN'], secret: single('CLOUDFLARE_API_TOKEN'), account: { scope: true } },
      },
    ],
  ]);
}
