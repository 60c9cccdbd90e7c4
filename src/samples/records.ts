/**
 * Turns (actor, action, time, region) into a CloudTrail record with keys in the order CloudTrail
 * writes them, so the files read like real deliveries and a byte-level diff stays meaningful.
 */
import { Action, Ctx } from './action';
import { Actor } from './actors';
import { hash32, Rng } from './prng';
import { HOUR, isoSeconds, Json, JsonObject } from './util';
import { Account, Region } from './world';

export type Rec = JsonObject;

export interface Failure {
  code: string | null;
  message: string;
}

export interface EventInput {
  rng: Rng;
  actor: Actor;
  action: Action;
  /** The account whose trail logs the event (differs from the actor's for cross-account calls). */
  account: Account;
  region: Region;
  time: number;
  failure?: Failure;
  ip?: string;
  userAgent?: string;
  /** Replaces the catalog's requestParameters. */
  request?: Json;
  response?: Json;
  resources?: Json[];
  /** Merged into the record after the catalog's extras. */
  extra?: JsonObject;
}

const VERSIONS = ['1.08', '1.09', '1.10', '1.11', '1.11', '1.11'];

/** Services move to newer record versions at different times; a stable per-call choice mimics that. */
export function eventVersionOf(a: Action): string {
  return VERSIONS[hash32(`${a.source}/${a.name}`) % VERSIONS.length];
}

/** The IAM action a call is authorised as: Lambda's dated API names drop their suffix. */
export function iamAction(a: Action): string {
  const prefix = a.source === 'monitoring.amazonaws.com' ? 'cloudwatch' : a.source.split('.')[0];
  return `${prefix}:${a.name.replace(/\d{8}(v\d)?$/, '')}`;
}

function endpointHost(a: Action, region: Region): string {
  const svc = a.source.split('.')[0];
  if (svc === 'signin') return 'signin.aws.amazon.com';
  if (a.global) return a.source;
  if (svc === 'monitoring') return `monitoring.${region}.amazonaws.com`;
  return `${svc}.${region}.amazonaws.com`;
}

function identity(actor: Actor, time: number, login: boolean): JsonObject {
  const created = isoSeconds(time - (time % HOUR) - (hash32(actor.key) % 50) * 60_000);
  const attributes: JsonObject = { creationDate: created, mfaAuthenticated: actor.mfa ? 'true' : 'false' };
  const key: JsonObject = login || !actor.accessKeyId ? {} : { accessKeyId: actor.accessKeyId };
  const acct = actor.account.id;
  switch (actor.type) {
    case 'IAMUser':
      return {
        type: 'IAMUser',
        principalId: actor.principalId,
        arn: actor.arn,
        accountId: acct,
        ...key,
        userName: actor.userName ?? '',
        ...(actor.console && !login ? { sessionContext: { sessionIssuer: {}, webIdFederationData: {}, attributes } } : {}),
      };
    case 'AssumedRole':
    case 'FederatedUser':
      return {
        type: actor.type,
        principalId: actor.principalId,
        arn: actor.arn,
        accountId: acct,
        ...key,
        sessionContext: {
          sessionIssuer: actor.issuer ? { type: actor.issuer.type, principalId: actor.issuer.principalId, arn: actor.issuer.arn, accountId: acct, userName: actor.issuer.userName } : {},
          webIdFederationData: {},
          attributes,
        },
        ...(actor.service ? { invokedBy: actor.service } : {}),
      };
    case 'Root':
      return { type: 'Root', principalId: actor.principalId, arn: actor.arn, accountId: acct, ...key, ...(login ? {} : { sessionContext: { sessionIssuer: {}, webIdFederationData: {}, attributes } }) };
    case 'AWSService':
      return { type: 'AWSService', invokedBy: actor.service ?? 'AWS Internal' };
  }
}

const BROWSER = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
];

/** The CLI's command group where it differs from the endpoint prefix. */
const CLI_SERVICE: Record<string, string> = { monitoring: 'cloudwatch', s3: 's3api', elasticloadbalancing: 'elbv2', signin: 'signin' };

function kebab(name: string): string {
  return name
    .replace(/\d{8}(v\d)?$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}

/** A user agent in the shape each client really sends, versions fixed per actor. */
export function userAgentFor(actor: Actor, a: Action): string {
  const h = hash32(actor.key);
  const svc = a.source.split('.')[0];
  const mac = actor.profile === 'admin' || actor.profile === 'developer' || actor.profile === 'security';
  const os = mac ? `os/macos#23.${h % 7}.0 md/arch#arm64` : 'os/linux#6.8.0-1019-aws md/arch#x86_64';
  switch (actor.agent) {
    case 'cli':
      return `aws-cli/2.22.${h % 30} md/awscrt#0.22.0 ua/2.0 ${os} lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#${CLI_SERVICE[svc] ?? svc}.${kebab(a.name)}`;
    case 'boto3':
    case 'lambda': {
      const v = `1.35.${40 + (h % 50)}`;
      const env = actor.agent === 'lambda' ? ' exec-env/AWS_Lambda_python3.12' : '';
      return `Boto3/${v} md/Botocore#${v} ua/2.0 ${os} lang/python#3.12.7 md/pyimpl#CPython${env} cfg/retry-mode#legacy Botocore/${v}`;
    }
    case 'console':
      if (svc === 's3') return '[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.750 Linux/5.10.226-192.879.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.412-b09 java/1.8.0_412 vendor/Oracle_Corporation cfg/retry-mode/standard]';
      if (svc === 'ec2') return 'console.ec2.amazonaws.com';
      return h % 2 === 0 ? 'AWS Internal' : BROWSER[h % BROWSER.length];
    case 'terraform':
      return `APN/1.0 HashiCorp/1.0 Terraform/1.9.${h % 9} (+https://www.terraform.io) terraform-provider-aws/5.7${h % 10}.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.2 ua/2.1 os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64 api/${svc}#1.${30 + (h % 60)}.0`;
    case 'java':
      return 'aws-sdk-java/2.29.6 Linux/5.10.227-219.884.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/21.0.5+11-LTS Java/21.0.5 vendor/Amazon.com_Inc. exec-env/AWS_ECS_FARGATE io/sync http/Apache cfg/retry-mode/legacy';
    case 'go':
      return `aws-sdk-go-v2/1.32.${h % 8} ua/2.1 os/linux lang/go#1.23.3 md/GOOS#linux md/GOARCH#amd64 api/${svc}#1.${20 + (h % 40)}.0`;
    case 'service':
      return actor.service ?? 'AWS Internal';
  }
}

function requestId(rng: Rng, a: Action): string {
  return a.source === 's3.amazonaws.com' ? rng.upper(16) : rng.uuid();
}

/** Builds one record. Draw order is fixed so one seed always yields the same record. */
export function buildRecord(e: EventInput): Rec {
  const { rng, actor, action: a, account, region, time } = e;
  const ctx: Ctx = { rng, actor, account, region, res: account.resources[region], time };
  const login = a.name === 'ConsoleLogin';
  const isService = actor.type === 'AWSService' || actor.profile === 'linked';
  const ip = e.ip ?? (isService ? (actor.service ?? 'AWS Internal') : rng.pick(actor.ips));
  const ua = e.userAgent ?? (login ? BROWSER[hash32(actor.key) % BROWSER.length] : userAgentFor(actor, a));

  const r: Rec = {
    eventVersion: eventVersionOf(a),
    userIdentity: identity(actor, time, login),
    eventTime: isoSeconds(time),
    eventSource: a.source,
    eventName: a.name,
    awsRegion: region,
    sourceIPAddress: ip,
    userAgent: ua,
  };
  if (e.failure) {
    if (e.failure.code !== null) r.errorCode = e.failure.code;
    r.errorMessage = e.failure.message;
  }
  const req = e.request !== undefined ? e.request : a.req ? a.req(ctx) : null;
  r.requestParameters = req;
  const resp = e.response !== undefined ? e.response : a.resp ? a.resp(ctx) : null;
  r.responseElements = login ? { ConsoleLogin: e.failure ? 'Failure' : 'Success' } : e.failure ? null : resp;
  const extra = a.extra ? a.extra(ctx) : {};
  if (extra.additionalEventData !== undefined) r.additionalEventData = extra.additionalEventData;
  if (!login) r.requestID = requestId(rng, a);
  r.eventID = rng.uuid();
  r.readOnly = a.readOnly;
  const resources = e.resources ?? (a.resources ? a.resources(ctx) : undefined);
  if (resources) r.resources = resources;
  r.eventType = a.eventType ?? 'AwsApiCall';
  if (a.apiVersion) r.apiVersion = a.apiVersion;
  r.managementEvent = !a.data;
  r.recipientAccountId = account.id;
  for (const [k, v] of Object.entries(extra)) if (k !== 'additionalEventData') r[k] = v;
  if (e.extra) for (const [k, v] of Object.entries(e.extra)) r[k] = v;
  r.eventCategory = a.data ? 'Data' : 'Management';
  if (!isService) {
    r.tlsDetails = {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: a.source === 's3.amazonaws.com' && req && typeof req === 'object' && !Array.isArray(req) && typeof req.Host === 'string' ? req.Host : endpointHost(a, region),
    };
  }
  if (actor.console && !login && actor.type !== 'IAMUser') r.sessionCredentialFromConsole = 'true';
  return r;
}

const EC2 = 'ec2.amazonaws.com';

/** The error a failed call reports, worded as the service words it. */
export function failureFor(kind: 'denied' | 'throttle' | 'nobucket' | 'notfound', a: Action, actor: Actor, c: { rng: Rng; region: string; account: string }): Failure {
  const who = actor.type === 'AWSService' ? (actor.service ?? 'AWS Internal') : actor.arn;
  switch (kind) {
    case 'denied':
      if (a.source === EC2) {
        return {
          code: 'Client.UnauthorizedOperation',
          message: `You are not authorized to perform this operation. User: ${who} is not authorized to perform: ${iamAction(a)} on resource: arn:aws:ec2:${c.region}:${c.account}:instance/* because no identity-based policy allows the ${iamAction(a)} action. Encoded authorization failure message: ${c.rng.alnum(180)}`,
        };
      }
      if (a.source === 's3.amazonaws.com') return { code: 'AccessDenied', message: 'Access Denied' };
      return { code: 'AccessDenied', message: `User: ${who} is not authorized to perform: ${iamAction(a)} because no identity-based policy allows the ${iamAction(a)} action` };
    case 'throttle':
      return a.source === EC2 ? { code: 'Client.RequestLimitExceeded', message: 'Request limit exceeded.' } : { code: 'ThrottlingException', message: 'Rate exceeded' };
    case 'nobucket':
      return { code: 'NoSuchBucket', message: 'The specified bucket does not exist' };
    case 'notfound':
      if (a.source === 'iam.amazonaws.com') return { code: 'NoSuchEntity', message: 'The user with name contractor cannot be found.' };
      if (a.source === 'secretsmanager.amazonaws.com') return { code: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." };
      return { code: 'ResourceNotFoundException', message: 'Requested resource not found' };
  }
}
