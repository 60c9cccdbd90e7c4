/**
 * Issue 15, part 4 in the panel session (no VS Code, the node io the extension uses, the shipped
 * table): the geo fields filter, facet, fill columns and are offered as columns, and the detail of
 * an event says where it came from with the data's date and attribution.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ipTable } from '../../src/core/ipGeo/fields';
import { DidChangeStateNotification, DidQueryNotification, IP_DATA_ATTRIBUTION, type DetailResult, type FacetResult, type RowsResult } from '../../src/protocol';
import { NODE_IO } from '../../src/session/nodeIo';
import { PanelSession } from '../../src/session/panelSession';
import { RecordingHost, send } from '../support/sessionHost';

const WHERE = path.resolve(__dirname, '../../../test/fixtures/geo/where.json');

function resultOf<R>(reply: { result: R } | { error: unknown } | undefined): R {
  assert.ok(reply && 'result' in reply, `expected a result, got ${JSON.stringify(reply)}`);
  return reply.result;
}

async function session() {
  const host = new RecordingHost();
  const s = new PanelSession(host, { io: NODE_IO, paths: [WHERE], ticker: { intervalMs: 5 } });
  await s.load();
  return { host, session: s };
}

describe('where from in the panel session (issue 15, part 4)', () => {
  it('filters on country, shows country and AS as facets and columns, and offers them in the column picker', async () => {
    const s = await session();
    assert.ok(s.host.last(DidChangeStateNotification).availableColumns.includes('country'));
    for (const f of ['asn', 'asOrg', 'ipClass']) assert.ok(s.host.last(DidChangeStateNotification).availableColumns.includes(f), f);
    await send(s.session, s.host, 'QueryCommand', { queryId: 1, filter: 'country:RU', sort: { field: 'time', dir: 'asc' } });
    const q = s.host.last(DidQueryNotification);
    assert.equal(q.count, 4);
    assert.deepEqual(q.facets.country?.map((f) => [f.value, f.count]), [['RU', 4]]);
    assert.deepEqual(q.facets.asn?.map((f) => [f.value, f.count]), [['13238', 4]]);
    const rows = resultOf<RowsResult>(await send(s.session, s.host, 'RowsRequest', { queryId: 1, offset: 0, limit: 10, columns: ['sourceIp', 'country', 'asn', 'asOrg', 'ipClass'] }));
    assert.deepEqual(rows.rows[2]?.cells, ['2a02:6b8::1', 'RU', '13238', 'YANDEX LLC', 'public']);
    await send(s.session, s.host, 'QueryCommand', { queryId: 2, filter: '', sort: { field: 'time', dir: 'asc' } });
    const more = resultOf<FacetResult>(await send(s.session, s.host, 'FacetRequest', { queryId: 2, field: 'country', offset: 0, limit: 5, order: 'desc' }));
    assert.deepEqual(more.values.filter((v) => v.value !== '').map((v) => v.value), ['US', 'RU']);
  });

  it('the detail says where an event came from, the data date and who the data is from; a label for a non-address', async () => {
    const s = await session();
    await send(s.session, s.host, 'QueryCommand', { queryId: 1, filter: '', sort: { field: 'time', dir: 'asc' } });
    const yandex = resultOf<DetailResult>(await send(s.session, s.host, 'DetailRequest', { row: 3 }));
    assert.deepEqual(
      { ...yandex.where, dataDate: undefined },
      { ip: '77.88.8.8', ipClass: 'public', classText: 'public address', country: 'RU', asn: '13238', asOrg: 'YANDEX LLC', dataDate: undefined, attribution: IP_DATA_ATTRIBUTION },
    );
    assert.equal(yandex.where?.dataDate, ipTable()?.dataDate);
    assert.match(yandex.where?.dataDate ?? '', /^\d{4}-\d{2}-\d{2}$/);
    const internal = resultOf<DetailResult>(await send(s.session, s.host, 'DetailRequest', { row: 11 }));
    assert.equal(internal.where?.ipClass, 'aws-internal');
    assert.equal(internal.where?.country, '');
    const hostile = resultOf<DetailResult>(await send(s.session, s.host, 'DetailRequest', { row: 14 }));
    assert.deepEqual([hostile.where?.ip, hostile.where?.ipClass, hostile.where?.country], ['<script>alert(1)</script>', 'invalid', '']);
  });
});
