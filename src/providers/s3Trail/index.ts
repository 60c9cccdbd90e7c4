// CloudTrail logs where they live: a trail's S3 bucket, browsed by its layout
// (org → account → region → year → month → day), estimated, then loaded into the store with the
// same reader as local files. Uses the AWS CloudTrail provider's account entries and stored secret
// (awsCloudtrail/credentials.ts); `AccountConfig.endpoint` (or S3SessionOptions.endpoint) points the
// S3 client at another server, path-style. providers/ never imports vscode.
//
//   const s = openS3Session(account, secret);
//   const trails = await discoverTrails(s, 'us-east-1');             // where the logs go
//   const loc = { bucket: trails[0].bucket, prefix: trails[0].prefix };
//   await listLevel(s, loc, []);                                      // orgs / accounts
//   await listLevel(s, loc, ['123456789012']);                        // regions (+ Insights)
//   const sel = { ...loc, account: '123456789012', regions: ['us-east-1'], from: '2025-03-01', to: '2025-03-07' };
//   await estimate(s, sel);                                           // objects, bytes, digests
//   await loadFromS3(s, sel, store, { onProgress, signal });          // LoadReport + downloadedBytes
//   s.close();
export { S3_PROVIDER_NAME, bucketRegionOf, toS3ApiError, type S3ErrorContext, type S3Operation } from './errors';
export { awsLogsRoot, parseDay, type LevelChild, type LevelKind, type TrailLocation } from './layout';
export { discoverTrails, findBucketRegion, listAll, listLevel, type ListOptions, type ListedObject, type Listing, type TrailInfo } from './list';
export {
  DEFAULT_CONCURRENCY,
  estimate,
  loadFromS3,
  selectionPrefixes,
  type DaySelection,
  type Estimate,
  type PrefixSelection,
  type S3LoadOptions,
  type S3LoadProgress,
  type S3LoadReport,
  type S3Selection,
} from './load';
export { openS3Session, S3TrailSession, type S3SessionOptions } from './session';
