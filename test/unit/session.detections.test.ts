/**
 * The panel's Sigma detections as a run goes (session/detectionRunner.ts): queries are answered
 * while a run is under way, Cancel stops it and says so, appends are evaluated alone and merged,
 * the Sources tree's counts are per source (not per label), and changed rules rerun everything.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { detect } from '../../src/core/sigma/match';
import { DidDetectNotification, DidQueryNotification, type DetectionsSummary, type QueryResult } from '../../src/protocol';
import type { Detector } from '../../src/session/io';
import { nodeDetector, type NodeDetector } from '../../src/session/nodeDetector';
import { NODE_IO } from '../../src/session/nodeIo';
import { PanelSession } from '../../src/session/panelSession';
import { apiCall } from '../support/records';
import { RecordingHost, send, until } from '../support/sessionHost';

const SORT = { field: 'time', dir: 'asc' as const };
const TITLE = 'Audit Logs: Sigma detections';
const TRAIL_RULE = 'AWS CloudTrail Important Change';
const FLOW_RULE = 'AWS VPC Flow Logs Deleted';

let seq = 0;
/** A CloudTrail record; DeleteFlowLogs hits a high rule, StopLogging/DeleteTrail a medium one. */
function ev(source: string, name: string, user = 'mallory'): Record<string, unknown> {
  const i = ++seq;
  return apiCall(`det-${i}`, `2024-03-01T10:${String(i % 60).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}Z`, source, name, user);
}
const describeRegions = () => ev('ec2.amazonaws.com', 'DescribeRegions');
const stopLogging = () => ev('cloudtrail.amazonaws.com', 'StopLogging');
const deleteTrail = () => ev('cloudtrail.amazonaws.com', 'DeleteTrail');
const deleteFlowLogs = () => ev('ec2.amazonaws.com', 'DeleteFlowLogs');

function writeRecords(file: string, records: unknown[]): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ Records: records }));
  return file;
}

/** The real engine with the bundled rules, with every call and slice recorded and one slice able to wait. */
function observedDetector(opts: { pauseAtSlice?: number; base?: NodeDetector } = {}) {
  const base = opts.base ?? nodeDetector();
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const seen = { calls: [] as Array<number | undefined>, slices: 0, total: 0, paused: false, finished: 0 };
  const detector: Detector = {
    rules: () => base.rules(),
    detect: async (store, rules, o = {}) => {
      seen.calls.push(o.rows?.length);
      seen.slices = 0;
      const d = await detect(store, rules, {
        ...o,
        onProgress: (done, total) => {
          seen.slices = done;
          seen.total = total;
          o.onProgress?.(done, total);
        },
        yieldNow: async () => {
          if (seen.slices === opts.pauseAtSlice && !seen.paused) {
            seen.paused = true;
            await gate;
          } else {
            await new Promise((r) => setImmediate(r));
          }
        },
      });
      seen.finished++;
      return d;
    },
  };
  return { detector, seen, release: () => release() };
}

function open(paths: string[], detector: Detector): { host: RecordingHost; session: PanelSession } {
  const host = new RecordingHost();
  const session = new PanelSession(host, { io: { ...NODE_IO, detector }, paths, ticker: { intervalMs: 5 } });
  return { host, session };
}

let qid = 100;
async function query(s: { host: RecordingHost; session: PanelSession }, filter: string): Promise<QueryResult> {
  const queryId = ++qid;
  await send(s.session, s.host, 'QueryCommand', { queryId, filter, sort: SORT });
  const r = s.host.notes(DidQueryNotification).find((n) => n.queryId === queryId);
  assert.ok(r, `the query ${filter} was answered`);
  return r;
}

/** What the Detections section shows, without what differs between two panels of the same events. */
function shown(s: DetectionsSummary) {
  return { state: s.state, events: s.events, eventsWithHits: s.eventsWithHits, byLevel: s.byLevel, rules: s.rules.map((r) => [r.id, r.level, r.hits]), bySource: s.bySource };
}

describe('panel session: Sigma detection runs (issue 16)', function () {
  this.timeout(60_000);
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ale-detruns-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('answers a query, a rows window and a facet while a run is under way (the run gives the event loop back between rules)', async () => {
    const records = [describeRegions(), stopLogging(), deleteTrail(), deleteFlowLogs(), ...Array.from({ length: 40 }, describeRegions)];
    const file = writeRecords(path.join(dir, 'incident.json'), records);
    const rules = (await nodeDetector().rules()).rules.length;
    // Paused in the middle of the evaluation, after the plan of every rule and a few rules evaluated.
    const o = observedDetector({ pauseAtSlice: rules + 5 });
    const s = open([file], o.detector);
    await s.session.load();
    await until(() => o.seen.paused, 'the run to reach its sixth rule');
    assert.equal(s.session.detections.current.state, 'running');
    assert.equal(s.host.last(DidDetectNotification).state, 'running', 'the section is told a run is under way');

    const q = await query(s, 'eventName:Delete*');
    assert.equal(q.count, 2);
    const rows = (await send(s.session, s.host, 'RowsRequest', { queryId: q.queryId, offset: 0, limit: 5, columns: ['action'] })) as { result: { rows: Array<{ cells: unknown[] }> } };
    assert.deepEqual(rows.result.rows.map((r) => r.cells[0]).sort(), ['DeleteFlowLogs', 'DeleteTrail']);
    const facet = (await send(s.session, s.host, 'FacetRequest', { queryId: q.queryId, field: 'action', offset: 0, limit: 10, order: 'desc' })) as { result?: unknown; error?: unknown };
    assert.ok(facet.result, JSON.stringify(facet));
    // All three were answered with the run still at the same slice, far from its end.
    assert.equal(o.seen.slices, rules + 5);
    assert.ok(o.seen.slices < o.seen.total);
    assert.equal(o.seen.finished, 0);

    o.release();
    await s.session.detections.run();
    assert.equal(o.seen.finished, 1);
    const done = s.session.detections.current;
    assert.equal(done.state, 'done');
    assert.deepEqual(done.rules.map((r) => [r.title, r.hits]).sort(), [[TRAIL_RULE, 2], [FLOW_RULE, 1]].sort());
    assert.equal((await query(s, 'level:*')).count, 3);
  });

  it('Cancel stops a run between two slices: the events stay, the section says cancelled and how many events were not checked; the next run checks them', async () => {
    const file = writeRecords(path.join(dir, 'incident.json'), [describeRegions(), stopLogging(), deleteTrail(), deleteFlowLogs()]);
    const o = observedDetector({ pauseAtSlice: 30 });
    const s = open([file], o.detector);
    await s.session.load();
    await until(() => o.seen.paused, 'the run under way');
    const progress = s.host.progress.find((p) => p.title === TITLE);
    assert.ok(progress, 'the run has a progress notification');
    progress.cancel.abort();
    o.release();
    await until(() => s.session.detections.current.state !== 'running', 'the run to stop');

    const summary = s.session.detections.current;
    assert.equal(summary.state, 'cancelled');
    assert.equal(summary.pending, 4, 'the four events the rules did not run over');
    assert.equal(summary.eventsWithHits, 0);
    assert.equal(s.host.last(DidDetectNotification).state, 'cancelled');
    assert.equal(o.seen.slices, 30, 'no slice after the cancelled one');
    assert.equal(o.seen.finished, 0);
    assert.equal((await query(s, '')).count, 4, 'the events stay');
    assert.equal((await query(s, 'level:*')).count, 0);

    await s.session.detections.run();
    assert.equal(s.session.detections.current.state, 'done');
    assert.equal(s.session.detections.current.eventsWithHits, 3);
    assert.deepEqual(o.seen.calls, [undefined, undefined], 'the cancelled run left nothing to merge with: the next one evaluates every event');
  });

  it('after an append evaluates only the new rows and merges them: the same as one run over everything, over three appends', async () => {
    const a = writeRecords(path.join(dir, 'a', 'one.json'), [describeRegions(), stopLogging(), describeRegions()]);
    const b = writeRecords(path.join(dir, 'b', 'two.json'), [deleteFlowLogs(), describeRegions(), deleteTrail(), deleteTrail()]);
    const c = writeRecords(path.join(dir, 'c', 'three.json'), [describeRegions(), deleteFlowLogs(), stopLogging(), describeRegions(), describeRegions()]);
    const o = observedDetector();
    const s = open([a], o.detector);
    await s.session.load();
    await s.session.detections.run();
    await s.session.addPaths([b]);
    await s.session.detections.run();
    await s.session.addPaths([c]);
    await s.session.detections.run();
    // The first run over the 3 events of a, then only b's 4 and c's 5.
    assert.deepEqual(o.seen.calls, [undefined, 4, 5]);

    const whole = observedDetector();
    const w = open([a, b, c], whole.detector);
    await w.session.load();
    await w.session.detections.run();
    assert.deepEqual(whole.seen.calls, [undefined]);
    assert.deepEqual(shown(s.session.detections.current), shown(w.session.detections.current));
    assert.equal(s.session.detections.current.events, 12);
    for (const f of ['level:*', 'level:>=high', `rule:"${s.session.detections.current.rules[0]!.id}"`]) {
      assert.equal((await query(s, f)).count, (await query(w, f)).count, f);
    }
    assert.equal((await query(s, 'level:>=high')).count, 2);
    assert.equal((await query(s, 'level:medium')).count, 4);
    // The detail pane of a row of the last append (row 8: c's DeleteFlowLogs) lists its rule.
    assert.deepEqual(s.session.detections.rulesOf(8).map((r) => r.title), [FLOW_RULE]);
  });

  it('counts high and critical hits per source, by the source itself: two folders with the same label keep their own counts', async () => {
    const one = path.join(dir, 'first', 'logs');
    const two = path.join(dir, 'second', 'logs');
    writeRecords(path.join(one, 'a.json'), [deleteFlowLogs(), describeRegions(), stopLogging()]);
    writeRecords(path.join(two, 'b.json'), [deleteFlowLogs(), deleteFlowLogs(), describeRegions()]);
    const o = observedDetector();
    const s = open([one, two], o.detector);
    await s.session.load();
    await s.session.detections.run();
    assert.deepEqual(s.session.sources.sources.map((x) => x.label), ['logs', 'logs'], 'the two sources share a label');
    assert.deepEqual(s.session.detections.current.bySource, { [one]: { high: 1, critical: 0 }, [two]: { high: 2, critical: 0 } });
  });

  it('changed rules (settings: disabled rules, rule folders) rerun every event, with the new rules', async () => {
    const file = writeRecords(path.join(dir, 'incident.json'), [describeRegions(), stopLogging(), deleteTrail(), deleteFlowLogs()]);
    const base = nodeDetector();
    const o = observedDetector({ base });
    const s = open([file], o.detector);
    await s.session.load();
    await s.session.detections.run();
    const trail = s.session.detections.current.rules.find((r) => r.title === TRAIL_RULE);
    assert.ok(trail);

    base.reload({ disabled: [trail.id] });
    await s.session.detections.rerun();
    assert.deepEqual(s.session.detections.current.rules.map((r) => r.title), [FLOW_RULE]);
    assert.equal((await query(s, `rule:"${trail.id}"`)).count, 0);

    const rules = path.join(dir, 'rules');
    mkdirSync(rules);
    writeFileSync(
      path.join(rules, 'mallory.yml'),
      [
        'title: A trail deleted by mallory',
        'id: 6f0b3a52-1d2e-4c1f-9a57-3b1f0e7c2d11',
        'status: test',
        'author: the tests',
        'level: critical',
        'logsource:',
        '  product: aws',
        '  service: cloudtrail',
        'detection:',
        '  selection:',
        '    eventName: DeleteTrail',
        '    userIdentity.userName: mallory',
        '  condition: selection',
        '',
      ].join('\n'),
    );
    base.reload({ folders: [rules] });
    await s.session.detections.rerun();
    const summary = s.session.detections.current;
    assert.deepEqual(summary.rules.map((r) => [r.title, r.level, r.hits]).slice(0, 1), [['A trail deleted by mallory', 'critical', 1]]);
    assert.ok(summary.rules.some((r) => r.title === TRAIL_RULE), 'the disabled rule is back');
    assert.deepEqual(summary.bySource, { [file]: { high: 1, critical: 1 } });
    assert.deepEqual(o.seen.calls, [undefined, undefined, undefined], 'each rule change evaluated every event again');
  });
});
