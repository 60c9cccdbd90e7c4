/**
 * EventStore and the query path over a small hand-made set: dedup across batches, every feature of
 * the filter language (DESIGN.md, "The filter language"), sorting, windows, facets and the histogram.
 */
import assert from 'node:assert/strict';
import { EventBatch } from '../../src/core/batch';
import { QueryError } from '../../src/core/query';
import { EventStore } from '../../src/core/store';
import { readLogBuffer } from '../../src/providers/logFiles/fileReader';

type Rec = Record<string, unknown>;

const H = 3_600_000;
/** A fixed clock for relative times: 2024-05-03T12:00:00Z. */
const NOW = Date.UTC(2024, 4, 3, 12);

const E1: Rec = {
  eventVersion: '1.08',
  eventID: 'e1',
  eventTime: '2024-05-01T10:00:00Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'DeleteBucket',
  awsRegion: 'eu-west-1',
  sourceIPAddress: '203.0.113.10',
  userAgent: 'aws-cli/2.15.0',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', userName: 'alice' },
  errorCode: 'AccessDenied',
  errorMessage: 'Access Denied',
  requestParameters: { bucketName: 'prod-logs' },
  resources: [{ ARN: 'arn:aws:s3:::prod-logs', type: 'AWS::S3::Bucket' }],
  recipientAccountId: '111122223333',
};
const E2: Rec = {
  eventVersion: '1.08',
  eventID: 'e2',
  eventTime: '2024-05-01T11:00:00Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'DeleteObject',
  awsRegion: 'eu-central-1',
  userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/deployer/session' },
  requestParameters: { bucketName: 'prod-logs', key: 'a.txt' },
  resources: [
    { ARN: 'arn:aws:s3:::prod-logs/a.txt', type: 'AWS::S3::Object' },
    { ARN: 'arn:aws:s3:::other-bucket', type: 'AWS::S3::Bucket' },
  ],
  recipientAccountId: '111122223333',
};
const E3: Rec = {
  eventVersion: '1.08',
  eventID: 'e3',
  eventTime: '2024-05-02T00:00:00Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'GetObject',
  awsRegion: 'us-east-1',
  userIdentity: { type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' },
  requestParameters: { bucketName: 'dev-data' },
  additionalEventData: { bytesTransferredOut: 1024 },
  recipientAccountId: '444455556666',
};
const E4: Rec = {
  eventVersion: '1.08',
  eventID: 'e4',
  eventTime: '2024-05-02T12:30:00Z',
  eventSource: 'signin.amazonaws.com',
  eventName: 'ConsoleLogin',
  awsRegion: 'us-east-1',
  userIdentity: { type: 'Root', arn: 'arn:aws:iam::444455556666:root' },
  responseElements: { ConsoleLogin: 'Failure' },
  errorMessage: 'Failed authentication',
  additionalEventData: { LoginTo: 'https://console.aws.amazon.com/', note: 'Grüße aus Zürich' },
  recipientAccountId: '444455556666',
};
const E5: Rec = {
  eventVersion: '1.08',
  eventID: 'e5',
  eventTime: '2024-05-03T08:00:00Z',
  eventSource: 'ec2.amazonaws.com',
  eventName: 'RunInstances',
  awsRegion: 'ap-southeast-2',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/bob', userName: 'bob' },
  requestParameters: { instancesSet: { items: [{ imageId: 'ami-1' }, { imageId: 'ami-2' }] } },
  additionalEventData: { bytesTransferredOut: 5.5 },
  recipientAccountId: '111122223333',
};
/** No eventTime: an untimed event is kept, never dropped. */
const E6: Rec = {
  eventVersion: '1.08',
  eventID: 'e6',
  eventSource: 's3.amazonaws.com',
  eventName: 'ListBuckets',
  awsRegion: 'us-east-1',
  userIdentity: { type: 'IAMUser', userName: 'carol' },
};
const E7: Rec = {
  eventVersion: '1.08',
  eventID: 'e7',
  eventTime: '2024-05-01T12:00:00Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'deleteBucket',
  awsRegion: 'eu-west-1',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' },
  errorCode: 'NoSuchBucket',
  requestParameters: { bucketName: 'Prod-Logs' },
};
const E8: Rec = {
  eventVersion: '1.08',
  eventID: 'e8',
  eventTime: '2024-05-01T13:00:00Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'DeleteObject',
  awsRegion: 'eu-west-1',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' },
};

/** A file's batch, read by the real CloudTrail reader from bytes (no disk). */
function batchOf(name: string, records: Rec[]): EventBatch {
  const r = readLogBuffer(name, Buffer.from(JSON.stringify({ Records: records })), 'store-test');
  assert.deepEqual(r.problems, [], `${name} reads cleanly`);
  assert.ok(r.batch, `${name} has events`);
  return r.batch;
}

/** The store most tests query: two batches, the second repeating e2 (in another copy). */
function buildStore(): EventStore {
  const store = new EventStore();
  // e8 comes before e2 in the input, so time order is not insertion order.
  const a = store.appendBatch(batchOf('a.json', [E1, E8, E2, E3]));
  assert.deepEqual(a, { added: 4, duplicates: 0 });
  const b = store.appendBatch(batchOf('b.json', [{ ...E2, userAgent: 'second copy' }, E4, E5, E6, E7]));
  assert.deepEqual(b, { added: 4, duplicates: 1 });
  return store;
}

const ALL = ['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8'];

describe('EventStore and queries', function () {
  let store: EventStore;

  before(function () {
    store = buildStore();
  });

  /** eventIDs matching a filter, sorted. */
  function ids(filter: string): string[] {
    const view = store.query(filter, { now: NOW });
    return view
      .rows(0, view.count, ['id'])
      .map((r) => String(r.id))
      .sort();
  }

  function without(...drop: string[]): string[] {
    return ALL.filter((id) => !drop.includes(id));
  }

  describe('appending batches', function () {
    it('merges an event delivered twice across batches, keeping the first copy', function () {
      assert.equal(store.size, 8);
      assert.deepEqual(ids(''), ALL);
      const view = store.query('id:e2');
      assert.equal(view.count, 1);
      const row = view.order[0];
      assert.equal((store.raw(row) as Rec).userAgent, undefined);
      assert.equal(store.query('"second copy"').count, 0);
    });

    it('merges duplicates within one batch, and never merges events that have no eventID', function () {
      const s = new EventStore();
      const noId1: Rec = { eventName: 'NoId', eventTime: '2024-05-01T00:00:00Z' };
      const noId2: Rec = { eventName: 'NoId', eventTime: '2024-05-01T00:00:00Z' };
      assert.deepEqual(s.appendBatch(batchOf('c.json', [E1, E1, noId1, noId2])), { added: 3, duplicates: 1 });
      assert.deepEqual(s.appendBatch(batchOf('d.json', [E1, noId1])), { added: 1, duplicates: 1 });
      assert.equal(s.size, 4);
      assert.equal(s.query('eventName:NoId').count, 3);
    });

    it('a batch of nothing but duplicates adds nothing and changes no row', function () {
      const s = new EventStore();
      s.appendBatch(batchOf('e.json', [E1, E2]));
      const before = s.query('').rows(0, 10, ['id', 'time', 'action']);
      assert.deepEqual(s.appendBatch(batchOf('f.json', [E2, E1])), { added: 0, duplicates: 2 });
      assert.deepEqual(s.query('').rows(0, 10, ['id', 'time', 'action']), before);
    });

    it('marks views made before an append as stale', function () {
      const s = new EventStore();
      s.appendBatch(batchOf('g.json', [E1]));
      const view = s.query('');
      assert.equal(view.stale, false);
      s.appendBatch(batchOf('h.json', [E3]));
      assert.equal(view.stale, true);
      assert.equal(view.count, 1);
    });

    it('extracts userIdentity.type at load, while other raw paths are read only when asked for', function () {
      const s = new EventStore();
      s.appendBatch(batchOf('i.json', [E1, E2, E3]));
      assert.ok(s.getColumn('userIdentity.type'), 'extracted at load');
      assert.equal(s.getColumn('requestParameters.bucketName'), undefined, 'not extracted at load');
      assert.equal(s.query('requestParameters.bucketName:prod-logs').count, 2);
      assert.ok(s.getColumn('requestParameters.bucketName'), 'kept after first use');
      // A later batch fills the kept column too.
      s.appendBatch(batchOf('j.json', [E7]));
      assert.equal(s.query('requestParameters.bucketName:prod-logs').count, 3);
    });
  });

  describe('filters', function () {
    it('an empty filter matches everything', function () {
      assert.deepEqual(ids(''), ALL);
      assert.deepEqual(ids('   '), ALL);
    });

    it('field:value matches the whole value, case-insensitively', function () {
      assert.deepEqual(ids('action:DeleteBucket'), ['e1', 'e7']);
      assert.deepEqual(ids('action:deletebucket'), ['e1', 'e7']);
      assert.deepEqual(ids('ACTION:DELETEBUCKET'), ['e1', 'e7']);
      assert.deepEqual(ids('action:Delete'), []);
      assert.deepEqual(ids('region:EU-WEST-1'), ['e1', 'e7', 'e8']);
    });

    it('wildcards * and ? match within a value', function () {
      assert.deepEqual(ids('eventName:Delete*'), ['e1', 'e2', 'e7', 'e8']);
      assert.deepEqual(ids('eventName:*bucket*'), ['e1', 'e6', 'e7']);
      assert.deepEqual(ids('eventName:Get?bject'), ['e3']);
      assert.deepEqual(ids('eventName:Get?'), []);
      assert.deepEqual(ids('region:eu-*-1'), ['e1', 'e2', 'e7', 'e8']);
      assert.deepEqual(ids('actor:*alice'), ['e1', 'e7', 'e8']);
    });

    it('a quoted value matches exactly, case and all', function () {
      assert.deepEqual(ids('eventName:"DeleteBucket"'), ['e1']);
      assert.deepEqual(ids('eventName:"deleteBucket"'), ['e7']);
      assert.deepEqual(ids('eventName:"deletebucket"'), []);
      assert.deepEqual(ids('eventName:"Delete*"'), []);
    });

    it('- and NOT negate a term or a group', function () {
      assert.deepEqual(ids('-eventName:Delete*'), ['e3', 'e4', 'e5', 'e6']);
      assert.deepEqual(ids('NOT eventName:Delete*'), ['e3', 'e4', 'e5', 'e6']);
      assert.deepEqual(ids('-(eventSource:s3.amazonaws.com OR eventSource:ec2.amazonaws.com)'), ['e4']);
      assert.deepEqual(ids('--eventName:Delete*'), ['e1', 'e2', 'e7', 'e8']);
    });

    it('field:* means present, and -field:* absent', function () {
      assert.deepEqual(ids('sourceIp:*'), ['e1']);
      assert.deepEqual(ids('requestParameters.bucketName:*'), ['e1', 'e2', 'e3', 'e7']);
      assert.deepEqual(ids('-resources:*'), without('e1', 'e2'));
      assert.deepEqual(ids('time:*'), without('e6'));
      assert.deepEqual(ids('-time:*'), ['e6']);
      assert.deepEqual(ids('no.such.path:*'), []);
      assert.deepEqual(ids('-no.such.path:*'), ALL);
    });

    it('field:"" matches events where the field is empty or absent (core/query.ts: useful for actor:"")', function () {
      const s = new EventStore();
      s.appendBatch(
        batchOf('empty-values.json', [
          { eventID: 'x1', eventName: 'X', awsRegion: 'us-east-1', userIdentity: { type: 'IAMUser', userName: 'u' } },
          { eventID: 'x2', eventName: 'Y' },
        ]),
      );
      const match = (q: string) => s.query(q).rows(0, 10, ['id']).map((r) => r.id);
      assert.deepEqual(match('actor:""'), ['x2']);
      assert.deepEqual(match('region:""'), ['x2']);
      assert.deepEqual(match('-actor:""'), ['x1']);
    });

    it('terms AND together; OR and parentheses group alternatives', function () {
      assert.deepEqual(ids('eventSource:s3.amazonaws.com region:us-east-1'), ['e3', 'e6']);
      assert.deepEqual(ids('eventSource:s3.amazonaws.com AND region:us-east-1'), ['e3', 'e6']);
      assert.deepEqual(ids('eventName:GetObject OR eventName:RunInstances'), ['e3', 'e5']);
      assert.deepEqual(ids('(eventName:GetObject OR eventName:RunInstances) awsRegion:us-east-1'), ['e3']);
      assert.deepEqual(ids('region:eu-* (userIdentity.userName:alice OR errorCode:NoSuchBucket)'), ['e1', 'e7']);
      // OR binds tighter than the implicit AND.
      assert.deepEqual(ids('eventSource:s3.amazonaws.com eventName:GetObject OR eventName:RunInstances'), ['e3']);
      assert.deepEqual(ids('eventName:A OR eventName:B OR eventName:ListBuckets OR eventName:ConsoleLogin'), ['e4', 'e6']);
    });

    it('free text searches the whole raw event, case-insensitively', function () {
      assert.deepEqual(ids('accessdenied'), ['e1']);
      assert.deepEqual(ids('ACCESSDENIED'), ['e1']);
      assert.deepEqual(ids('"access denied"'), ['e1']);
      assert.deepEqual(ids('prod-logs'), ['e1', 'e2', 'e7']);
      assert.deepEqual(ids('prod-logs deployer'), ['e2']);
      assert.deepEqual(ids('"prod-logs/a.txt"'), ['e2']);
      assert.deepEqual(ids('nothing-has-this'), []);
    });

    it('free text finds non-ASCII text as typed', function () {
      assert.deepEqual(ids('Zürich'), ['e4']);
      assert.deepEqual(ids('"Grüße aus"'), ['e4']);
    });

    it('free text is case-insensitive for non-ASCII text too', function () {
      // The raw event holds "Grüße aus Zürich".
      assert.deepEqual(ids('zürich'), ['e4']);
      assert.deepEqual(ids('ZÜRICH'), ['e4']);
      assert.deepEqual(ids('grüße'), ['e4']);
    });

    it('field values are case-insensitive for non-ASCII text', function () {
      assert.deepEqual(ids('additionalEventData.note:*zürich'), ['e4']);
      assert.deepEqual(ids('additionalEventData.note:"Grüße aus Zürich"'), ['e4']);
      assert.deepEqual(ids('additionalEventData.note:grüße*'), ['e4']);
    });

    it('absolute time bounds', function () {
      assert.deepEqual(ids('time:>=2024-05-02'), ['e3', 'e4', 'e5']);
      assert.deepEqual(ids('time:>2024-05-02'), ['e4', 'e5']);
      assert.deepEqual(ids('time:<2024-05-01T11:00Z'), ['e1']);
      assert.deepEqual(ids('time:<=2024-05-01T11:00Z'), ['e1', 'e2']);
      assert.deepEqual(ids('time:2024-05-01'), ['e1', 'e2', 'e7', 'e8']);
      assert.deepEqual(ids('time:<=2024-05-02'), ['e1', 'e2', 'e3', 'e4', 'e7', 'e8']);
      assert.deepEqual(ids('time:>=2024-05-01T11:00Z time:<2024-05-01T13:00Z'), ['e2', 'e7']);
      assert.deepEqual(ids('eventTime:>2024-05-02T12:00+02:00'), ['e4', 'e5']);
      assert.deepEqual(ids('time:2024-05'), without('e6'));
      assert.deepEqual(ids('time:<2000-01-01'), []);
    });

    it('relative time bounds against a fixed now', function () {
      // now = 2024-05-03T12:00Z
      assert.deepEqual(ids('time:>-24h'), ['e4', 'e5']);
      assert.deepEqual(ids('time:-24h'), ['e4', 'e5']);
      assert.deepEqual(ids('time:>-2d'), ['e3', 'e4', 'e5', 'e8']);
      assert.deepEqual(ids('time:>=-2d'), ['e3', 'e4', 'e5', 'e7', 'e8']);
      assert.deepEqual(ids('time:<-2d'), ['e1', 'e2']);
      assert.deepEqual(ids('time:>-1h'), []);
      assert.deepEqual(ids('time:<now'), without('e6'));
      // The same filter means something else at another now.
      assert.equal(store.query('time:>-24h', { now: NOW + 30 * 24 * H }).count, 0);
    });

    it('field:>N and field:<N compare numbers', function () {
      assert.deepEqual(ids('additionalEventData.bytesTransferredOut:>1000'), ['e3']);
      assert.deepEqual(ids('additionalEventData.bytesTransferredOut:<10'), ['e5']);
      assert.deepEqual(ids('additionalEventData.bytesTransferredOut:>=5.5'), ['e3', 'e5']);
      assert.deepEqual(ids('additionalEventData.bytesTransferredOut:<=5.5'), ['e5']);
      assert.deepEqual(ids('additionalEventData.bytesTransferredOut:>1e3'), ['e3']);
      // Text values are never numbers.
      assert.deepEqual(ids('eventName:>0'), []);
    });

    it('CloudTrail names are aliases of the normalized fields', function () {
      const pairs: Array<[string, string]> = [
        ['eventName:RunInstances', 'action:RunInstances'],
        ['awsRegion:us-east-1', 'region:us-east-1'],
        ['eventSource:s3.amazonaws.com', 'service:s3.amazonaws.com'],
        ['errorCode:AccessDenied', 'error:AccessDenied'],
        ['eventID:e3', 'id:e3'],
        ['recipientAccountId:444455556666', 'account:444455556666'],
        ['sourceIPAddress:203.0.113.*', 'sourceIp:203.0.113.*'],
      ];
      for (const [alias, field] of pairs) {
        assert.ok(ids(field).length > 0, field);
        assert.deepEqual(ids(alias), ids(field), alias);
      }
      assert.deepEqual(ids('awsRegion:us-east-1'), ['e3', 'e4', 'e6']);
      assert.deepEqual(ids('eventSource:s3.amazonaws.com'), ['e1', 'e2', 'e3', 'e6', 'e7', 'e8']);
      assert.deepEqual(ids('errorCode:No*'), ['e7']);
    });

    it('dotted raw paths that were not extracted at load, case-insensitive in path and value', function () {
      assert.deepEqual(ids('requestParameters.bucketName:prod-logs'), ['e1', 'e2', 'e7']);
      assert.deepEqual(ids('requestParameters.bucketName:"prod-logs"'), ['e1', 'e2']);
      assert.deepEqual(ids('requestparameters.bucketname:DEV-DATA'), ['e3']);
      assert.deepEqual(ids('raw.requestParameters.bucketName:dev-data'), ['e3']);
      assert.deepEqual(ids('responseElements.ConsoleLogin:Failure'), ['e4']);
      assert.deepEqual(ids('-requestParameters.bucketName:prod-logs'), without('e1', 'e2', 'e7'));
    });

    it('a path into an array matches when any element matches', function () {
      assert.deepEqual(ids('resources.ARN:*other-bucket*'), ['e2']);
      assert.deepEqual(ids('resources.ARN:arn:aws:s3:::prod-logs'), ['e1']);
      assert.deepEqual(ids('resources.type:AWS::S3::Bucket'), ['e1', 'e2']);
      assert.deepEqual(ids('resources.type:AWS::S3::Object'), ['e2']);
      assert.deepEqual(ids('requestParameters.instancesSet.items.imageId:ami-2'), ['e5']);
      assert.deepEqual(ids('resources:*prod-logs*'), ['e1', 'e2']);
    });

    it('userIdentity.type and other extracted paths', function () {
      assert.deepEqual(ids('userIdentity.type:AWSService'), ['e3']);
      assert.deepEqual(ids('-userIdentity.type:AWSService'), without('e3'));
      assert.deepEqual(ids('userIdentity.type:iamuser'), ['e1', 'e5', 'e6', 'e7', 'e8']);
      assert.deepEqual(ids('userIdentity.userName:carol'), ['e6']);
      assert.deepEqual(ids('errorMessage:"Access Denied"'), ['e1']);
    });

    it('the normalized outcome and actor', function () {
      assert.deepEqual(ids('outcome:failure'), ['e1', 'e4', 'e7']);
      assert.deepEqual(ids('actor:cloudtrail.amazonaws.com'), ['e3']);
      assert.deepEqual(ids('actor:arn:aws:iam::444455556666:root'), ['e4']);
    });

    it('a bad filter throws a QueryError that points at the offending token', function () {
      const bad = ['eventName:(Get', '(eventName:Get*', 'a OR', 'bytes:>abc', 'time:>yesterday', '- a', 'foo*'];
      for (const text of bad) {
        assert.throws(
          () => store.query(text),
          (e: unknown) => e instanceof QueryError && e.span.start >= 0 && e.span.end <= text.length && e.message.length > 0,
          text,
        );
      }
      try {
        store.query('eventName:Get* bytes:>abc');
        assert.fail('no error');
      } catch (e) {
        assert.ok(e instanceof QueryError);
        assert.equal(e.token, 'abc');
        assert.match(e.message, /abc/);
      }
    });
  });

  describe('sorting', function () {
    function order(sort: { field: string; dir: 'asc' | 'desc' }, filter = ''): string[] {
      const view = store.query(filter, { sort });
      return view.rows(0, view.count, ['id']).map((r) => String(r.id));
    }

    it('by time, oldest first by default; events without a time last', function () {
      const want = ['e1', 'e2', 'e7', 'e8', 'e3', 'e4', 'e5', 'e6'];
      assert.deepEqual(order({ field: 'time', dir: 'asc' }), want);
      const view = store.query('');
      assert.deepEqual(view.sort, { field: 'time', dir: 'asc' });
      assert.deepEqual(
        view.rows(0, 8, ['id']).map((r) => r.id),
        want,
      );
    });

    it('by time, newest first', function () {
      const got = order({ field: 'time', dir: 'desc' });
      assert.deepEqual(
        got.filter((id) => id !== 'e6'),
        ['e5', 'e4', 'e3', 'e8', 'e7', 'e2', 'e1'],
      );
      assert.equal(got.length, 8);
    });

    it('by a string column, case-insensitively, equal values in time order (stable)', function () {
      assert.deepEqual(order({ field: 'action', dir: 'asc' }), ['e4', 'e1', 'e7', 'e2', 'e8', 'e3', 'e6', 'e5']);
      assert.deepEqual(order({ field: 'region', dir: 'asc' }), ['e5', 'e2', 'e1', 'e7', 'e8', 'e3', 'e4', 'e6']);
      assert.deepEqual(order({ field: 'eventName', dir: 'asc' }), order({ field: 'action', dir: 'asc' }));
    });

    it('by a string column descending', function () {
      const got = store.query('', { sort: { field: 'action', dir: 'desc' } }).rows(0, 8, ['action']).map((r) => String(r.action).toLowerCase());
      assert.deepEqual(got, [...got].sort().reverse());
      assert.equal(got[0], 'runinstances');
    });

    it('events without the sort field go last', function () {
      // dev-data < Prod-Logs < prod-logs (case-insensitive, then code units); e1 and e2 tie, in time order.
      assert.deepEqual(order({ field: 'requestParameters.bucketName', dir: 'asc' }), ['e3', 'e7', 'e1', 'e2', 'e8', 'e4', 'e5', 'e6']);
    });

    it('sorts only the matching rows', function () {
      assert.deepEqual(order({ field: 'time', dir: 'desc' }, 'eventName:Delete*'), ['e8', 'e7', 'e2', 'e1']);
    });
  });

  describe('windows of rows', function () {
    it('projects a window to the asked columns; time stays epoch ms', function () {
      const view = store.query('');
      const rows = view.rows(2, 3, ['id', 'time', 'action', 'requestParameters.bucketName', 'resources']);
      assert.deepEqual(
        rows.map(({ row: _row, ...cells }) => cells),
        [
          { id: 'e7', time: Date.UTC(2024, 4, 1, 12), action: 'deleteBucket', 'requestParameters.bucketName': 'Prod-Logs', resources: '' },
          { id: 'e8', time: Date.UTC(2024, 4, 1, 13), action: 'DeleteObject', 'requestParameters.bucketName': '', resources: '' },
          { id: 'e3', time: Date.UTC(2024, 4, 2), action: 'GetObject', 'requestParameters.bucketName': 'dev-data', resources: '' },
        ],
      );
      for (const r of rows) assert.equal(typeof r.row, 'number');
      const e2 = view.rows(1, 1, ['resources'])[0];
      assert.equal(e2.resources, 'arn:aws:s3:::prod-logs/a.txt, arn:aws:s3:::other-bucket');
    });

    it('a window past the end is cut short or empty; limit 0 is empty', function () {
      const view = store.query('');
      assert.deepEqual(view.rows(6, 10, ['id']).map((r) => r.id), ['e5', 'e6']);
      assert.ok(Number.isNaN(view.rows(7, 1, ['time'])[0].time));
      assert.deepEqual(view.rows(8, 10, ['id']), []);
      assert.deepEqual(view.rows(1000, 10, ['id']), []);
      assert.deepEqual(view.rows(0, 0, ['id']), []);
      assert.deepEqual(view.rows(-5, 2, ['id']).map((r) => r.id), ['e1', 'e2']);
      assert.deepEqual(view.rows(0, -1, ['id']), []);
    });

    it('an empty result has no rows', function () {
      const view = store.query('eventName:Nope');
      assert.equal(view.count, 0);
      assert.deepEqual(view.rows(0, 100, ['id']), []);
      assert.equal(view.timeRange(), undefined);
    });

    it('store.value and store.raw read one event', function () {
      const row = store.query('id:e5').order[0];
      assert.equal(store.value(row, 'time'), '2024-05-03T08:00:00.000Z');
      assert.equal(store.value(row, 'eventName'), 'RunInstances');
      assert.equal(store.value(row, 'userIdentity.userName'), 'bob');
      assert.deepEqual(store.raw(row), E5);
      const untimed = store.query('id:e6').order[0];
      assert.equal(store.value(untimed, 'time'), '');
    });
  });

  describe('facets', function () {
    it('counts values over the matching rows, most frequent first, ties by value', function () {
      const f = store.query('').facets(['region', 'userIdentity.type'], 10);
      assert.deepEqual(f.region, [
        { value: 'eu-west-1', count: 3 },
        { value: 'us-east-1', count: 3 },
        { value: 'ap-southeast-2', count: 1 },
        { value: 'eu-central-1', count: 1 },
      ]);
      assert.deepEqual(f['userIdentity.type'], [
        { value: 'IAMUser', count: 5 },
        { value: 'AWSService', count: 1 },
        { value: 'AssumedRole', count: 1 },
        { value: 'Root', count: 1 },
      ]);
    });

    it('keeps the top N', function () {
      assert.deepEqual(store.query('').facets(['region'], 2).region, [
        { value: 'eu-west-1', count: 3 },
        { value: 'us-east-1', count: 3 },
      ]);
      assert.deepEqual(store.query('').facets(['action'], 1).action, [{ value: 'DeleteObject', count: 2 }]);
    });

    it('is computed over the filtered rows only', function () {
      assert.deepEqual(store.query('eventSource:s3.amazonaws.com').facets(['action'], 10).action, [
        { value: 'DeleteObject', count: 2 },
        { value: 'DeleteBucket', count: 1 },
        { value: 'GetObject', count: 1 },
        { value: 'ListBuckets', count: 1 },
        { value: 'deleteBucket', count: 1 },
      ]);
    });

    it('counts each element of a list column', function () {
      assert.deepEqual(store.query('').facets(['resources'], 10).resources, [
        { value: 'arn:aws:s3:::other-bucket', count: 1 },
        { value: 'arn:aws:s3:::prod-logs', count: 1 },
        { value: 'arn:aws:s3:::prod-logs/a.txt', count: 1 },
      ]);
      assert.deepEqual(store.query('').facets(['resources.type'], 10)['resources.type'], [
        { value: 'AWS::S3::Bucket', count: 2 },
        { value: 'AWS::S3::Object', count: 1 },
      ]);
    });

    it('counts a raw path read on demand', function () {
      assert.deepEqual(store.query('').facets(['requestParameters.bucketName'], 10)['requestParameters.bucketName'], [
        { value: 'prod-logs', count: 2 },
        { value: 'Prod-Logs', count: 1 },
        { value: 'dev-data', count: 1 },
      ]);
    });

    it('with many distinct values, the top N are still exact', function () {
      const s = new EventStore();
      const recs: Rec[] = [];
      for (let i = 0; i < 200; i++) {
        // Action Ak appears k+1 times for k < 10, and 150 singletons follow.
        const name = i < 55 ? `A${Math.floor((Math.sqrt(8 * i + 1) - 1) / 2)}` : `S${i}`;
        recs.push({ eventID: `m${i}`, eventName: name, eventTime: '2024-05-01T00:00:00Z' });
      }
      s.appendBatch(batchOf('many.json', recs));
      assert.deepEqual(s.query('').facets(['action'], 3).action, [
        { value: 'A9', count: 10 },
        { value: 'A8', count: 9 },
        { value: 'A7', count: 8 },
      ]);
      assert.equal(s.query('').facets(['action'], 100000).action.length, 10 + 145);
    });
  });

  describe('histogram', function () {
    it('counts every timed match once; untimed matches are counted apart', function () {
      const view = store.query('');
      const h = view.histogram();
      assert.equal(h.untimed, 1);
      assert.equal(
        h.counts.reduce((s, c) => s + c, 0),
        view.count - h.untimed,
      );
    });

    it('picks the smallest nice bucket that fits maxBuckets, aligned in UTC', function () {
      // Timed events span 2024-05-01T10:00Z .. 2024-05-03T08:00Z = 46 h.
      const view = store.query('');
      const h120 = view.histogram({ maxBuckets: 120 });
      assert.equal(h120.bucketMs, 30 * 60_000);
      assert.equal(h120.start, Date.UTC(2024, 4, 1, 10));
      assert.equal(h120.counts.length, 46 * 2 + 1);

      const h10 = view.histogram({ maxBuckets: 10 });
      assert.equal(h10.bucketMs, 6 * H);
      assert.equal(h10.start, Date.UTC(2024, 4, 1, 6));
      assert.deepEqual(h10.counts, [2, 2, 0, 1, 0, 1, 0, 0, 1]);
      assert.equal(h10.untimed, 1);
    });

    it('follows the filter', function () {
      const h = store.query('eventName:Delete*').histogram({ maxBuckets: 10 });
      // 10:00 .. 13:00 → 3 h span: 30-minute buckets (7 of them).
      assert.equal(h.bucketMs, 30 * 60_000);
      assert.equal(h.start, Date.UTC(2024, 4, 1, 10));
      assert.deepEqual(h.counts, [1, 0, 1, 0, 1, 0, 1]);
      assert.equal(h.untimed, 0);
    });

    it('never returns more buckets than maxBuckets', function () {
      const s = new EventStore();
      // 61 s apart, but straddling three minute boundaries: 00:00:59 and 00:02:00.
      s.appendBatch(
        batchOf('edge.json', [
          { eventID: 'h1', eventName: 'X', eventTime: '2024-05-01T00:00:59Z' },
          { eventID: 'h2', eventName: 'X', eventTime: '2024-05-01T00:02:00Z' },
        ]),
      );
      for (const maxBuckets of [2, 3, 10, 120]) {
        const h = s.query('').histogram({ maxBuckets });
        assert.ok(h.counts.length <= maxBuckets, `maxBuckets ${maxBuckets}: got ${h.counts.length} buckets of ${h.bucketMs} ms`);
        assert.equal(
          h.counts.reduce((a, c) => a + c, 0),
          2,
        );
      }
    });

    it('has no buckets when nothing has a time', function () {
      const h = store.query('id:e6').histogram();
      assert.deepEqual(h.counts, []);
      assert.equal(h.untimed, 1);
    });
  });
});
