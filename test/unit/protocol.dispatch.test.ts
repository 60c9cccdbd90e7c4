/**
 * Issue 13, item 2: the host answers every request the webview makes, with its result or with an
 * error the webview shows; a refused (schema-invalid) request and a handler that throws both get an
 * error reply at once instead of silence (which left the webview waiting out its 30 s timeout).
 */
import assert from 'node:assert/strict';
import { WEBVIEW_CALLS, type IpcMessage, type Reply, type WebviewCalls } from '../../src/protocol';
import { dispatchIpc, ReplyFailure, type IpcHandlers } from '../../src/session/ipcDispatch';

interface Sent {
  response: string;
  completionId: string;
  reply: Reply<unknown>;
}

/** Handlers that record their calls; requests answer with `{ echo: params }` unless overridden. */
function harness(overrides: Partial<Record<keyof WebviewCalls, (params: unknown) => unknown>> = {}) {
  const called: Array<[string, unknown]> = [];
  const sent: Sent[] = [];
  const logged: string[] = [];
  const handlers = Object.fromEntries(
    (Object.keys(WEBVIEW_CALLS) as Array<keyof WebviewCalls>).map((k) => [
      k,
      (params: unknown) => {
        called.push([k, params]);
        const o = overrides[k];
        if (o) return o(params);
        return WEBVIEW_CALLS[k].kind === 'request' ? { echo: params } : undefined;
      },
    ]),
  ) as unknown as IpcHandlers;
  const dispatch = (msg: unknown, errorText?: (err: unknown) => string) =>
    dispatchIpc(msg, handlers, {
      reply: (response, completionId, reply) => sent.push({ response, completionId, reply }),
      log: (m) => logged.push(m),
      ...(errorText ? { errorText } : {}),
    });
  return { called, sent, logged, dispatch };
}

const request = (method: string, params: unknown, id = 'wv-1'): IpcMessage => ({ id, method, params, completionId: id });
const ROWS = { queryId: 3, offset: 0, limit: 100, columns: ['time', 'action'] };

describe('protocol: the host answers every request (issue 13, item 2)', () => {
  it('answers a valid request with its result, under its completionId', async () => {
    const h = harness();
    await h.dispatch(request('rows', ROWS, 'wv-7'));
    assert.deepEqual(h.called, [['RowsRequest', ROWS]]);
    assert.deepEqual(h.sent, [{ response: 'rows/completion', completionId: 'wv-7', reply: { result: { echo: ROWS } } }]);
  });

  it('answers a request it refuses with an error saying why, without calling its handler', async () => {
    const h = harness();
    await h.dispatch(request('rows', { ...ROWS, limit: 1_000_000 }));
    assert.deepEqual(h.called, []);
    assert.equal(h.sent.length, 1);
    const reply = h.sent[0]!.reply;
    assert.ok('error' in reply, JSON.stringify(reply));
    assert.equal(reply.error.code, 'invalid');
    assert.match(reply.error.message, /refused the rows request \(limit: /);
    assert.equal(h.logged.length, 1);
  });

  it('answers a request whose handler throws with the error, as the host lets the panel see it', async () => {
    const h = harness({
      DetailRequest: () => {
        throw new Error('the store is gone; token s3cr3t');
      },
    });
    await h.dispatch(request('detail', { row: 4 }), (err) => (err as Error).message.replace('s3cr3t', '[redacted]'));
    assert.deepEqual(h.sent, [
      { response: 'detail/completion', completionId: 'wv-1', reply: { error: { code: 'failed', message: 'The detail request failed: the store is gone; token [redacted]' } } },
    ]);
    assert.ok(!h.logged.join('\n').includes('s3cr3t'));
  });

  it('answers an async handler that rejects, and one that fails on purpose with its own code and words', async () => {
    const h = harness({
      DetailExpandRequest: async () => {
        await Promise.resolve();
        throw new Error('API down');
      },
      RowsRequest: () => {
        throw new ReplyFailure('a window of a query no longer shown', 'stale');
      },
    });
    await h.dispatch(request('detail/expand', { row: 1 }, 'a'));
    await h.dispatch(request('rows', ROWS, 'b'));
    assert.deepEqual(
      h.sent.map((s) => [s.response, s.completionId, s.reply]),
      [
        ['detail/expand/completion', 'a', { error: { code: 'failed', message: 'The detail/expand request failed: API down' } }],
        ['rows/completion', 'b', { error: { code: 'stale', message: 'a window of a query no longer shown' } }],
      ],
    );
  });

  it('answers a request for a method it does not know; ignores an unaddressed unknown message', async () => {
    const h = harness();
    await h.dispatch(request('rows/everything', {}, 'q'));
    await h.dispatch({ id: 'c', method: 'no/such/command', params: {} });
    assert.deepEqual(h.sent.map((s) => [s.response, s.completionId, 'error' in s.reply && s.reply.error.code]), [['rows/everything/completion', 'q', 'unknown']]);
    assert.equal(h.logged.length, 2);
    assert.deepEqual(h.called, []);
  });

  it('gives every request method exactly one reply, whatever its params', async () => {
    const requests = Object.values(WEBVIEW_CALLS).filter((c) => c.kind === 'request');
    assert.ok(requests.length >= 4);
    for (const params of [undefined, null, 'text', 42, [], {}, { row: -1 }, { queryId: 1.5 }, { row: 0 }]) {
      for (const c of requests) {
        const h = harness();
        await h.dispatch(request(c.method, params, `id-${c.method}`));
        assert.equal(h.sent.length, 1, `${c.method} ${JSON.stringify(params)}`);
        assert.equal(h.sent[0]!.response, `${c.method}/completion`);
        assert.equal(h.sent[0]!.completionId, `id-${c.method}`);
      }
    }
  });

  it('sends nothing for commands: a refused or failing one is logged, a good one runs', async () => {
    const h = harness({
      CopyCommand: () => {
        throw new Error('clipboard unavailable');
      },
    });
    await h.dispatch({ id: 'c1', method: 'query', params: { queryId: 1, filter: '', sort: { field: 'time', dir: 'sideways' } } });
    await h.dispatch({ id: 'c2', method: 'copy', params: { text: 'x' } });
    await h.dispatch({ id: 'c3', method: 'cancel', params: {} });
    assert.deepEqual(h.sent, []);
    assert.deepEqual(
      h.called.map(([k]) => k),
      ['CopyCommand', 'CancelCommand'],
    );
    assert.equal(h.logged.length, 2);
    assert.match(h.logged[0]!, /rejected \(query\)/);
    assert.match(h.logged[1]!, /clipboard unavailable/);
  });

  it('survives a panel that closed before the answer (its postMessage throws or rejects)', async () => {
    const logged: string[] = [];
    const handlers = Object.fromEntries(Object.keys(WEBVIEW_CALLS).map((k) => [k, () => ({})])) as unknown as IpcHandlers;
    await dispatchIpc(request('detail', { row: 0 }), handlers, {
      reply: () => {
        throw new Error('Webview is disposed');
      },
      log: (m) => logged.push(m),
    });
    await dispatchIpc(request('detail', { row: 0 }), handlers, { reply: () => Promise.reject(new Error('Webview is disposed')), log: (m) => logged.push(m) });
    await new Promise((r) => setImmediate(r));
    assert.equal(logged.length, 1);
  });

  it('ignores a malformed envelope (nothing to address a reply to)', async () => {
    const h = harness();
    for (const junk of [null, 'rows', { method: 'rows' }, { id: 'x', method: 'm'.repeat(1000), params: {} }]) await h.dispatch(junk);
    assert.deepEqual(h.sent, []);
    assert.deepEqual(h.called, []);
    assert.equal(h.logged.length, 4);
  });
});
