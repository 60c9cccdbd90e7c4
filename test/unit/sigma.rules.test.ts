/**
 * The bundled SigmaHQ CloudTrail rules (rules/sigma/aws-cloudtrail): all of them compile, keep
 * their author, link to their file at the pinned commit, each hits its positive test event and not
 * its negative one, and on the shared real data sets they fire exactly as the README lists.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { EventStore } from '../../src/core/store';
import { detect } from '../../src/core/sigma/match';
import type { CompiledRule } from '../../src/core/sigma/types';
import { bundledRulesDir, loadRuleSet, loadUserRules, RuleFolderError } from '../../src/providers/detections/ruleFolders';
import { readDetectionSettings } from '../../src/providers/detections/settings';
import { loadFiles } from '../../src/providers/logFiles/files';
import { readLogBuffer } from '../../src/providers/logFiles/fileReader';
import { EXPECTED_ON_REAL_DATA } from '../support/sigmaExpected';

const ROOT = path.resolve(__dirname, '../../..');
const DATA = path.resolve(ROOT, '../shared/data/cloudtrail');
const CASES = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/sigma/bundled-rule-cases.json'), 'utf8')) as Record<string, { id: string; title: string; positive: Record<string, unknown>; negative: Record<string, unknown> }>;

function event(id: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    eventID: id,
    eventTime: '2024-05-01T10:00:00Z',
    eventType: 'AwsApiCall',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.5',
    userAgent: 'aws-cli/2.15.0',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', userName: 'alice' },
    recipientAccountId: '111122223333',
    ...fields,
  };
}

describe('bundled Sigma rules', function () {
  let rules: CompiledRule[] = [];
  before(async () => {
    const set = await loadRuleSet();
    assert.deepEqual(set.problems, [], 'every bundled rule compiles');
    rules = set.rules;
  });

  it('are the 57 upstream files, with the licence and a SOURCE naming repository and commit', () => {
    const dir = bundledRulesDir(__dirname);
    assert.ok(dir);
    assert.equal(readdirSync(path.join(dir, 'rules')).filter((f) => f.endsWith('.yml')).length, 57);
    assert.match(readFileSync(path.join(dir, 'LICENSE'), 'utf8'), /^# Detection Rule License \(DRL\) 1\.1/);
    const source = parse(readFileSync(path.join(dir, 'SOURCE'), 'utf8')) as Record<string, string>;
    assert.equal(source.repository, 'https://github.com/SigmaHQ/sigma');
    assert.equal(source.commit, '8eaafff1f2845a696050e05e72ba1140ee190698');
    assert.equal(rules.length, 57);
  });

  it('keep every author and link to the rule file at the pinned commit', () => {
    for (const r of rules) {
      const file = readFileSync(r.file, 'utf8');
      const author = (parse(file) as { author: string }).author;
      assert.ok(author, `${r.title} has an author upstream`);
      assert.equal(r.author, author);
      assert.equal(r.link, `https://github.com/SigmaHQ/sigma/blob/8eaafff1f2845a696050e05e72ba1140ee190698/rules/cloud/aws/cloudtrail/${path.basename(r.file)}`);
    }
  });

  it('carry the note of each override, and only the overridden ones', () => {
    const overridden = rules.filter((r) => r.overrideNote).map((r) => r.id).sort();
    assert.deepEqual(overridden, ['055fb148-60f8-462d-ad16-26926ce050f1', '0a5177f4-6ca9-44c2-aacf-d3f3d8b6e4d2', 'ccd6a6c8-bb4e-4a91-9d2a-07e632819374']);
  });

  it('each hit its positive test event and not its negative one', async () => {
    assert.equal(Object.keys(CASES).length, 57);
    for (const rule of rules) {
      const c = CASES[path.basename(rule.file)];
      assert.ok(c, `a test case for ${rule.file}`);
      assert.equal(c.id, rule.id);
      const store = new EventStore();
      const r = readLogBuffer('case.json', Buffer.from(JSON.stringify({ Records: [event('positive', c.positive), event('negative', c.negative)] })), 'case');
      assert.ok(r.batch);
      store.appendBatch(r.batch);
      const d = await detect(store, [rule]);
      assert.deepEqual(Array.from(d.rows[0], (row) => store.idOf(row)), ['positive'], rule.title);
    }
  });

  it('can be disabled by id', async () => {
    const set = await loadRuleSet({ disabled: ['905d389b-b853-46d0-9d3d-dea0d3a3cd49'] });
    assert.equal(set.rules.length, 56);
    assert.deepEqual(set.disabled, ['905d389b-b853-46d0-9d3d-dea0d3a3cd49']);
  });
});

describe('user rule folders', () => {
  it('a missing folder or a file instead of a folder is a RuleFolderError', async () => {
    await assert.rejects(loadUserRules(path.join(ROOT, 'no-such-rules')), RuleFolderError);
    await assert.rejects(loadUserRules(path.join(ROOT, 'package.json')), RuleFolderError);
  });
  it('reads .yml files recursively; bad files become problems with their reasons', async () => {
    const dir = path.join(ROOT, 'test/fixtures/sigma/user-rules');
    const loaded = await loadUserRules(dir);
    assert.deepEqual(loaded.files.map((f) => path.basename(f.file)).sort(), ['nested-rule.yml', 'root-rule.yml', 'windows.yml']);
    assert.deepEqual(loaded.problems.map((p) => [path.basename(p.file), p.reason]), [['latin1.yml', 'not UTF-8 text']]);
    const set = await loadRuleSet({ bundled: false, folders: [dir] });
    assert.deepEqual(set.rules.map((r) => r.title).sort(), ['Nested user rule', 'Root user rule']);
    assert.deepEqual(set.problems.map((p) => path.basename(p.file)).sort(), ['latin1.yml', 'windows.yml']);
    for (const r of set.rules) assert.equal(r.link, r.file);
  });
  it('settings are read with zod: wrong types fall back to empty lists', () => {
    assert.deepEqual(readDetectionSettings((k) => (k === 'ruleFolders' ? ['/r'] : ['abc'])), { ruleFolders: ['/r'], disabledRules: ['abc'] });
    assert.deepEqual(readDetectionSettings((k) => (k === 'ruleFolders' ? 'not a list' : [1, 2])), { ruleFolders: [], disabledRules: [] });
  });
});

describe('bundled Sigma rules on the shared real data', function () {
  before(function () {
    if (!existsSync(DATA)) {
      console.warn(`\n!!! SKIPPING real-data detection tests: ../shared/data not found (looked for ${DATA}) !!!\n`);
      this.skip();
    }
  });
  for (const [set, expected] of Object.entries(EXPECTED_ON_REAL_DATA)) {
    it(`fire on ${set} as listed in the README`, async () => {
      const rules = (await loadRuleSet()).rules;
      const store = new EventStore();
      const report = await loadFiles([path.join(DATA, set)], store);
      assert.deepEqual(report.errors, []);
      const d = await detect(store, rules);
      const fired: Record<string, number> = {};
      d.rows.forEach((rows, i) => {
        if (rows.length > 0) fired[d.rules[i].title] = rows.length;
      });
      assert.deepEqual(fired, expected);
      // Per row, the rules it hit: the same pairs, seen from the other side.
      let pairs = 0;
      for (const row of d.hitRows) pairs += d.rulesOf(row).length;
      assert.equal(pairs, Object.values(expected).reduce((a, b) => a + b, 0));
    });
  }
});
