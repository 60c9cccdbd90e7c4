/**
 * Issue 13, item 1: the panel session answers every call the webview makes (src/protocol
 * WEBVIEW_CALLS) without VS Code, through the same dispatch the panel uses: results, refusals
 * (bad params, a stale query, a facet that is not one, a row out of range, an unknown action) and
 * failures (an API that throws, an action that fails with the secret in its message, counts that
 * fail, a refetch while loading). Real files from test/fixtures and an in-test LiveProvider.
 * The last test fails when a method of WEBVIEW_CALLS has no test here.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AuditEventBatch } from '../../src/core/eventBatch';
import type { AccountConfig, LiveProvider, LiveQuery } from '../../src/providers/provider';
import { DidChangeStateNotification, DidDetectNotification, DidQueryNotification, WEBVIEW_CALLS, type DetailResult, type DetectionsSummary, type QueryResult, type WebviewCalls } from '../../src/protocol';
import { NODE_IO } from '../../src/session/nodeIo';
import { PanelSession } from '../../src/session/panelSession';
import { RecordingHost, send, until } from '../support/sessionHost';
import { recordsFile, ssoChain } from '../support/chains';
import { apiCall } from '../support/records';

const fixtures = path.resolve(__dirname, '../../../test/fixtures');
const SHAPES = path.join(fixtures, 'shapes');
const TRUNCATED = path.join(fixtures, 'malformed', 'truncated.json');
const SECRET = 'tok-S3cr3t/with+chars=';
const ACCOUNT: AccountConfig = { id: 'acct-1', provider: 'controlplane', label: 'org one (test)', scope: 'org1' };
const SORT = { field: 'time', dir: 'asc' as const };

/** Methods a test below sent through the session's dispatch. */
const covered = new Set<string>();

interface Knobs {
  fetched: LiveQuery[];
  expandFails?: boolean;
  actionFails?: boolean;
  aggregateFails?: boolean;
  /** Holds the fetch until released (a refetch while loading). */
  hold?: Promise<void>;
  actionRuns: Array<{ id: string; input: string; filter?: string; event?: string }>;
}

/** An API over 12 events in 2 pages that can expand an event, tag it, save a query and count. */
function testProvider(k: Knobs): LiveProvider {
  return {
    id: 'controlplane',
    displayName: 'Test API',
    validate: async () => 'ok',
    async fetch(account, _secret, query, sink, signal) {
      k.fetched.push(query);
      if (k.hold) await k.hold;
      let events = 0;
      for (let p = 1; p <= 2; p++) {
        if (signal?.aborted) return { pages: p - 1, events, pushDown: { sentToApi: [], localFilter: query.filter }, cancelled: true };
        const b = new AuditEventBatch('controlplane', account.label);
        for (let i = 0; i < 6; i++) {
          const id = `api-${p}-${i}`;
          const raw = { id, note: `page ${p}` };
          b.add({ id, time: Date.UTC(2024, 0, 2, 0, p, i), provider: 'controlplane', account: 'org1', action: i % 2 ? 'delete' : 'create', actor: 'bob@example.com', outcome: 'success', raw }, JSON.stringify(raw));
        }
        events += 6;
        sink.onBatch(b.build(), { pages: p, events });
      }
      return { pages: 2, events, pushDown: { sentToApi: ['time range'], localFilter: query.filter }, cancelled: false };
    },
    async expandEvent(_account, secret, event) {
      if (k.expandFails) throw new Error(`upstream said no to ${secret}`);
      return [{ title: 'By id', json: { id: event.id, more: true } }];
    },
    async aggregate(_account, secret) {
      if (k.aggregateFails) throw new Error(`counts refused for token ${secret}`);
      return { note: 'all events', total: 99, facets: { action: [{ value: 'delete', count: 50 }] } };
    },
    eventActions: [
      {
        id: 'tag',
        title: 'Tag Event…',
        input: { prompt: 'Tags to add', placeholder: 'a,b' },
        confirm: 'Add the tags {input} to this event?',
        async run(_a, secret, event, input) {
          if (k.actionFails) throw new Error(`403 for ${secret}`);
          k.actionRuns.push({ id: 'tag', input, event: event.id });
          return `tagged ${event.id}`;
        },
      },
    ],
    queryActions: [
      {
        id: 'save',
        title: 'Save Query…',
        confirm: 'Save this query on the server?',
        async run(_a, _s, query, input) {
          k.actionRuns.push({ id: 'save', input, filter: query.filter });
          return 'saved';
        },
      },
    ],
  };
}

function newSession(paths: string[] = []): { host: RecordingHost; session: PanelSession; knobs: Knobs } {
  const host = new RecordingHost();
  const session = new PanelSession(host, { io: NODE_IO, paths, ticker: { intervalMs: 5 } });
  return { host, session, knobs: { fetched: [], actionRuns: [] } };
}

async function withFiles(paths = [SHAPES]) {
  const s = newSession(paths);
  await s.session.load();
  return s;
}

async function withApi() {
  const s = newSession();
  await s.session.fetchApi(testProvider(s.knobs), ACCOUNT, SECRET, { filter: '', from: 1, to: 2 });
  return s;
}

async function query(s: { host: RecordingHost; session: PanelSession }, queryId: number, filter = ''): Promise<QueryResult> {
  await send(s.session, s.host, 'QueryCommand', { queryId, filter, sort: SORT }, covered);
  const r = s.host.last(DidQueryNotification);
  assert.equal(r.queryId, queryId);
  return r;
}

/** The error of a request's reply (fails the test when it has a result). */
function errorOf(reply: unknown): { code: string; message: string } {
  assert.ok(reply && typeof reply === 'object' && 'error' in reply, `expected an error reply, got ${JSON.stringify(reply)}`);
  return (reply as { error: { code: string; message: string } }).error;
}

function resultOf<R>(reply: { result: R } | { error: unknown } | undefined): R {
  assert.ok(reply && 'result' in reply, `expected a result, got ${JSON.stringify(reply)}`);
  return reply.result;
}

describe('panel session: every webview call, without VS Code (issue 13, item 1)', () => {
  describe('ReadyCommand', () => {
    it('sends the state: sources, counts, problems, summary, the view and what restores the panel', async () => {
      const s = await withFiles([SHAPES, TRUNCATED]);
      s.host.posted.length = 0;
      await send(s.session, s.host, 'ReadyCommand', {}, covered);
      const state = s.host.last(DidChangeStateNotification);
      assert.deepEqual(state.sources.map((x) => x.label), ['shapes', 'truncated.json']);
      assert.equal(state.title, 'Audit Logs: test');
      assert.equal(state.load.done, true);
      assert.equal(state.load.events, s.session.sources.store.size);
      assert.equal(state.problems.length, 1);
      assert.equal(state.summary?.problems, 1);
      assert.deepEqual(state.restore, { paths: [SHAPES, TRUNCATED] });
      assert.ok(state.availableColumns.includes('userIdentity.arn'));
      assert.deepEqual(s.host.shown.warn, [{ message: 'Audit Logs: 1 problem while reading; everything readable was loaded.', showProblems: true }]);
      // The load, then the Sigma detections over what it read.
      assert.deepEqual(s.host.progress.map((p) => p.title), ['Reading 2 sources', 'Audit Logs: Sigma detections']);
    });

    it('refuses params it does not take, and says nothing back for a command', async () => {
      const s = newSession();
      await send(s.session, s.host, 'ReadyCommand', { extra: 1 }, covered);
      assert.deepEqual(s.host.posted, []);
      assert.match(s.host.logged.warn.join('\n'), /rejected \(ready\)/);
    });
  });

  describe('QueryCommand', () => {
    it('answers with the count, facets and histogram of the filter over the loaded events', async () => {
      const s = await withFiles();
      const all = await query(s, 1);
      assert.equal(all.count, s.session.sources.store.size);
      assert.equal(all.total, all.count);
      assert.ok(all.count > 0);
      assert.ok(Object.keys(all.facets).includes('action'));
      const none = await query(s, 2, 'action:NoSuchActionAnywhere');
      assert.equal(none.count, 0);
      assert.equal(s.session.viewState.filter, 'action:NoSuchActionAnywhere');
    });

    it('a filter that does not parse answers with the error and the previous counts', async () => {
      const s = await withFiles();
      const before = await query(s, 1);
      const bad = await query(s, 2, 'action:(');
      assert.ok(bad.error);
      assert.equal(bad.count, before.count);
      assert.equal(bad.ms, 0);
    });

    it('names a field no event has, with the closest one', async () => {
      const s = await withFiles();
      const r = await query(s, 1, 'acton:Get*');
      assert.deepEqual(r.missingFields?.[0], { field: 'acton', suggestion: 'action' });
    });
  });

  describe('SaveViewCommand', () => {
    it('keeps the view for the next state (and for restoring the panel)', async () => {
      const s = newSession();
      const view = { filter: 'x', sort: { field: 'actor', dir: 'asc' as const }, columns: ['time', 'actor'], widths: { actor: 200 }, history: ['x'] };
      await send(s.session, s.host, 'SaveViewCommand', view, covered);
      assert.deepEqual(s.session.viewState, view);
      await send(s.session, s.host, 'ReadyCommand', {}, covered);
      assert.deepEqual(s.host.last(DidChangeStateNotification).view, view);
    });

    it('refuses a view without columns', async () => {
      const s = newSession();
      const before = s.session.viewState;
      await send(s.session, s.host, 'SaveViewCommand', { filter: '', sort: SORT, columns: [] }, covered);
      assert.equal(s.session.viewState, before);
      assert.match(s.host.logged.warn.join('\n'), /rejected \(view\/save\)/);
    });
  });

  describe('CopyCommand', () => {
    it('puts the text on the clipboard through the host, and refuses what is not text', async () => {
      const s = newSession();
      await send(s.session, s.host, 'CopyCommand', { text: 'a "quoted" value' }, covered);
      await send(s.session, s.host, 'CopyCommand', { text: 42 }, covered);
      assert.deepEqual(s.host.copied, ['a "quoted" value']);
    });
  });

  describe('ExportCommand', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'session-export-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('before any query says to run one; then writes the matching events where the host says', async () => {
      const s = await withFiles();
      await send(s.session, s.host, 'ExportCommand', { format: 'jsonl' }, covered);
      assert.deepEqual(s.host.shown.info, ['Audit Logs: run a query first; the export writes its matching events.']);
      const r = await query(s, 1, '-action:NoSuchAction');
      s.host.exportPath = path.join(dir, 'out.jsonl');
      await send(s.session, s.host, 'ExportCommand', { format: 'jsonl' }, covered);
      const lines = readFileSync(s.host.exportPath, 'utf8').trim().split('\n');
      assert.equal(lines.length, r.count);
      assert.equal(s.host.exportAsks.length, 1);
      assert.equal(s.host.exportAsks[0]!.count, r.count);
      assert.equal(s.host.exportAsks[0]!.near, SHAPES);
      assert.match(s.host.exportAsks[0]!.fileName, /^audit-events-.*\.jsonl$/);
      assert.equal(s.host.shown.info.at(-1), `Audit Logs: exported ${r.count} events to out.jsonl.`);
    });

    it('writes nothing when the save dialog is closed, and refuses a format it does not write', async () => {
      const s = await withFiles();
      await query(s, 1);
      s.host.exportPath = undefined;
      await send(s.session, s.host, 'ExportCommand', { format: 'csv' }, covered);
      await send(s.session, s.host, 'ExportCommand', { format: 'xlsx' }, covered);
      assert.equal(s.host.exportAsks.length, 1);
      assert.deepEqual(s.host.shown.info, []);
    });
  });

  describe('CancelCommand', () => {
    it('cancels the load under way: what was read stays, the load says it was cancelled', async () => {
      const s = newSession([SHAPES, TRUNCATED]);
      const loading = s.session.load();
      assert.equal(s.session.sources.loading, true);
      await send(s.session, s.host, 'CancelCommand', {}, covered);
      await loading;
      assert.equal(s.session.sources.status.cancelled, true);
      assert.equal(s.host.last(DidChangeStateNotification).load.cancelled, true);
    });

    it('the host cancelling its progress notification cancels the fetch', async () => {
      const s = newSession();
      let release!: () => void;
      s.knobs.hold = new Promise((r) => (release = r));
      const fetching = s.session.fetchApi(testProvider(s.knobs), ACCOUNT, SECRET, { filter: '' });
      s.host.progress[0]!.cancel.abort();
      release();
      const r = await fetching;
      assert.equal(r.cancelled, true);
      assert.equal(r.events, 0);
    });
  });

  describe('AddSourceCommand', () => {
    it('asks the host to add a source to this panel', async () => {
      const s = newSession();
      await send(s.session, s.host, 'AddSourceCommand', {}, covered);
      assert.equal(s.host.addSources, 1);
    });
  });

  describe('RefetchCommand', () => {
    it('fetches the live source again with the new filter and the timeline range; the API counts follow', async () => {
      const s = await withApi();
      await until(() => s.host.last(DidChangeStateNotification).sources[0]?.live?.server !== undefined, 'the API counts');
      await send(s.session, s.host, 'RefetchCommand', { filter: 'action:delete', timeRange: { from: 10 } }, covered);
      assert.deepEqual(s.knobs.fetched, [
        { filter: '', from: 1, to: 2 },
        { filter: 'action:delete', from: 10, to: 2 },
      ]);
      // A panel of live sources only starts from empty: what this filter fetched.
      assert.equal(s.session.sources.store.size, 12);
      assert.equal(s.session.currentFilter, 'action:delete');
      const live = s.host.last(DidChangeStateNotification).sources[0]!.live!;
      assert.equal(live.filter, 'action:delete');
      assert.equal(live.refetchable, true);
      assert.deepEqual(live.actions, [{ id: 'save', title: 'Save Query…' }]);
    });

    it('while a fetch is under way says so and fetches nothing; a filter that does not parse fetches nothing', async () => {
      const s = newSession();
      let release!: () => void;
      s.knobs.hold = new Promise((r) => (release = r));
      const first = s.session.fetchApi(testProvider(s.knobs), ACCOUNT, SECRET, { filter: '' });
      await send(s.session, s.host, 'RefetchCommand', { filter: 'action:create' }, covered);
      assert.deepEqual(s.host.shown.info, ['Audit Logs: still fetching; cancel it or wait before fetching again.']);
      release();
      await first;
      await send(s.session, s.host, 'RefetchCommand', { filter: 'action:(' }, covered);
      assert.equal(s.knobs.fetched.length, 1);
    });

    it('with no live source fetches nothing, and refuses a filter longer than the protocol allows', async () => {
      const s = await withFiles();
      await send(s.session, s.host, 'RefetchCommand', { filter: 'x' }, covered);
      await send(s.session, s.host, 'RefetchCommand', { filter: 'x'.repeat(20_001) }, covered);
      assert.deepEqual(s.host.progress.map((p) => p.title), ['Reading shapes', 'Audit Logs: Sigma detections'], 'only the load and its detections');
      assert.match(s.host.logged.warn.join('\n'), /rejected \(live\/refetch\): filter/);
    });
  });

  describe('DetailActionCommand', () => {
    it('asks for the input, confirms with what was typed, runs, and says how it went', async () => {
      const s = await withApi();
      await query(s, 1);
      s.host.inputs = ['prod,$&'];
      await send(s.session, s.host, 'DetailActionCommand', { row: 3, actionId: 'tag' }, covered);
      assert.deepEqual(s.host.asked, [{ title: 'Tag Event (org one (test))', prompt: 'Tags to add', placeholder: 'a,b' }]);
      assert.deepEqual(s.host.confirms, [{ message: 'Add the tags prod,$& to this event?', detail: 'Test API: org one (test)', button: 'Tag Event' }]);
      assert.deepEqual(s.knobs.actionRuns, [{ id: 'tag', input: 'prod,$&', event: s.session.sources.store.idOf(3) }]);
      assert.deepEqual(s.host.shown.info, [`Audit Logs: tagged ${s.session.sources.store.idOf(3)}`]);
    });

    it('runs nothing when the input or the confirmation is declined', async () => {
      const s = await withApi();
      s.host.inputs = [undefined];
      await send(s.session, s.host, 'DetailActionCommand', { row: 0, actionId: 'tag' }, covered);
      s.host.confirmAnswer = false;
      await send(s.session, s.host, 'DetailActionCommand', { row: 0, actionId: 'tag' }, covered);
      assert.equal(s.host.confirms.length, 1);
      assert.deepEqual(s.knobs.actionRuns, []);
    });

    it('an action that fails says why, with the secret redacted', async () => {
      const s = await withApi();
      s.knobs.actionFails = true;
      await send(s.session, s.host, 'DetailActionCommand', { row: 0, actionId: 'tag' }, covered);
      assert.equal(s.host.shown.error.length, 1);
      assert.match(s.host.shown.error[0]!, /^Audit Logs: Tag Event failed: 403 for /);
      const said = [...s.host.shown.error, ...s.host.logged.warn].join('\n');
      assert.ok(!said.includes(SECRET), said);
    });

    it('an action the event does not have, or an event from a file, runs nothing', async () => {
      const s = await withApi();
      await send(s.session, s.host, 'DetailActionCommand', { row: 0, actionId: 'delete-everything' }, covered);
      const f = await withFiles();
      await send(f.session, f.host, 'DetailActionCommand', { row: 0, actionId: 'tag' }, covered);
      assert.match(s.host.logged.warn.join('\n'), /an action this event does not have: delete-everything/);
      assert.match(f.host.logged.warn.join('\n'), /an action this event does not have: tag/);
      assert.equal(s.host.confirms.length + f.host.confirms.length, 0);
    });
  });

  describe('LiveActionCommand', () => {
    it('runs a query action with the filter now in the bar, after the confirmation', async () => {
      const s = await withApi();
      await send(s.session, s.host, 'LiveActionCommand', { sourcePath: 'controlplane:acct-1', actionId: 'save', filter: 'action:delete' }, covered);
      assert.deepEqual(s.knobs.actionRuns, [{ id: 'save', input: '', filter: 'action:delete' }]);
      assert.deepEqual(s.host.asked, []);
      assert.equal(s.host.confirms[0]?.message, 'Save this query on the server?');
    });

    it('a filter that does not parse, an unknown source or action runs nothing', async () => {
      const s = await withApi();
      await send(s.session, s.host, 'LiveActionCommand', { sourcePath: 'controlplane:acct-1', actionId: 'save', filter: 'action:(' }, covered);
      assert.match(s.host.shown.error[0] ?? '', /^Audit Logs: fix the filter first/);
      await send(s.session, s.host, 'LiveActionCommand', { sourcePath: 'controlplane:other', actionId: 'save', filter: '' }, covered);
      await send(s.session, s.host, 'LiveActionCommand', { sourcePath: 'controlplane:acct-1', actionId: 'nope', filter: '' }, covered);
      assert.equal(s.host.logged.warn.filter((l) => /a query action this source does not have/.test(l)).length, 2);
      assert.deepEqual(s.knobs.actionRuns, []);
    });
  });

  describe('RowsRequest', () => {
    it('answers a window of the current query with the asked columns', async () => {
      const s = await withFiles();
      const r = await query(s, 4);
      const reply = await send(s.session, s.host, 'RowsRequest', { queryId: 4, offset: 1, limit: 2, columns: ['action', 'source'] }, covered);
      const rows = resultOf(reply);
      assert.equal(rows.queryId, 4);
      assert.equal(rows.offset, 1);
      assert.equal(rows.rows.length, Math.min(2, r.count - 1));
      assert.deepEqual(rows.rows[0]!.cells[1], 'shapes');
    });

    it('a window of a query no longer shown is stale; a limit over the protocol is refused', async () => {
      const s = await withFiles();
      await query(s, 4);
      await query(s, 5);
      assert.equal(errorOf(await send(s.session, s.host, 'RowsRequest', { queryId: 4, offset: 0, limit: 10, columns: ['action'] }, covered)).code, 'stale');
      const refused = errorOf(await send(s.session, s.host, 'RowsRequest', { queryId: 5, offset: 0, limit: 1_000_000, columns: ['action'] }, covered));
      assert.equal(refused.code, 'invalid');
      assert.match(refused.message, /limit/);
    });
  });

  describe('FacetRequest', () => {
    it('answers a page of a facet, searched', async () => {
      const s = await withFiles();
      await query(s, 1);
      const all = resultOf(await send(s.session, s.host, 'FacetRequest', { queryId: 1, field: 'source', offset: 0, limit: 5, order: 'desc' }, covered));
      assert.deepEqual(all.values, [{ value: 'shapes', count: s.session.sources.store.size }]);
      assert.equal(all.distinct, 1);
      const none = resultOf(await send(s.session, s.host, 'FacetRequest', { queryId: 1, field: 'source', offset: 0, limit: 5, order: 'desc', search: 'zzz' }, covered));
      assert.equal(none.matched, 0);
    });

    it('a field that is not a facet is refused, a query no longer shown is stale', async () => {
      const s = await withFiles();
      await query(s, 1);
      const refused = errorOf(await send(s.session, s.host, 'FacetRequest', { queryId: 1, field: 'userIdentity.arn', offset: 0, limit: 5, order: 'desc' }, covered));
      assert.deepEqual(refused, { code: 'invalid', message: 'The extension refused the facet request (userIdentity.arn is not a facet).' });
      assert.equal(errorOf(await send(s.session, s.host, 'FacetRequest', { queryId: 9, field: 'source', offset: 0, limit: 5, order: 'desc' }, covered)).code, 'stale');
    });
  });

  describe('SummaryRequest', () => {
    it('answers a page of the current query grouped by a field: counts, facets, paging with the true number of groups', async () => {
      const s = await withApi();
      await query(s, 1);
      const all = resultOf(await send(s.session, s.host, 'SummaryRequest', { queryId: 1, field: 'actor', offset: 0, limit: 10 }, covered));
      assert.deepEqual([all.field, all.events, all.missing, all.distinct, all.groups.length], ['actor', 12, 0, 1, 1]);
      const bob = all.groups[0];
      assert.deepEqual([bob.value, bob.events, bob.errors, bob.errorRate], ['bob@example.com', 12, 0, 0]);
      assert.deepEqual(bob.facets.action, { distinct: 2, top: [{ value: 'create', count: 6 }, { value: 'delete', count: 6 }] });
      assert.equal(bob.first, Date.UTC(2024, 0, 2, 0, 1, 0));
      assert.equal(bob.last, Date.UTC(2024, 0, 2, 0, 2, 5));
      // The current filter: only its events are grouped.
      await query(s, 2, 'action:delete');
      const deletes = resultOf(await send(s.session, s.host, 'SummaryRequest', { queryId: 2, field: 'action', offset: 0, limit: 10 }, covered));
      assert.deepEqual(deletes.groups.map((g) => [g.value, g.events]), [['delete', 6]]);
      // Page by page: one group a page, most events first, the true number of groups with each.
      await query(s, 3);
      const first = resultOf(await send(s.session, s.host, 'SummaryRequest', { queryId: 3, field: 'action', offset: 0, limit: 1 }, covered));
      const second = resultOf(await send(s.session, s.host, 'SummaryRequest', { queryId: 3, field: 'action', offset: 1, limit: 1 }, covered));
      assert.deepEqual([first.distinct, first.groups.map((g) => g.value), second.offset, second.groups.map((g) => g.value)], [2, ['create'], 1, ['delete']]);
    });

    it('a field without values answers no groups and every event as missing; principal and origin are asked like any field', async () => {
      const s = await withApi();
      await query(s, 1);
      for (const field of ['sourceIp', 'accessKey']) {
        const r = resultOf(await send(s.session, s.host, 'SummaryRequest', { queryId: 1, field, offset: 0, limit: 10 }, covered));
        assert.deepEqual([r.distinct, r.missing, r.groups.length], [0, 12, 0], field);
      }
      // Whatever they resolve to (other parts of issue 15 derive them): every event is in a group or missing.
      for (const field of ['principal', 'origin']) {
        const r = resultOf(await send(s.session, s.host, 'SummaryRequest', { queryId: 1, field, offset: 0, limit: 10 }, covered));
        assert.equal(r.groups.reduce((n, g) => n + g.events, 0) + r.missing, 12, field);
      }
    });

    it('a field it does not group by is refused, a query no longer shown is stale, a page over the protocol is refused', async () => {
      const s = await withFiles();
      await query(s, 1);
      const refused = errorOf(await send(s.session, s.host, 'SummaryRequest', { queryId: 1, field: 'userIdentity.arn', offset: 0, limit: 5 }, covered));
      assert.deepEqual(refused, { code: 'invalid', message: 'The extension refused the summary request (userIdentity.arn is not a field it groups by).' });
      assert.equal(errorOf(await send(s.session, s.host, 'SummaryRequest', { queryId: 9, field: 'actor', offset: 0, limit: 5 }, covered)).code, 'stale');
      const big = errorOf(await send(s.session, s.host, 'SummaryRequest', { queryId: 1, field: 'actor', offset: 0, limit: 5000 }, covered));
      assert.equal(big.code, 'invalid');
      assert.match(big.message, /limit/);
    });
  });

  describe('DetailRequest', () => {
    it('answers the raw event and its source; an API event says it can say more and what it can do', async () => {
      const f = await withFiles();
      const file = resultOf(await send(f.session, f.host, 'DetailRequest', { row: 0 }, covered));
      assert.equal(file.raw, f.session.sources.store.rawText(0));
      assert.equal(file.source, 'shapes');
      assert.equal(file.live, undefined);
      assert.equal(f.session.selected, 0);
      const s = await withApi();
      const api = resultOf(await send(s.session, s.host, 'DetailRequest', { row: 2 }, covered));
      assert.deepEqual(api.live, { expandable: true, actions: [{ id: 'tag', title: 'Tag Event…' }] });
      assert.equal(api.source, 'org one (test)');
    });

    it('carries the session chain behind an event (issue 15), and none for an event that is its own origin', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'ale-calls-chain-'));
      try {
        const { grc, assume, work } = ssoChain();
        writeFileSync(path.join(dir, 'a.json'), recordsFile([grc, assume]));
        writeFileSync(path.join(dir, 'b.json'), recordsFile([work]));
        const s = await withFiles([dir]);
        const store = s.session.sources.store;
        const rowOf = (id: unknown) => [...Array(store.size).keys()].find((r) => store.idOf(r) === id) as number;
        const d = resultOf(await send(s.session, s.host, 'DetailRequest', { row: rowOf(work.eventID) }, covered));
        assert.deepEqual(d.chain, {
          end: 'origin',
          origin: 'alice@corp (SSO)',
          omitted: 0,
          steps: [
            { label: 'alice@corp (SSO)', row: rowOf(grc.eventID), kind: 'origin' },
            { label: 'AdminAccess in 111122223333', row: rowOf(grc.eventID), kind: 'mint' },
            { label: 'AssumeRole OrgAdmin in 444455556666', row: rowOf(assume.eventID), kind: 'mint' },
            { label: 'this event', row: rowOf(work.eventID), kind: 'event' },
          ],
        });
        const own = resultOf(await send(s.session, s.host, 'DetailRequest', { row: rowOf(grc.eventID) }, covered));
        assert.equal(own.chain, undefined);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a row out of range fails with what it asked for; a negative row is refused', async () => {
      const s = await withFiles();
      const n = s.session.sources.store.size;
      assert.deepEqual(errorOf(await send(s.session, s.host, 'DetailRequest', { row: n }, covered)), { code: 'failed', message: `There is no event ${n + 1} in this panel.` });
      assert.equal(errorOf(await send(s.session, s.host, 'DetailRequest', { row: -1 }, covered)).code, 'invalid');
    });
  });

  describe('DetailExpandRequest', () => {
    it('answers the API\'s sections as JSON text', async () => {
      const s = await withApi();
      const r = resultOf(await send(s.session, s.host, 'DetailExpandRequest', { row: 1 }, covered));
      assert.ok('sections' in r);
      assert.equal(r.sections[0]!.title, 'By id');
      assert.deepEqual(JSON.parse(r.sections[0]!.text), { id: s.session.sources.store.idOf(1), more: true });
    });

    it('an API that throws answers with its error, secret redacted; a file event cannot say more; a row out of range fails', async () => {
      const s = await withApi();
      s.knobs.expandFails = true;
      const r = resultOf(await send(s.session, s.host, 'DetailExpandRequest', { row: 1 }, covered));
      assert.ok('error' in r);
      assert.match(r.error, /^upstream said no to /);
      assert.ok(!r.error.includes(SECRET) && !s.host.logged.warn.join('\n').includes(SECRET));
      const f = await withFiles();
      const file = resultOf(await send(f.session, f.host, 'DetailExpandRequest', { row: 0 }, covered));
      assert.deepEqual(file, { row: 0, error: 'This event did not come from an API that can say more about it.' });
      assert.equal(errorOf(await send(f.session, f.host, 'DetailExpandRequest', { row: 10_000 }, covered)).code, 'failed');
    });
  });

  describe('DetectionsRequest', () => {
    /** A CloudTrail file with a trail stopped and deleted (medium), VPC flow logs deleted (high) and a harmless read. */
    function incidentFile(dir: string): string {
      const ev = (i: number, source: string, name: string) => apiCall(`ev-${i}`, `2024-03-01T10:0${i}:00Z`, source, name);
      const file = path.join(dir, 'incident.json');
      writeFileSync(
        file,
        JSON.stringify({
          Records: [
            ev(1, 'ec2.amazonaws.com', 'DescribeRegions'),
            ev(2, 'cloudtrail.amazonaws.com', 'StopLogging'),
            ev(3, 'cloudtrail.amazonaws.com', 'DeleteTrail'),
            ev(4, 'ec2.amazonaws.com', 'DeleteFlowLogs'),
          ],
        }),
      );
      return file;
    }

    it('runs the bundled rules after a load: hits by level and rule with author and link; rule: and level: filter; the detail lists the rules', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'ale-detect-'));
      try {
        const s = await withFiles([incidentFile(dir)]);
        await until(() => s.host.notes(DidDetectNotification).some((n) => n.state === 'done'), 'the finished run pushed');
        const summary = resultOf(await send(s.session, s.host, 'DetectionsRequest', {}, covered)) as DetectionsSummary;
        assert.equal(summary.state, 'done');
        assert.equal(summary.events, 4);
        assert.equal(summary.eventsWithHits, 3);
        const trail = summary.rules.find((r) => r.title === 'AWS CloudTrail Important Change');
        assert.ok(trail, JSON.stringify(summary.rules.map((r) => r.title)));
        assert.deepEqual([trail.level, trail.hits, trail.author], ['medium', 2, 'vitaliy0x1']);
        assert.match(trail.link, /^https:\/\/github\.com\/SigmaHQ\/sigma\/blob\/.+aws_cloudtrail_disable_logging\.yml$/);
        const flow = summary.rules.find((r) => r.title === 'AWS VPC Flow Logs Deleted');
        assert.ok(flow);
        assert.equal(summary.rules[0]!.level, 'high', 'most severe first');
        assert.ok(summary.byLevel.high >= 1 && summary.byLevel.medium >= 2);
        assert.ok(Object.values(summary.bySource).some((c) => c.high >= 1), JSON.stringify(summary.bySource));

        const byRule = await query(s, 1, `rule:${trail.id}`);
        assert.equal(byRule.count, 2);
        const high = await query(s, 2, 'level:>=high');
        assert.equal(high.count, 1);
        const rows = resultOf(await send(s.session, s.host, 'RowsRequest', { queryId: 2, offset: 0, limit: 5, columns: ['action', 'level'] }, covered));
        assert.deepEqual(rows.rows[0]!.cells, ['DeleteFlowLogs', 'high']);
        assert.equal(rows.rows[0]!.level, 'high', 'the grid marks the row by its highest level');
        assert.equal((await query(s, 3, 'level:>=critical')).count, 0);
        assert.equal((await query(s, 4, 'level:medium')).count, 2);

        const trailRow = (await send(s.session, s.host, 'RowsRequest', { queryId: 4, offset: 0, limit: 1, columns: ['action'] }, covered)) as { result: { rows: Array<{ row: number }> } };
        const detail = resultOf(await send(s.session, s.host, 'DetailRequest', { row: trailRow.result.rows[0]!.row }, covered)) as DetailResult;
        const shown = detail.detections ?? [];
        assert.deepEqual(shown.map((r) => r.title), ['AWS CloudTrail Important Change']);
        assert.deepEqual(shown[0]!.falsePositives, ['Valid change in a Trail']);
        assert.deepEqual(shown[0]!.references, ['https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html']);
        assert.equal(shown[0]!.description, 'Detects disabling, deleting and updating of a Trail');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('an environment without a detector says detections are unavailable; an event without hits lists none', async () => {
      const host = new RecordingHost();
      const { detector: _none, ...io } = NODE_IO;
      void _none;
      const session = new PanelSession(host, { io, paths: [SHAPES], ticker: { intervalMs: 5 } });
      await session.load();
      const summary = resultOf(await send(session, host, 'DetectionsRequest', {}, covered)) as DetectionsSummary;
      assert.equal(summary.state, 'unavailable');
      assert.equal(summary.rules.length, 0);
      const r = await query({ host, session }, 1, 'level:>=low');
      assert.equal(r.count, 0);
      assert.ok(!host.posted.some((p) => p.method === DidDetectNotification.method));
    });
    it('a detector that fails says so to the user, and the events stay shown without detections', async () => {
      const host = new RecordingHost();
      const io = { ...NODE_IO, detector: { rules: () => Promise.reject(new Error('rule folder vanished')), detect: () => Promise.reject(new Error('unreachable')) } };
      const session = new PanelSession(host, { io, paths: [SHAPES], ticker: { intervalMs: 5 } });
      await session.load();
      for (let i = 0; i < 200 && host.shown.warn.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(host.shown.warn.some((w) => /Sigma detections failed: rule folder vanished/.test(w.message)), JSON.stringify(host.shown.warn));
      const summary = resultOf(await send(session, host, 'DetectionsRequest', {}, covered)) as DetectionsSummary;
      assert.notEqual(summary.state, 'running');
      assert.ok((await query({ host, session }, 1, '')).count > 0);
    });
  });

  describe('what is not a call', () => {
    it('an unknown request is answered "unknown"; a malformed message is ignored', async () => {
      const s = newSession();
      await s.session.receive({ id: 'x1', method: 'rows/all', params: {}, completionId: 'x1' });
      await s.session.receive({ nonsense: true });
      assert.deepEqual(s.host.posted, [{ method: 'rows/all/completion', params: { error: { code: 'unknown', message: 'The extension does not know the request rows/all.' } }, completionId: 'x1' }]);
    });

    it('the API counts that fail say so next to the live strip, with the secret redacted', async () => {
      const s = newSession();
      s.knobs.aggregateFails = true;
      await s.session.fetchApi(testProvider(s.knobs), ACCOUNT, SECRET, { filter: '' });
      await until(() => s.host.last(DidChangeStateNotification).sources[0]?.live?.serverError !== undefined, 'the counts error');
      const live = s.host.last(DidChangeStateNotification).sources[0]!.live!;
      assert.match(live.serverError!, /^counts refused for token /);
      assert.ok(!JSON.stringify(s.host.posted).includes(SECRET));
      assert.ok(!s.host.logged.warn.join('\n').includes(SECRET));
    });

    it('a closed session sends nothing more', async () => {
      const s = await withFiles();
      s.session.dispose();
      const n = s.host.posted.length;
      await send(s.session, s.host, 'ReadyCommand', {}, covered);
      await s.session.receive({ id: 'q', method: 'query', params: { queryId: 1, filter: '', sort: SORT } });
      assert.equal(s.host.posted.length, n);
    });
  });

  // A suite of its own, last: mocha runs a suite's own tests before its child suites.
  describe('coverage', () => {
    it('every method of WEBVIEW_CALLS was sent through the session by a test above', () => {
      const missing = (Object.keys(WEBVIEW_CALLS) as Array<keyof WebviewCalls>).filter((k) => !covered.has(k));
      assert.deepEqual(missing, [], `methods without a session test: ${missing.join(', ')}`);
    });
  });
});
