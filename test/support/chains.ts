/**
 * Hand-made CloudTrail records for session chains: an SSO user taking a role and then a role in
 * another account, a key created during an incident and used from another IP, a chain that leaves the
 * loaded data. Shared by the unit, CLI and webview tests.
 */
type Rec = Record<string, unknown>;

export const ACCT_A = '111122223333';
export const ACCT_B = '444455556666';
export const SSO_ROLE_ARN = `arn:aws:sts::${ACCT_A}:assumed-role/AWSReservedSSO_AdminAccess_0a1b2c3d4e5f6789/alice@corp`;
export const ALICE_KEY = 'ASIAALICESSO00000001';
export const ORG_KEY = 'ASIAORGADMIN00000001';
export const BACKUP_KEY = 'AKIABACKUPSVC0000001';
export const DEPLOYER_KEY = 'ASIADEPLOYER00000001';
export const ATTACKER_IP = '203.0.113.250';

let n = 0;
function id(): string {
  n++;
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

export function event(name: string, time: string, userIdentity: Rec, extra: Rec = {}): Rec {
  return {
    eventVersion: '1.09',
    eventID: id(),
    eventTime: time,
    eventName: name,
    eventSource: extra.eventSource ?? 'sts.amazonaws.com',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    recipientAccountId: (userIdentity.accountId as string | undefined) ?? ACCT_A,
    userIdentity,
    ...extra,
  };
}

export const ssoUser = (user: string): Rec => ({ type: 'Unknown', principalId: `${ACCT_A}:${user}`, accountId: ACCT_A, userName: user });

export const ssoSession = (): Rec => ({
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLESSO:alice@corp',
  arn: SSO_ROLE_ARN,
  accountId: ACCT_A,
  accessKeyId: ALICE_KEY,
  sessionContext: { sessionIssuer: { type: 'Role', userName: 'AWSReservedSSO_AdminAccess_0a1b2c3d4e5f6789', accountId: ACCT_A } },
});

export const orgAdminSession = (): Rec => ({
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLEORG:alice-session',
  arn: `arn:aws:sts::${ACCT_B}:assumed-role/OrgAdmin/alice-session`,
  accountId: ACCT_B,
  accessKeyId: ORG_KEY,
  sessionContext: { sessionIssuer: { type: 'Role', userName: 'OrgAdmin', accountId: ACCT_B } },
});

/** GetRoleCredentials (Identity Center), AssumeRole into account B, then work in B. */
export function ssoChain(): { grc: Rec; assume: Rec; work: Rec } {
  const grc = event('GetRoleCredentials', '2024-05-01T10:00:00Z', ssoUser('alice@corp'), {
    eventSource: 'sso.amazonaws.com',
    requestParameters: { roleName: 'AdminAccess', accountId: ACCT_A },
    responseElements: null,
  });
  const assume = event('AssumeRole', '2024-05-01T10:05:00Z', ssoSession(), {
    requestParameters: { roleArn: `arn:aws:iam::${ACCT_B}:role/OrgAdmin`, roleSessionName: 'alice-session' },
    responseElements: {
      credentials: { accessKeyId: ORG_KEY, expiration: 'May 1, 2024, 11:05:00 AM' },
      assumedRoleUser: { assumedRoleId: 'AROAEXAMPLEORG:alice-session', arn: `arn:aws:sts::${ACCT_B}:assumed-role/OrgAdmin/alice-session` },
    },
  });
  const work = event('StopLogging', '2024-05-01T10:10:00Z', orgAdminSession(), { eventSource: 'cloudtrail.amazonaws.com', recipientAccountId: ACCT_B });
  return { grc, assume, work };
}

/** During the incident alice's SSO session creates a key for backup-svc; it is used from elsewhere. */
export function keyChain(): { create: Rec; use: Rec } {
  const create = event('CreateAccessKey', '2024-05-01T10:20:00Z', ssoSession(), {
    eventSource: 'iam.amazonaws.com',
    requestParameters: { userName: 'backup-svc' },
    responseElements: { accessKey: { accessKeyId: BACKUP_KEY, status: 'Active', userName: 'backup-svc', createDate: 'May 1, 2024 10:20:00 AM' } },
  });
  const use = event(
    'ListBuckets',
    '2024-05-01T11:00:00Z',
    { type: 'IAMUser', principalId: 'AIDABACKUPSVC', arn: `arn:aws:iam::${ACCT_A}:user/backup-svc`, accountId: ACCT_A, accessKeyId: BACKUP_KEY, userName: 'backup-svc' },
    { eventSource: 's3.amazonaws.com', sourceIPAddress: ATTACKER_IP },
  );
  return { create, use };
}

/** A role session whose AssumeRole happened before the loaded data, and a role it chains into. */
export function outsideChain(): { work: Rec; assume: Rec; chained: Rec } {
  const deployer: Rec = {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${ACCT_A}:assumed-role/Deployer/ci-run-7`,
    accountId: ACCT_A,
    accessKeyId: DEPLOYER_KEY,
    sessionContext: { sessionIssuer: { type: 'Role', userName: 'Deployer', accountId: ACCT_A } },
  };
  const work = event('PutObject', '2024-05-01T09:00:00Z', deployer, { eventSource: 's3.amazonaws.com' });
  const assume = event('AssumeRole', '2024-05-01T09:01:00Z', deployer, {
    requestParameters: { roleArn: `arn:aws:iam::${ACCT_B}:role/Reader` },
    responseElements: { credentials: { accessKeyId: 'ASIAREADER000000001' }, assumedRoleUser: { arn: `arn:aws:sts::${ACCT_B}:assumed-role/Reader/ci-run-7` } },
  });
  const chained = event('GetObject', '2024-05-01T09:02:00Z', {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${ACCT_B}:assumed-role/Reader/ci-run-7`,
    accountId: ACCT_B,
    accessKeyId: 'ASIAREADER000000001',
    sessionContext: { sessionIssuer: { type: 'Role', userName: 'Reader', accountId: ACCT_B } },
  }, { eventSource: 's3.amazonaws.com' });
  return { work, assume, chained };
}

export function recordsFile(records: Rec[]): string {
  return JSON.stringify({ Records: records });
}
