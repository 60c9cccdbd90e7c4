/**
 * The webview's pure parts under node: saved views against the host's schema, filter terms
 * against the real parser, scaled-scroll geometry, view coercion and the IPC client.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as protocol from '../../src/protocol';
import { IpcEnvelope, ViewState } from '../../src/session/protocolSchemas';
import { FIELD_ALIASES, NORMALIZED_FIELDS, PATH_ALIASES } from '../../src/core/event';
import { DERIVED_FIELDS } from '../../src/core/derivedFields';
import { parseQuery } from '../../src/core/query';
import type { VsCodeApi } from '../../webview/ipc';
import { loadWebview } from './support';

// webview/ is not in the project's node build: bundled on the fly (support.ts).
const { format, ipc: ipcModule, state } = loadWebview();
const { RESERVED_FIELDS, ScrollMap, addTerm, dottedPath, filterFieldForPath, filterTerm, formatTime, mergeServerAggregates, quoteValue, serverHistogram } = format;
const { HostIpc } = ipcModule;
const { coerceView, defaultView } = state;

describe('webview: saved view', () => {
  it('coerces any saved view into one the contract accepts', () => {
    const samples: unknown[] = [
      undefined,
      null,
      {},
      { filter: 5, columns: [], widths: { a: 1, b: 99999, '': 50 }, history: ['', 'a', 7] },
      { filter: 'x'.repeat(30_000), sort: { field: '', dir: 'up' }, columns: Array.from({ length: 300 }, (_, i) => `c${i}`) },
      { ...defaultView(), timeRange: { from: Number.NaN, to: 5 } },
    ];
    for (const s of samples) {
      const v = coerceView(s) ?? defaultView();
      const r = ViewState.safeParse(v);
      assert.ok(r.success, `${JSON.stringify(s)?.slice(0, 80)} → ${r.success ? '' : r.error.message}`);
    }
    assert.deepEqual(coerceView({ ...defaultView(), timeRange: { from: Number.NaN, to: 5 } })?.timeRange, { to: 5 });
    assert.deepEqual(coerceView({ ...defaultView(), widths: { a: 1, b: 99999 } })?.widths, { a: 24, b: 4000 });
  });
});

describe('webview: filter terms', () => {
  it('quotes values so the parser reads back exactly the value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (value) => {
        const node = parseQuery(filterTerm('actor', value));
        assert.equal(node.type, 'match');
        if (node.type !== 'match') return;
        assert.equal(node.field, 'actor');
        assert.deepEqual(node.matcher, { kind: 'exact', value });
      }),
      { numRuns: 500 },
    );
    assert.equal(quoteValue('a "b" \\c'), '"a \\"b\\" \\\\c"');
    const neg = parseQuery(filterTerm('region', 'eu-west-1', true));
    assert.equal(neg.type, 'not');
  });

  it('adds terms once, and swaps a term for its negation', () => {
    assert.equal(addTerm('', 'a:"1"'), 'a:"1"');
    assert.equal(addTerm('x y', 'a:"1"'), 'x y a:"1"');
    assert.equal(addTerm('x a:"1"', 'a:"1"'), 'x a:"1"');
    assert.equal(addTerm('x a:"1" y', '-a:"1"'), 'x -a:"1" y');
    assert.equal(addTerm('-a:"1"', 'a:"1"'), 'a:"1"');
    assert.equal(addTerm('ba:"1"', 'a:"1"'), 'ba:"1" a:"1"');
    // (a OR b) AND term, by the language's precedence.
    assert.equal(addTerm('a OR b', 'c:"1"'), 'a OR b c:"1"');
  });

  it('builds fields for raw paths the language can name', () => {
    assert.equal(filterFieldForPath(['userIdentity', 'sessionContext', 'sessionIssuer', 'userName']), 'userIdentity.sessionContext.sessionIssuer.userName');
    // Paths into arrays match any element: no indices in the field.
    assert.equal(filterFieldForPath(['resources', 0, 'ARN']), 'raw.resources.ARN');
    assert.equal(filterFieldForPath(['requestParameters', 'tags', 1]), 'requestParameters.tags');
    // A raw key that is also a normalized field name needs `raw.`.
    assert.equal(filterFieldForPath(['eventName']), 'raw.eventName');
    assert.equal(filterFieldForPath(['region']), 'raw.region');
    // Keys the language cannot name: no field (the detail falls back to a quoted phrase).
    assert.equal(filterFieldForPath(['weird key']), undefined);
    assert.equal(filterTerm('weird key', 'v'), '"v"');
    assert.equal(dottedPath(['resources', 0, 'ARN']), 'resources.0.ARN');
    for (const f of ['userIdentity.sessionContext.sessionIssuer.userName', 'raw.resources.ARN']) {
      assert.equal(parseQuery(`${f}:"x"`).type, 'match');
    }
  });

  it('knows every normalized field and alias of core/event.ts, and every derived field', () => {
    const expected = new Set([...NORMALIZED_FIELDS, ...Object.keys(FIELD_ALIASES), ...Object.keys(PATH_ALIASES), ...DERIVED_FIELDS.map((f) => f.name)]);
    assert.deepEqual(new Set(RESERVED_FIELDS), expected);
  });

  it('formats times in UTC and leaves non-times blank', () => {
    assert.equal(formatTime(Date.UTC(2024, 4, 1, 12, 34, 56, 789)), '2024-05-01 12:34:56');
    assert.equal(formatTime(Number.NaN), '');
    assert.equal(formatTime(null), '');
    assert.equal(formatTime('2024'), '');
  });
});

describe('webview: the API’s own counts', () => {
  const day = 86_400_000;
  const live = (label: string, server?: protocol.ServerAggregateDto): protocol.SourceSummary => ({
    label,
    path: `cloudflare:${label}`,
    events: 0,
    duplicates: 0,
    errors: 0,
    skipped: 0,
    live: { provider: 'Cloudflare', filter: '', pages: 1, events: 0, sentToApi: [], localFilter: '', cancelled: false, fetching: false, refetchable: true, actions: [], server },
  });

  it('turns sparse day buckets into the timeline’s dense histogram', () => {
    const h = serverHistogram({ bucketMs: day, buckets: [{ time: 10 * day, count: 3 }, { time: 13 * day, count: 5 }] });
    assert.deepEqual(h, { start: 10 * day, bucketMs: day, counts: [3, 0, 0, 5], untimed: 0 });
    assert.deepEqual(serverHistogram({ bucketMs: 0, buckets: [{ time: 1, count: 1 }] }).counts, []);
    assert.deepEqual(serverHistogram({ bucketMs: day, buckets: [] }).counts, []);
    // A broken answer spanning ages does not become a billion bars.
    assert.ok(serverHistogram({ bucketMs: 1, buckets: [{ time: 0, count: 1 }, { time: 1e12, count: 1 }] }).counts.length <= 10_000);
  });

  it('adds up the counts of several live sources and keeps each note', () => {
    assert.equal(mergeServerAggregates([live('a')]), undefined);
    const a: protocol.ServerAggregateDto = { note: 'A', total: 5, facets: { action: [{ value: 'x', count: 3 }, { value: 'y', count: 2 }] }, histogram: { bucketMs: day, buckets: [{ time: day, count: 5 }] } };
    const b: protocol.ServerAggregateDto = { note: 'B', total: 4, facets: { action: [{ value: 'y', count: 4 }] }, histogram: { bucketMs: day, buckets: [{ time: day, count: 4 }] } };
    assert.equal(mergeServerAggregates([live('a', a), live('c')]), a);
    const m = mergeServerAggregates([live('a', a), live('b', b)]);
    assert.equal(m?.total, 9);
    assert.deepEqual(m?.facets.action, [{ value: 'y', count: 6 }, { value: 'x', count: 3 }]);
    assert.deepEqual(m?.histogram, { bucketMs: day, buckets: [{ time: day, count: 9 }] });
    assert.equal(m?.note, 'a: A\nb: B');
  });
});

describe('webview: scaled scrolling', () => {
  it('maps the whole scrollbar onto a million rows with a spacer under 15M px', () => {
    const m = new ScrollMap(1_000_000, 22, 600);
    assert.equal(m.scaled, true);
    assert.equal(m.spacerHeight, 15_000_000);
    assert.equal(m.contentTop(0), 0);
    assert.equal(m.contentTop(m.maxScrollTop), 22_000_000 - 600);
    // The last row is in view at the bottom.
    assert.equal(Math.floor((m.contentTop(m.maxScrollTop) + 600 - 1) / 22), 999_999);
    // Inverse.
    for (const c of [0, 1, 12_345.5, 10_000_000, m.maxContentTop]) assert.ok(Math.abs(m.contentTop(m.scrollTop(c)) - c) < 1e-6);
    // One pixel of scrollbar is under two rows' worth of content: smooth.
    assert.ok(m.contentTop(1) - m.contentTop(0) < 2);
  });

  it('is the identity below the cap', () => {
    const m = new ScrollMap(200_000, 22, 600);
    assert.equal(m.scaled, false);
    assert.equal(m.spacerHeight, 4_400_000);
    assert.equal(m.contentTop(1234), 1234);
    assert.equal(m.scrollTop(1234), 1234);
    assert.equal(new ScrollMap(10, 22, 600).maxScrollTop, 0);
    assert.equal(new ScrollMap(0, 22, 600).contentTop(50), 0);
  });
});

describe('webview: HostIpc', () => {
  function fakeApi() {
    const sent: Array<{ id: string; method: string; params: unknown; completionId?: string }> = [];
    const listeners: Array<(e: MessageEvent) => void> = [];
    const api: VsCodeApi = { postMessage: (m) => void sent.push(m as (typeof sent)[number]), getState: () => undefined, setState: (s) => s };
    const target = { addEventListener: (_t: string, l: (e: MessageEvent) => void) => void listeners.push(l) } as unknown as Window;
    const deliver = (data: unknown) => listeners.forEach((l) => l({ data } as MessageEvent));
    return { api, target, sent, deliver };
  }

  it('resolves a request with its own completion only', async () => {
    const f = fakeApi();
    const ipc = new HostIpc(f.api, f.target);
    const p1 = ipc.sendRequest(protocol.RowsRequest, { queryId: 1, offset: 0, limit: 10, columns: ['time'] });
    const p2 = ipc.sendRequest(protocol.RowsRequest, { queryId: 1, offset: 10, limit: 10, columns: ['time'] });
    const [r1, r2] = f.sent;
    assert.equal(r1.method, 'rows');
    assert.equal(r1.completionId, r1.id);
    f.deliver({ id: 'h1', method: 'rows/completion', params: { result: { queryId: 1, offset: 10, rows: [] } }, completionId: r2.completionId });
    f.deliver({ id: 'h2', method: 'detail/completion', params: { result: {} }, completionId: r1.completionId }); // wrong method: ignored
    f.deliver({ id: 'h3', method: 'rows/completion', params: { result: { queryId: 1, offset: 0, rows: [] } }, completionId: r1.completionId });
    assert.equal((await p1).offset, 0);
    assert.equal((await p2).offset, 10);
  });

  it('delivers notifications and survives junk', () => {
    const f = fakeApi();
    const ipc = new HostIpc(f.api, f.target);
    const got: number[] = [];
    const d = ipc.onNotification(protocol.DidQueryNotification, (r) => got.push(r.queryId));
    f.deliver(null);
    f.deliver('query/didRun');
    f.deliver({ method: 7 });
    f.deliver({ id: 'x', method: 'query/didRun', params: { queryId: 3 } });
    d.dispose();
    f.deliver({ id: 'y', method: 'query/didRun', params: { queryId: 4 } });
    assert.deepEqual(got, [3]);
    ipc.sendCommand(protocol.ReadyCommand, {});
    const last = f.sent.at(-1);
    assert.equal(last?.method, 'ready');
    assert.deepEqual(last?.params, {});
    assert.equal(last?.completionId, undefined);
    assert.equal(IpcEnvelope.safeParse(last).success, true);
  });

  it('rejects a request at once with the error the host answered it with, and tells the panel (issue 13)', async () => {
    const f = fakeApi();
    const ipc = new HostIpc(f.api, f.target);
    const told: Array<[string, string, string]> = [];
    ipc.onRequestError((e) => told.push([e.method, e.code, e.message]));
    // A timeout far beyond the test's: only the host's answer can settle these.
    const refused = ipc.sendRequest(protocol.RowsRequest, { queryId: 1, offset: 0, limit: 10, columns: ['time'] }, 3_600_000);
    const failed = ipc.sendRequest(protocol.DetailRequest, { row: 1 }, 3_600_000);
    const stale = ipc.sendRequest(protocol.FacetRequest, { queryId: 1, field: 'actor', offset: 0, limit: 10, order: 'desc' }, 3_600_000);
    const garbled = ipc.sendRequest(protocol.DetailExpandRequest, { row: 1 }, 3_600_000);
    const [r, d, fa, x] = f.sent;
    f.deliver({ id: 'h1', method: 'rows/completion', params: { error: { code: 'invalid', message: 'refused: limit too big' } }, completionId: r.completionId });
    f.deliver({ id: 'h2', method: 'detail/completion', params: { error: { code: 'failed', message: 'There is no event 2' } }, completionId: d.completionId });
    f.deliver({ id: 'h3', method: 'facet/completion', params: { error: { code: 'stale', message: 'old query' } }, completionId: fa.completionId });
    f.deliver({ id: 'h4', method: 'detail/expand/completion', params: { queryId: 1 }, completionId: x.completionId });
    await assert.rejects(refused, (e: Error & { code?: string }) => e.message === 'refused: limit too big' && e.code === 'invalid');
    await assert.rejects(failed, (e: Error & { code?: string }) => e.message === 'There is no event 2' && e.code === 'failed');
    await assert.rejects(stale, (e: Error & { code?: string }) => e.code === 'stale');
    await assert.rejects(garbled, /without a result/);
    // A stale answer (a query no longer shown) is dropped without a word.
    assert.deepEqual(told, [
      ['rows', 'invalid', 'refused: limit too big'],
      ['detail', 'failed', 'There is no event 2'],
      ['detail/expand', 'failed', 'detail/expand: the extension host sent a reply without a result'],
    ]);
  });

  it('rejects a request the host never answers', async () => {
    const f = fakeApi();
    const ipc = new HostIpc(f.api, f.target);
    await assert.rejects(ipc.sendRequest(protocol.DetailRequest, { row: 1 }, 20), /no answer/);
  });
});
