// The Athena provider's test cases, shared by test/unit/athena.test.ts (what each translation says)
// and test/unit/athena.trino.test.ts (that each parses under the vendors' grammars).
import { filterToSql, type TableSpec } from '../../src/providers/athena/index';

export const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
export const SPEC: TableSpec = { database: 'audit', table: 'cloudtrail_logs', bucket: 'my-trail-bucket', accounts: ['123456789012', '210987654321'], regions: ['us-east-1', 'eu-west-1'], projectionStart: '2024/01/01' };

/** Valid table specs the DDL tests write (beyond SPEC). */
export const DDL_SPECS: readonly TableSpec[] = [SPEC, { ...SPEC, prefix: 'trails/main/' }, { ...SPEC, regions: undefined, org: 'o-abc123defg' }];

export function where(filter: string, extra: Partial<Parameters<typeof filterToSql>[1]> = {}) {
  return filterToSql(filter, { table: 'audit.cloudtrail_logs', limit: 500, now: NOW, ...extra });
}

export interface FilterCase {
  filter: string;
  /** Fragments (or patterns) the SQL contains. */
  sql: Array<string | RegExp>;
  /** The filter left for local filtering ('' when omitted). */
  local?: string;
  /** How many terms stay local (0 when omitted). */
  untranslated?: number;
}

const ACTOR = /useridentity\.arn.*useridentity\.username.*useridentity\.sessioncontext\.sessionissuer\.arn/;
export const FILTER_CASES: FilterCase[] = [
  { filter: 'action:DeleteTrail', sql: ["lower(COALESCE(eventname, '')) = 'deletetrail'"] },
  { filter: 'eventName:Delete*', sql: ["lower(COALESCE(eventname, '')) LIKE 'delete%' ESCAPE '\\'"] },
  { filter: 'action:"DeleteTrail"', sql: ["COALESCE(eventname, '') = 'DeleteTrail'"] },
  { filter: 'action:Get?ser', sql: ["LIKE 'get_ser' ESCAPE '\\'"] },
  { filter: 'service:s3.amazonaws.com', sql: ["lower(COALESCE(eventsource, '')) = 's3.amazonaws.com'"] },
  { filter: 'eventSource:S3.amazonaws.com', sql: ["lower(COALESCE(eventsource, '')) = 's3.amazonaws.com'"] },
  { filter: 'region:us-east-1', sql: ["lower(COALESCE(awsregion, '')) = 'us-east-1'"] },
  { filter: 'sourceIp:203.0.113.250', sql: ["lower(COALESCE(sourceipaddress, '')) = '203.0.113.250'"] },
  { filter: 'sourceIPAddress:203.0.113.*', sql: ["lower(COALESCE(sourceipaddress, '')) LIKE '203.0.113.%'"] },
  { filter: 'actor:*alice*', sql: [ACTOR, "'AWSService'", "LIKE '%alice%' ESCAPE '\\'"] },
  { filter: 'error:AccessDenied', sql: ["json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Failure'", "= 'accessdenied'"] },
  { filter: 'error:*', sql: ["CASE WHEN NULLIF(errorcode, '') IS NOT NULL THEN errorcode", "<> ''"] },
  { filter: 'outcome:failure', sql: ["THEN 'failure' WHEN eventcategory = 'Insight'", "= 'failure'"] },
  { filter: 'account:123456789012', sql: ["lower(COALESCE(NULLIF(recipientaccountid, ''), NULLIF(useridentity.accountid, ''), '')) = '123456789012'"] },
  { filter: 'id:ABC-1', sql: ["lower(COALESCE(eventid, '')) = 'abc-1'"] },
  { filter: 'userAgent:aws-cli*', sql: ["lower(COALESCE(useragent, '')) LIKE 'aws-cli%'"] },
  { filter: 'eventType:AwsApiCall', sql: ["lower(COALESCE(eventtype, '')) = 'awsapicall'"] },
  { filter: 'readOnly:false', sql: ["lower(COALESCE(readonly, '')) = 'false'"] },
  { filter: 'userIdentity.type:Root', sql: ["lower(COALESCE(useridentity.type, '')) = 'root'"] },
  { filter: 'useridentity.ARN:*:root', sql: ["lower(COALESCE(useridentity.arn, '')) LIKE '%:root'"] },
  { filter: 'userIdentity.accessKeyId:AKIA*', sql: ["lower(COALESCE(useridentity.accesskeyid, '')) LIKE 'akia%'"] },
  { filter: 'userIdentity.userName:alice', sql: ["lower(COALESCE(useridentity.username, '')) = 'alice'"] },
  { filter: 'userIdentity.principalId:AIDA*', sql: ["lower(useridentity.principalid) LIKE 'aida%'"] },
  { filter: 'raw.userIdentity.sessionContext.sessionIssuer.userName:Admin', sql: ["lower(COALESCE(useridentity.sessioncontext.sessionissuer.username, '')) = 'admin'"] },
  { filter: 'userIdentity.principalId:*', sql: ['useridentity.principalid IS NOT NULL'] },
  { filter: 'resources.ARN:*trail*', sql: ["cardinality(filter(resources, r -> lower(NULLIF(r.arn, '')) LIKE '%trail%' ESCAPE '\\')) > 0"] },
  { filter: 'resources:*', sql: ["cardinality(filter(resources, r -> NULLIF(r.arn, '') IS NOT NULL)) > 0"] },
  { filter: 'resources.type:AWS::S3::Bucket', sql: ["cardinality(filter(resources, r -> lower(r.type) = 'aws::s3::bucket')) > 0"] },
  { filter: 'requestParameters.bucketName:my-bucket', sql: ["lower(json_extract_scalar(requestparameters, '$.bucketName')) = 'my-bucket'"] },
  { filter: 'requestParameters.x-y.z:1', sql: [`json_extract_scalar(requestparameters, '$["x-y"].z')`] },
  { filter: 'additionalEventData.MFAUsed:Yes', sql: ["json_extract_scalar(additionaleventdata, '$.MFAUsed')"] },
  { filter: 'errorCode:>3', sql: ["try_cast(trim(COALESCE(CASE WHEN NULLIF(errorcode, '') IS NOT NULL"] },
  { filter: 'eventVersion:>=1.08', sql: ["try_cast(trim(COALESCE(eventversion, '')) AS DOUBLE) >= 1.08"] },
  { filter: 'requestParameters.maxResults:<=1.5', sql: ["try_cast(trim(json_extract_scalar(requestparameters, '$.maxResults')) AS DOUBLE) <= 1.5"] },
  // Integers from 2^63 up go as DOUBLE literals: Trino refuses a BIGINT literal beyond its range.
  { filter: 'eventVersion:>100000000000000000000', sql: ["try_cast(trim(COALESCE(eventversion, '')) AS DOUBLE) > 1e+20"] },
  { filter: 'eventVersion:<-9223372036854775808', sql: ['AS DOUBLE) < -9.223372036854776e+18'] },
  { filter: 'eventVersion:<9223372036854774784', sql: ['AS DOUBLE) < 9223372036854775000'] },
  { filter: 'action:""', sql: ["COALESCE(eventname, '') = ''"] },
  { filter: '-action:Get*', sql: ["NOT COALESCE(lower(COALESCE(eventname, '')) LIKE 'get%' ESCAPE '\\', FALSE)"] },
  { filter: 'NOT error:*', sql: ['NOT COALESCE(COALESCE(CASE WHEN'] },
  { filter: 'action:StopLogging OR action:DeleteTrail', sql: ["(lower(COALESCE(eventname, '')) = 'stoplogging' OR lower(COALESCE(eventname, '')) = 'deletetrail')"] },
  { filter: '(action:StopLogging OR sourceIp:1.2.3.4) region:us-east-1', sql: ["(lower(COALESCE(eventname, '')) = 'stoplogging' OR lower(COALESCE(sourceipaddress, '')) = '1.2.3.4')\n  AND lower(COALESCE(awsregion, '')) = 'us-east-1'"] },
  { filter: 'provider:cloudtrail', sql: ['WHERE TRUE'] },
  { filter: 'provider:exo*', sql: ['WHERE FALSE'] },
  { filter: 'eventTime:*', sql: ['try(from_iso8601_timestamp(eventtime)) IS NOT NULL'] },
  { filter: 'action:*100\\%_off*', sql: ["LIKE '%100\\%\\_off%' ESCAPE '\\'"] },
  { filter: 'userAgent:C:\\Users*', sql: ["LIKE 'c:\\\\users%' ESCAPE '\\'"] },
  // Kept local
  { filter: 'alice', sql: [], local: 'alice', untranslated: 1 },
  { filter: 'action:Get* "access key"', sql: ["LIKE 'get%'"], local: '"access key"', untranslated: 1 },
  { filter: 'action:Get* OR alice', sql: [], local: 'action:Get* OR alice', untranslated: 2 },
  { filter: '-(action:Get* OR alice)', sql: [], local: '-(action:Get* OR alice)', untranslated: 2 },
  { filter: 'source:prod', sql: [], local: 'source:prod', untranslated: 1 },
  { filter: 'nosuch.field:x action:A', sql: ["= 'a'"], local: 'nosuch.field:x', untranslated: 1 },
  { filter: 'userIdentity:x', sql: [], local: 'userIdentity:x', untranslated: 1 },
  { filter: 'userIdentity.sessionContext:x', sql: [], local: 'userIdentity.sessionContext:x', untranslated: 1 },
  { filter: 'requestParameters:x', sql: [], local: 'requestParameters:x', untranslated: 1 },
  { filter: 'eventName:x.y', sql: ["= 'x.y'"] },
  // Narrowed in SQL by what can be translated, finished locally.
  { filter: '(action:Get* alice) OR region:x', sql: ["WHERE (lower(COALESCE(eventname, '')) LIKE 'get%' ESCAPE '\\' OR lower(COALESCE(awsregion, '')) = 'x')"], local: '(action:Get* alice) OR region:x', untranslated: 1 },
  { filter: 'eventName.sub:x', sql: [], local: 'eventName.sub:x', untranslated: 1 },
];

/** Filters with time terms and ranges the partition tests translate. */
export const TIME_CASES: ReadonlyArray<[filter: string, extra: Partial<Parameters<typeof filterToSql>[1]>]> = [
  ['time:2026-11-19', {}],
  ['time:-24h action:StopLogging', {}],
  ['', { from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 10, 3, 6) }],
  ['time:>=2026-11-02', { from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 10, 10) }],
  ['time:>2026-11-02 OR action:X', {}],
  ['time:<+100000-01-01', {}],
  ['action:* time:-30d', {}],
  ['action:StopLogging sourceIp:203.0.113.* "aws-cli"', { table: 'cloudtrail_logs', from: NOW - 86_400_000, to: NOW, limit: 50 }],
];

/** Values the injection test writes into every kind of term. */
export const HOSTILE_VALUES: readonly string[] = [
  "'; DROP TABLE x; --",
  "a' OR '1'='1",
  "\\'; DELETE FROM t; --",
  'back\\slash\\',
  'quote"double',
  'ünïcødé 😀 日本',
  'line\nbreak\r\tand\u0000nul',
  'sep\u2028\u2029',
  "U&'\\0027'",
  '*/ SELECT 1 /*',
];

/** The filters the injection test builds from a hostile value. */
export function hostileFilters(value: string): string[] {
  const filterValue = `"${value.replace(/[\\"]/g, '\\$&')}"`;
  return [`action:${filterValue}`, `requestParameters.name:${filterValue}`, `-userIdentity.arn:${filterValue}`, `resources.type:${filterValue}`];
}

/** The wildcard filter the injection test builds from a hostile value. */
export function hostileGlob(value: string): string {
  return `action:*${value.replace(/[\s\\"*?():-]/g, '\\$&')}*`;
}
