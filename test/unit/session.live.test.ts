/**
 * Issue 13, item 1: the panel session's live sources over real HTTP to the local fakes. An API
 * account (Control Plane) fetched, refetched with a filter the API gets part of, and its rows read
 * back through the webview's calls; a CloudTrail Lake query and an Athena query as kinds of their
 * own (fixed SQL: not refetchable, their own key and name), next to an API account in one session.
 */
import assert from 'node:assert/strict';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { secretForms } from '../../src/core/errors';
import { createAthena } from '../../src/providers/athena/index';
import { createAwsCloudTrailProvider, encodeAwsCredentials } from '../../src/providers/awsCloudtrail/index';
import { createControlPlaneProvider } from '../../src/providers/controlplane/index';
import type { AccountConfig } from '../../src/providers/provider';
import { DidChangeStateNotification, DidQueryNotification } from '../../src/protocol';
import { NODE_IO } from '../../src/session/nodeIo';
import { PanelSession } from '../../src/session/panelSession';
import { liveSourceKey } from '../../src/session/liveSources';
import { startAthenaFake, type AthenaFake } from '../support/fakes/athena';
import { FAKE_KEY_ID, FAKE_SECRET, startAwsCloudTrailFake, type CtFake } from '../support/fakes/awsCloudtrail';
import { FAKE_ORG, FAKE_TOKEN, startCplnFake, type CplnFake } from '../support/fakes/controlplane';
import { RecordingHost, send } from '../support/sessionHost';

const AWS_KEYS = encodeAwsCredentials({ type: 'keys', accessKeyId: FAKE_KEY_ID, secretAccessKey: FAKE_SECRET });
const SORT = { field: 'time', dir: 'asc' as const };

function noSecrets(host: RecordingHost, secrets: string[]): void {
  const said = JSON.stringify([host.posted, host.logged, host.shown]);
  for (const s of secrets) for (const f of secretForms(s)) assert.ok(!said.includes(f), 'a secret reached the webview, the log or a message');
}

describe('panel session: live sources over HTTP to the fakes (issue 13, item 1)', function () {
  this.timeout(60_000);

  describe('an API account (Control Plane)', () => {
    let fake: CplnFake;
    before(async () => {
      fake = await startCplnFake();
    });
    after(() => fake.close());

    it('fetches, answers rows and details, and refetches with the filter the API can take', async () => {
      const host = new RecordingHost();
      const session = new PanelSession(host, { io: NODE_IO });
      const provider = createControlPlaneProvider({ retries: { max: 1, baseMs: 1, maxMs: 5 }, perSecond: 1000 });
      const account: AccountConfig = { id: 'cp1', provider: 'controlplane', label: 'acme (local)', endpoint: fake.url, scope: FAKE_ORG };
      const from = Date.UTC(2025, 0, 1);
      const to = Date.UTC(2027, 0, 1);
      const first = await session.fetchApi(provider, account, FAKE_TOKEN, { filter: '', from, to });
      assert.equal(first.events, fake.events.length);
      assert.equal(first.stoppedBy, undefined);

      await send(session, host, 'QueryCommand', { queryId: 1, filter: 'action:delete', sort: SORT });
      const deletes = host.last(DidQueryNotification);
      assert.equal(deletes.count, fake.events.filter((e) => (e.action as { type: string }).type === 'delete').length);
      const rows = await send(session, host, 'RowsRequest', { queryId: 1, offset: 0, limit: 3, columns: ['action', 'source'] });
      assert.ok(rows && 'result' in rows);
      assert.deepEqual(rows.result.rows.map((r) => r.cells), [['delete', 'acme (local)'], ['delete', 'acme (local)'], ['delete', 'acme (local)']]);
      const detail = await send(session, host, 'DetailRequest', { row: rows.result.rows[0]!.row });
      assert.ok(detail && 'result' in detail);
      assert.equal(JSON.parse(detail.result.raw).action.type, 'delete');

      const before = fake.requests.length;
      await send(session, host, 'RefetchCommand', { filter: 'action:delete' });
      const asked = fake.requests.slice(before).map((r) => new URL(r.url, fake.url));
      assert.ok(asked.length > 0);
      assert.ok(asked.every((u) => u.searchParams.get('actionType') === 'delete'), asked.map((u) => u.search).join(' '));
      assert.equal(session.sources.store.size, deletes.count, 'a live-only panel shows what the new filter fetched');
      const live = host.last(DidChangeStateNotification).sources[0]!.live!;
      assert.equal(live.provider, 'Control Plane');
      assert.ok(live.sentToApi.length > 0);
      assert.equal(live.refetchable, true);
      noSecrets(host, [FAKE_TOKEN]);
    });
  });

  describe('CloudTrail Lake and Athena, kinds of their own', () => {
    let ct: CtFake;
    let athenaFake: AthenaFake;
    before(async () => {
      ct = await startAwsCloudTrailFake();
      athenaFake = await startAthenaFake({ now: Date.UTC(2026, 10, 20, 12) });
    });
    after(async () => {
      await ct.close();
      await athenaFake.close();
    });

    it('a Lake query streams its rows in under its own key, says the bytes scanned and is not refetchable', async () => {
      const host = new RecordingHost();
      const session = new PanelSession(host, { io: NODE_IO });
      const aws = createAwsCloudTrailProvider({ perSecond: 1000, retryStrategy: new ConfiguredRetryStrategy(2, 5), lakePollMs: 5, lakePollMaxMs: 20 });
      const account: AccountConfig = { id: 'aws1', provider: 'cloudtrail', label: 'prod', endpoint: ct.url, region: 'us-east-1' };
      const { result, report } = await session.fetchLake({ lake: aws, account, secret: AWS_KEYS, sql: { sql: 'SELECT eventJson FROM eds-1' }, query: { filter: '' } });
      const total = Object.values(ct.records).reduce((n, r) => n + r.length, 0);
      assert.equal(result.events, total);
      assert.equal(report?.status, 'FINISHED');
      assert.ok(report?.queryId);
      assert.match(result.sentToApi[0] ?? '', /^SQL query \(.* scanned\)$/);

      // The same AWS account by the API in the same panel: a second source, not the Lake one replaced.
      await session.fetchApi(aws, account, AWS_KEYS, { filter: '', from: Date.now() - 3_600_000, to: Date.now() });
      const state = host.last(DidChangeStateNotification);
      assert.deepEqual(state.sources.map((s) => s.path), [liveSourceKey({ kind: 'lake', account }), liveSourceKey({ kind: 'api', provider: aws, account })]);
      assert.deepEqual(state.sources.map((s) => s.path), ['lake:aws1', 'cloudtrail:aws1']);
      const lake = state.sources[0]!.live!;
      assert.equal(lake.provider, 'CloudTrail Lake');
      assert.equal(lake.refetchable, false);
      assert.deepEqual(lake.actions, []);
      assert.equal(host.panelTitle, 'Audit Logs: 2 sources');
      // A Lake event is no API account's: nothing more to ask about it.
      const row = session.sources.store.query('source:prod').order[0]!;
      const detail = await send(session, host, 'DetailExpandRequest', { row });
      assert.ok(detail && 'result' in detail && 'error' in detail.result);
      noSecrets(host, [AWS_KEYS, FAKE_SECRET]);
    });

    it('an Athena query streams its rows in, with its state while it runs and its report at the end', async () => {
      const host = new RecordingHost();
      const session = new PanelSession(host, { io: NODE_IO });
      const athena = createAthena({ perSecond: 1000, retryStrategy: new ConfiguredRetryStrategy(2, 5), pollMs: 5, pollMaxMs: 20 });
      const account: AccountConfig = { id: 'aws1', provider: 'cloudtrail', label: 'prod', endpoint: athenaFake.url, region: 'eu-west-1' };
      const states: string[] = [];
      const { result, report } = await session.fetchAthena({
        athena,
        account,
        secret: AWS_KEYS,
        sql: { database: 'audit', outputLocation: 's3://results-bucket/athena/', sql: 'SELECT * FROM "audit"."cloudtrail_logs"' },
        query: { filter: 'action:*' },
        onStatus: (s) => states.push(s),
      });
      assert.equal(result.events, athenaFake.records.length);
      assert.equal(report?.state, 'SUCCEEDED');
      assert.ok(states.includes('RUNNING'));
      assert.match(result.sentToApi[0] ?? '', /^Athena SQL \(.* scanned\)$/);
      assert.equal(result.localFilter, 'action:*');
      const live = host.last(DidChangeStateNotification).sources[0]!;
      assert.equal(live.path, 'athena:aws1');
      assert.equal(live.live?.provider, 'Amazon Athena');
      assert.equal(live.live?.refetchable, false);
      assert.equal(session.currentFilter, 'action:*');
      noSecrets(host, [AWS_KEYS, FAKE_SECRET]);
    });
  });
});
