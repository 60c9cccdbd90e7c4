/**
 * Sigma matching semantics (src/core/sigma/): each rule here runs through the real pipeline (YAML
 * → zod → compile → evaluation over an EventStore loaded by the real CloudTrail reader), and the
 * test names which events it hits.
 */
import assert from 'node:assert/strict';
import { EventStore } from '../../src/core/store';
import { detect } from '../../src/core/sigma/match';
import { buildRuleSet } from '../../src/core/sigma/ruleSet';
import { caseFold } from '../../src/core/sigma/regex';
import { hitsOf } from '../../src/core/sigma/hits';
import type { DerivedField } from '../../src/core/derived';
import { readLogBuffer } from '../../src/providers/logFiles/fileReader';

type Rec = Record<string, unknown>;

let n = 0;
function ev(extra: Rec): Rec {
  n++;
  return {
    eventVersion: '1.08',
    eventID: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    eventTime: '2024-05-01T10:00:00Z',
    eventType: 'AwsApiCall',
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.5',
    userAgent: 'aws-cli/2.15.0',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', userName: 'alice' },
    ...extra,
  };
}

function storeOf(records: Rec[]): EventStore {
  const store = new EventStore();
  const r = readLogBuffer('sigma-test.json', Buffer.from(JSON.stringify({ Records: records })), 'sigma-test');
  assert.ok(r.batch);
  store.appendBatch(r.batch);
  return store;
}

function ruleYaml(detection: string, extra = ''): string {
  const body = detection
    .trim()
    .split('\n')
    .map((l) => '  ' + l)
    .join('\n');
  return `title: Test rule\nid: 11111111-2222-4333-8444-555555555555\nauthor: Tester\nlevel: high\nlogsource:\n  product: aws\n  service: cloudtrail\n${extra}detection:\n${body}\n`;
}

function compile(text: string) {
  return buildRuleSet([{ file: 'test.yml', text, link: 'https://example.invalid/test.yml', origin: 'test' }]);
}

/** The eventNames of `records` (given as [name, extra] pairs) that the detection hits. */
async function hits(detection: string, records: Array<[string, Rec]>): Promise<string[]> {
  const set = compile(ruleYaml(detection));
  assert.deepEqual(set.problems, [], 'the rule compiles');
  const store = storeOf(records.map(([name, extra]) => ev({ eventName: name, ...extra })));
  const d = await detect(store, set.rules);
  return Array.from(d.rows[0], (r) => store.value(r, 'action'));
}

function problem(detection: string, extra = ''): string {
  const set = compile(ruleYaml(detection, extra));
  assert.equal(set.rules.length, 0, 'the rule is not evaluated');
  assert.equal(set.problems.length, 1, 'the rule is reported');
  return set.problems[0].reason;
}

describe('Sigma semantics: values', () => {
  it('matches whole values case-insensitively', async () => {
    assert.deepEqual(await hits(`sel:\n  eventName: deletebucket\ncondition: sel`, [['DeleteBucket', {}], ['DeleteBucketPolicy', {}], ['deletebucket', {}]]), ['DeleteBucket', 'deletebucket']);
  });
  it('wildcards * and ? match any run and one character; \\* is a literal star', async () => {
    const recs: Array<[string, Rec]> = [['Delete1', {}], ['Delete12', {}], ['Put*', {}], ['PutX', {}]];
    assert.deepEqual(await hits(`sel:\n  eventName: 'Delete?'\ncondition: sel`, recs), ['Delete1']);
    assert.deepEqual(await hits(`sel:\n  eventName: 'Del*'\ncondition: sel`, recs), ['Delete1', 'Delete12']);
    assert.deepEqual(await hits(`sel:\n  eventName: 'Put\\*'\ncondition: sel`, recs), ['Put*']);
  });
  it('a backslash before anything else is literal', async () => {
    assert.deepEqual(await hits(`sel:\n  userAgent: 'C:\\Tools\\x*'\ncondition: sel`, [['A', { userAgent: 'C:\\Tools\\xyz' }], ['B', { userAgent: 'C:Toolsxyz' }]]), ['A']);
  });
  it('lists are OR, maps are AND', async () => {
    const recs: Array<[string, Rec]> = [['A', { eventSource: 'iam.amazonaws.com' }], ['B', { eventSource: 'iam.amazonaws.com' }], ['A', { eventSource: 'ec2.amazonaws.com' }]];
    assert.deepEqual(await hits(`sel:\n  eventName: [A, B]\ncondition: sel`, recs), ['A', 'B', 'A']);
    assert.deepEqual(await hits(`sel:\n  eventName: [A, B]\n  eventSource: iam.amazonaws.com\ncondition: sel`, recs), ['A', 'B']);
    assert.deepEqual(await hits(`sel:\n  - eventName: B\n  - eventSource: ec2.amazonaws.com\ncondition: sel`, recs), ['B', 'A']);
  });
  it('dotted paths reach into the event, arrays fan out, numbers and booleans match as text', async () => {
    const recs: Array<[string, Rec]> = [
      ['A', { requestParameters: { instances: { items: [{ instanceId: 'i-1' }, { instanceId: 'i-2' }] }, count: 3, enable: false } }],
      ['B', { requestParameters: { instances: { items: [{ instanceId: 'i-3' }] }, count: 4, enable: true } }],
    ];
    assert.deepEqual(await hits(`sel:\n  requestParameters.instances.items.instanceId: i-2\ncondition: sel`, recs), ['A']);
    assert.deepEqual(await hits(`sel:\n  requestParameters.count: 4\ncondition: sel`, recs), ['B']);
    assert.deepEqual(await hits(`sel:\n  requestParameters.enable: 'false'\ncondition: sel`, recs), ['A']);
    assert.deepEqual(await hits(`sel:\n  requestParameters.enable: false\ncondition: sel`, recs), ['A']);
  });
  it('null means absent (or JSON null); an empty string is a value', async () => {
    const recs: Array<[string, Rec]> = [['A', {}], ['B', { errorCode: 'AccessDenied' }], ['C', { requestParameters: { x: null } }], ['D', { requestParameters: { x: '' } }]];
    assert.deepEqual(await hits(`sel:\n  errorCode: null\ncondition: sel`, recs), ['A', 'C', 'D']);
    assert.deepEqual(await hits(`sel:\n  requestParameters.x: null\ncondition: sel`, recs), ['A', 'B', 'C']);
    assert.deepEqual(await hits(`sel:\n  requestParameters.x: ''\ncondition: sel`, recs), ['D']);
  });
  it('list fields (resources.ARN) match when any element matches', async () => {
    const recs: Array<[string, Rec]> = [
      ['A', { resources: [{ ARN: 'arn:aws:s3:::public' }, { ARN: 'arn:aws:s3:::secret-bucket' }] }],
      ['B', { resources: [{ ARN: 'arn:aws:s3:::public' }] }],
    ];
    assert.deepEqual(await hits(`sel:\n  resources.ARN|endswith: secret-bucket\ncondition: sel`, recs), ['A']);
  });
  it('objects match as JSON text and through their leaves, JSON in strings included', async () => {
    const recs: Array<[string, Rec]> = [
      ['A', { requestParameters: { policyDocument: '{"Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}' } }],
      ['B', { requestParameters: { policyDocument: '{"Statement":[{"Effect":"Deny","Action":"s3:GetObject"}]}' } }],
    ];
    assert.deepEqual(await hits(`sel:\n  requestParameters|contains|all: ['"Allow"', '"s3:GetObject"']\ncondition: sel`, recs), ['A']);
    assert.deepEqual(await hits(`sel:\n  requestParameters: Deny\ncondition: sel`, recs), ['B']);
  });
  it('eventName means the record\'s own eventName, not the normalized action (Insights, CSV rows)', async () => {
    const insight = {
      eventVersion: '1.08',
      eventID: 'insight-1',
      eventTime: '2024-05-01T10:00:00Z',
      eventType: 'AwsCloudTrailInsight',
      eventCategory: 'Insight',
      insightDetails: { eventName: 'DeleteBucket', eventSource: 's3.amazonaws.com', state: 'Start' },
    };
    const store = storeOf([ev({ eventName: 'DeleteBucket' }), insight]);
    const set = compile(ruleYaml(`sel:\n  eventName: DeleteBucket\ncondition: sel`));
    const d = await detect(store, set.rules);
    assert.deepEqual(Array.from(d.rows[0], (r) => store.idOf(r)), [store.idOf(0)]);
    const inInsight = compile(ruleYaml(`sel:\n  insightDetails.eventName: DeleteBucket\ncondition: sel`));
    assert.deepEqual(Array.from((await detect(store, inInsight.rules)).rows[0], (r) => store.idOf(r)), ['insight-1']);
  });
});

describe('Sigma semantics: modifiers', () => {
  const recs: Array<[string, Rec]> = [
    ['A', { userAgent: 'S3 Browser 9.5' }],
    ['B', { userAgent: 'aws-cli/2 s3 browser' }],
    ['C', { userAgent: 'Boto3/1.2' }],
  ];
  it('contains, startswith, endswith', async () => {
    assert.deepEqual(await hits(`sel:\n  userAgent|contains: 's3 browser'\ncondition: sel`, recs), ['A', 'B']);
    assert.deepEqual(await hits(`sel:\n  userAgent|startswith: 'S3 B'\ncondition: sel`, recs), ['A']);
    assert.deepEqual(await hits(`sel:\n  userAgent|endswith: '/1.2'\ncondition: sel`, recs), ['C']);
  });
  it('all turns a list into AND', async () => {
    assert.deepEqual(await hits(`sel:\n  userAgent|contains|all: [s3, browser, '9']\ncondition: sel`, recs), ['A']);
    assert.deepEqual(await hits(`sel:\n  userAgent|contains: [s3, browser, '9']\ncondition: sel`, recs), ['A', 'B']);
  });
  it('cased matches case-sensitively', async () => {
    assert.deepEqual(await hits(`sel:\n  userAgent|cased|contains: 'S3 Browser'\ncondition: sel`, recs), ['A']);
  });
  it('re is case-sensitive, with i, m and s sub-modifiers', async () => {
    assert.deepEqual(await hits(`sel:\n  userAgent|re: '^S3 [A-Z]\\w+'\ncondition: sel`, recs), ['A']);
    assert.deepEqual(await hits(`sel:\n  userAgent|re|i: 's3 browser$'\ncondition: sel`, recs), ['B']);
    assert.deepEqual(await hits(`sel:\n  userAgent|re|i: '^[a-c]'\ncondition: sel`, recs), ['A', 'B', 'C'].filter((x) => x !== 'A'));
    const multi: Array<[string, Rec]> = [['M', { userAgent: 'line1\nline2' }], ['N', { userAgent: 'line1 line2' }]];
    assert.deepEqual(await hits(`sel:\n  userAgent|re: '^line2'\ncondition: sel`, multi), []);
    assert.deepEqual(await hits(`sel:\n  userAgent|re|m: '^line2'\ncondition: sel`, multi), ['M']);
    assert.deepEqual(await hits(`sel:\n  userAgent|re: 'line1.line2'\ncondition: sel`, multi), ['N']);
    assert.deepEqual(await hits(`sel:\n  userAgent|re|s: 'line1.line2'\ncondition: sel`, multi), ['M', 'N']);
  });
  it('re|i folds letters in classes and outside, and keeps escapes', async () => {
    assert.equal(caseFold('a[b-dX]\\w'), '[aA][b-dB-DXx]\\w');
  });
  it('a hostile regex runs in linear time instead of hanging', async () => {
    const long = 'a'.repeat(50_000) + '!';
    assert.deepEqual(await hits(`sel:\n  userAgent|re: '^(a+)+$'\ncondition: sel`, [['A', { userAgent: long }], ['B', { userAgent: 'aaa' }]]), ['B']);
    assert.deepEqual(await hits(`sel:\n  userAgent|re: '(.*a)*(.*a)*x'\ncondition: sel`, [['A', { userAgent: long }]]), []);
  });
  it('re patterns that need backtracking are reported, not run', async () => {
    assert.match(problem(`sel:\n  userAgent|re: '(a)\\1'\ncondition: sel`), /backtracking/);
    assert.match(problem(`sel:\n  userAgent|re: '(.*a){20}x'\ncondition: sel`), /linear time/);
    assert.match(problem(`sel:\n  userAgent|re: 'a(?=b)'\ncondition: sel`), /backtracking/);
    assert.match(problem(`sel:\n  userAgent|re: '(unclosed'\ncondition: sel`), /invalid regular expression/);
  });
  it('cidr matches IPv4 and IPv6 networks; service names are not addresses', async () => {
    const ips: Array<[string, Rec]> = [
      ['A', { sourceIPAddress: '10.1.2.3' }],
      ['B', { sourceIPAddress: '192.168.1.1' }],
      ['C', { sourceIPAddress: '2001:db8::1' }],
      ['D', { sourceIPAddress: 'ec2.amazonaws.com' }],
      ['E', { sourceIPAddress: '::ffff:10.0.0.1' }],
    ];
    assert.deepEqual(await hits(`sel:\n  sourceIPAddress|cidr: 10.0.0.0/8\ncondition: sel`, ips), ['A']);
    assert.deepEqual(await hits(`sel:\n  sourceIPAddress|cidr: ['2001:db8::/32', '192.168.0.0/16']\ncondition: sel`, ips), ['B', 'C']);
    assert.deepEqual(await hits(`sel:\n  sourceIPAddress|cidr: '::ffff:0:0/96'\ncondition: sel`, ips), ['E']);
    assert.match(problem(`sel:\n  sourceIPAddress|cidr: 10.0.0.0/33\ncondition: sel`), /not a network/);
  });
  it('exists true and false', async () => {
    const r: Array<[string, Rec]> = [['A', { errorCode: 'X' }], ['B', {}]];
    assert.deepEqual(await hits(`sel:\n  errorCode|exists: true\ncondition: sel`, r), ['A']);
    assert.deepEqual(await hits(`sel:\n  errorCode|exists: false\ncondition: sel`, r), ['B']);
  });
  it('fieldref compares two fields of the same event, alone or with endswith/contains/startswith', async () => {
    const r: Array<[string, Rec]> = [
      ['A', { requestParameters: { userName: 'alice' }, additionalEventData: { who: 'Alice' } }],
      ['B', { requestParameters: { userName: 'bob' }, additionalEventData: { who: 'carol' } }],
    ];
    assert.deepEqual(await hits(`sel:\n  requestParameters.userName|fieldref: additionalEventData.who\ncondition: sel`, r), ['A']);
    assert.deepEqual(await hits(`sel:\n  userIdentity.arn|fieldref|endswith: requestParameters.userName\ncondition: sel`, r), ['A']);
    assert.deepEqual(await hits(`sel:\n  userIdentity.arn|fieldref|contains: requestParameters.userName\ncondition: sel`, r), ['A']);
    assert.deepEqual(await hits(`sel:\n  userIdentity.arn|fieldref|startswith: requestParameters.userName\ncondition: sel`, r), []);
    assert.deepEqual(await hits(`sel:\n  requestParameters.userName|fieldref|cased: additionalEventData.who\ncondition: sel`, r), []);
  });
  it('base64 and base64offset find an encoded value', async () => {
    const secret = 'curl http://evil.example';
    const enc = (s: string) => Buffer.from(s).toString('base64');
    const r: Array<[string, Rec]> = [
      ['A', { requestParameters: { userData: enc(secret) } }],
      ['B', { requestParameters: { userData: enc('x' + secret) } }],
      ['C', { requestParameters: { userData: enc('xy' + secret + 'z') } }],
      ['D', { requestParameters: { userData: enc('nothing here') } }],
    ];
    assert.deepEqual(await hits(`sel:\n  requestParameters.userData|base64: '${secret}'\ncondition: sel`, r), ['A']);
    assert.deepEqual(await hits(`sel:\n  requestParameters.userData|base64offset|contains: '${secret}'\ncondition: sel`, r), ['A', 'B', 'C']);
    assert.deepEqual(await hits(`sel:\n  requestParameters.userData|wide|base64: 'ab'\ncondition: sel`, [['W', { requestParameters: { userData: Buffer.from('ab', 'utf16le').toString('base64') } }], ['N', { requestParameters: { userData: enc('ab') } }]]), ['W']);
  });
  it('windash matches every dash form', async () => {
    const r: Array<[string, Rec]> = [['A', { userAgent: 'tool -x' }], ['B', { userAgent: 'tool /x' }], ['C', { userAgent: 'tool \u2013x' }], ['D', { userAgent: 'tool x' }]];
    assert.deepEqual(await hits(`sel:\n  userAgent|windash: 'tool -x'\ncondition: sel`, r), ['A', 'B', 'C']);
  });
  it('lt, lte, gt, gte compare numbers; neq negates', async () => {
    const r: Array<[string, Rec]> = [['A', { requestParameters: { n: 5 } }], ['B', { requestParameters: { n: 10 } }], ['C', { requestParameters: { n: 'x' } }]];
    assert.deepEqual(await hits(`sel:\n  requestParameters.n|gt: 5\ncondition: sel`, r), ['B']);
    assert.deepEqual(await hits(`sel:\n  requestParameters.n|lte: 5\ncondition: sel`, r), ['A']);
    assert.deepEqual(await hits(`sel:\n  requestParameters.n|neq: 5\ncondition: sel`, r), ['B', 'C']);
  });
  it('keywords search the whole event', async () => {
    const r: Array<[string, Rec]> = [['A', { requestParameters: { note: 'totally mimikatz' } }], ['B', {}]];
    assert.deepEqual(await hits(`keywords:\n  - mimikatz\n  - rubeus\ncondition: keywords`, r), ['A']);
  });
});

describe('Sigma semantics: conditions', () => {
  const r: Array<[string, Rec]> = [
    ['A', { eventSource: 'iam.amazonaws.com' }],
    ['B', { eventSource: 'iam.amazonaws.com' }],
    ['C', { eventSource: 'ec2.amazonaws.com' }],
  ];
  const ids = `sel_a:\n  eventName: A\nsel_b:\n  eventName: B\niam:\n  eventSource: iam.amazonaws.com\n`;
  it('and, or, not and parentheses, not binding tightest, and before or', async () => {
    assert.deepEqual(await hits(`${ids}condition: sel_a or sel_b and not iam`, r), ['A']);
    assert.deepEqual(await hits(`${ids}condition: (sel_a or sel_b) and not iam`, r), []);
    assert.deepEqual(await hits(`${ids}condition: not sel_a and iam`, r), ['B']);
    assert.deepEqual(await hits(`${ids}condition: not (sel_a or iam)`, r), ['C']);
  });
  it('1 of and all of a pattern, and of them', async () => {
    assert.deepEqual(await hits(`${ids}condition: 1 of sel_*`, r), ['A', 'B']);
    assert.deepEqual(await hits(`${ids}condition: all of sel_*`, r), []);
    assert.deepEqual(await hits(`${ids}condition: 1 of them`, r), ['A', 'B']);
    assert.deepEqual(await hits(`${ids}condition: all of them`, r), []);
    assert.deepEqual(await hits(`${ids}condition: iam and not 1 of sel_*`, r), []);
    assert.deepEqual(await hits(`${ids}condition: any of sel_*`, r), ['A', 'B']);
  });
  it('a list of conditions is OR', async () => {
    assert.deepEqual(await hits(`${ids}condition:\n  - sel_a\n  - sel_b`, r), ['A', 'B']);
  });
});

describe('Sigma: unsupported constructs are reported by name and reason', () => {
  it('aggregation, near, timeframe, x of, unknown and unsupported modifiers, undefined names', async () => {
    assert.match(problem(`sel:\n  eventName: A\ncondition: sel | count() by userIdentity.arn > 5`), /aggregation/);
    assert.match(problem(`sel:\n  eventName: A\ncondition: sel near sel`), /near/);
    assert.match(problem(`sel:\n  eventName: A\ntimeframe: 5m\ncondition: sel`), /timeframe/);
    assert.match(problem(`sel:\n  eventName: A\ncondition: 2 of sel*`), /2 of/);
    assert.match(problem(`sel:\n  eventName|sortof: A\ncondition: sel`), /unknown modifier "sortof"/);
    assert.match(problem(`sel:\n  eventName|expand: '%names%'\ncondition: sel`), /expand/);
    assert.match(problem(`sel:\n  eventTime|hour: 3\ncondition: sel`), /time modifiers/);
    assert.match(problem(`sel:\n  eventName: A\ncondition: selection`), /does not define/);
    assert.match(problem(`sel:\n  eventName: A\ncondition: sel and (sel`), /missing \)/);
  });
  it('correlation rules and other log sources', async () => {
    const corr = compile(`title: Many logins\nid: c1\ncorrelation:\n  type: event_count\n  rules: [x]\n  group-by: [u]\n  timespan: 1h\n  condition:\n    gte: 10\n`);
    assert.equal(corr.rules.length, 0);
    assert.match(corr.problems[0].reason, /correlation rules are not supported/);
    const win = compile(`title: Windows\nid: w1\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n  sel:\n    Image: x\n  condition: sel\n`);
    assert.match(win.problems[0].reason, /log source windows\/process_creation is not AWS CloudTrail/);
    assert.equal(win.problems[0].title, 'Windows');
  });
  it('a disabled rule is left out and listed, not reported as a problem', async () => {
    const set = buildRuleSet([{ file: 't.yml', text: ruleYaml(`sel:\n  eventName: A\ncondition: sel`), link: '', origin: 'test' }], { disabled: new Set(['11111111-2222-4333-8444-555555555555']) });
    assert.deepEqual([set.rules.length, set.problems.length, set.disabled], [0, 0, ['11111111-2222-4333-8444-555555555555']]);
  });
});

describe('Sigma: hostile rule files', () => {
  const reasonOf = (text: string): string => {
    const set = compile(text);
    assert.equal(set.rules.length, 0);
    return set.problems[0].reason;
  };
  it('refuses a huge file before parsing it', async () => {
    assert.match(reasonOf(ruleYaml(`sel:\n  eventName: A\ncondition: sel`) + '#' + 'x'.repeat(300 * 1024)), /larger than/);
  });
  it('a YAML alias bomb expands nothing', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${new Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
    assert.match(reasonOf(bomb.join('\n') + '\n'), /alias/i);
  });
  it('deep nesting is refused', async () => {
    assert.match(reasonOf('title: x\nlogsource: {product: aws}\ndetection: {condition: sel, sel: ' + '['.repeat(5000) + ']'.repeat(5000) + '}\n'), /nested deeper|YAML error/);
    assert.match(reasonOf(ruleYaml(`sel:\n  eventName: ${'['.repeat(40)}A${']'.repeat(40)}\ncondition: sel`)), /nested deeper/);
  });
  it('binary and not-UTF-8 text are refused', async () => {
    assert.match(reasonOf('title: x\u0000\u0001\u0002'), /not UTF-8/);
    assert.match(reasonOf(Buffer.from([0x74, 0x69, 0xff, 0xfe, 0x00]).toString('utf8')), /not UTF-8/);
  });
  it('not a rule: missing title, detection without identifiers, a list at the top', async () => {
    assert.match(reasonOf('logsource: {product: aws}\ndetection: {condition: sel, sel: {a: b}}\n'), /title/);
    assert.match(reasonOf('title: x\nlogsource: {product: aws}\ndetection: {condition: sel}\n'), /no search identifiers/);
    assert.match(reasonOf('- a\n- b\n'), /not a Sigma rule/);
    assert.match(reasonOf('title: a\n---\ntitle: b\n'), /multi-document/);
    assert.match(reasonOf('title: [unclosed\n'), /YAML error/);
  });
  it('a condition that is far too long or too deep is refused', async () => {
    assert.match(problem(`sel:\n  eventName: A\ncondition: ${'('.repeat(100)}sel${')'.repeat(100)}`), /nested too deeply/);
    assert.match(problem(`sel:\n  eventName: A\ncondition: ${'sel or '.repeat(1000)}sel`), /longer than/);
  });
});

describe('Sigma hits: who did it', () => {
  const rec = ev({ eventName: 'DeleteTrail', userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' } });
  const rule = () => compile(ruleYaml(`sel:\n  eventName: DeleteTrail\ncondition: sel`)).rules;
  it('is the derived principal field when the store has one, else the actor', async () => {
    // The default store has core/principal.ts's field: the user's name, not the ARN.
    const withDefault = storeOf([rec]);
    assert.equal(hitsOf(withDefault, await detect(withDefault, rule()))[0].principal, 'alice');
    const plain = new EventStore({ derivedFields: [] });
    const pr = readLogBuffer('p.json', Buffer.from(JSON.stringify({ Records: [rec] })), 'p');
    assert.ok(pr.batch);
    plain.appendBatch(pr.batch);
    assert.equal(hitsOf(plain, await detect(plain, rule()))[0].principal, 'arn:aws:iam::111122223333:user/alice');
    const principal: DerivedField = {
      name: 'principal',
      scope: 'rows',
      kind: 'string',
      fill(_store, col, ranges) {
        for (const [start, end] of ranges) {
          for (let row = start; row < end; row++) {
            const id = col.dict.intern('alice (derived)');
            col.fitIds();
            col.ids[row] = id;
          }
        }
      },
    };
    const store = new EventStore({ derivedFields: [principal] });
    const r = readLogBuffer('p.json', Buffer.from(JSON.stringify({ Records: [rec] })), 'p');
    assert.ok(r.batch);
    store.appendBatch(r.batch);
    const h = hitsOf(store, await detect(store, rule()));
    assert.deepEqual([h[0].principal, h[0].action, h[0].sourceIp, h[0].rule.author, h[0].level], ['alice (derived)', 'DeleteTrail', '203.0.113.5', 'Tester', 'high']);
    assert.deepEqual(hitsOf(store, await detect(store, rule()), 'critical'), []);
  });
});
