/** Catalog: identity, sign-in, keys, secrets, logging, messaging and security services. */
import { Action, act, BUILD, Ctx, HUMAN, iso, kmsArn, LOOKERS, OPS, pick, roleArn } from './action';
import type { Rng } from './prng';
import { Json, JsonObject } from './util';
import type { Account } from './world';

const IAM = 'iam.amazonaws.com';
const STS = 'sts.amazonaws.com';
const KMS = 'kms.amazonaws.com';
const iamRead = (name: string, weight: number, req: (c: Ctx) => Json = () => null): Action =>
  act(IAM, name, true, weight, [...LOOKERS, 'readonly'], { global: true, errors: ['denied'], req, resp: () => null });

const keyResources = (c: Ctx, key?: string): Json[] => [{ accountId: c.account.id, type: 'AWS::KMS::Key', ARN: kmsArn(c, key) }];

const assumedCredentials = (c: Ctx, role: string, session: string): Json => ({
  credentials: { accessKeyId: `ASIA${c.rng.upper(16)}`, sessionToken: `IQoJb3JpZ2luX2VjE${c.rng.alnum(40)}`, expiration: new Date(c.time + 3_600_000).toUTCString().replace('GMT', 'UTC') },
  assumedRoleUser: { assumedRoleId: `AROA${c.rng.upper(17)}:${session}`, arn: `arn:aws:sts::${c.account.id}:assumed-role/${role}/${session}` },
});

/**
 * Identity Center handing a user a permission set's role credentials (the access portal or
 * `aws sso login`): logged in the management account as type Unknown, by user name, keys not logged.
 */
export function ssoRoleCredentials(o: { rng: Rng; account: Account; user: string; ip: string; roleName: string; roleAccount: string; time: number }): JsonObject {
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'Unknown', principalId: `${o.account.id}:${o.user}`, accountId: o.account.id, userName: o.user },
    eventTime: iso(o.time),
    eventSource: 'sso.amazonaws.com',
    eventName: 'GetRoleCredentials',
    awsRegion: 'us-east-1',
    sourceIPAddress: o.ip,
    userAgent: 'aws-cli/2.22.12 md/awscrt#0.22.0 ua/2.0 os/macos#23.4.0 md/arch#arm64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#sso.get-role-credentials',
    requestParameters: { roleName: o.roleName, accountId: o.roleAccount },
    responseElements: null,
    requestID: o.rng.uuid(),
    eventID: o.rng.uuid(),
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: o.account.id,
    eventCategory: 'Management',
  };
}

const SERVICE_ROLES: Record<string, string> = {
  'lambda.amazonaws.com': 'billing-lambda-role',
  'ecs-tasks.amazonaws.com': 'orders-api-task',
  'ec2.amazonaws.com': 'ec2-web-instance-role',
  'autoscaling.amazonaws.com': 'AWSServiceRoleForAutoScaling',
};

export const IDENTITY: Action[] = [
  iamRead('ListUsers', 3),
  iamRead('ListRoles', 4, () => ({ maxItems: 1000 })),
  iamRead('GetUser', 3, (c) => ({ userName: pick(c, c.res.users) })),
  iamRead('GetRole', 5, (c) => ({ roleName: pick(c, c.res.roles) })),
  iamRead('ListAttachedRolePolicies', 3, (c) => ({ roleName: pick(c, c.res.roles) })),
  iamRead('ListAttachedUserPolicies', 2, (c) => ({ userName: pick(c, c.res.users) })),
  iamRead('ListAccessKeys', 2, (c) => ({ userName: pick(c, c.res.users) })),
  iamRead('GetAccountSummary', 1),
  iamRead('GetAccountAuthorizationDetails', 0.5, () => ({ filter: ['User', 'Role', 'Group', 'LocalManagedPolicy'] })),
  iamRead('GenerateCredentialReport', 0.5),
  act(IAM, 'CreateRole', false, 0.4, ['terraform', 'admin'], {
    global: true,
    errors: ['denied'],
    req: (c) => ({ roleName: `${c.account.alias}-svc-${c.rng.hex(6)}`, assumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}' }),
    resp: (c) => ({ role: { path: '/', roleName: `${c.account.alias}-svc`, roleId: `AROA${c.rng.upper(17)}`, arn: roleArn(c, `${c.account.alias}-svc`), createDate: iso(c.time).replace('T', ' ').replace('Z', '') } }),
  }),
  act(IAM, 'AttachRolePolicy', false, 0.5, ['terraform', 'admin'], {
    global: true,
    errors: ['denied'],
    req: (c) => ({ roleName: pick(c, c.res.roles), policyArn: pick(c, ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', 'arn:aws:iam::aws:policy/CloudWatchLogsFullAccess']) }),
    resp: () => null,
  }),
  act(IAM, 'PutRolePolicy', false, 0.5, ['terraform'], {
    global: true,
    req: (c) => ({ roleName: pick(c, c.res.roles), policyName: 'inline-s3', policyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::${c.res.buckets[0]}/*"}]}` }),
    resp: () => null,
  }),
  act(IAM, 'CreatePolicyVersion', false, 0.3, ['terraform'], {
    global: true,
    req: (c) => ({ policyArn: `arn:aws:iam::${c.account.id}:policy/${c.account.alias}-deploy`, policyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:UpdateService","Resource":"*"}]}', setAsDefault: true }),
    resp: (c) => ({ policyVersion: { versionId: `v${c.rng.range(2, 9)}`, isDefaultVersion: true, createDate: awsShort(c.time) } }),
  }),
  act(IAM, 'CreateAccessKey', false, 0.15, ['admin'], {
    global: true,
    req: (c) => ({ userName: pick(c, c.res.users) }),
    resp: (c) => ({ accessKey: { userName: pick(c, c.res.users), accessKeyId: `AKIA${c.rng.upper(16)}`, status: 'Active', createDate: awsShort(c.time) } }),
  }),
  act(IAM, 'UpdateAccessKey', false, 0.1, ['admin'], { global: true, req: (c) => ({ userName: pick(c, c.res.users), accessKeyId: `AKIA${c.rng.upper(16)}`, status: 'Inactive' }), resp: () => null }),
  act(IAM, 'DeleteAccessKey', false, 0.1, ['admin'], { global: true, req: (c) => ({ userName: pick(c, c.res.users), accessKeyId: `AKIA${c.rng.upper(16)}` }), resp: () => null }),
  act(IAM, 'CreateUser', false, 0.05, ['admin'], {
    global: true,
    errors: ['denied'],
    req: (c) => ({ userName: `contractor-${c.rng.hex(4)}` }),
    resp: (c) => ({ user: { path: '/', userName: 'contractor', userId: `AIDA${c.rng.upper(17)}`, arn: `arn:aws:iam::${c.account.id}:user/contractor`, createDate: awsShort(c.time) } }),
  }),

  act(STS, 'GetCallerIdentity', true, 10, [...OPS, 'app', 'security'], { req: () => null, resp: () => null }),
  act(STS, 'AssumeRole', false, 12, ['service', 'ci', 'admin', 'security'], {
    services: Object.keys(SERVICE_ROLES),
    req: (c) => {
      const role = c.actor.service ? (SERVICE_ROLES[c.actor.service] ?? 'orders-api-task') : pick(c, c.res.roles);
      return { roleArn: roleArn(c, role), roleSessionName: c.actor.service ? c.rng.hex(32) : `${c.actor.key.split('/').pop() ?? 'session'}`, durationSeconds: 3600 };
    },
    resp: (c) => {
      const role = c.actor.service ? (SERVICE_ROLES[c.actor.service] ?? 'orders-api-task') : pick(c, c.res.roles);
      return assumedCredentials(c, role, c.rng.hex(12));
    },
    resources: (c) => [
      { accountId: c.account.id, type: 'AWS::IAM::Role', ARN: roleArn(c, c.actor.service ? (SERVICE_ROLES[c.actor.service] ?? 'orders-api-task') : c.res.roles[0]) },
    ],
  }),
  act(STS, 'GetSessionToken', true, 0.5, ['developer'], { req: () => ({ durationSeconds: 43200 }), resp: () => null }),
  act(STS, 'GetFederationToken', false, 0.5, ['app'], {
    req: (c) => ({ name: pick(c, ['partner-upload', 'qa-tester']), durationSeconds: 3600, policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}' }),
    resp: (c) => ({
      credentials: { accessKeyId: `ASIA${c.rng.upper(16)}`, sessionToken: `IQoJb3JpZ2luX2VjE${c.rng.alnum(40)}`, expiration: new Date(c.time + 3_600_000).toUTCString().replace('GMT', 'UTC') },
      federatedUser: { federatedUserId: `${c.account.id}:partner-upload`, arn: `arn:aws:sts::${c.account.id}:federated-user/partner-upload` },
      packedPolicySize: 7,
    }),
  }),

  act(KMS, 'Decrypt', true, 12, ['app', 'service', 'developer'], {
    services: ['cloudtrail.amazonaws.com', 'lambda.amazonaws.com'],
    errors: ['denied'],
    req: () => ({ encryptionAlgorithm: 'SYMMETRIC_DEFAULT' }),
    resp: () => null,
    resources: (c) => keyResources(c),
  }),
  act(KMS, 'GenerateDataKey', true, 10, ['app', 'service'], {
    services: ['cloudtrail.amazonaws.com'],
    req: (c): Json =>
      c.actor.service === 'cloudtrail.amazonaws.com'
        ? { keyId: kmsArn(c), encryptionContext: { 'aws:cloudtrail:arn': c.account.trail.arn, 'aws:s3:arn': `arn:aws:s3:::${c.account.trail.bucket}/${c.account.trail.prefix}/CloudTrail/${c.region}/${iso(c.time).slice(0, 10).replace(/-/g, '/')}/` }, keySpec: 'AES_256' }
        : { keyId: `alias/${c.account.alias}-app`, keySpec: 'AES_256' },
    resp: () => null,
    resources: (c) => keyResources(c),
  }),
  act(KMS, 'Encrypt', true, 3, ['app'], { req: (c) => ({ keyId: `alias/${c.account.alias}-app`, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' }), resp: () => null, resources: (c) => keyResources(c) }),
  act(KMS, 'DescribeKey', true, 3, [...LOOKERS, 'app'], { req: (c) => ({ keyId: kmsArn(c) }), resp: () => null, resources: (c) => keyResources(c) }),
  act(KMS, 'ListKeys', true, 1, LOOKERS, { req: () => null, resp: () => null }),
  act(KMS, 'ListAliases', true, 1, LOOKERS, { req: () => null, resp: () => null }),
  act(KMS, 'CreateGrant', false, 1, ['service'], {
    services: ['ec2.amazonaws.com'],
    req: (c) => ({ keyId: kmsArn(c), granteePrincipal: 'ec2.amazonaws.com', operations: ['Decrypt', 'GenerateDataKeyWithoutPlaintext'], constraints: { encryptionContextSubset: { 'aws:ebs:id': `vol-0${c.rng.hex(16)}` } } }),
    resp: (c) => ({ grantId: c.rng.hex(64), keyId: kmsArn(c) }),
    resources: (c) => keyResources(c),
  }),
  act(KMS, 'ScheduleKeyDeletion', false, 0.05, ['admin'], {
    errors: ['denied'],
    req: (c) => ({ keyId: kmsArn(c), pendingWindowInDays: 30 }),
    resp: (c) => ({ keyId: kmsArn(c), deletionDate: awsShort(c.time + 30 * 86_400_000), keyState: 'PendingDeletion', pendingWindowInDays: 30 }),
    resources: (c) => keyResources(c),
  }),

  act('cloudtrail.amazonaws.com', 'LookupEvents', true, 3, ['security', 'admin'], { req: () => ({ maxResults: 50, lookupAttributes: [{ attributeKey: 'EventName', attributeValue: 'ConsoleLogin' }] }), resp: () => null }),
  act('cloudtrail.amazonaws.com', 'DescribeTrails', true, 3, [...LOOKERS, 'readonly'], { req: () => ({ includeShadowTrails: true }), resp: () => null }),
  act('cloudtrail.amazonaws.com', 'GetTrailStatus', true, 2, ['security', 'linked', 'terraform'], { req: (c) => ({ name: c.account.trail.arn }), resp: () => null }),
  act('cloudtrail.amazonaws.com', 'GetEventSelectors', true, 1, ['security', 'linked', 'terraform'], { req: (c) => ({ trailName: c.account.trail.name }), resp: () => null }),
  act('cloudtrail.amazonaws.com', 'UpdateTrail', false, 0.1, ['terraform'], {
    req: (c) => ({ name: c.account.trail.name, isMultiRegionTrail: true, enableLogFileValidation: true }),
    resp: (c) => ({ name: c.account.trail.name, s3BucketName: c.account.trail.bucket, includeGlobalServiceEvents: true, isMultiRegionTrail: true, trailARN: c.account.trail.arn, logFileValidationEnabled: true, isOrganizationTrail: c.account.trail.name === 'org-trail' }),
  }),

  act('logs.amazonaws.com', 'CreateLogStream', false, 5, ['app'], {
    req: (c) => ({ logGroupName: pick(c, c.res.logGroups), logStreamName: `${iso(c.time).slice(0, 10).replace(/-/g, '/')}/[$LATEST]${c.rng.hex(32)}` }),
    resp: () => null,
  }),
  act('logs.amazonaws.com', 'DescribeLogGroups', true, 4, [...LOOKERS, 'readonly'], { req: () => ({ limit: 50 }), resp: () => null }),
  act('logs.amazonaws.com', 'DescribeLogStreams', true, 3, HUMAN, { req: (c) => ({ logGroupName: pick(c, c.res.logGroups), orderBy: 'LastEventTime', descending: true }), resp: () => null }),
  act('logs.amazonaws.com', 'FilterLogEvents', true, 3, ['developer', 'security'], { errors: ['throttle'], req: (c) => ({ logGroupName: pick(c, c.res.logGroups), filterPattern: pick(c, ['ERROR', '"status=500"', '?Exception ?Timeout']), startTime: c.time - 3_600_000 }), resp: () => null }),
  act('logs.amazonaws.com', 'StartQuery', true, 2, ['developer', 'security'], { req: (c) => ({ logGroupName: pick(c, c.res.logGroups), queryString: 'fields @timestamp, @message | sort @timestamp desc | limit 20', startTime: Math.floor(c.time / 1000) - 3600, endTime: Math.floor(c.time / 1000) }), resp: (c) => ({ queryId: c.rng.uuid() }) }),
  act('logs.amazonaws.com', 'CreateLogGroup', false, 0.3, BUILD, { req: (c) => ({ logGroupName: `/aws/lambda/${c.account.alias}-fn-${c.rng.hex(4)}` }), resp: () => null }),
  act('logs.amazonaws.com', 'PutRetentionPolicy', false, 0.3, BUILD, { req: (c) => ({ logGroupName: pick(c, c.res.logGroups), retentionInDays: pick(c, [30, 90, 365]) }), resp: () => null }),

  act('monitoring.amazonaws.com', 'DescribeAlarms', true, 5, [...LOOKERS, 'ci'], { req: () => ({ maxRecords: 100 }), resp: () => null }),
  act('monitoring.amazonaws.com', 'ListMetrics', true, 2, HUMAN, { req: () => ({ namespace: 'AWS/ECS' }), resp: () => null }),
  act('monitoring.amazonaws.com', 'PutMetricAlarm', false, 0.5, BUILD, {
    req: (c) => ({ alarmName: `${c.account.alias}-5xx-rate`, metricName: 'HTTPCode_Target_5XX_Count', namespace: 'AWS/ApplicationELB', statistic: 'Sum', period: 60, evaluationPeriods: 5, threshold: 10, comparisonOperator: 'GreaterThanThreshold', alarmActions: [`arn:aws:sns:${c.region}:${c.account.id}:${c.res.topics[0]}`] }),
    resp: () => null,
  }),

  act('sns.amazonaws.com', 'ListTopics', true, 2, LOOKERS, { req: () => null, resp: () => null }),
  act('sns.amazonaws.com', 'GetTopicAttributes', true, 2, [...LOOKERS, 'app'], { req: (c) => ({ topicArn: `arn:aws:sns:${c.region}:${c.account.id}:${pick(c, c.res.topics)}` }), resp: () => null }),
  act('sns.amazonaws.com', 'Subscribe', false, 0.3, BUILD, {
    req: (c) => ({ topicArn: `arn:aws:sns:${c.region}:${c.account.id}:${c.res.topics[0]}`, protocol: 'sqs', endpoint: `arn:aws:sqs:${c.region}:${c.account.id}:${c.res.queues[0]}` }),
    resp: (c) => ({ subscriptionArn: `arn:aws:sns:${c.region}:${c.account.id}:${c.res.topics[0]}:${c.rng.uuid()}` }),
  }),
  act('sns.amazonaws.com', 'CreateTopic', false, 0.2, BUILD, { req: (c) => ({ name: `${c.account.alias}-topic-${c.rng.hex(4)}` }), resp: (c) => ({ topicArn: `arn:aws:sns:${c.region}:${c.account.id}:${c.account.alias}-topic` }) }),

  act('sqs.amazonaws.com', 'ListQueues', true, 2, LOOKERS, { req: () => null, resp: () => null }),
  act('sqs.amazonaws.com', 'GetQueueAttributes', true, 4, [...LOOKERS, 'app'], { req: (c) => ({ queueUrl: `https://sqs.${c.region}.amazonaws.com/${c.account.id}/${pick(c, c.res.queues)}`, attributeNames: ['All'] }), resp: () => null }),
  act('sqs.amazonaws.com', 'SetQueueAttributes', false, 0.4, BUILD, { req: (c) => ({ queueUrl: `https://sqs.${c.region}.amazonaws.com/${c.account.id}/${pick(c, c.res.queues)}`, attributes: { VisibilityTimeout: '120' } }), resp: () => null }),
  act('sqs.amazonaws.com', 'PurgeQueue', false, 0.1, HUMAN, { req: (c) => ({ queueUrl: `https://sqs.${c.region}.amazonaws.com/${c.account.id}/${c.res.queues[1]}` }), resp: () => null }),
  act('sqs.amazonaws.com', 'CreateQueue', false, 0.2, BUILD, { req: (c) => ({ queueName: `${c.account.alias}-jobs-${c.rng.hex(4)}`, attributes: { MessageRetentionPeriod: '1209600' } }), resp: (c) => ({ queueUrl: `https://sqs.${c.region}.amazonaws.com/${c.account.id}/${c.account.alias}-jobs` }) }),

  act('secretsmanager.amazonaws.com', 'GetSecretValue', true, 8, ['app', 'developer', 'ci'], { errors: ['denied', 'notfound'], req: (c) => ({ secretId: pick(c, c.res.secrets) }), resp: () => null }),
  act('secretsmanager.amazonaws.com', 'DescribeSecret', true, 2, [...LOOKERS, 'app'], { req: (c) => ({ secretId: pick(c, c.res.secrets) }), resp: () => null }),
  act('secretsmanager.amazonaws.com', 'ListSecrets', true, 1, LOOKERS, { req: () => null, resp: () => null }),
  act('secretsmanager.amazonaws.com', 'PutSecretValue', false, 0.3, ['admin', 'terraform'], {
    req: (c) => ({ secretId: pick(c, c.res.secrets), clientRequestToken: c.rng.uuid() }),
    resp: (c) => ({ arn: `arn:aws:secretsmanager:${c.region}:${c.account.id}:secret:${pick(c, c.res.secrets)}-${c.rng.alnum(6)}`, versionId: c.rng.uuid(), versionStages: ['AWSCURRENT'] }),
  }),
  act('secretsmanager.amazonaws.com', 'RotateSecret', false, 0.2, ['app'], { req: (c) => ({ secretId: pick(c, c.res.secrets), clientRequestToken: c.rng.uuid() }), resp: (c) => ({ versionId: c.rng.uuid() }) }),
  act('secretsmanager.amazonaws.com', 'CreateSecret', false, 0.1, ['terraform'], { req: (c) => ({ name: `${c.account.alias}/svc-${c.rng.hex(4)}/token`, clientRequestToken: c.rng.uuid() }), resp: (c) => ({ arn: `arn:aws:secretsmanager:${c.region}:${c.account.id}:secret:${c.account.alias}/svc-${c.rng.alnum(6)}`, versionId: c.rng.uuid() }) }),

  act('ssm.amazonaws.com', 'GetParameter', true, 8, ['app', 'ci', 'developer'], { errors: ['throttle', 'denied'], req: (c) => ({ name: pick(c, c.res.parameters), withDecryption: true }), resp: () => null }),
  act('ssm.amazonaws.com', 'GetParameters', true, 3, ['app'], { req: (c) => ({ names: c.rng.shuffle([...c.res.parameters]).slice(0, 2), withDecryption: true }), resp: () => null }),
  act('ssm.amazonaws.com', 'GetParametersByPath', true, 3, ['app', 'terraform'], { errors: ['throttle'], req: (c) => ({ path: `/${c.account.alias}/orders-api`, recursive: true, withDecryption: true }), resp: () => null }),
  act('ssm.amazonaws.com', 'PutParameter', false, 0.5, ['admin', 'terraform'], { req: (c) => ({ name: pick(c, c.res.parameters), type: 'String', overwrite: true }), resp: (c) => ({ version: c.rng.range(2, 60), tier: 'Standard' }) }),
  act('ssm.amazonaws.com', 'DescribeInstanceInformation', true, 2, [...LOOKERS, 'linked'], { req: () => ({ maxResults: 50 }), resp: () => null }),
  act('ssm.amazonaws.com', 'UpdateInstanceInformation', false, 4, ['app'], {
    req: (c) => ({ instanceId: pick(c, c.res.instances), agentVersion: '3.3.380.0', agentStatus: 'Active', platformType: 'Linux', platformName: 'Amazon Linux', platformVersion: '2023', iPAddress: `10.0.${c.rng.int(64)}.${c.rng.range(4, 250)}`, computerName: `ip-10-0-${c.rng.int(64)}-${c.rng.range(4, 250)}.ec2.internal`, agentName: 'amazon-ssm-agent' }),
    resp: () => null,
  }),
  act('ssm.amazonaws.com', 'StartSession', false, 0.6, HUMAN, {
    req: (c) => ({ target: pick(c, c.res.instances) }),
    resp: (c) => ({ sessionId: `${c.actor.key.split('/').pop() ?? 'user'}-0${c.rng.hex(16)}`, tokenValue: 'Value hidden due to security reasons.', streamUrl: `wss://ssmmessages.${c.region}.amazonaws.com/v1/data-channel/session-0${c.rng.hex(16)}` }),
  }),
  act('ssm.amazonaws.com', 'SendCommand', false, 0.6, ['admin', 'ci'], {
    req: (c) => ({ instanceIds: [pick(c, c.res.instances)], documentName: 'AWS-RunShellScript', parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS', interactive: false }),
    resp: (c) => ({ command: { commandId: c.rng.uuid(), documentName: 'AWS-RunShellScript', status: 'Pending', requestedDateTime: awsShort(c.time) } }),
  }),

  act('config.amazonaws.com', 'PutEvaluations', false, 6, ['linked'], { req: (c) => ({ evaluations: [{ complianceResourceType: 'AWS::EC2::Instance', complianceResourceId: pick(c, c.res.instances), complianceType: pick(c, ['COMPLIANT', 'COMPLIANT', 'NON_COMPLIANT']), orderingTimestamp: awsShort(c.time) }], resultToken: c.rng.alnum(48), testMode: false }), resp: () => null }),
  act('config.amazonaws.com', 'DescribeConfigRules', true, 1, ['security', 'admin'], { req: () => null, resp: () => null }),
  act('config.amazonaws.com', 'DescribeConfigurationRecorderStatus', true, 1, ['security', 'linked'], { req: () => null, resp: () => null }),

  act('guardduty.amazonaws.com', 'ListDetectors', true, 2, ['security', 'app'], { req: () => null, resp: () => null }),
  act('guardduty.amazonaws.com', 'ListFindings', true, 3, ['security', 'app'], { req: (c) => ({ detectorId: c.rng.hex(32), maxResults: 50 }), resp: () => null }),
  act('guardduty.amazonaws.com', 'GetFindings', true, 3, ['security', 'app'], { req: (c) => ({ detectorId: c.rng.hex(32), findingIds: [c.rng.hex(32), c.rng.hex(32)] }), resp: () => null }),
  act('guardduty.amazonaws.com', 'ArchiveFindings', false, 0.3, ['security'], { req: (c) => ({ detectorId: c.rng.hex(32), findingIds: [c.rng.hex(32)] }), resp: () => null }),

  act('organizations.amazonaws.com', 'DescribeOrganization', true, 1, ['security', 'admin', 'linked'], { global: true, req: () => null, resp: () => null }),
  act('organizations.amazonaws.com', 'ListAccounts', true, 1, ['security', 'admin'], { global: true, req: () => null, resp: () => null }),
  act('organizations.amazonaws.com', 'ListPoliciesForTarget', true, 0.5, ['security'], { global: true, req: (c) => ({ targetId: c.account.id, filter: 'SERVICE_CONTROL_POLICY' }), resp: () => null }),

  act('athena.amazonaws.com', 'StartQueryExecution', false, 1.5, ['security', 'developer'], {
    req: (c) => ({ queryString: `SELECT eventname, count(*) FROM cloudtrail_logs WHERE eventtime > '${iso(c.time - 86_400_000)}' GROUP BY 1 ORDER BY 2 DESC LIMIT 20`, clientRequestToken: c.rng.uuid(), queryExecutionContext: { database: 'security_lake' }, workGroup: 'primary' }),
    resp: (c) => ({ queryExecutionId: c.rng.uuid() }),
  }),
  act('athena.amazonaws.com', 'GetQueryExecution', true, 2, ['security', 'developer'], { req: (c) => ({ queryExecutionId: c.rng.uuid() }), resp: () => null }),
  act('athena.amazonaws.com', 'GetQueryResults', true, 2, ['security', 'developer'], { req: (c) => ({ queryExecutionId: c.rng.uuid(), maxResults: 100 }), resp: () => null }),
];

/** IAM and friends print dates like "Nov 19, 2026 3:22:05 AM". */
export function awsShort(ms: number): string {
  const d = new Date(ms);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const h = d.getUTCHours();
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${months[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}
