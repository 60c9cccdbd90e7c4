// The Athena table over a trail's S3 log files, and the checks that keep user-given names out of
// the SQL's syntax. providers/ never imports vscode.
//
// The DDL follows the AWS Athena User Guide, "Creating the table for CloudTrail logs in Athena using
// partition projection" (the JsonSerDe + CloudTrailInputFormat variant, which replaced the older
// com.amazon.emr.hive.serde.CloudTrailSerde): the same columns and struct shapes, partitioned by a
// `timestamp` projected as a date (yyyy/MM/dd, one day per partition, up to NOW). Where the guide's
// example is for one account and Region, this table adds `accountid` and `region` enum projections
// so one table covers every account and Region the trail delivers for (an organization trail's
// S3 layout has the extra `o-…` level). A few columns CloudTrail added after the guide's example
// (managementEvent, onBehalfOf) are included, so records rebuilt from rows lose less; JsonSerDe maps
// columns to JSON keys by name, so an extra column costs nothing for files without it.
//
// Every name or value that ends up in the DDL or in SQL is validated here first (no quoting games:
// what does not match the strict form is refused with a message saying what is allowed).

/** A column type as far as the CloudTrail table needs. */
export type ColumnType =
  | { kind: 'string' }
  | { kind: 'struct'; fields: ReadonlyArray<readonly [name: string, type: ColumnType]> }
  | { kind: 'array'; of: ColumnType }
  | { kind: 'map' };

const S: ColumnType = { kind: 'string' };
const struct = (...fields: Array<readonly [string, ColumnType]>): ColumnType => ({ kind: 'struct', fields });

/**
 * The table's columns in CloudTrail's own spelling (Athena reports them lower-cased). Order follows
 * the record, so a record rebuilt from a row lists its keys in the usual order.
 */
export const CLOUDTRAIL_COLUMNS: ReadonlyArray<readonly [name: string, type: ColumnType]> = [
  ['eventVersion', S],
  [
    'userIdentity',
    struct(
      ['type', S],
      ['principalId', S],
      ['arn', S],
      ['accountId', S],
      ['invokedBy', S],
      ['accessKeyId', S],
      ['userName', S],
      ['onBehalfOf', struct(['userId', S], ['identityStoreArn', S])],
      [
        'sessionContext',
        struct(
          ['attributes', struct(['mfaAuthenticated', S], ['creationDate', S])],
          ['sessionIssuer', struct(['type', S], ['principalId', S], ['arn', S], ['accountId', S], ['userName', S])],
          ['sourceIdentity', S],
          ['ec2RoleDelivery', S],
          ['webIdFederationData', struct(['federatedProvider', S], ['attributes', { kind: 'map' }])],
        ),
      ],
    ),
  ],
  ['eventTime', S],
  ['eventSource', S],
  ['eventName', S],
  ['awsRegion', S],
  ['sourceIPAddress', S],
  ['userAgent', S],
  ['errorCode', S],
  ['errorMessage', S],
  ['requestParameters', S],
  ['responseElements', S],
  ['additionalEventData', S],
  ['requestID', S],
  ['eventID', S],
  ['readOnly', S],
  ['resources', { kind: 'array', of: struct(['arn', S], ['accountId', S], ['type', S]) }],
  ['eventType', S],
  ['apiVersion', S],
  ['managementEvent', S],
  ['recipientAccountId', S],
  ['serviceEventDetails', S],
  ['sharedEventID', S],
  ['vpcEndpointId', S],
  ['vpcEndpointAccountId', S],
  ['eventCategory', S],
  ['addendum', struct(['reason', S], ['updatedFields', S], ['originalRequestID', S], ['originalEventID', S])],
  ['sessionCredentialFromConsole', S],
  ['edgeDeviceDetails', S],
  ['tlsDetails', struct(['tlsVersion', S], ['cipherSuite', S], ['clientProvidedHostHeader', S])],
];

/** STRING columns that hold a JSON document (JsonSerDe keeps the nested object's text). */
export const JSON_TEXT_COLUMNS: ReadonlySet<string> = new Set(['requestparameters', 'responseelements', 'additionaleventdata', 'serviceeventdetails', 'edgedevicedetails']);

/** The partition columns (projected, never stored in the files). */
export const PARTITION_COLUMNS = ['accountid', 'region', 'timestamp'] as const;

/** The column list every translated query selects (the data columns, not the partitions). */
export const SELECT_COLUMNS: readonly string[] = CLOUDTRAIL_COLUMNS.map(([n]) => n.toLowerCase());

export class AthenaNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AthenaNameError';
  }
}

const IDENT_RE = /^[a-z0-9_]{1,255}$/;
const ACCOUNT_RE = /^\d{12}$/;
const REGION_RE = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
const ORG_RE = /^o-[a-z0-9]{10,32}$/;
const DATE_RE = /^(\d{4})\/(\d{2})\/(\d{2})$/;

/** Shows a refused value without letting it flood (or spoof lines in) a message. */
function shown(v: string): string {
  return JSON.stringify(v.length > 60 ? v.slice(0, 59) + '…' : v);
}

/** A database or table name as Athena (Glue) keeps it: lower-case letters, digits and `_`. */
export function checkIdentifier(name: string, what: string): string {
  if (typeof name !== 'string' || !IDENT_RE.test(name)) {
    throw new AthenaNameError(`The ${what} name ${shown(String(name))} is not usable: use only lower-case letters, digits and _ (at most 255).`);
  }
  return name;
}

/** `table` or `database.table`, each part checked; returned double-quoted for DML. */
export function tableReference(ref: string): string {
  const parts = typeof ref === 'string' ? ref.split('.') : [];
  if (parts.length < 1 || parts.length > 2) throw new AthenaNameError(`The table ${shown(String(ref))} should be "table" or "database.table".`);
  return parts.map((p, i) => `"${checkIdentifier(p, i === 0 && parts.length === 2 ? 'database' : 'table')}"`).join('.');
}

/** S3 general purpose bucket naming rules (S3 User Guide, "Bucket naming rules"). */
export function checkBucket(bucket: string): string {
  const b = typeof bucket === 'string' ? bucket : '';
  const ok =
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(b) &&
    !b.includes('..') &&
    !/^\d{1,3}(?:\.\d{1,3}){3}$/.test(b) &&
    !b.startsWith('xn--') &&
    !b.startsWith('sthree-') &&
    !b.endsWith('-s3alias') &&
    !b.endsWith('--ol-s3');
  if (!ok) throw new AthenaNameError(`The bucket name ${shown(b)} does not follow the S3 bucket naming rules (3–63 lower-case letters, digits, dots and hyphens).`);
  return b;
}

/**
 * The key prefix before `AWSLogs/`, without leading or trailing slashes. Quotes, backslashes, `$`
 * (the template's variable syntax) and control characters cannot be written into a table property
 * safely, and S3 prefixes CloudTrail is configured with never need them.
 */
export function checkPrefix(prefix: string | undefined): string {
  const p = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  if (p === '') return '';
  if (/['"`\\$\p{Cc}]/u.test(p) || p.split('/').some((s) => s === '' || s === '.' || s === '..') || p.length > 900) {
    throw new AthenaNameError(`The S3 prefix ${shown(p)} is not usable: no quotes, backslashes, $, control characters or empty segments.`);
  }
  return p;
}

function checkDate(d: string): string {
  const m = DATE_RE.exec(typeof d === 'string' ? d : '');
  if (m) {
    const [y, mo, da] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const t = new Date(Date.UTC(y, mo - 1, da));
    if (t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === da) return d;
  }
  throw new AthenaNameError(`The projection start ${shown(String(d))} should be a date written YYYY/MM/DD (the first day of logs).`);
}

/** Commercial Regions (July 2025), the default Region projection when none are given. */
export const DEFAULT_REGIONS: readonly string[] = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1', 'il-central-1', 'me-south-1',
  'me-central-1', 'mx-central-1', 'sa-east-1',
];

export interface TableSpec {
  database: string;
  table: string;
  bucket: string;
  /** The trail's S3 key prefix (before AWSLogs/), if any. */
  prefix?: string;
  /** Organization id (o-…) for an organization trail: its files sit under AWSLogs/<org>/<account>/. */
  org?: string;
  /** The accounts whose logs the trail delivers (12 digits each); required: projection needs the list. */
  accounts: readonly string[];
  /** Default: DEFAULT_REGIONS (a Region with no files costs one empty S3 listing per queried day). */
  regions?: readonly string[];
  /** The first day of logs, YYYY/MM/DD: the lower end of the date projection. */
  projectionStart: string;
}

function typeText(t: ColumnType): string {
  switch (t.kind) {
    case 'string':
      return 'STRING';
    case 'map':
      return 'MAP<STRING,STRING>';
    case 'array':
      return `ARRAY<${typeText(t.of)}>`;
    case 'struct':
      return `STRUCT<${t.fields.map(([n, ft]) => `${n}:${typeText(ft)}`).join(', ')}>`;
  }
}

/** The S3 location up to (and including) AWSLogs/ or AWSLogs/<org>/. */
function logsRoot(spec: TableSpec): string {
  const bucket = checkBucket(spec.bucket);
  const prefix = checkPrefix(spec.prefix);
  let root = `s3://${bucket}/${prefix ? `${prefix}/` : ''}AWSLogs/`;
  if (spec.org !== undefined && spec.org !== '') {
    if (!ORG_RE.test(spec.org)) throw new AthenaNameError(`The organization id ${shown(spec.org)} should look like o-abc123defg.`);
    root += `${spec.org}/`;
  }
  return root;
}

/** `CREATE EXTERNAL TABLE IF NOT EXISTS …` for the trail; throws AthenaNameError on a bad name. */
export function cloudTrailTableDdl(spec: TableSpec): string {
  const database = checkIdentifier(spec.database, 'database');
  const table = checkIdentifier(spec.table, 'table');
  const root = logsRoot(spec);
  const accounts = [...new Set(spec.accounts ?? [])];
  if (accounts.length === 0) throw new AthenaNameError('Give the account ids whose logs the trail delivers: partition projection needs the list.');
  const badAccount = accounts.find((a) => !ACCOUNT_RE.test(a));
  if (badAccount !== undefined) throw new AthenaNameError(`The account id ${shown(badAccount)} should be 12 digits.`);
  const regions = [...new Set(spec.regions && spec.regions.length > 0 ? spec.regions : DEFAULT_REGIONS)];
  const badRegion = regions.find((r) => !REGION_RE.test(r));
  if (badRegion !== undefined) throw new AthenaNameError(`${shown(badRegion)} is not an AWS Region name (e.g. us-east-1).`);
  const start = checkDate(spec.projectionStart);

  const columns = CLOUDTRAIL_COLUMNS.map(([n, t]) => `  ${n.toLowerCase()} ${typeText(t)}`).join(',\n');
  const props: Array<[string, string]> = [
    ['projection.enabled', 'true'],
    ['projection.accountid.type', 'enum'],
    ['projection.accountid.values', accounts.join(',')],
    ['projection.region.type', 'enum'],
    ['projection.region.values', regions.join(',')],
    ['projection.timestamp.type', 'date'],
    ['projection.timestamp.format', 'yyyy/MM/dd'],
    ['projection.timestamp.range', `${start},NOW`],
    ['projection.timestamp.interval', '1'],
    ['projection.timestamp.interval.unit', 'DAYS'],
    ['storage.location.template', `${root}\${accountid}/CloudTrail/\${region}/\${timestamp}`],
  ];
  return [
    `CREATE EXTERNAL TABLE IF NOT EXISTS \`${database}\`.\`${table}\` (`,
    columns,
    ')',
    'PARTITIONED BY (`accountid` STRING, `region` STRING, `timestamp` STRING)',
    "ROW FORMAT SERDE 'org.apache.hive.serde2.JsonSerDe'",
    "STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'",
    "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'",
    `LOCATION '${root}'`,
    'TBLPROPERTIES (',
    props.map(([k, v]) => `  '${k}'='${v}'`).join(',\n'),
    ')',
  ].join('\n');
}
