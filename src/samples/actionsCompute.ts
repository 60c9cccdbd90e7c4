/** Catalog: compute, containers, databases, networking and deployment services. */
import { Action, act, BUILD, Ctx, HUMAN, iso, LOOKERS, OPS, pick, roleArn } from './action';
import { Json } from './util';

const EC2 = 'ec2.amazonaws.com';
const ids = (c: Ctx, n: number): Json => ({ items: c.rng.shuffle([...c.res.instances]).slice(0, n).map((instanceId) => ({ instanceId })) });
const instanceState = (c: Ctx, from: [number, string], to: [number, string]): Json => ({
  instancesSet: {
    items: [{ instanceId: pick(c, c.res.instances), currentState: { code: to[0], name: to[1] }, previousState: { code: from[0], name: from[1] } }],
  },
});
const ec2Read = (name: string, weight: number, req: (c: Ctx) => Json = () => ({ filterSet: {} })): Action =>
  act(EC2, name, true, weight, [...LOOKERS, 'readonly', 'app'], { errors: ['denied', 'throttle'], req, resp: () => null });

export const COMPUTE: Action[] = [
  ec2Read('DescribeInstances', 30, (c) => ({ instancesSet: c.rng.chance(0.5) ? ids(c, 1) : {}, filterSet: {} })),
  ec2Read('DescribeSecurityGroups', 10, (c) => ({ securityGroupSet: {}, securityGroupIdSet: { items: [{ groupId: pick(c, c.res.securityGroups) }] }, filterSet: {} })),
  ec2Read('DescribeVpcs', 6),
  ec2Read('DescribeSubnets', 6, (c) => ({ subnetSet: {}, filterSet: { items: [{ name: 'vpc-id', valueSet: { items: [{ value: pick(c, c.res.vpcs) }] } }] } })),
  ec2Read('DescribeImages', 4, (c) => ({ executableBySet: {}, imagesSet: { items: [{ imageId: pick(c, c.res.amis) }] }, ownersSet: { items: [{ owner: 'self' }] }, filterSet: {} })),
  ec2Read('DescribeVolumes', 5),
  ec2Read('DescribeRegions', 3, () => ({ regionSet: {}, allRegions: false })),
  ec2Read('DescribeInstanceStatus', 8, (c) => ({ instancesSet: ids(c, 2), filterSet: {}, includeAllInstances: true })),
  ec2Read('DescribeNetworkInterfaces', 4),
  ec2Read('DescribeSnapshots', 3, () => ({ snapshotSet: {}, ownersSet: { items: [{ owner: 'self' }] }, filterSet: {} })),
  act(EC2, 'RunInstances', false, 2, OPS, {
    errors: ['denied'],
    req: (c) => ({
      instancesSet: { items: [{ imageId: pick(c, c.res.amis), minCount: 1, maxCount: 1 }] },
      instanceType: pick(c, ['t3.micro', 't3.medium', 'm6i.large', 'c7g.xlarge']),
      blockDeviceMapping: {},
      monitoring: { enabled: false },
      subnetId: pick(c, c.res.subnets),
      disableApiTermination: false,
      clientToken: c.rng.uuid(),
      tagSpecificationSet: { items: [{ resourceType: 'instance', tags: [{ key: 'Name', value: `${c.account.alias}-worker` }] }] },
    }),
    resp: (c) => ({
      requestId: c.rng.uuid(),
      reservationId: `r-0${c.rng.hex(16)}`,
      ownerId: c.account.id,
      groupSet: {},
      instancesSet: { items: [{ instanceId: `i-0${c.rng.hex(16)}`, imageId: pick(c, c.res.amis), instanceState: { code: 0, name: 'pending' }, privateIpAddress: `10.0.${c.rng.int(64)}.${c.rng.range(4, 250)}`, subnetId: pick(c, c.res.subnets), vpcId: pick(c, c.res.vpcs) }] },
    }),
  }),
  act(EC2, 'StartInstances', false, 2, OPS, { errors: ['denied'], req: (c) => ({ instancesSet: ids(c, 1) }), resp: (c) => instanceState(c, [80, 'stopped'], [0, 'pending']) }),
  act(EC2, 'StopInstances', false, 2, OPS, { errors: ['denied'], req: (c) => ({ instancesSet: ids(c, 1), force: false }), resp: (c) => instanceState(c, [16, 'running'], [64, 'stopping']) }),
  act(EC2, 'TerminateInstances', false, 1, OPS, { errors: ['denied'], req: (c) => ({ instancesSet: ids(c, 1) }), resp: (c) => instanceState(c, [16, 'running'], [32, 'shutting-down']) }),
  act(EC2, 'CreateTags', false, 4, [...BUILD, 'admin'], {
    req: (c) => ({ resourcesSet: { items: [{ resourceId: pick(c, c.res.instances) }] }, tagSet: { items: [{ key: 'CostCenter', value: pick(c, ['1001', '2040', '3300']) }] } }),
    resp: (c) => ({ requestId: c.rng.uuid(), _return: true }),
  }),
  act(EC2, 'AuthorizeSecurityGroupIngress', false, 1, OPS, {
    errors: ['denied'],
    req: (c) => ({ groupId: pick(c, c.res.securityGroups), ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, groups: {}, ipRanges: { items: [{ cidrIp: '10.0.0.0/16' }] }, ipv6Ranges: {}, prefixListIds: {} }] } }),
    resp: (c) => ({ requestId: c.rng.uuid(), _return: true, securityGroupRuleSet: { items: [{ groupOwnerId: c.account.id, groupId: pick(c, c.res.securityGroups), securityGroupRuleId: `sgr-0${c.rng.hex(16)}`, isEgress: false, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '10.0.0.0/16' }] } }),
  }),
  act(EC2, 'CreateSecurityGroup', false, 1, BUILD, {
    req: (c) => ({ groupName: `${c.account.alias}-svc-${c.rng.hex(4)}`, groupDescription: 'managed by terraform', vpcId: pick(c, c.res.vpcs) }),
    resp: (c) => ({ requestId: c.rng.uuid(), _return: true, groupId: `sg-0${c.rng.hex(16)}` }),
  }),
  act(EC2, 'CreateSnapshot', false, 1, ['app', 'admin'], {
    req: (c) => ({ volumeId: `vol-0${c.rng.hex(16)}`, description: 'nightly backup' }),
    resp: (c) => ({ requestId: c.rng.uuid(), snapshotId: `snap-0${c.rng.hex(16)}`, status: 'pending', volumeSize: 100, encrypted: true }),
  }),

  act('lambda.amazonaws.com', 'ListFunctions20150331', true, 5, [...LOOKERS, 'readonly'], { apiVersion: '2015-03-31', req: () => null, resp: () => null }),
  act('lambda.amazonaws.com', 'GetFunction20150331v2', true, 4, [...LOOKERS, 'readonly'], { apiVersion: '2015-03-31', errors: ['notfound'], req: (c) => ({ functionName: pick(c, c.res.functions) }), resp: () => null }),
  act('lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', false, 2, BUILD, {
    apiVersion: '2015-03-31',
    req: (c) => ({ functionName: pick(c, c.res.functions), s3Bucket: c.res.buckets[2], s3Key: `lambda/${c.rng.hex(40)}.zip`, publish: true, dryRun: false }),
    resp: (c) => ({ functionName: pick(c, c.res.functions), runtime: 'python3.12', handler: 'app.handler', codeSize: c.rng.range(20_000, 9_000_000), codeSha256: c.rng.alnum(43) + '=', version: String(c.rng.range(2, 90)), state: 'Active', lastUpdateStatus: 'InProgress' }),
  }),
  act('lambda.amazonaws.com', 'UpdateFunctionConfiguration20150331v2', false, 1, BUILD, {
    apiVersion: '2015-03-31',
    req: (c) => ({ functionName: pick(c, c.res.functions), timeout: pick(c, [30, 60, 300]), memorySize: pick(c, [256, 512, 1024]) }),
    resp: (c) => ({ functionName: pick(c, c.res.functions), runtime: 'python3.12', timeout: 60, memorySize: 512, lastUpdateStatus: 'InProgress' }),
  }),
  act('lambda.amazonaws.com', 'CreateFunction20150331', false, 0.3, BUILD, {
    apiVersion: '2015-03-31',
    req: (c) => ({ functionName: `${c.account.alias}-fn-${c.rng.hex(6)}`, runtime: 'nodejs20.x', role: roleArn(c, 'billing-lambda-role'), handler: 'index.handler', code: {}, publish: false }),
    resp: (c) => ({ functionArn: `arn:aws:lambda:${c.region}:${c.account.id}:function:${c.account.alias}-fn`, state: 'Pending' }),
  }),
  act('lambda.amazonaws.com', 'AddPermission20150331v2', false, 0.3, BUILD, {
    apiVersion: '2015-03-31',
    req: (c) => ({ functionName: pick(c, c.res.functions), statementId: `allow-s3-${c.rng.hex(6)}`, action: 'lambda:InvokeFunction', principal: 's3.amazonaws.com' }),
    resp: () => ({ statement: '{"Sid":"allow-s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction"}' }),
  }),
  act('lambda.amazonaws.com', 'ListEventSourceMappings20150331', true, 2, ['terraform', 'developer'], { apiVersion: '2015-03-31', req: (c) => ({ functionName: pick(c, c.res.functions) }), resp: () => null }),

  act('ecs.amazonaws.com', 'DescribeServices', true, 6, [...LOOKERS, 'ci'], { req: (c) => ({ cluster: pick(c, c.res.clusters), services: [pick(c, c.res.services)] }), resp: () => null }),
  act('ecs.amazonaws.com', 'DescribeTasks', true, 5, [...LOOKERS, 'ci'], { req: (c) => ({ cluster: pick(c, c.res.clusters), tasks: [c.rng.hex(32)] }), resp: () => null }),
  act('ecs.amazonaws.com', 'ListClusters', true, 2, LOOKERS, { req: () => null, resp: () => null }),
  act('ecs.amazonaws.com', 'ListTasks', true, 3, [...LOOKERS, 'ci'], { req: (c) => ({ cluster: pick(c, c.res.clusters), desiredStatus: 'RUNNING' }), resp: () => null }),
  act('ecs.amazonaws.com', 'UpdateService', false, 3, ['ci', 'terraform'], {
    errors: ['throttle'],
    req: (c) => ({ cluster: pick(c, c.res.clusters), service: pick(c, c.res.services), taskDefinition: `${pick(c, c.res.services)}:${c.rng.range(100, 400)}`, forceNewDeployment: true }),
    resp: (c) => ({ service: { serviceName: pick(c, c.res.services), status: 'ACTIVE', desiredCount: pick(c, [2, 3, 4]), runningCount: 3, launchType: 'FARGATE' } }),
  }),
  act('ecs.amazonaws.com', 'RegisterTaskDefinition', false, 2, ['ci', 'terraform'], {
    req: (c) => ({ family: pick(c, c.res.services), networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '512', memory: '1024', executionRoleArn: roleArn(c, 'orders-api-task') }),
    resp: (c) => ({ taskDefinition: { family: pick(c, c.res.services), revision: c.rng.range(100, 400), status: 'ACTIVE' } }),
  }),
  act('ecs.amazonaws.com', 'RunTask', false, 1, ['app', 'ci'], {
    req: (c) => ({ cluster: c.res.clusters[1], taskDefinition: 'nightly-report', count: 1, launchType: 'FARGATE' }),
    resp: (c) => ({ tasks: [{ taskArn: `arn:aws:ecs:${c.region}:${c.account.id}:task/${c.res.clusters[1]}/${c.rng.hex(32)}`, lastStatus: 'PROVISIONING' }], failures: [] }),
  }),

  act('ecr.amazonaws.com', 'GetAuthorizationToken', true, 6, ['ci', 'app', 'developer'], { req: () => ({ registryIds: [] as Json[] }), resp: () => null }),
  act('ecr.amazonaws.com', 'BatchGetImage', true, 4, ['app', 'ci'], { req: (c) => ({ repositoryName: pick(c, c.res.repositories), imageIds: [{ imageTag: `v1.${c.rng.range(10, 90)}.${c.rng.int(10)}` }], acceptedMediaTypes: ['application/vnd.docker.distribution.manifest.v2+json'] }), resp: () => null }),
  act('ecr.amazonaws.com', 'GetDownloadUrlForLayer', true, 4, ['app', 'ci'], { req: (c) => ({ repositoryName: pick(c, c.res.repositories), layerDigest: `sha256:${c.rng.hex(64)}` }), resp: () => null }),
  act('ecr.amazonaws.com', 'PutImage', false, 2, ['ci'], {
    req: (c) => ({ repositoryName: pick(c, c.res.repositories), imageTag: `v1.${c.rng.range(10, 90)}.${c.rng.int(10)}`, imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json' }),
    resp: (c) => ({ image: { registryId: c.account.id, repositoryName: pick(c, c.res.repositories), imageId: { imageDigest: `sha256:${c.rng.hex(64)}` } } }),
  }),
  act('ecr.amazonaws.com', 'DescribeRepositories', true, 2, LOOKERS, { req: () => null, resp: () => null }),

  act('eks.amazonaws.com', 'DescribeCluster', true, 3, [...LOOKERS, 'ci'], { req: (c) => ({ name: pick(c, c.res.clusters) }), resp: () => null }),
  act('eks.amazonaws.com', 'ListClusters', true, 1, LOOKERS, { req: () => null, resp: () => null }),
  act('eks.amazonaws.com', 'ListNodegroups', true, 1, LOOKERS, { req: (c) => ({ name: pick(c, c.res.clusters) }), resp: () => null }),

  act('autoscaling.amazonaws.com', 'DescribeAutoScalingGroups', true, 3, [...LOOKERS, 'app'], { req: () => null, resp: () => null }),
  act('autoscaling.amazonaws.com', 'UpdateAutoScalingGroup', false, 1, BUILD, {
    req: (c) => ({ autoScalingGroupName: `${c.account.alias}-web-asg`, minSize: 2, maxSize: pick(c, [6, 8, 12]), desiredCapacity: pick(c, [2, 3, 4]) }),
    resp: () => null,
  }),
  act('elasticloadbalancing.amazonaws.com', 'DescribeLoadBalancers', true, 3, LOOKERS, { apiVersion: '2015-12-01', req: () => ({ pageSize: 400 }), resp: () => null }),
  act('elasticloadbalancing.amazonaws.com', 'DescribeTargetHealth', true, 5, [...LOOKERS, 'ci'], {
    apiVersion: '2015-12-01',
    req: (c) => ({ targetGroupArn: `arn:aws:elasticloadbalancing:${c.region}:${c.account.id}:targetgroup/${c.account.alias}-web/${c.rng.hex(16)}` }),
    resp: () => null,
  }),
  act('elasticloadbalancing.amazonaws.com', 'RegisterTargets', false, 1, ['ci'], {
    apiVersion: '2015-12-01',
    req: (c) => ({ targetGroupArn: `arn:aws:elasticloadbalancing:${c.region}:${c.account.id}:targetgroup/${c.account.alias}-web/${c.rng.hex(16)}`, targets: [{ id: pick(c, c.res.instances), port: 8080 }] }),
    resp: () => null,
  }),

  act('rds.amazonaws.com', 'DescribeDBInstances', true, 4, [...LOOKERS, 'readonly'], { apiVersion: '2014-10-31', req: () => null, resp: () => null }),
  act('rds.amazonaws.com', 'DescribeDBClusters', true, 2, LOOKERS, { apiVersion: '2014-10-31', req: () => null, resp: () => null }),
  act('rds.amazonaws.com', 'DescribeDBSnapshots', true, 2, [...LOOKERS, 'app'], { apiVersion: '2014-10-31', req: (c) => ({ dBInstanceIdentifier: pick(c, c.res.dbInstances), snapshotType: 'manual' }), resp: () => null }),
  act('rds.amazonaws.com', 'CreateDBSnapshot', false, 1, ['app', 'admin'], {
    apiVersion: '2014-10-31',
    req: (c) => ({ dBSnapshotIdentifier: `manual-${iso(c.time).slice(0, 10)}-${c.rng.hex(4)}`, dBInstanceIdentifier: pick(c, c.res.dbInstances) }),
    resp: (c) => ({ dBSnapshotIdentifier: `manual-${iso(c.time).slice(0, 10)}`, dBInstanceIdentifier: pick(c, c.res.dbInstances), engine: 'postgres', status: 'creating', encrypted: true }),
  }),
  act('rds.amazonaws.com', 'ModifyDBInstance', false, 0.3, ['admin', 'terraform'], {
    apiVersion: '2014-10-31',
    req: (c) => ({ dBInstanceIdentifier: pick(c, c.res.dbInstances), backupRetentionPeriod: 14, applyImmediately: false }),
    resp: (c) => ({ dBInstanceIdentifier: pick(c, c.res.dbInstances), dBInstanceStatus: 'available', pendingModifiedValues: {} }),
  }),

  act('dynamodb.amazonaws.com', 'DescribeTable', true, 8, [...LOOKERS, 'app'], { errors: ['notfound'], req: (c) => ({ tableName: pick(c, c.res.tables) }), resp: () => null }),
  act('dynamodb.amazonaws.com', 'ListTables', true, 3, [...LOOKERS, 'readonly'], { req: () => null, resp: () => null }),
  act('dynamodb.amazonaws.com', 'DescribeContinuousBackups', true, 2, ['terraform', 'security', 'linked'], { req: (c) => ({ tableName: pick(c, c.res.tables) }), resp: () => null }),
  act('dynamodb.amazonaws.com', 'UpdateTable', false, 0.5, BUILD, {
    req: (c) => ({ tableName: pick(c, c.res.tables), billingMode: 'PAY_PER_REQUEST' }),
    resp: (c) => ({ tableDescription: { tableName: pick(c, c.res.tables), tableStatus: 'UPDATING' } }),
  }),
  act('dynamodb.amazonaws.com', 'CreateBackup', false, 1, ['app'], {
    req: (c) => ({ tableName: pick(c, c.res.tables), backupName: `nightly-${iso(c.time).slice(0, 10)}` }),
    resp: (c) => ({ backupDetails: { backupArn: `arn:aws:dynamodb:${c.region}:${c.account.id}:table/${pick(c, c.res.tables)}/backup/0${c.rng.hex(15)}-${c.rng.hex(8)}`, backupStatus: 'CREATING', backupType: 'USER' } }),
  }),
  act('dynamodb.amazonaws.com', 'CreateTable', false, 0.2, BUILD, {
    req: (c) => ({ tableName: `${c.account.alias}-cache-${c.rng.hex(4)}`, keySchema: [{ attributeName: 'pk', keyType: 'HASH' }], billingMode: 'PAY_PER_REQUEST' }),
    resp: (c) => ({ tableDescription: { tableName: `${c.account.alias}-cache`, tableStatus: 'CREATING', tableArn: `arn:aws:dynamodb:${c.region}:${c.account.id}:table/${c.account.alias}-cache` } }),
  }),

  act('cloudformation.amazonaws.com', 'DescribeStacks', true, 6, [...LOOKERS, 'ci'], { errors: ['throttle'], req: (c) => ({ stackName: pick(c, c.res.stacks) }), resp: () => null }),
  act('cloudformation.amazonaws.com', 'DescribeStackEvents', true, 4, ['ci', 'developer'], { errors: ['throttle'], req: (c) => ({ stackName: pick(c, c.res.stacks) }), resp: () => null }),
  act('cloudformation.amazonaws.com', 'ListStacks', true, 2, LOOKERS, { req: () => ({ stackStatusFilter: ['CREATE_COMPLETE', 'UPDATE_COMPLETE'] }), resp: () => null }),
  act('cloudformation.amazonaws.com', 'GetTemplate', true, 1, HUMAN, { req: (c) => ({ stackName: pick(c, c.res.stacks), templateStage: 'Original' }), resp: () => null }),
  act('cloudformation.amazonaws.com', 'CreateChangeSet', false, 1.5, ['ci'], {
    req: (c) => ({ stackName: pick(c, c.res.stacks), changeSetName: `deploy-${c.rng.hex(7)}`, changeSetType: 'UPDATE', capabilities: ['CAPABILITY_IAM'] }),
    resp: (c) => ({ id: `arn:aws:cloudformation:${c.region}:${c.account.id}:changeSet/deploy/${c.rng.uuid()}`, stackId: `arn:aws:cloudformation:${c.region}:${c.account.id}:stack/${pick(c, c.res.stacks)}/${c.rng.uuid()}` }),
  }),
  act('cloudformation.amazonaws.com', 'ExecuteChangeSet', false, 1.5, ['ci'], { req: (c) => ({ changeSetName: `deploy-${c.rng.hex(7)}`, stackName: pick(c, c.res.stacks) }), resp: () => null }),

  act('route53.amazonaws.com', 'ListHostedZones', true, 2, LOOKERS, { global: true, apiVersion: '2013-04-01', req: () => null, resp: () => null }),
  act('route53.amazonaws.com', 'ListResourceRecordSets', true, 2, [...LOOKERS, 'ci'], { global: true, apiVersion: '2013-04-01', req: (c) => ({ hostedZoneId: pick(c, c.res.hostedZones) }), resp: () => null }),
  act('route53.amazonaws.com', 'ChangeResourceRecordSets', false, 1, BUILD, {
    global: true,
    apiVersion: '2013-04-01',
    req: (c) => ({
      hostedZoneId: pick(c, c.res.hostedZones),
      changeBatch: { changes: [{ action: 'UPSERT', resourceRecordSet: { name: `api.${c.account.alias}.example.com`, type: 'CNAME', tTL: 60, resourceRecords: [{ value: `${c.account.alias}-web-${c.rng.hex(8)}.${c.region}.elb.amazonaws.com` }] } }] },
    }),
    resp: (c) => ({ changeInfo: { id: `/change/C${c.rng.upper(20)}`, status: 'PENDING', submittedAt: new Date(c.time).toUTCString().replace('GMT', 'UTC') } }),
  }),
  act('route53.amazonaws.com', 'GetChange', true, 1, BUILD, { global: true, apiVersion: '2013-04-01', req: (c) => ({ id: `C${c.rng.upper(20)}` }), resp: () => null }),
];
