/**
 * Scripted episodes layered on the background traffic, so a demo has something to find:
 *
 *  - The incident (day 4, or the last day if fewer): the evening before (that night, when it is the
 *    first day), bob@example.com signs in
 *    through Identity Center (GetRoleCredentials, PowerUserAccess in staging), assumes the
 *    cross-account ReleaseManagerRole in prod and creates a second access key for the CI user
 *    `ci-deploy`. At night that key is used from 203.0.113.250 with a Kali aws-cli: GetCallerIdentity, ListBuckets,
 *    ~60 GetObject on the customer-exports bucket, CreateAccessKey, a region sweep, AccessDenied on
 *    CreateUser/AttachUserPolicy/RunInstances/secrets, StopLogging + DeleteTrail of the S3 data-events
 *    trail, failed StopLogging/DeleteTrail of the main trail, and a public PutBucketPolicy. A
 *    responder cleans up in the morning: dana@example.com, through Identity Center (SecurityAudit
 *    in security) and the cross-account IncidentResponderRole in prod. So every key used from
 *    203.0.113.250 traces back, inside the data, to bob (the `origin` field, session chains). Between the stop
 *    and the restart no prod S3 data events exist: the gap is part of the story.
 *  - Password spraying (day 2): three failed ConsoleLogin for carol from 198.51.100.99, then her
 *    own successful login from the office.
 *  - An Insights pair (day 3): a staging load test floods ssm:GetParameter, half of it throttled;
 *    CloudTrail Insights logs ApiCallRateInsight Start and End for it.
 */
import { Action, act } from './action';
import { Actor, findActor } from './actors';
import { findAction } from './background';
import { Rng } from './prng';
import { buildRecord, EventInput, Failure, failureFor, Rec } from './records';
import { s3Additional, s3Host, objectResources } from './actionsS3';
import { awsShort, ssoRoleCredentials } from './actionsIdentity';
import { HOUR, isoSeconds, JsonObject, MINUTE } from './util';
import { Account, PROD, Region, SECURITY, STAGING } from './world';

export const ATTACKER_IP = '203.0.113.250';
const KALI = (cmd: string): string => `aws-cli/2.13.5 Python/3.11.4 Linux/6.5.0-kali3-amd64 exe/x86_64.kali.2023 prompt/off command/${cmd}`;

export interface Story {
  records: Rec[];
  insights: Rec[];
  /** Drops background events that a stopped trail would not have logged. */
  keep: (account: Account, action: Action, time: number) => boolean;
}

const CT = 'cloudtrail.amazonaws.com';
const attachUserPolicy = act('iam.amazonaws.com', 'AttachUserPolicy', false, 0, [], { global: true });
const stopLogging = act(CT, 'StopLogging', false, 0, []);
const startLogging = act(CT, 'StartLogging', false, 0, []);
const deleteTrail = act(CT, 'DeleteTrail', false, 0, []);
const createTrail = act(CT, 'CreateTrail', false, 0, []);
const putEventSelectors = act(CT, 'PutEventSelectors', false, 0, []);
const putBucketPolicy = act('s3.amazonaws.com', 'PutBucketPolicy', false, 0, []);
const deleteBucketPolicy = act('s3.amazonaws.com', 'DeleteBucketPolicy', false, 0, []);

export function makeStory(rng: Rng, accounts: Account[], actors: Actor[], from: number, days: number): Story {
  const prod = accounts.find((a) => a.id === PROD);
  const staging = accounts.find((a) => a.id === STAGING);
  if (!prod || !staging) throw new Error('story needs the prod and staging accounts');
  const records: Rec[] = [];
  const r = rng.fork('incident');
  const day = from + Math.min(3, days - 1) * 24 * HOUR;
  const ciDeploy = findActor(actors, PROD, 'IAMUser', 'ci-deploy');
  const responder = findActor(actors, PROD, 'AssumedRole', 'dana@example.com');
  // The evening before, from a fork of its own so the night's draws stay as they were.
  const prelude = sessionChains(rng.fork('incident-prelude'), accounts, actors, day > from ? day - 6 * HOUR : day - 90 * MINUTE, ciDeploy);
  const thief: Actor = { ...ciDeploy, accessKeyId: prelude.plantedKey };
  const res = prod.resources['us-east-1'];
  const bucket = res.dataBucket;
  const dataTrailArn = `arn:aws:cloudtrail:us-east-1:${PROD}:trail/s3-data-events`;
  let t = day + 2 * HOUR + 47 * MINUTE + 13_000;
  const step = (lo: number, hi: number): number => (t += r.range(lo, hi) * 1000);

  const ev = (actor: Actor, action: Action, time: number, more: Partial<EventInput> & { cmd?: string; region?: Region } = {}): Rec => {
    const { cmd, region, ...rest } = more;
    const rec = buildRecord({
      rng: r,
      actor,
      action,
      account: prod,
      region: action.global ? 'us-east-1' : (region ?? 'us-east-1'),
      time,
      ...(actor === thief ? { ip: ATTACKER_IP, userAgent: KALI(cmd ?? 'unknown') } : {}),
      ...rest,
    });
    records.push(rec);
    return rec;
  };
  const denied = (actor: Actor, action: Action, region: Region = 'us-east-1'): Failure => failureFor('denied', action, actor, { rng: r, region, account: PROD });

  ev(thief, findAction('sts', 'GetCallerIdentity'), t, { cmd: 'sts.get-caller-identity' });
  ev(thief, findAction('s3', 'ListBuckets'), step(20, 40), { cmd: 's3api.list-buckets', request: { Host: 's3.amazonaws.com' } });
  ev(thief, findAction('s3', 'GetBucketAcl'), step(10, 30), {
    cmd: 's3api.get-bucket-acl',
    request: { bucketName: bucket, Host: s3Host(bucket, 'us-east-1'), acl: '' },
    resources: [{ accountId: PROD, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }],
  });
  ev(thief, findAction('s3', 'ListObjects'), step(10, 30), {
    cmd: 's3.ls',
    request: { 'list-type': '2', bucketName: bucket, 'encoding-type': 'url', prefix: 'exports/', Host: s3Host(bucket, 'us-east-1') },
    resources: [{ accountId: PROD, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }],
  });
  const getObject = findAction('s3', 'GetObject');
  for (let i = 0; i < 60; i++) {
    const key = `exports/2026/customers/customers-${String(i).padStart(4, '0')}.csv.gz`;
    ev(thief, getObject, step(3, 9), {
      cmd: 's3.cp',
      request: { bucketName: bucket, Host: s3Host(bucket, 'us-east-1'), key },
      resources: objectResources({ rng: r, actor: thief, account: prod, region: 'us-east-1', res, time: t }, bucket, key),
      extra: { additionalEventData: s3Additional({ rng: r, actor: thief, account: prod, region: 'us-east-1', res, time: t }, 0, r.range(800_000, 24_000_000)) },
    });
  }
  ev(thief, findAction('iam', 'ListUsers'), step(30, 60), { cmd: 'iam.list-users' });
  ev(thief, findAction('iam', 'ListAttachedUserPolicies'), step(5, 15), { cmd: 'iam.list-attached-user-policies', request: { userName: 'ci-deploy' } });
  const createUser = findAction('iam', 'CreateUser');
  ev(thief, createUser, step(10, 30), { cmd: 'iam.create-user', request: { userName: 'support-sync' }, failure: denied(thief, createUser) });
  ev(thief, attachUserPolicy, step(5, 15), {
    cmd: 'iam.attach-user-policy',
    request: { userName: 'ci-deploy', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    failure: denied(thief, attachUserPolicy),
  });
  const newKey = `AKIA${r.upper(16)}`;
  ev(thief, findAction('iam', 'CreateAccessKey'), step(10, 30), {
    cmd: 'iam.create-access-key',
    request: { userName: 'ci-deploy' },
    response: { accessKey: { userName: 'ci-deploy', accessKeyId: newKey, status: 'Active', createDate: awsShort(t) } },
  });
  const describe = findAction('ec2', 'DescribeInstances');
  for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const) {
    ev(thief, describe, step(3, 8), { cmd: 'ec2.describe-instances', region, request: { instancesSet: {}, filterSet: {} } });
  }
  const run = findAction('ec2', 'RunInstances');
  ev(thief, run, step(20, 40), {
    cmd: 'ec2.run-instances',
    region: 'ap-southeast-2',
    request: { instancesSet: { items: [{ imageId: 'ami-0f1e2d3c4b5a69788', minCount: 8, maxCount: 8 }] }, instanceType: 'p3.16xlarge', blockDeviceMapping: {}, monitoring: { enabled: false }, disableApiTermination: false },
    failure: denied(thief, run, 'ap-southeast-2'),
  });
  ev(thief, findAction('cloudtrail', 'DescribeTrails'), step(20, 40), { cmd: 'cloudtrail.describe-trails', request: { includeShadowTrails: true } });
  ev(thief, stopLogging, step(10, 20), { cmd: 'cloudtrail.stop-logging', request: { name: dataTrailArn } });
  const gapFrom = t;
  ev(thief, deleteTrail, step(5, 15), { cmd: 'cloudtrail.delete-trail', request: { name: dataTrailArn } });
  ev(thief, stopLogging, step(5, 15), { cmd: 'cloudtrail.stop-logging', request: { name: prod.trail.arn }, failure: denied(thief, stopLogging) });
  ev(thief, deleteTrail, step(5, 15), { cmd: 'cloudtrail.delete-trail', request: { name: prod.trail.name }, failure: denied(thief, deleteTrail) });
  const publicPolicy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'sync', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] });
  ev(thief, putBucketPolicy, step(20, 40), {
    cmd: 's3api.put-bucket-policy',
    request: { bucketName: bucket, Host: s3Host(bucket, 'us-east-1'), policy: '', bucketPolicy: JSON.parse(publicPolicy) as JsonObject },
    extra: { additionalEventData: s3Additional({ rng: r, actor: thief, account: prod, region: 'us-east-1', res, time: t }, publicPolicy.length, 0) },
    resources: [{ accountId: PROD, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }],
  });
  const withNewKey = ev(thief, findAction('sts', 'GetCallerIdentity'), step(30, 60), { cmd: 'sts.get-caller-identity' });
  (withNewKey.userIdentity as JsonObject).accessKeyId = newKey;
  const listSecrets = findAction('secretsmanager', 'ListSecrets');
  ev(thief, listSecrets, step(10, 20), { cmd: 'secretsmanager.list-secrets', failure: denied(thief, listSecrets) });
  const getSecret = findAction('secretsmanager', 'GetSecretValue');
  for (const secret of res.secrets) {
    ev(thief, getSecret, step(2, 6), { cmd: 'secretsmanager.get-secret-value', request: { secretId: secret }, failure: denied(thief, getSecret) });
  }

  // Morning: the responder contains it.
  t = day + 9 * HOUR + 14 * MINUTE + 5_000;
  ev(responder, findAction('cloudtrail', 'LookupEvents'), t, { request: { maxResults: 50, lookupAttributes: [{ attributeKey: 'AccessKeyId', attributeValue: prelude.plantedKey }] } });
  ev(responder, findAction('cloudtrail', 'GetTrailStatus'), step(20, 60), {
    request: { name: dataTrailArn },
    failure: { code: 'TrailNotFoundException', message: `Unknown trail: ${dataTrailArn} for the user: ${PROD}` },
  });
  const update = findAction('iam', 'UpdateAccessKey');
  ev(responder, update, step(20, 40), { request: { userName: 'ci-deploy', accessKeyId: prelude.plantedKey, status: 'Inactive' } });
  ev(responder, update, step(5, 15), { request: { userName: 'ci-deploy', accessKeyId: newKey, status: 'Inactive' } });
  ev(responder, findAction('iam', 'DeleteAccessKey'), step(20, 40), { request: { userName: 'ci-deploy', accessKeyId: newKey } });
  ev(responder, deleteBucketPolicy, step(30, 60), {
    request: { bucketName: bucket, Host: s3Host(bucket, 'us-east-1'), policy: '' },
    extra: { additionalEventData: s3Additional({ rng: r, actor: responder, account: prod, region: 'us-east-1', res, time: t }, 0, 0) },
    resources: [{ accountId: PROD, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }],
  });
  ev(responder, createTrail, step(60, 120), {
    request: { name: 's3-data-events', s3BucketName: prod.trail.bucket, isMultiRegionTrail: true, enableLogFileValidation: true, includeGlobalServiceEvents: false },
    response: { name: 's3-data-events', s3BucketName: prod.trail.bucket, includeGlobalServiceEvents: false, isMultiRegionTrail: true, trailARN: dataTrailArn, logFileValidationEnabled: true, isOrganizationTrail: false },
  });
  ev(responder, putEventSelectors, step(10, 30), {
    request: { trailName: 's3-data-events', advancedEventSelectors: [{ name: 'S3 data events', fieldSelectors: [{ field: 'eventCategory', equals: ['Data'] }, { field: 'resources.type', equals: ['AWS::S3::Object'] }] }] },
    response: { trailARN: dataTrailArn },
  });
  ev(responder, startLogging, step(10, 30), { request: { name: dataTrailArn } });
  const gapTo = t;
  ev(responder, findAction('iam', 'ListAccessKeys'), step(30, 60), { request: { userName: 'ci-deploy' } });

  records.push(...prelude.records);
  records.push(...responderChain(rng.fork('responder-chain'), accounts, actors, day + 9 * HOUR + 2 * MINUTE, responder));
  records.push(...consoleSpray(rng.fork('spray'), prod, actors, from + Math.min(1, days - 1) * 24 * HOUR));
  const burst = loadTestBurst(rng.fork('insight'), staging, actors, from + Math.min(2, days - 1) * 24 * HOUR);
  records.push(...burst.records);

  return {
    records,
    insights: burst.insights,
    keep: (account, action, time) => !(account.id === PROD && action.data && time >= gapFrom && time < gapTo),
  };
}

/**
 * The evening before the incident: bob@example.com takes PowerUserAccess in staging through
 * Identity Center, assumes ReleaseManagerRole in prod with it, and creates a second key for the CI
 * user. Every step is a credential-minting event, so the night's key traces back to bob.
 */
function sessionChains(r: Rng, accounts: Account[], actors: Actor[], start: number, ciDeploy: Actor): { records: Rec[]; plantedKey: string } {
  const prod = accounts.find((a) => a.id === PROD) as Account;
  const ssoBob = findActor(actors, STAGING, 'AssumedRole', 'bob@example.com');
  const bridge = actors.find((a) => a.account.id === PROD && a.key.endsWith('/ReleaseManagerRole/bob@example.com')) as Actor;
  const plantedKey = `AKIA${r.upper(16)}`;
  let t = start + 12 * MINUTE + 9_000;
  const records: Rec[] = [ssoRoleCredentials({ rng: r, account: prod, user: 'bob@example.com', ip: ssoBob.ips[0], roleName: 'PowerUserAccess', roleAccount: STAGING, time: t })];
  t += r.range(40, 90) * 1000;
  records.push(
    buildRecord({
      rng: r,
      actor: ssoBob,
      action: findAction('sts', 'AssumeRole'),
      account: prod,
      region: 'us-east-1',
      time: t,
      request: { roleArn: `arn:aws:iam::${PROD}:role/ReleaseManagerRole`, roleSessionName: 'bob@example.com', durationSeconds: 3600 },
      response: {
        credentials: { accessKeyId: bridge.accessKeyId ?? '', sessionToken: `IQoJb3JpZ2luX2VjE${r.alnum(40)}`, expiration: new Date(t + HOUR).toUTCString().replace('GMT', 'UTC') },
        assumedRoleUser: { assumedRoleId: bridge.principalId, arn: bridge.arn },
      },
      resources: [{ accountId: PROD, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${PROD}:role/ReleaseManagerRole` }],
    }),
  );
  t += r.range(60, 180) * 1000;
  records.push(
    buildRecord({
      rng: r,
      actor: bridge,
      action: findAction('iam', 'ListAccessKeys'),
      account: prod,
      region: 'us-east-1',
      time: t,
      request: { userName: ciDeploy.userName ?? 'ci-deploy' },
    }),
  );
  t += r.range(20, 60) * 1000;
  records.push(
    buildRecord({
      rng: r,
      actor: bridge,
      action: findAction('iam', 'CreateAccessKey'),
      account: prod,
      region: 'us-east-1',
      time: t,
      request: { userName: ciDeploy.userName ?? 'ci-deploy' },
      response: { accessKey: { userName: ciDeploy.userName ?? 'ci-deploy', accessKeyId: plantedKey, status: 'Active', createDate: awsShort(t) } },
    }),
  );
  return { records, plantedKey };
}

/** The morning after: dana@example.com reaches IncidentResponderRole in prod from the security account. */
function responderChain(r: Rng, accounts: Account[], actors: Actor[], time: number, responder: Actor): Rec[] {
  const prod = accounts.find((a) => a.id === PROD) as Account;
  const ssoDana = findActor(actors, SECURITY, 'AssumedRole', 'dana@example.com');
  const grc = ssoRoleCredentials({ rng: r, account: prod, user: 'dana@example.com', ip: ssoDana.ips[0], roleName: 'SecurityAudit', roleAccount: SECURITY, time });
  const t = time + r.range(30, 90) * 1000;
  const assume = buildRecord({
    rng: r,
    actor: ssoDana,
    action: findAction('sts', 'AssumeRole'),
    account: prod,
    region: 'us-east-1',
    time: t,
    request: { roleArn: `arn:aws:iam::${PROD}:role/IncidentResponderRole`, roleSessionName: 'dana@example.com', durationSeconds: 3600 },
    response: {
      credentials: { accessKeyId: responder.accessKeyId ?? '', sessionToken: `IQoJb3JpZ2luX2VjE${r.alnum(40)}`, expiration: new Date(t + HOUR).toUTCString().replace('GMT', 'UTC') },
      assumedRoleUser: { assumedRoleId: responder.principalId, arn: responder.arn },
    },
    resources: [{ accountId: PROD, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${PROD}:role/IncidentResponderRole` }],
  });
  return [grc, assume];
}

function consoleSpray(r: Rng, prod: Account, actors: Actor[], day: number): Rec[] {
  const carol = findActor(actors, PROD, 'IAMUser', 'carol');
  const login = findAction('signin', 'ConsoleLogin');
  const out: Rec[] = [];
  let t = day + 7 * HOUR + 58 * MINUTE + 41_000;
  for (let i = 0; i < 3; i++) {
    out.push(
      buildRecord({
        rng: r,
        actor: carol,
        action: login,
        account: prod,
        region: 'us-east-1',
        time: t,
        ip: '198.51.100.99',
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0',
        failure: { code: null, message: 'Failed authentication' },
      }),
    );
    t += r.range(25, 70) * 1000;
  }
  out.push(buildRecord({ rng: r, actor: carol, action: login, account: prod, region: 'us-east-1', time: t + 9 * MINUTE, ip: '203.0.113.11' }));
  return out;
}

function loadTestBurst(r: Rng, staging: Account, actors: Actor[], day: number): { records: Rec[]; insights: Rec[] } {
  const loadtest = findActor(actors, STAGING, 'AssumedRole', 'loadtest');
  const get = findAction('ssm', 'GetParameter');
  const start = day + 14 * HOUR + 2 * MINUTE;
  const records: Rec[] = [];
  for (let i = 0; i < 140; i++) {
    const time = start + r.int(20 * 60) * 1000;
    const failure = r.chance(0.5) ? failureFor('throttle', get, loadtest, { rng: r, region: 'us-east-1', account: STAGING }) : undefined;
    records.push(buildRecord({ rng: r, actor: loadtest, action: get, account: staging, region: 'us-east-1', time, failure, request: { name: `/staging/orders-api/feature-flags`, withDecryption: true } }));
  }
  const shared = r.uuid();
  const insight = (state: 'Start' | 'End', time: number): Rec => ({
    eventVersion: '1.08',
    eventTime: isoSeconds(time),
    awsRegion: 'us-east-1',
    eventID: r.uuid(),
    eventType: 'AwsCloudTrailInsight',
    recipientAccountId: STAGING,
    sharedEventID: shared,
    insightDetails: {
      state,
      eventSource: 'ssm.amazonaws.com',
      eventName: 'GetParameter',
      insightType: 'ApiCallRateInsight',
      insightContext: {
        statistics: { baseline: { average: 0.0412 }, insight: { average: 7 }, ...(state === 'End' ? { insightDuration: 20, baselineDuration: 10078 } : { insightDuration: 1, baselineDuration: 10078 }) },
        attributions: [
          { attribute: 'userIdentityArn', insight: [{ value: loadtest.arn, average: 7 }], baseline: [{ value: loadtest.arn, average: 0.0377 }] },
          { attribute: 'userAgent', insight: [{ value: 'Boto3/1.35.52', average: 7 }], baseline: [{ value: 'Boto3/1.35.52', average: 0.0412 }] },
          { attribute: 'errorCode', insight: [{ value: 'ThrottlingException', average: 3.5 }, { value: 'null', average: 3.5 }], baseline: [{ value: 'null', average: 0.0412 }] },
        ],
      },
    },
    eventCategory: 'Insight',
  });
  return { records, insights: [insight('Start', start + 3 * MINUTE), insight('End', start + 23 * MINUTE)] };
}
