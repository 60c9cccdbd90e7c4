import assert from 'node:assert/strict';
import {
  CopyCommand,
  DETAIL_SECTION_MAX,
  DetailActionCommand,
  DetailExpandRequest,
  DetailRequest,
  IpcEnvelope,
  LiveActionCommand,
  QueryCommand,
  RestoreState,
  RowsRequest,
  SaveViewCommand,
  WEBVIEW_CALLS,
} from '../../src/vscode/protocol';

describe('webview protocol', () => {
  it('gives every webview call a distinct method and a schema', () => {
    const methods = WEBVIEW_CALLS.map((c) => c.method);
    assert.equal(new Set(methods).size, methods.length);
    assert.equal(RowsRequest.response.method, 'rows/completion');
    assert.equal(DetailRequest.response.method, 'detail/completion');
    assert.equal(DetailExpandRequest.response.method, 'detail/expand/completion');
    for (const c of [DetailExpandRequest, DetailActionCommand, LiveActionCommand]) assert.ok(methods.includes(c.method), c.method);
    assert.ok(DETAIL_SECTION_MAX >= 1_000_000);
  });

  it('accepts well-formed messages', () => {
    assert.ok(IpcEnvelope.safeParse({ id: 'w1', method: 'query', params: {} }).success);
    assert.ok(QueryCommand.schema.safeParse({ queryId: 3, filter: 'eventName:Delete*', sort: { field: 'time', dir: 'desc' } }).success);
    assert.ok(QueryCommand.schema.safeParse({ queryId: 3, filter: '', sort: { field: 'action', dir: 'asc' }, timeRange: { from: 1, to: 2 } }).success);
    assert.ok(RowsRequest.schema.safeParse({ queryId: 3, offset: 0, limit: 200, columns: ['time', 'action'] }).success);
    assert.ok(SaveViewCommand.schema.safeParse({ filter: '', sort: { field: 'time', dir: 'asc' }, columns: ['time'], widths: { time: 180 } }).success);
    assert.ok(DetailExpandRequest.schema.safeParse({ row: 0 }).success);
    assert.ok(DetailActionCommand.schema.safeParse({ row: 12, actionId: 'cloudflare.addTags' }).success);
    assert.ok(LiveActionCommand.schema.safeParse({ sourcePath: 'cloudflare:acct-1', actionId: 'cloudflare.saveQuery', filter: 'action:delete*' }).success);
    assert.ok(LiveActionCommand.schema.safeParse({ sourcePath: 'cloudflare:acct-1', actionId: 'cloudflare.saveQuery', filter: '' }).success);
  });

  // The webview renders attacker-controlled data: whatever it sends is checked like outside input.
  const rejected: Array<[string, { safeParse(v: unknown): { success: boolean } }, unknown]> = [
    ['an envelope without a method', IpcEnvelope, { id: 'x', params: {} }],
    ['a huge method name', IpcEnvelope, { id: 'x', method: 'm'.repeat(1000), params: {} }],
    ['a query id that is not a whole number', QueryCommand.schema, { queryId: 1.5, filter: '', sort: { field: 'time', dir: 'asc' } }],
    ['a sort direction that does not exist', QueryCommand.schema, { queryId: 1, filter: '', sort: { field: 'time', dir: 'sideways' } }],
    ['a time range of strings', QueryCommand.schema, { queryId: 1, filter: '', sort: { field: 'time', dir: 'asc' }, timeRange: { from: '2024' } }],
    ['a filter longer than any query', QueryCommand.schema, { queryId: 1, filter: 'x'.repeat(20_001), sort: { field: 'time', dir: 'asc' } }],
    ['a window of a million rows', RowsRequest.schema, { queryId: 1, offset: 0, limit: 1_000_000, columns: ['time'] }],
    ['a negative offset', RowsRequest.schema, { queryId: 1, offset: -1, limit: 10, columns: ['time'] }],
    ['no columns', RowsRequest.schema, { queryId: 1, offset: 0, limit: 10, columns: [] }],
    ['a negative row', DetailRequest.schema, { row: -1 }],
    ['text that is not a string', CopyCommand.schema, { text: 42 }],
    ['a view with no columns', SaveViewCommand.schema, { filter: '', sort: { field: 'time', dir: 'asc' }, columns: [] }],
    ['a column width of zero', SaveViewCommand.schema, { filter: '', sort: { field: 'time', dir: 'asc' }, columns: ['time'], widths: { time: 0 } }],
    ['restore state without paths', RestoreState, { paths: [] }],
    ['a negative row to load from the API', DetailExpandRequest.schema, { row: -1 }],
    ['a row to load from the API that is not a whole number', DetailExpandRequest.schema, { row: 0.5 }],
    ['an event action on a negative row', DetailActionCommand.schema, { row: -3, actionId: 'cloudflare.addTags' }],
    ['an event action without an id', DetailActionCommand.schema, { row: 1, actionId: '' }],
    ['an event action with a huge id', DetailActionCommand.schema, { row: 1, actionId: 'a'.repeat(100_000) }],
    ['an event action with no row', DetailActionCommand.schema, { actionId: 'cloudflare.addTags' }],
    ['a query action with a huge source path', LiveActionCommand.schema, { sourcePath: 's'.repeat(100_000), actionId: 'x', filter: '' }],
    ['a query action without a source', LiveActionCommand.schema, { sourcePath: '', actionId: 'x', filter: '' }],
    ['a query action with a filter longer than any query', LiveActionCommand.schema, { sourcePath: 'cloudflare:a', actionId: 'x', filter: 'x'.repeat(20_001) }],
    ['a query action without a filter', LiveActionCommand.schema, { sourcePath: 'cloudflare:a', actionId: 'x' }],
    ['a query action whose id is not a string', LiveActionCommand.schema, { sourcePath: 'cloudflare:a', actionId: 7, filter: '' }],
  ];
  for (const [what, schema, value] of rejected) {
    it(`rejects ${what}`, () => {
      assert.equal(schema.safeParse(value).success, false);
    });
  }
});
