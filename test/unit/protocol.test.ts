import assert from 'node:assert/strict';
import {
  CopyCommand,
  DetailRequest,
  IpcEnvelope,
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
  });

  it('accepts well-formed messages', () => {
    assert.ok(IpcEnvelope.safeParse({ id: 'w1', method: 'query', params: {} }).success);
    assert.ok(QueryCommand.schema.safeParse({ queryId: 3, filter: 'eventName:Delete*', sort: { field: 'time', dir: 'desc' } }).success);
    assert.ok(QueryCommand.schema.safeParse({ queryId: 3, filter: '', sort: { field: 'action', dir: 'asc' }, timeRange: { from: 1, to: 2 } }).success);
    assert.ok(RowsRequest.schema.safeParse({ queryId: 3, offset: 0, limit: 200, columns: ['time', 'action'] }).success);
    assert.ok(SaveViewCommand.schema.safeParse({ filter: '', sort: { field: 'time', dir: 'asc' }, columns: ['time'], widths: { time: 180 } }).success);
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
  ];
  for (const [what, schema, value] of rejected) {
    it(`rejects ${what}`, () => {
      assert.equal(schema.safeParse(value).success, false);
    });
  }
});
