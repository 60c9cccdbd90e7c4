import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EventStore } from '../../src/core/store';
import { loadFiles } from '../../src/providers/logFiles/files';

const fixtures = path.resolve(__dirname, '../../../test/fixtures/shapes');

describe('export shapes', () => {
  it('reads CloudTrail Lake query results: one event per row of single-key columns', async () => {
    const store = new EventStore();
    const report = await loadFiles([path.join(fixtures, 'lake-query-results.json')], store);
    assert.deepEqual(report.errors, []);
    assert.equal(report.events, 2);
    const rows = store.query('', { sort: { field: 'time', dir: 'asc' } }).rows(0, 2, ['action', 'time', 'region', 'account']);
    assert.deepEqual(
      rows.map((r) => [r.action, r.time, r.region, r.account]),
      [
        ['DeleteBucket', Date.UTC(2024, 4, 1, 10), 'eu-west-1', '123456789012'],
        ['ConsoleLogin', Date.UTC(2024, 4, 1, 11), '', ''],
      ],
    );
  });

  it('reads pretty-printed lookup-events output: the raw event is the CloudTrailEvent string, byte for byte', async () => {
    const file = path.join(fixtures, 'lookup-events-pretty.json');
    const store = new EventStore();
    const report = await loadFiles([file], store);
    assert.deepEqual(report.errors, []);
    assert.equal(report.events, 1);
    const inner = (JSON.parse(readFileSync(file, 'utf8')) as { Events: Array<{ CloudTrailEvent: string }> }).Events[0].CloudTrailEvent;
    assert.equal(store.rawText(0), inner);
    assert.equal(store.query('userAgent:"<img src=x onerror=alert(1)>" actor:*mallory').count, 1);
  });
});
