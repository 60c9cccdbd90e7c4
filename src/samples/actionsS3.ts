/** Catalog: S3 (bucket management and object-level data events) and console sign-in. */
import { Action, act, BUILD, Ctx, HUMAN, iso, LOOKERS, pick } from './action';
import { Json, JsonObject } from './util';

const S3 = 's3.amazonaws.com';

export function s3Host(bucket: string, region: string): string {
  return `${bucket}.s3.${region}.amazonaws.com`;
}

/** What S3 adds to every record it logs. */
export function s3Additional(c: Ctx, bytesIn: number, bytesOut: number): JsonObject {
  return {
    SignatureVersion: 'SigV4',
    CipherSuite: 'TLS_AES_128_GCM_SHA256',
    bytesTransferredIn: bytesIn,
    AuthenticationMethod: 'AuthHeader',
    'x-amz-id-2': `${c.rng.alnum(56)}=`,
    bytesTransferredOut: bytesOut,
  };
}

export function objectResources(c: Ctx, bucket: string, key: string): Json[] {
  return [
    { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
    { accountId: c.account.id, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
  ];
}

function bucketResources(c: Ctx, bucket: string): Json[] {
  return [{ accountId: c.account.id, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }];
}

/** The bucket and key an object call works on: chosen once per event so request and resources agree. */
interface Target {
  bucket: string;
  key: string;
}

const targets = new WeakMap<Ctx, Target>();

function objectTarget(c: Ctx): Target {
  let t = targets.get(c);
  if (!t) {
    const day = iso(c.time).slice(0, 10).replace(/-/g, '/');
    const profile = c.actor.profile;
    if (profile === 'ci' || profile === 'terraform') {
      t = c.rng.chance(0.5)
        ? { bucket: c.res.buckets[2], key: `builds/${pick(c, c.res.repositories)}/${c.rng.hex(40)}/bundle.zip` }
        : { bucket: c.res.buckets[3], key: `env/${c.account.alias}/${pick(c, ['network', 'orders-api', 'monitoring'])}/terraform.tfstate` };
    } else if (c.actor.key.endsWith('/siem-ingest')) {
      t = { bucket: c.account.trail.bucket, key: `${c.account.trail.prefix}/CloudTrail/${c.region}/${day}/${c.account.id}_CloudTrail_${c.region}_${iso(c.time).slice(0, 16).replace(/[-:]/g, '')}Z_${c.rng.alnum(16)}.json.gz` };
    } else if (c.rng.chance(0.6)) {
      t = { bucket: c.res.dataBucket, key: `exports/${day}/orders-${c.rng.hex(8)}.csv.gz` };
    } else {
      t = { bucket: c.res.buckets[0], key: `img/${c.rng.hex(2)}/${c.rng.hex(24)}.${pick(c, ['jpg', 'png', 'webp'])}` };
    }
    targets.set(c, t);
  }
  return t;
}

const DATA_WHO: Action['who'] = ['app', 'ci', 'terraform', 'developer'];

function dataEvent(name: string, readOnly: boolean, weight: number, resp: (c: Ctx) => Json, bytes: (c: Ctx) => [number, number]): Action {
  return act(S3, name, readOnly, weight, DATA_WHO, {
    data: true,
    errors: name === 'GetObject' ? ['denied', 'nobucket'] : ['denied'],
    req: (c) => {
      const t = objectTarget(c);
      return { bucketName: t.bucket, Host: s3Host(t.bucket, c.region), key: t.key };
    },
    resp,
    extra: (c) => {
      const [i, o] = bytes(c);
      return { additionalEventData: s3Additional(c, i, o) };
    },
    resources: (c) => {
      const t = objectTarget(c);
      return objectResources(c, t.bucket, t.key);
    },
  });
}

const bucketRead = (name: string, weight: number, sub: string): Action =>
  act(S3, name, true, weight, [...LOOKERS, 'readonly', 'ci'], {
    errors: ['nobucket', 'denied'],
    req: (c) => {
      const bucket = pick(c, c.res.buckets);
      targets.set(c, { bucket, key: '' });
      return { [sub]: '', bucketName: bucket, Host: s3Host(bucket, c.region) };
    },
    resp: () => null,
    extra: (c) => ({ additionalEventData: s3Additional(c, 0, c.rng.range(200, 1600)) }),
    resources: (c) => bucketResources(c, objectTarget(c).bucket),
  });

export const STORAGE: Action[] = [
  act(S3, 'ListBuckets', true, 5, [...LOOKERS, 'readonly', 'app'], {
    global: true,
    req: () => ({ Host: 's3.amazonaws.com' }),
    resp: () => null,
    extra: (c) => ({ additionalEventData: s3Additional(c, 0, c.rng.range(900, 4000)) }),
  }),
  bucketRead('GetBucketAcl', 4, 'acl'),
  bucketRead('GetBucketPolicy', 3, 'policy'),
  bucketRead('GetBucketLocation', 4, 'location'),
  bucketRead('GetBucketVersioning', 2, 'versioning'),
  bucketRead('GetBucketEncryption', 2, 'encryption'),
  bucketRead('GetBucketPublicAccessBlock', 2, 'publicAccessBlock'),
  act(S3, 'PutBucketTagging', false, 0.4, BUILD, {
    req: (c) => {
      const bucket = pick(c, c.res.buckets);
      return { bucketName: bucket, Host: s3Host(bucket, c.region), tagging: '', Tagging: { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/', TagSet: { Tag: [{ Key: 'Owner', Value: 'platform' }] } } };
    },
    resp: () => null,
    extra: (c) => ({ additionalEventData: s3Additional(c, 120, 0) }),
  }),
  act(S3, 'CreateBucket', false, 0.1, BUILD, {
    req: (c) => {
      const bucket = `${c.account.alias}-scratch-${c.rng.hex(8)}`;
      return { bucketName: bucket, Host: s3Host(bucket, c.region), CreateBucketConfiguration: { LocationConstraint: c.region, xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' } };
    },
    resp: () => null,
    extra: (c) => ({ additionalEventData: s3Additional(c, 150, 0) }),
  }),
  dataEvent('GetObject', true, 30, () => null, (c) => [0, c.rng.range(2_000, 4_000_000)]),
  dataEvent('HeadObject', true, 8, () => null, () => [0, 0]),
  dataEvent('PutObject', false, 12, (c) => ({ 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': `arn:aws:kms:${c.region}:${c.account.id}:key/${c.res.kmsKeys[0]}`, 'x-amz-version-id': c.rng.alnum(32) }), (c) => [c.rng.range(500, 2_000_000), 0]),
  dataEvent('DeleteObject', false, 2, () => null, () => [0, 0]),
  act(S3, 'ListObjects', true, 6, DATA_WHO, {
    data: true,
    errors: ['nobucket'],
    req: (c) => {
      const t = objectTarget(c);
      return { 'list-type': '2', bucketName: t.bucket, 'encoding-type': 'url', prefix: t.key.split('/').slice(0, 2).join('/') + '/', Host: s3Host(t.bucket, c.region) };
    },
    resp: () => null,
    extra: (c) => ({ additionalEventData: s3Additional(c, 0, c.rng.range(300, 60_000)) }),
    resources: (c) => bucketResources(c, objectTarget(c).bucket),
  }),

  act('signin.amazonaws.com', 'ConsoleLogin', false, 2, [...HUMAN, 'security', 'readonly', 'root'], {
    global: true,
    eventType: 'AwsConsoleSignIn',
    req: () => null,
    resp: () => ({ ConsoleLogin: 'Success' }),
    extra: (c) => ({
      additionalEventData: {
        LoginTo: 'https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_' + c.rng.hex(16),
        MobileVersion: 'No',
        ...(c.actor.mfa ? { MFAIdentifier: `arn:aws:iam::${c.account.id}:mfa/${c.actor.userName ?? 'root-account-mfa-device'}` } : {}),
        MFAUsed: c.actor.mfa ? 'Yes' : 'No',
      },
    }),
  }),
];
