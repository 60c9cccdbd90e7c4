/**
 * `audit-log-explorer detect` as a user runs it (dist/cli.js, a child process): hit lines in every
 * format carry the rule's title, level, author and link; --summary; user rule folders; exit codes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { EXPECTED_ON_REAL_DATA } from '../support/sigmaExpected';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const DATA = path.resolve(ROOT, '../shared/data/cloudtrail');
const STRATUS = path.join(DATA, 'stratus-red-team-detonation-logs');
const ZMALLEN = path.join(DATA, 'zmallen-cloudtrail2sightings');
const USER_RULES = path.join(ROOT, 'test/fixtures/sigma/user-rules');

function cli(...args: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, 'detect', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60000, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { status: r.status, out: r.stdout, err: r.stderr };
}

const STRATUS_HITS = Object.values(EXPECTED_ON_REAL_DATA['stratus-red-team-detonation-logs']).reduce((a, b) => a + b, 0);

interface JsonHit {
  time: string;
  level: string;
  rule: { id: string; title: string; level: string; author: string; link: string; override?: string };
  principal: string;
  action: string;
  sourceIp: string;
  eventId: string;
  event: { eventID: string; eventName: string };
}

describe('CLI detect', function () {
  before(function () {
    if (!existsSync(DATA)) {
      console.warn(`\n!!! SKIPPING CLI detect tests: ../shared/data not found (looked for ${DATA}) !!!\n`);
      this.skip();
    }
  });

  it('jsonl: one line per hit with the rule (title, level, author, link) and the raw event', () => {
    const r = cli(STRATUS, '--format', 'jsonl');
    assert.equal(r.status, 0, r.err);
    const hits = r.out.trimEnd().split('\n').map((l) => JSON.parse(l) as JsonHit);
    assert.equal(hits.length, STRATUS_HITS);
    for (const h of hits) {
      assert.equal(h.event.eventID, h.eventId);
      assert.equal(h.event.eventName, h.action);
      assert.ok(h.rule.author && h.rule.title && h.rule.level);
      assert.match(h.rule.link, /^https:\/\/github\.com\/SigmaHQ\/sigma\/blob\/8eaafff1f2845a696050e05e72ba1140ee190698\/rules\/cloud\/aws\/cloudtrail\/.+\.yml$/);
    }
    const times = hits.map((h) => h.time);
    assert.deepEqual(times, [...times].sort(), 'in time order');
    const flow = hits.find((h) => h.rule.title === 'AWS VPC Flow Logs Deleted');
    assert.ok(flow);
    assert.deepEqual([flow.level, flow.rule.author, flow.action], ['high', 'Ivan Saakov', 'DeleteFlowLogs']);
    const backdoor = hits.find((h) => h.rule.title === 'AWS IAM Backdoor Users Keys');
    assert.match(backdoor?.rule.override ?? '', /field reference/);
  });

  it('table (default) and csv carry the same columns, author and link included', () => {
    const t = cli(STRATUS, '--min-level', 'high');
    assert.equal(t.status, 0, t.err);
    const lines = t.out.trimEnd().split('\n');
    assert.match(lines[0], /^time\s+level\s+rule\s+principal\s+action\s+sourceIp\s+eventId\s+author\s+link$/);
    assert.equal(lines.length - 2, 4, 'the four hits of high rules');
    assert.ok(lines.slice(2).every((l) => / high /.test(l) && /https:\/\/github\.com\/SigmaHQ\/sigma\/blob\//.test(l)));
    const c = cli(STRATUS, '--format', 'csv', '--min-level', 'medium');
    assert.equal(c.status, 0);
    const rows = c.out.trimEnd().split('\r\n');
    assert.equal(rows[0], 'time,level,rule,principal,action,sourceIp,eventId,ruleId,author,link');
    assert.equal(rows.length - 1, STRATUS_HITS - 69, 'everything but the 69 low hits');
  });

  it('--summary: totals per level and rule, busiest days, share of events with a hit', () => {
    const r = cli(STRATUS, '--summary', '--format', 'jsonl');
    assert.equal(r.status, 0);
    const s = JSON.parse(r.out) as { events: number; eventsWithHits: number; share: number; hits: number; byLevel: Record<string, number>; byRule: Array<{ title: string; hits: number; author: string; link: string }>; busiestDays: Array<{ day: string; hits: number }> };
    assert.equal(s.events, 310);
    assert.equal(s.hits, STRATUS_HITS);
    assert.equal(s.share, s.eventsWithHits / 310);
    assert.deepEqual(s.byLevel, { informational: 0, low: 69, medium: 7, high: 4, critical: 0 });
    assert.equal(s.byRule.find((x) => x.title === 'AWS STS AssumeRole Misuse')?.hits, 68);
    assert.ok(s.byRule.every((x) => x.author && x.link));
    assert.deepEqual(s.busiestDays[0], { day: '2024-07-30', hits: 32 });
    const t = cli(STRATUS, '--summary');
    assert.match(t.out, /^80 hits on 80 of 310 events \(25\.81%\)/);
    assert.match(t.out, /AWS VPC Flow Logs Deleted \(by Ivan Saakov\) https:\/\/github\.com\//);
  });

  it('--rules adds a folder (its bad files reported on stderr), --disable leaves a rule out', () => {
    const r = cli(STRATUS, '--rules', USER_RULES, '--disable', '905d389b-b853-46d0-9d3d-dea0d3a3cd49', '--format', 'jsonl');
    assert.equal(r.status, 0, r.err);
    const hits = r.out.trimEnd().split('\n').map((l) => JSON.parse(l) as JsonHit);
    const user = hits.filter((h) => h.rule.title === 'Root user rule');
    assert.equal(user.length, 1);
    assert.equal(user[0].action, 'DeleteTrail');
    assert.equal(user[0].rule.link, path.join(USER_RULES, 'root-rule.yml'));
    assert.equal(hits.filter((h) => h.rule.title === 'AWS STS AssumeRole Misuse').length, 0);
    assert.match(r.err, /windows\.yml \(A Windows rule\): not evaluated: log source windows\/process_creation is not AWS CloudTrail/);
    assert.match(r.err, /latin1\.yml: not evaluated: not UTF-8 text/);
  });

  it('exit 1 on partial input, hits still printed', () => {
    const r = cli(ZMALLEN, '--format', 'jsonl');
    assert.equal(r.status, 1);
    assert.match(r.err, /aws\.execution\.ec2-user-data\.json/);
  });

  it('exit 2 on a bad rule folder or bad usage, before reading events', () => {
    const missing = cli(STRATUS, '--rules', path.join(ROOT, 'no-such-folder'));
    assert.equal(missing.status, 2);
    assert.match(missing.err, /rule folder not found/);
    assert.equal(missing.out, '');
    assert.equal(cli(STRATUS, '--min-level', 'severe').status, 2);
    assert.equal(cli(STRATUS, '--format', 'count').status, 2);
    assert.equal(cli().status, 2);
  });
});
