/**
 * The fictional organisation the samples describe: three accounts in three regions, the trails
 * that deliver their logs, and the named resources the events touch. Names are fixed and ids come
 * from the seed, so a resource keeps one id across every event that mentions it.
 */
import { Rng } from './prng';

export const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const;
export type Region = (typeof REGIONS)[number];

export const ORG_ID = 'o-a1b2c3d4e5';

export interface Trail {
  name: string;
  arn: string;
  bucket: string;
  /** S3 key prefix up to and including the account id: org trails add the organization id. */
  prefix: string;
}

export interface Resources {
  buckets: string[];
  dataBucket: string;
  instances: string[];
  amis: string[];
  securityGroups: string[];
  subnets: string[];
  vpcs: string[];
  functions: string[];
  tables: string[];
  queues: string[];
  topics: string[];
  kmsKeys: string[];
  secrets: string[];
  parameters: string[];
  logGroups: string[];
  clusters: string[];
  services: string[];
  repositories: string[];
  dbInstances: string[];
  stacks: string[];
  roles: string[];
  users: string[];
  hostedZones: string[];
}

export interface Account {
  id: string;
  alias: string;
  /** Share of the day's events. */
  weight: number;
  trail: Trail;
  /** Per region: a different resource id set, as separate regions would have. */
  resources: Record<Region, Resources>;
}

/** Share of an account's events per region: most work sits in us-east-1, where IAM and sign-in also log. */
export const REGION_WEIGHT: Record<Region, number> = { 'us-east-1': 0.62, 'eu-west-1': 0.26, 'ap-southeast-2': 0.12 };

const REGION_SHORT: Record<Region, string> = { 'us-east-1': 'use1', 'eu-west-1': 'euw1', 'ap-southeast-2': 'apse2' };

function ids(rng: Rng, prefix: string, n: number, len = 17): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`${prefix}-0${rng.hex(len - 1)}`);
  return out;
}

function resourcesFor(rng: Rng, alias: string, accountId: string, region: Region): Resources {
  const short = REGION_SHORT[region];
  return {
    buckets: [
      `${alias}-app-assets-${short}`,
      `${alias}-customer-exports-${short}`,
      `${alias}-build-artifacts-${accountId}`,
      `${alias}-terraform-state-${accountId}`,
      `${alias}-access-logs-${short}`,
    ],
    dataBucket: `${alias}-customer-exports-${short}`,
    instances: ids(rng, 'i', 8),
    amis: ids(rng, 'ami', 3),
    securityGroups: ids(rng, 'sg', 4),
    subnets: ids(rng, 'subnet', 4),
    vpcs: ids(rng, 'vpc', 2),
    functions: [`${alias}-billing-reconcile`, `${alias}-image-resize`, `${alias}-orders-webhook`, `${alias}-nightly-report`],
    tables: [`${alias}-orders`, `${alias}-sessions`, `${alias}-inventory`],
    queues: [`${alias}-orders-queue`, `${alias}-orders-dlq`, `${alias}-email-outbox`],
    topics: [`${alias}-alerts`, `${alias}-order-events`],
    kmsKeys: [rng.uuid(), rng.uuid(), rng.uuid()],
    secrets: [`${alias}/orders-db/password`, `${alias}/stripe/api-key`, `${alias}/github/deploy-token`],
    parameters: [`/${alias}/orders-api/feature-flags`, `/${alias}/orders-api/db-host`, `/${alias}/shared/log-level`],
    logGroups: [`/aws/lambda/${alias}-billing-reconcile`, `/ecs/${alias}-orders-api`, `/aws/eks/${alias}-platform/cluster`],
    clusters: [`${alias}-platform`, `${alias}-batch`],
    services: [`${alias}-orders-api`, `${alias}-web`],
    repositories: ['orders-api', 'web-frontend', 'image-resize'],
    dbInstances: [`${alias}-orders-db`, `${alias}-reporting-db`],
    stacks: [`${alias}-network`, `${alias}-orders-api`, `${alias}-monitoring`],
    roles: ['orders-api-task', 'billing-lambda-role', 'ec2-web-instance-role', 'GitHubActionsDeployRole', 'SecurityAuditRole'],
    users: ['alice', 'bob', 'carol', 'ci-deploy', 'terraform-ci', 'backup-svc'],
    hostedZones: [`Z${rng.upper(20)}`, `Z${rng.upper(20)}`],
  };
}

function account(rng: Rng, id: string, alias: string, weight: number, trail: Trail): Account {
  const resources = {} as Record<Region, Resources>;
  for (const r of REGIONS) resources[r] = resourcesFor(rng.fork(`${id}/${r}`), alias, id, r);
  return { id, alias, weight, trail, resources };
}

export const PROD = '111122223333';
export const STAGING = '444455556666';
export const SECURITY = '777788889999';

/**
 * Prod keeps its own account trail; staging and security are logged by the organization trail,
 * whose S3 keys carry the organization id. No account is logged by both, so an event id appears once.
 */
export function makeAccounts(rng: Rng): Account[] {
  const orgBucket = `aws-controltower-logs-${SECURITY}-us-east-1`;
  const orgTrail = (acct: string): Trail => ({
    name: 'org-trail',
    arn: `arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail`,
    bucket: orgBucket,
    prefix: `AWSLogs/${ORG_ID}/${acct}`,
  });
  return [
    account(rng, PROD, 'prod', 0.55, {
      name: 'management-events',
      arn: `arn:aws:cloudtrail:us-east-1:${PROD}:trail/management-events`,
      bucket: `prod-cloudtrail-logs-${PROD}`,
      prefix: `AWSLogs/${PROD}`,
    }),
    account(rng, STAGING, 'staging', 0.3, orgTrail(STAGING)),
    account(rng, SECURITY, 'security', 0.15, orgTrail(SECURITY)),
  ];
}
