import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { EventStore } from '../../src/core/store';
import { loadFiles, LoadProgress } from '../../src/providers/logFiles/files';

/** A folder in the S3 layout with `files` gzipped log files of `per` events each. */
function makeTrail(files: number, per: number): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ale-load-'));
  for (let f = 0; f < files; f++) {
    const day = String(1 + (f % 28)).padStart(2, '0');
    const dir = path.join(root, 'AWSLogs', '123456789012', 'CloudTrail', 'eu-west-1', '2024', '05', day);
    mkdirSync(dir, { recursive: true });
    const records = [];
    for (let i = 0; i < per; i++) {
      const n = f * per + i;
      records.push({
        eventVersion: '1.08',
        userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE123456789', arn: `arn:aws:iam::123456789012:user/u${n % 7}`, accountId: '123456789012' },
        eventTime: `2024-05-${day}T${String(n % 24).padStart(2, '0')}:00:00Z`,
        eventSource: 's3.amazonaws.com',
        eventName: n % 3 === 0 ? 'DeleteObject' : 'GetObject',
        awsRegion: 'eu-west-1',
        sourceIPAddress: `198.51.100.${n % 200}`,
        eventID: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
        recipientAccountId: '123456789012',
      });
    }
    writeFileSync(path.join(dir, `123456789012_CloudTrail_eu-west-1_2024050${f % 10}T0000Z_f${f}.json.gz`), gzipSync(JSON.stringify({ Records: records })));
  }
  return root;
}

describe('loadFiles', () => {
  const trail = makeTrail(40, 50);

  it('reads the same events on worker threads as on this thread, in the same order', async () => {
    const here = new EventStore();
    const there = new EventStore();
    const a = await loadFiles([trail], here, { workers: 0 });
    const b = await loadFiles([trail], there, { workers: 2 });
    assert.equal(a.events, 2000);
    assert.deepEqual({ ...b, skipped: b.skipped.length }, { ...a, skipped: a.skipped.length });
    for (const row of [0, 1, 999, 1999]) assert.equal(there.rawText(row), here.rawText(row));
    assert.equal(here.query('eventName:DeleteObject').count, there.query('eventName:DeleteObject').count);
  });

  it('reports progress after every file, ending at the totals', async () => {
    const seen: LoadProgress[] = [];
    const report = await loadFiles([trail], new EventStore(), { workers: 2, onProgress: (p) => seen.push(p) });
    assert.equal(seen.length, 40);
    for (let i = 1; i < seen.length; i++) {
      assert.ok(seen[i].files === seen[i - 1].files + 1);
      assert.ok(seen[i].events >= seen[i - 1].events && seen[i].bytes > seen[i - 1].bytes);
    }
    assert.deepEqual(seen.at(-1), { files: 40, filesTotal: 40, events: 2000, duplicates: 0, bytes: report.bytes });
  });

  for (const workers of [0, 2]) {
    it(`stops when cancelled and keeps what it had (workers: ${workers})`, async () => {
      const ctl = new AbortController();
      const store = new EventStore();
      const report = await loadFiles([trail], store, {
        workers,
        signal: ctl.signal,
        onProgress: (p) => {
          if (p.files === 5) ctl.abort();
        },
      });
      assert.equal(report.cancelled, true);
      assert.ok(report.files >= 5 && report.files < 40, `read ${report.files} files`);
      assert.equal(store.size, report.events);
      assert.equal(report.events, report.files * 50);
    });
  }

  it('does nothing but report cancelled when the signal is already aborted', async () => {
    const store = new EventStore();
    const report = await loadFiles([trail], store, { workers: 2, signal: AbortSignal.abort() });
    assert.equal(report.cancelled, true);
    assert.equal(store.size, 0);
  });

  it('shows a raw path for a window of rows without extracting it for every event', async () => {
    const store = new EventStore();
    await loadFiles([trail], store, { workers: 0 });
    // userIdentity.principalId is not among the paths the loader extracts (normalize.ts EXTRACTED_PATHS).
    const rows = store.query('').rows(0, 2, ['userIdentity.principalId', 'action']);
    assert.deepEqual(rows.map((r) => r['userIdentity.principalId']), ['AIDAEXAMPLE123456789', 'AIDAEXAMPLE123456789']);
    assert.equal(store.getColumn('userIdentity.principalId'), undefined);
    // Filtering on it builds the column once, for every event.
    assert.equal(store.query('userIdentity.principalId:AIDAEXAMPLE123456789').count, 2000);
    assert.ok(store.getColumn('userIdentity.principalId'));
  });

  it('merges a folder opened twice into one copy of each event', async () => {
    const store = new EventStore();
    const report = await loadFiles([trail, trail], store, { workers: 2 });
    assert.equal(report.events, 2000);
    assert.equal(report.duplicates, 2000);
    assert.equal(report.files, 80);
  });
});
