/**
 * The ~40 principals that act in the samples. Each keeps one principal id and one access key for
 * the whole run, as a real key would, so filtering by key or actor follows one story.
 */
import { Rng } from './prng';
import { Account, PROD, Region, SECURITY, STAGING } from './world';

export type IdentityType = 'IAMUser' | 'AssumedRole' | 'Root' | 'AWSService' | 'FederatedUser';

/** What an actor does: picks its share of the action catalog. */
export type Profile = 'admin' | 'developer' | 'readonly' | 'ci' | 'terraform' | 'app' | 'security' | 'root' | 'service' | 'linked';

/** How its requests reach AWS: decides the user agent. */
export type Agent = 'cli' | 'boto3' | 'console' | 'terraform' | 'java' | 'go' | 'lambda' | 'service';

/** When it works: office hours, CI bursts in the working day, or around the clock. */
export type Rhythm = 'office' | 'ci' | 'flat';

export interface Actor {
  key: string;
  account: Account;
  type: IdentityType;
  profile: Profile;
  agent: Agent;
  rhythm: Rhythm;
  /** Share of the account's events. Zero: only the story uses it. */
  weight: number;
  ips: string[];
  principalId: string;
  arn: string;
  accessKeyId?: string;
  userName?: string;
  /** For AssumedRole and FederatedUser: who issued the session. */
  issuer?: { type: 'Role' | 'IAMUser'; principalId: string; arn: string; userName: string };
  /** For AWSService, and for service-linked roles: the service that made the call. */
  service?: string;
  mfa: boolean;
  /** Console sessions carry sessionCredentialFromConsole. */
  console: boolean;
  /** Regions it works in, most used first; undefined: the account's usual spread. */
  regions?: Region[];
  /** Service prefixes (e.g. 's3', 'kms') an application restricts itself to. */
  uses?: string[];
}

interface Spec {
  type: IdentityType;
  name: string;
  profile: Profile;
  agent: Agent;
  rhythm: Rhythm;
  weight: number;
  ips: string[];
  /** AssumedRole: the role name (the actor name is the session name). FederatedUser: the issuing user. */
  via?: string;
  service?: string;
  mfa?: boolean;
  regions?: Region[];
  uses?: string[];
}

const APP_ORDERS = ['s3', 'dynamodb', 'sqs', 'sns', 'secretsmanager', 'ssm', 'kms', 'sts', 'logs', 'ecr'];

const SPECS: Record<string, Spec[]> = {
  [PROD]: [
    { type: 'IAMUser', name: 'alice', profile: 'admin', agent: 'cli', rhythm: 'office', weight: 5, ips: ['203.0.113.10'], mfa: true },
    { type: 'IAMUser', name: 'bob', profile: 'developer', agent: 'boto3', rhythm: 'office', weight: 6, ips: ['198.51.100.23', '198.51.100.24'] },
    { type: 'IAMUser', name: 'carol', profile: 'developer', agent: 'cli', rhythm: 'office', weight: 4, ips: ['203.0.113.11'] },
    { type: 'IAMUser', name: 'ci-deploy', profile: 'ci', agent: 'cli', rhythm: 'ci', weight: 6, ips: ['192.0.2.10'] },
    { type: 'IAMUser', name: 'terraform-ci', profile: 'terraform', agent: 'terraform', rhythm: 'ci', weight: 6, ips: ['192.0.2.11'] },
    { type: 'IAMUser', name: 'backup-svc', profile: 'app', agent: 'boto3', rhythm: 'flat', weight: 4, ips: ['192.0.2.40'], uses: ['s3', 'ec2', 'rds', 'dynamodb', 'kms', 'sts'] },
    { type: 'IAMUser', name: 'token-broker', profile: 'app', agent: 'go', rhythm: 'flat', weight: 1, ips: ['192.0.2.41'], uses: ['sts'] },
    { type: 'AssumedRole', name: 'alice@example.com', via: 'AWSReservedSSO_AdministratorAccess_4b2e1c9d0a7f3e65', profile: 'admin', agent: 'console', rhythm: 'office', weight: 5, ips: ['203.0.113.10'], mfa: true },
    { type: 'AssumedRole', name: 'erin@example.com', via: 'AWSReservedSSO_ReadOnlyAccess_9c81d2e4f5a60b37', profile: 'readonly', agent: 'console', rhythm: 'office', weight: 4, ips: ['198.51.100.57'], mfa: true },
    { type: 'AssumedRole', name: '8f14e45fceea167a5a36dedd4bea2543', via: 'orders-api-task', profile: 'app', agent: 'java', rhythm: 'flat', weight: 14, ips: ['192.0.2.50', '192.0.2.51'], uses: APP_ORDERS },
    { type: 'AssumedRole', name: 'prod-billing-reconcile', via: 'billing-lambda-role', profile: 'app', agent: 'lambda', rhythm: 'flat', weight: 6, ips: ['192.0.2.60'], uses: ['s3', 'dynamodb', 'secretsmanager', 'kms', 'logs', 'sts', 'sqs'] },
    { type: 'AssumedRole', name: 'i-0a1b2c3d4e5f67890', via: 'ec2-web-instance-role', profile: 'app', agent: 'go', rhythm: 'flat', weight: 6, ips: ['192.0.2.70'], uses: ['s3', 'ssm', 'ec2', 'logs', 'kms', 'sts', 'autoscaling'] },
    { type: 'AssumedRole', name: 'GitHubActions', via: 'GitHubActionsDeployRole', profile: 'terraform', agent: 'terraform', rhythm: 'ci', weight: 5, ips: ['192.0.2.12', '192.0.2.13'] },
    { type: 'AssumedRole', name: 'audit-scanner', via: 'SecurityAuditRole', profile: 'readonly', agent: 'boto3', rhythm: 'flat', weight: 3, ips: ['192.0.2.90'] },
    { type: 'AssumedRole', name: 'AWSConfig-Describe', via: 'AWSServiceRoleForConfig', service: 'config.amazonaws.com', profile: 'linked', agent: 'service', rhythm: 'flat', weight: 3, ips: [] },
    { type: 'AssumedRole', name: 'dana@example.com', via: 'IncidentResponderRole', profile: 'security', agent: 'cli', rhythm: 'office', weight: 0, ips: ['203.0.113.15'], mfa: true },
    { type: 'Root', name: 'root', profile: 'root', agent: 'console', rhythm: 'office', weight: 0.15, ips: ['203.0.113.10'], mfa: true },
    { type: 'FederatedUser', name: 'partner-upload', via: 'token-broker', profile: 'app', agent: 'go', rhythm: 'office', weight: 2, ips: ['198.51.100.200'], uses: ['s3'] },
    { type: 'AWSService', name: 'lambda', service: 'lambda.amazonaws.com', profile: 'service', agent: 'service', rhythm: 'flat', weight: 3, ips: [] },
    { type: 'AWSService', name: 'ecs-tasks', service: 'ecs-tasks.amazonaws.com', profile: 'service', agent: 'service', rhythm: 'flat', weight: 3, ips: [] },
    { type: 'AWSService', name: 'ec2', service: 'ec2.amazonaws.com', profile: 'service', agent: 'service', rhythm: 'flat', weight: 2, ips: [] },
    { type: 'AWSService', name: 'cloudtrail', service: 'cloudtrail.amazonaws.com', profile: 'service', agent: 'service', rhythm: 'flat', weight: 2, ips: [] },
    // Only the story: bob's staging SSO session assumes this cross-account role the evening before the incident.
    { type: 'AssumedRole', name: 'bob@example.com', via: 'ReleaseManagerRole', profile: 'admin', agent: 'cli', rhythm: 'office', weight: 0, ips: ['198.51.100.23'] },
  ],
  [STAGING]: [
    { type: 'IAMUser', name: 'dave', profile: 'developer', agent: 'cli', rhythm: 'office', weight: 6, ips: ['198.51.100.31'] },
    { type: 'IAMUser', name: 'ci-staging', profile: 'ci', agent: 'cli', rhythm: 'ci', weight: 6, ips: ['192.0.2.20'] },
    { type: 'IAMUser', name: 'terraform-staging', profile: 'terraform', agent: 'terraform', rhythm: 'ci', weight: 6, ips: ['192.0.2.21'] },
    { type: 'AssumedRole', name: 'bob@example.com', via: 'AWSReservedSSO_PowerUserAccess_27d3a9b8c1e04f56', profile: 'developer', agent: 'console', rhythm: 'office', weight: 6, ips: ['198.51.100.23'], mfa: true },
    { type: 'AssumedRole', name: 'alice@example.com', via: 'AWSReservedSSO_AdministratorAccess_61f0e2d3c4b5a697', profile: 'admin', agent: 'cli', rhythm: 'office', weight: 3, ips: ['203.0.113.10'], mfa: true },
    { type: 'AssumedRole', name: '0c6d1f7e9a2b4c3d8e5f60718293a4b5', via: 'orders-api-task', profile: 'app', agent: 'java', rhythm: 'flat', weight: 8, ips: ['192.0.2.52'], uses: APP_ORDERS },
    { type: 'AssumedRole', name: 'loadtest', via: 'load-test-runner', profile: 'app', agent: 'boto3', rhythm: 'office', weight: 5, ips: ['192.0.2.80'], uses: ['ssm', 'dynamodb', 'sqs', 'sts', 's3'] },
    { type: 'AssumedRole', name: 'frank', via: 'OrganizationAccountAccessRole', profile: 'admin', agent: 'cli', rhythm: 'office', weight: 2, ips: ['203.0.113.12'], mfa: true },
    { type: 'Root', name: 'root', profile: 'root', agent: 'console', rhythm: 'office', weight: 0.1, ips: ['203.0.113.12'], mfa: true },
    { type: 'FederatedUser', name: 'qa-tester', via: 'ci-staging', profile: 'developer', agent: 'boto3', rhythm: 'office', weight: 2, ips: ['198.51.100.88'] },
    { type: 'AWSService', name: 'lambda', service: 'lambda.amazonaws.com', profile: 'service', agent: 'service', rhythm: 'flat', weight: 3, ips: [] },
    { type: 'AWSService', name: 'ecs-tasks', service: 'ecs-tasks.amazonaws.com', profile: 'service', agent: 'service', rhythm: 'flat', weight: 2, ips: [] },
    { type: 'AWSService', name: 'autoscaling', service: 'autoscaling.amazonaws.com', profile: 'service', agent: 'service', rhythm: 'flat', weight: 1, ips: [] },
  ],
  [SECURITY]: [
    { type: 'IAMUser', name: 'grace', profile: 'security', agent: 'cli', rhythm: 'office', weight: 5, ips: ['203.0.113.14'], mfa: true },
    { type: 'IAMUser', name: 'heidi', profile: 'security', agent: 'console', rhythm: 'office', weight: 4, ips: ['198.51.100.64'], mfa: true },
    { type: 'AssumedRole', name: 'dana@example.com', via: 'AWSReservedSSO_SecurityAudit_5e7f8a9b0c1d2e3f', profile: 'security', agent: 'console', rhythm: 'office', weight: 4, ips: ['203.0.113.15'], mfa: true },
    { type: 'AssumedRole', name: 'guardduty-export', via: 'guardduty-export-lambda-role', profile: 'app', agent: 'lambda', rhythm: 'flat', weight: 4, ips: ['192.0.2.91'], uses: ['guardduty', 's3', 'kms', 'sts', 'logs'] },
    { type: 'AssumedRole', name: 'siem-ingest', via: 'SIEMIngestRole', profile: 'app', agent: 'java', rhythm: 'flat', weight: 6, ips: ['192.0.2.95'], uses: ['s3', 'kms', 'sqs', 'sts'] },
    { type: 'AssumedRole', name: 'GuardDutySession', via: 'AWSServiceRoleForAmazonGuardDuty', service: 'guardduty.amazonaws.com', profile: 'linked', agent: 'service', rhythm: 'flat', weight: 3, ips: [] },
    { type: 'AssumedRole', name: 'AWSConfig-Describe', via: 'AWSServiceRoleForConfig', service: 'config.amazonaws.com', profile: 'linked', agent: 'service', rhythm: 'flat', weight: 2, ips: [] },
    { type: 'Root', name: 'root', profile: 'root', agent: 'console', rhythm: 'office', weight: 0.1, ips: ['203.0.113.14'], mfa: true },
    { type: 'AWSService', name: 'cloudtrail', service: 'cloudtrail.amazonaws.com', profile: 'service', agent: 'service', rhythm: 'flat', weight: 2, ips: [] },
    { type: 'AWSService', name: 'lambda', service: 'lambda.amazonaws.com', profile: 'service', agent: 'service', rhythm: 'flat', weight: 1, ips: [] },
  ],
};

function build(rng: Rng, account: Account, s: Spec, userIds: Map<string, string>): Actor {
  const base = {
    key: `${account.alias}/${s.type}/${s.via ? s.via + '/' : ''}${s.name}`,
    account,
    type: s.type,
    profile: s.profile,
    agent: s.agent,
    rhythm: s.rhythm,
    weight: s.weight,
    ips: s.ips,
    mfa: s.mfa ?? false,
    console: s.agent === 'console',
    service: s.service,
    regions: s.regions,
    uses: s.uses,
  };
  const a = account.id;
  switch (s.type) {
    case 'IAMUser': {
      const principalId = userIds.get(`${a}/${s.name}`) ?? `AIDA${rng.upper(17)}`;
      userIds.set(`${a}/${s.name}`, principalId);
      return {
        ...base,
        principalId,
        arn: `arn:aws:iam::${a}:user/${s.name}`,
        accessKeyId: `${s.agent === 'console' ? 'ASIA' : 'AKIA'}${rng.upper(16)}`,
        userName: s.name,
      };
    }
    case 'AssumedRole': {
      const roleId = `AROA${rng.upper(17)}`;
      const role = s.via ?? 'UnknownRole';
      const path = role.startsWith('AWSReservedSSO_')
        ? 'aws-reserved/sso.amazonaws.com/'
        : role.startsWith('AWSServiceRoleFor')
          ? `aws-service-role/${s.service ?? 'unknown.amazonaws.com'}/`
          : '';
      return {
        ...base,
        principalId: `${roleId}:${s.name}`,
        arn: `arn:aws:sts::${a}:assumed-role/${role}/${s.name}`,
        accessKeyId: `ASIA${rng.upper(16)}`,
        issuer: { type: 'Role', principalId: roleId, arn: `arn:aws:iam::${a}:role/${path}${role}`, userName: role },
      };
    }
    case 'FederatedUser': {
      const brokerName = s.via ?? 'token-broker';
      const brokerId = userIds.get(`${a}/${brokerName}`) ?? `AIDA${rng.upper(17)}`;
      userIds.set(`${a}/${brokerName}`, brokerId);
      return {
        ...base,
        principalId: `${a}:${s.name}`,
        arn: `arn:aws:sts::${a}:federated-user/${s.name}`,
        accessKeyId: `ASIA${rng.upper(16)}`,
        issuer: { type: 'IAMUser', principalId: brokerId, arn: `arn:aws:iam::${a}:user/${brokerName}`, userName: brokerName },
      };
    }
    case 'Root':
      return { ...base, principalId: a, arn: `arn:aws:iam::${a}:root`, accessKeyId: `ASIA${rng.upper(16)}` };
    case 'AWSService':
      return { ...base, principalId: '', arn: '', service: s.service };
  }
}

export function makeActors(rng: Rng, accounts: Account[]): Actor[] {
  const out: Actor[] = [];
  for (const account of accounts) {
    const r = rng.fork(`actors/${account.id}`);
    const userIds = new Map<string, string>();
    for (const s of SPECS[account.id] ?? []) out.push(build(r, account, s, userIds));
  }
  return out;
}

export function findActor(actors: Actor[], account: string, type: IdentityType, name: string): Actor {
  const a = actors.find((x) => x.account.id === account && x.type === type && x.key.endsWith(`/${name}`));
  if (!a) throw new Error(`no actor ${account} ${type} ${name}`);
  return a;
}
