import assert from 'node:assert/strict';
import { DETAIL_SECTION_MAX, DetailExpandRequest, DetailRequest, RowsRequest, WEBVIEW_CALLS } from '../../src/protocol';
import { IpcEnvelope, PARAMS, RestoreState } from '../../src/session/protocolSchemas';

const {
  CopyCommand: CopyParams,
  DetailActionCommand: DetailActionParams,
  DetailExpandRequest: DetailExpandParams,
  DetailRequest: DetailParams,
  LiveActionCommand: LiveActionParams,
  QueryCommand: QueryParams,
  RowsRequest: RowsParams,
  SaveViewCommand: SaveViewParams,
} = PARAMS;

describe('webview protocol', () => {
  it('gives every webview call a distinct method and a schema', () => {
    const calls = Object.values(WEBVIEW_CALLS);
    const methods = calls.map((c) => c.method);
    assert.equal(new Set(methods).size, methods.length);
    assert.deepEqual(Object.keys(PARAMS).sort(), Object.keys(WEBVIEW_CALLS).sort());
    assert.equal(RowsRequest.response, 'rows/completion');
    assert.equal(DetailRequest.response, 'detail/completion');
    assert.equal(DetailExpandRequest.response, 'detail/expand/completion');
    assert.ok(DETAIL_SECTION_MAX >= 1_000_000);
  });

  it('accepts well-formed messages', () => {
    assert.ok(IpcEnvelope.safeParse({ id: 'w1', method: 'query', params: {} }).success);
    assert.ok(QueryParams.safeParse({ queryId: 3, filter: 'eventName:Delete*', sort: { field: 'time', dir: 'desc' } }).success);
    assert.ok(QueryParams.safeParse({ queryId: 3, filter: '', sort: { field: 'action', dir: 'asc' }, timeRange: { from: 1, to: 2 } }).success);
    assert.ok(RowsParams.safeParse({ queryId: 3, offset: 0, limit: 200, columns: ['time', 'action'] }).success);
    assert.ok(SaveViewParams.safeParse({ filter: '', sort: { field: 'time', dir: 'asc' }, columns: ['time'], widths: { time: 180 } }).success);
    assert.ok(DetailExpandParams.safeParse({ row: 0 }).success);
    assert.ok(DetailActionParams.safeParse({ row: 12, actionId: 'cloudflare.addTags' }).success);
    assert.ok(LiveActionParams.safeParse({ sourcePath: 'cloudflare:acct-1', actionId: 'cloudflare.saveQuery', filter: 'action:delete*' }).success);
    assert.ok(LiveActionParams.safeParse({ sourcePath: 'cloudflare:acct-1', actionId: 'cloudflare.saveQuery', filter: '' }).success);
  });

  // The webview renders attacker-controlled data: whatever it sends is checked like outside input.
  const rejected: Array<[string, { safeParse(v: unknown): { success: boolean } }, unknown]> = [
    ['an envelope without a method', IpcEnvelope, { id: 'x', params: {} }],
    ['a huge method name', IpcEnvelope, { id: 'x', method: 'm'.repeat(1000), params: {} }],
    ['a query id that is not a whole number', QueryParams, { queryId: 1.5, filter: '', sort: { field: 'time', dir: 'asc' } }],
    ['a sort direction that does not exist', QueryParams, { queryId: 1, filter: '', sort: { field: 'time', dir: 'sideways' } }],
    ['a time range of strings', QueryParams, { queryId: 1, filter: '', sort: { field: 'time', dir: 'asc' }, timeRange: { from: '2024' } }],
    ['a filter longer than any query', QueryParams, { queryId: 1, filter: 'x'.repeat(20_001), sort: { field: 'time', dir: 'asc' } }],
    ['a window of a million rows', RowsParams, { queryId: 1, offset: 0, limit: 1_000_000, columns: ['time'] }],
    ['a negative offset', RowsParams, { queryId: 1, offset: -1, limit: 10, columns: ['time'] }],
    ['no columns', RowsParams, { queryId: 1, offset: 0, limit: 10, columns: [] }],
    ['a negative row', DetailParams, { row: -1 }],
    ['text that is not a string', CopyParams, { text: 42 }],
    ['a view with no columns', SaveViewParams, { filter: '', sort: { field: 'time', dir: 'asc' }, columns: [] }],
    ['a column width of zero', SaveViewParams, { filter: '', sort: { field: 'time', dir: 'asc' }, columns: ['time'], widths: { time: 0 } }],
    ['restore state without paths', RestoreState, { paths: [] }],
    ['a negative row to load from the API', DetailExpandParams, { row: -1 }],
    ['a row to load from the API that is not a whole number', DetailExpandParams, { row: 0.5 }],
    ['an event action on a negative row', DetailActionParams, { row: -3, actionId: 'cloudflare.addTags' }],
    ['an event action without an id', DetailActionParams, { row: 1, actionId: '' }],
    ['an event action with a huge id', DetailActionParams, { row: 1, actionId: 'a'.repeat(100_000) }],
    ['an event action with no row', DetailActionParams, { actionId: 'cloudflare.addTags' }],
    ['a query action with a huge source path', LiveActionParams, { sourcePath: 's'.repeat(100_000), actionId: 'x', filter: '' }],
    ['a query action without a source', LiveActionParams, { sourcePath: '', actionId: 'x', filter: '' }],
    ['a query action with a filter longer than any query', LiveActionParams, { sourcePath: 'cloudflare:a', actionId: 'x', filter: 'x'.repeat(20_001) }],
    ['a query action without a filter', LiveActionParams, { sourcePath: 'cloudflare:a', actionId: 'x' }],
    ['a query action whose id is not a string', LiveActionParams, { sourcePath: 'cloudflare:a', actionId: 7, filter: '' }],
  ];
  for (const [what, schema, value] of rejected) {
    it(`rejects ${what}`, () => {
      assert.equal(schema.safeParse(value).success, false);
    });
  }
});
