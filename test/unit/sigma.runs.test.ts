/**
 * How a detection run is cut up (core/sigma/match.ts): slices that give the event loop back, a
 * signal that stops a run between them, and runs over appended rows that merge into exactly what
 * one run over every row finds.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { EventStore } from '../../src/core/store';
import { DetectionCancelled, detect, mergeDetections, type Detections } from '../../src/core/sigma/match';
import type { CompiledRule } from '../../src/core/sigma/types';
import { loadRuleSet } from '../../src/providers/detections/ruleFolders';
import { loadFiles } from '../../src/providers/logFiles/files';
import { readLogBuffer } from '../../src/providers/logFiles/fileReader';

const ROOT = path.resolve(__dirname, '../../..');
const DATA = path.resolve(ROOT, '../shared/data/cloudtrail');
const CASES = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/sigma/bundled-rule-cases.json'), 'utf8')) as Record<string, { positive: Record<string, unknown>; negative: Record<string, unknown> }>;

/** Every bundled rule's positive and negative test event, as CloudTrail records. */
function caseRecords(): Array<Record<string, unknown>> {
  return Object.entries(CASES).flatMap(([file, c], i) =>
    (['positive', 'negative'] as const).map((kind) => ({
      eventVersion: '1.08',
      eventID: `${kind}-${i}-${file}`,
      eventTime: `2024-05-01T10:${String(i % 60).padStart(2, '0')}:00Z`,
      eventType: 'AwsApiCall',
      awsRegion: 'us-east-1',
      sourceIPAddress: '203.0.113.5',
      userAgent: 'aws-cli/2.15.0',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', userName: 'alice' },
      recipientAccountId: '111122223333',
      ...c[kind],
    })),
  );
}

function append(store: EventStore, records: unknown[], name: string): void {
  const r = readLogBuffer(`${name}.json`, Buffer.from(JSON.stringify({ Records: records })), name);
  assert.ok(r.batch, name);
  store.appendBatch(r.batch);
}

function rowRange(from: number, end: number): Uint32Array {
  return Uint32Array.from({ length: end - from }, (_, i) => from + i);
}

/** Two results are the same: per rule the same rows, per row the same rules. */
function assertSame(got: Detections, want: Detections, store: EventStore, what: string): void {
  assert.equal(got.rules, want.rules);
  got.rules.forEach((rule, i) => assert.deepEqual(Array.from(got.rows[i]), Array.from(want.rows[i]), `${what}: ${rule.title}`));
  assert.deepEqual(Array.from(got.hitRows), Array.from(want.hitRows), `${what}: the rows with a hit`);
  for (let row = 0; row < store.size; row++) {
    assert.deepEqual(got.rulesOf(row).map((r) => r.id), want.rulesOf(row).map((r) => r.id), `${what}: the rules of row ${row}`);
  }
  assert.equal(got.evaluated, want.evaluated);
}

describe('a Sigma detection run', () => {
  let rules: CompiledRule[] = [];
  before(async () => {
    rules = (await loadRuleSet()).rules;
  });

  it('is cut into slices, one rule over one chunk of rows, each giving the event loop back; the result is the same whatever the chunk', async () => {
    const store = new EventStore();
    append(store, caseRecords(), 'cases');
    const whole = await detect(store, rules);
    assert.ok(whole.hitRows.length >= 57, 'every positive case hits');
    const chunkRows = 7;
    const chunks = Math.ceil(store.size / chunkRows);
    let yields = 0;
    const progress: number[] = [];
    let total = 0;
    const sliced = await detect(store, rules, {
      chunkRows,
      yieldNow: () => {
        yields++;
        return new Promise((r) => setImmediate(r));
      },
      onProgress: (done, all) => {
        progress.push(done);
        total = all;
      },
    });
    assertSame(sliced, whole, store, 'chunks of 7 rows');
    // Planning and evaluating each rule over each chunk: one slice each.
    assert.equal(total, chunks * rules.length * 2);
    assert.equal(yields, total);
    assert.deepEqual(progress, Array.from({ length: total }, (_, i) => i + 1));
  });

  it('stops between two slices once its signal aborts: it rejects with DetectionCancelled and does no more slices', async () => {
    const store = new EventStore();
    append(store, caseRecords(), 'cases');
    const ctl = new AbortController();
    let slices = 0;
    await assert.rejects(
      detect(store, rules, {
        chunkRows: 10,
        signal: ctl.signal,
        onProgress: (done) => {
          slices = done;
          // Halfway through the first chunk's evaluation.
          if (done === rules.length + 20) ctl.abort();
        },
      }),
      DetectionCancelled,
    );
    assert.equal(slices, rules.length + 20);
    const before = new AbortController();
    before.abort();
    await assert.rejects(detect(store, rules, { signal: before.signal }), DetectionCancelled);
  });

  it('over the rows each append added, merged run after run, finds exactly what one run over every row finds', async () => {
    const records = caseRecords();
    const store = new EventStore();
    let merged: Detections | undefined;
    // Four appends of uneven sizes, the last one with events of the first again (dropped as duplicates).
    const cuts = [0, 13, 50, 99, records.length];
    for (let k = 0; k + 1 < cuts.length; k++) {
      const from = store.size;
      append(store, records.slice(cuts[k], cuts[k + 1]), `part-${k}`);
      if (k === cuts.length - 2) append(store, records.slice(0, 5), 'again');
      const part = await detect(store, rules, { rows: rowRange(from, store.size), chunkRows: 16 });
      assert.equal(part.evaluated, store.size - from);
      merged = merged ? mergeDetections(merged, part) : part;
      assertSame(merged, await detect(store, rules), store, `after append ${k + 1}`);
    }
    assert.equal(store.size, records.length);
  });

  it('on the shared real data, loaded set by set into one store, the merged runs equal one full run', async function () {
    if (!existsSync(DATA)) {
      console.warn(`\n!!! SKIPPING: ../shared/data not found (looked for ${DATA}) !!!\n`);
      this.skip();
    }
    const store = new EventStore();
    let merged: Detections | undefined;
    for (const set of ['stratus-red-team-detonation-logs', 'traildiscover']) {
      const files = readdirSync(path.join(DATA, set), { recursive: true, encoding: 'utf8' })
        .map((f) => path.join(DATA, set, f))
        .filter((f) => statSync(f).isFile() && /\.json(\.gz|\.cloudtrail)?$/.test(f))
        .sort();
      assert.ok(files.length > 0, set);
      // One append per folder of files (a folder load's batches, one after the other).
      const byDir = new Map<string, string[]>();
      for (const f of files) byDir.set(path.dirname(f), [...(byDir.get(path.dirname(f)) ?? []), f]);
      for (const group of byDir.values()) {
        const from = store.size;
        await loadFiles(group, store);
        if (store.size === from) continue;
        const part = await detect(store, rules, { rows: rowRange(from, store.size) });
        merged = merged ? mergeDetections(merged, part) : part;
      }
    }
    assert.ok(merged && merged.hitRows.length > 100, `hits on the real data: ${merged?.hitRows.length}`);
    assertSame(merged, await detect(store, rules), store, 'stratus + traildiscover');
  });
});
