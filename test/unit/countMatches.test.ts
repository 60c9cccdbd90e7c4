/**
 * `query … --format count` counts without a store (files.ts#countMatches): for every filter it
 * must give exactly the count, and the report, that loading the store and querying it gives, on
 * worker threads and on this one, on the real data sets and on hostile input (duplicates whose
 * copies differ, ids of every kind, broken and odd files).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { matchesInBatches } from '../../src/core/batchMatches';
import { parseQuery } from '../../src/core/query';
import { EventStore } from '../../src/core/store';
import { countMatches, loadFiles } from '../../src/providers/logFiles/files';

const DATA = path.resolve(__dirname, '../../../../shared/data/cloudtrail');
const NOW = Date.parse('2026-12-01T00:00:00Z');

const FILTERS = [
  '',
  'eventName:Delete* region:us-east-1',
  '-region:us-east-1',
  '-accessKey:*',
  'eventName:Get* OR errorCode:*',
  'errorCode:AccessDenied',
  'userIdentity.type:IAMUser',
  'useridentity.TYPE:iamuser',
  'raw.eventName:Delete* OR raw.userIdentity.arn:*root',
  'source:* provider:cloudtrail eventCategory:Management',
  'requestParameters.bucketName:*',
  'NOT requestParameters.instancesSet.items.instanceId:*',
  'id:0000*',
  'eventID:*e*',
  'time:>2024-05-01T05:00Z',
  'time:<2020-01-01',
  'actor:*root* OR (service:s3* AND NOT outcome:success)',
  'eventName:ConsoleLogin',
];

async function expectSame(paths: string[], filters: string[]): Promise<void> {
  const store = new EventStore();
  const loaded = await loadFiles(paths, store, { workers: 0 });
  for (const filter of filters) {
    const node = parseQuery(filter, NOW);
    const want = store.query(node).count;
    for (const workers of [0, 2]) {
      const { report, count } = await countMatches(paths, node, { workers });
      assert.equal(count, want, `${paths.map((p) => path.basename(p)).join(',')} --filter '${filter}' on ${workers} workers`);
      assert.deepEqual(report, loaded);
    }
  }
}

function event(id: unknown, name: string, region: string, hour: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    userIdentity: { type: hour % 2 ? 'IAMUser' : 'Root', arn: `arn:aws:iam::123456789012:${hour % 2 ? 'user/u' : 'root'}` },
    eventTime: `2024-05-01T${String(hour % 24).padStart(2, '0')}:00:00Z`,
    eventSource: hour % 3 ? 's3.amazonaws.com' : 'ec2.amazonaws.com',
    eventName: name,
    awsRegion: region,
    sourceIPAddress: '198.51.100.1',
    ...(id === undefined ? {} : { eventID: id }),
    ...extra,
  };
}

/** Many small files that disagree: what counting has to get exactly as the store does. */
function makeHostile(root: string): void {
  const dir = path.join(root, 'AWSLogs', '123456789012', 'CloudTrail', 'us-east-1', '2024', '05', '01');
  mkdirSync(dir, { recursive: true });
  const write = (name: string, body: string | Buffer, gz = true) => writeFileSync(path.join(dir, name), gz ? gzipSync(body) : body);
  for (let f = 0; f < 60; f++) {
    const recs = [];
    for (let i = 0; i < 1 + (f % 4); i++) recs.push(event(`00000000-0000-4000-8000-${String(f * 10 + i).padStart(12, '0')}`, i % 2 ? 'DeleteBucket' : 'GetObject', f % 2 ? 'us-east-1' : 'eu-west-1', f + i, i === 1 ? { errorCode: 'AccessDenied', requestParameters: { bucketName: `b${f}` } } : {}));
    // The same id again, later, with other content: the first copy is the one counted.
    if (f % 7 === 6) recs.push(event(`00000000-0000-4000-8000-${String((f - 5) * 10).padStart(12, '0')}`, 'DeleteBucket', 'us-east-1', 3, { errorCode: 'AccessDenied' }));
    // Upper case: the same UUID as the store sees it.
    if (f % 11 === 10) recs.push(event(`00000000-0000-4000-8000-${String((f - 9) * 10).padStart(12, '0')}`.toUpperCase(), 'DeleteObject', 'us-east-1', 4));
    write(`a${String(f).padStart(3, '0')}.json.gz`, JSON.stringify({ Records: recs }));
  }
  // Ids that are not UUIDs, the number 7 and the string "7", no id at all, a duplicate inside one file.
  write('b-ids.json.gz', JSON.stringify({ Records: [event(7, 'DeleteA', 'us-east-1', 1), event('7', 'DeleteB', 'us-east-1', 1), event(undefined, 'DeleteC', 'us-east-1', 1), event(undefined, 'DeleteC', 'us-east-1', 1), event('x-1', 'GetA', 'us-east-1', 2), event('x-1', 'DeleteD', 'us-east-1', 2)] }));
  write('b-ids2.json', JSON.stringify({ Records: [event('x-1', 'DeleteE', 'us-east-1', 2), event(7, 'GetB', 'us-east-1', 2)] }), false);
  // Broken, cut, binary, deep, empty, lookup-events, JSON Lines, CSV and a digest.
  write('c-broken.json.gz', JSON.stringify({ Records: [event('y-1', 'DeleteF', 'us-east-1', 5), event('y-2', 'DeleteG', 'us-east-1', 5)] }).replace('"eventSource"', '"eventSource" "x"'));
  writeFileSync(path.join(dir, 'c-cut.json.gz'), gzipSync(JSON.stringify({ Records: [event('y-3', 'DeleteH', 'us-east-1', 5)] })).subarray(0, 40));
  writeFileSync(path.join(dir, 'c-binary.json'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131) % 256)));
  write('c-deep.json.gz', `{"Records":[${JSON.stringify(event('y-4', 'DeleteI', 'us-east-1', 6)).slice(0, -1)},"d":${'['.repeat(5000)}${']'.repeat(5000)}}]}`);
  write('c-empty.json', '', false);
  write('d-lookup.json', JSON.stringify({ Events: [{ EventId: 'z-1', CloudTrailEvent: JSON.stringify(event('z-1', 'DeleteJ', 'us-east-1', 7)) }] }), false);
  write('d-lines.jsonl', `${JSON.stringify(event('z-2', 'DeleteK', 'us-east-1', 8))}\nnot json\n${JSON.stringify(event('00000000-0000-4000-8000-000000000000', 'DeleteL', 'us-east-1', 8))}\n`, false);
  write('d-export.csv', 'eventTime,eventName,eventId,awsRegion\n2024-05-01T09:00:00Z,DeleteM,z-3,us-east-1\n2024-05-01T09:00:00Z,GetC,z-1,us-east-1\n', false);
  write('123456789012_CloudTrail-Digest_us-east-1_t_us-east-1_20240501T0100Z.json.gz', JSON.stringify({ digestStartTime: 'x', logFiles: [] }));
}

describe('counting matches without a store (query --format count)', function () {
  this.timeout(300_000);

  it('needs the store for free text only', () => {
    assert.equal(matchesInBatches(parseQuery('eventName:x OR (NOT region:y AND time:>2024-01-01)', NOW)), true);
    assert.equal(matchesInBatches(parseQuery('eventName:x OR (NOT "AccessDenied")', NOW)), false);
    assert.equal(matchesInBatches(parseQuery('"AccessDenied"', NOW)), false);
  });

  it('counts hostile input exactly as the store does, and reports it the same', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ale-count-'));
    try {
      makeHostile(root);
      await expectSame([root], [...FILTERS, 'eventName:Delete*', 'eventName:GetA', 'eventName:DeleteB', 'eventName:DeleteD', 'eventName:DeleteE']);
      // The duplicates whose later copies differ are what would tell a wrong count.
      const node = parseQuery('eventName:DeleteBucket errorCode:AccessDenied region:us-east-1', NOW);
      const counted = await countMatches([root], node, { workers: 2 });
      const store = new EventStore();
      await loadFiles([root], store);
      assert.ok(counted.report.duplicates >= 8, `duplicates ${counted.report.duplicates}`);
      assert.equal(counted.count, store.query(node).count);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('counts every shared real data set exactly as the store does', async function () {
    if (!existsSync(DATA)) {
      console.warn(`\n!!! SKIPPING real-data count tests: ${DATA} not found !!!\n`);
      this.skip();
    }
    // Every set at once: one folder walk, every file of every set, duplicates across sets.
    assert.ok(readdirSync(DATA, { withFileTypes: true }).some((e) => e.isDirectory()));
    await expectSame([DATA], FILTERS);
  });

  it('leaves filters on derived fields to the store (they read columns and events a batch lacks)', function () {
    for (const f of ['country:US', 'ipClass:private', '-asn:16509 eventName:Get*', 'principal:alice*', 'origin:bob*', 'session:ASIA*']) assert.equal(matchesInBatches(parseQuery(f, NOW)), false, f);
    // raw.<name> is the raw path, not the derived field: a batch can answer it.
    assert.equal(matchesInBatches(parseQuery('raw.country:US', NOW)), true);
  });
});
