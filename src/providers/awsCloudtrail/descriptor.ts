/** AWS CloudTrail (LookupEvents) as a live source: what to ask, what the CLI reads, what it can do. */
// Getters: the prompts are read when shown, in the display language (@vscode/l10n; the CLI stays English).
import * as l10n from '@vscode/l10n';
import { defineProvider } from '../descriptor';
import { AWS_REGIONS, listAwsProfiles } from './profiles';
import { awsSecretFromEnv, createAwsCloudTrailProvider, DEFAULT_REGION, encodeAwsCredentials, PROVIDER_NAME } from './index';

export const awsCloudtrailDescriptor = defineProvider({
  // 'cloudtrail' is stored with every AWS account in global state: it stays.
  id: 'cloudtrail',
  displayName: PROVIDER_NAME,
  get credentialKinds() { return [l10n.t('AWS profile'), l10n.t('default credential chain'), l10n.t('access key')]; },
  account: {
    regionPrompt: { get title() { return l10n.t('AWS regions to query (pick one or more)'); }, items: AWS_REGIONS, many: true },
    scopePrompt: { get title() { return l10n.t('AWS account id, 12 digits (optional: for records that do not name it)'); }, placeholder: '123456789012', optional: true },
    defaultEndpoint: (regions) => `https://cloudtrail.${(regions ?? DEFAULT_REGION).split(',')[0]}.amazonaws.com`,
    secretPrompt: [
      {
        get label() { return l10n.t('An AWS profile'); },
        get detail() { return l10n.t('from ~/.aws/config and ~/.aws/credentials: access keys, SSO (after aws sso login), assume-role'); },
        fields: [{ get title() { return l10n.t('AWS profile name'); }, password: false, suggestions: listAwsProfiles }],
        combine: ([profile]) => encodeAwsCredentials({ type: 'profile', profile }),
      },
      {
        get label() { return l10n.t('The default credential chain'); },
        get detail() { return l10n.t('AWS_PROFILE or AWS_ACCESS_KEY_ID in VS Code’s environment, SSO, the instance role…'); },
        fields: [],
        combine: () => encodeAwsCredentials({ type: 'default' }),
      },
      {
        get label() { return l10n.t('An access key'); },
        get detail() { return l10n.t('kept in VS Code secret storage'); },
        fields: [{ get title() { return l10n.t('Access key id (AKIA… or ASIA…)'); }, password: false }, { get title() { return l10n.t('Secret access key'); } }, { get title() { return l10n.t('Session token (only for temporary keys)'); }, optional: true }],
        combine: ([accessKeyId, secretAccessKey, sessionToken]) => encodeAwsCredentials({ type: 'keys', accessKeyId, secretAccessKey, sessionToken }),
      },
    ],
  },
  // Like the AWS CLI: keys or AWS_PROFILE from the environment, else the SDK's default chain.
  cli: {
    env: ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'],
    credentialsHelp: "the AWS SDK's default chain (AWS_PROFILE, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, SSO)",
    secret: (env) => awsSecretFromEnv(env) ?? encodeAwsCredentials({ type: 'default' }),
    flags: [
      { name: 'region', value: 'R', multiple: true, to: 'region', help: `a region to query, repeatable (default ${DEFAULT_REGION})` },
      { name: 'account', value: 'ID', to: 'scope', help: 'the AWS account id, for records that do not name it' },
    ],
  },
  capabilities: { pushDown: true, scopes: true, aggregates: false, writes: false, location: 'regions', awsCredentials: true },
  create: ({ log }) => createAwsCloudTrailProvider({ log }),
});
