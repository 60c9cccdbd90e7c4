import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  Comparison,
  MAX_NESTING,
  QueryError,
  QueryNode,
  describeQueryError,
  escapeGlob,
  formatQuery,
  globMatcher,
  matcherTest,
  parseQuery,
  parseTimeValue,
} from '../../src/core/query';
import { compileGlob, matchGlob } from '../../src/core/glob';

// A fixed clock so relative times are reproducible: 2024-05-10T00:00:00Z.
const NOW = Date.UTC(2024, 4, 10);
const H = 3_600_000;
const D = 24 * H;

// ---- AST builders (spans stripped) -------------------------------------------------------------

type Bare = Record<string, unknown>;

function strip(node: QueryNode): Bare {
  switch (node.type) {
    case 'all':
      return { type: 'all' };
    case 'and':
    case 'or':
      return { type: node.type, children: node.children.map(strip) };
    case 'not':
      return { type: 'not', child: strip(node.child) };
    default: {
      const { span: _span, ...rest } = node;
      // An unsafe integer's text (kept for exact comparison) is not part of the AST's meaning here.
      if (rest.type === 'compare') delete rest.text;
      return rest;
    }
  }
}

/** Flattens nested and/or and collapses single children, as the parser does. */
function normalize(node: QueryNode): QueryNode {
  if (node.type === 'and' || node.type === 'or') {
    const children: QueryNode[] = [];
    for (const c of node.children.map(normalize)) {
      if (c.type === node.type) children.push(...c.children);
      else children.push(c);
    }
    return children.length === 1 ? children[0] : { type: node.type, children };
  }
  if (node.type === 'not') return { ...node, child: normalize(node.child) };
  return node;
}

const S = { start: 0, end: 0 };
const all = (): QueryNode => ({ type: 'all' });
const and = (...children: QueryNode[]): QueryNode => ({ type: 'and', children });
const or = (...children: QueryNode[]): QueryNode => ({ type: 'or', children });
const not = (child: QueryNode): QueryNode => ({ type: 'not', child, span: S });
const glob = (field: string, source: string): QueryNode => ({ type: 'match', field, matcher: globMatcher(source), span: S });
const exact = (field: string, value: string): QueryNode => ({ type: 'match', field, matcher: { kind: 'exact', value }, span: S });
const exists = (field: string): QueryNode => ({ type: 'exists', field, span: S });
const cmp = (field: string, op: Comparison, value: number): QueryNode => ({ type: 'compare', field, op, value, span: S });
const time = (op: Comparison, ms: number): QueryNode => ({ type: 'time', op, ms, span: S });
const text = (value: string): QueryNode => ({ type: 'text', value, span: S });
const utc = (y: number, mo: number, d = 1, h = 0, mi = 0, s = 0, ms = 0): number => Date.UTC(y, mo - 1, d, h, mi, s, ms);

function parsesTo(query: string, expected: QueryNode): void {
  assert.deepStrictEqual(strip(parseQuery(query, NOW)), strip(expected), `query: ${query}`);
}

function errorOf(query: string): QueryError {
  try {
    parseQuery(query, NOW);
  } catch (e) {
    if (e instanceof QueryError) return e;
    throw e;
  }
  assert.fail(`expected a QueryError for ${JSON.stringify(query)}`);
}

// ---- valid queries ------------------------------------------------------------------------------

const VALID: Array<[string, QueryNode]> = [
  // DESIGN.md, the two example lines
  [
    'eventName:Delete* -userIdentity.type:AWSService region:eu-* errorCode:* "AccessDenied"',
    and(
      glob('eventName', 'Delete*'),
      not(glob('userIdentity.type', 'AWSService')),
      glob('region', 'eu-*'),
      exists('errorCode'),
      text('AccessDenied'),
    ),
  ],
  [
    'actor:arn:aws:iam::123456789012:root time:>2024-05-01 time:<2024-05-02T12:00Z source:conformity',
    and(
      glob('actor', 'arn:aws:iam::123456789012:root'),
      time('>', utc(2024, 5, 1)),
      time('<', utc(2024, 5, 2, 12)),
      glob('source', 'conformity'),
    ),
  ],
  // DESIGN.md, the bullet examples
  ['eventName:"DeleteBucket"', exact('eventName', 'DeleteBucket')],
  ['resources.ARN:*bucket*', glob('resources.ARN', '*bucket*')],
  ['time:>-24h', time('>', NOW - 24 * H)],
  ['time:>-7d', time('>', NOW - 7 * D)],
  ['eventVersion:>1.05', cmp('eventVersion', '>', 1.05)],
  ['bytes:<500', cmp('bytes', '<', 500)],
  // empty
  ['', all()],
  ['   \t\n ', all()],
  // free text
  ['AccessDenied', text('AccessDenied')],
  ['"access denied"', text('access denied')],
  ['"a \\"quoted\\" word"', text('a "quoted" word')],
  ['"C:\\Users\\x"', text('C:\\Users\\x')],
  ['"back\\\\slash"', text('back\\slash')],
  ['"star * and ? stay literal"', text('star * and ? stay literal')],
  ['foo\\*bar', text('foo*bar')],
  ['what\\?', text('what?')],
  ['foo\\:bar', text('foo:bar')],
  ['C:\\Users', glob('C', '\\\\Users')],
  ['\\-24h', text('-24h')],
  ['a\\ b', text('a b')],
  ['or and not', and(text('or'), text('and'), text('not'))],
  ['ORACLE ANDROID NOTICE', and(text('ORACLE'), text('ANDROID'), text('NOTICE'))],
  ['"OR"', text('OR')],
  ['foo)', text('foo)')],
  ['f(x)', text('f(x)')],
  ['café', text('café')],
  // boolean structure
  ['a b', and(text('a'), text('b'))],
  ['a AND b', and(text('a'), text('b'))],
  ['a OR b', or(text('a'), text('b'))],
  ['a b OR c d', and(text('a'), or(text('b'), text('c')), text('d'))],
  ['a AND b OR c', and(text('a'), or(text('b'), text('c')))],
  ['a OR b AND c OR d', and(or(text('a'), text('b')), or(text('c'), text('d')))],
  ['a OR b OR c', or(text('a'), text('b'), text('c'))],
  ['(a b) OR c', or(and(text('a'), text('b')), text('c'))],
  ['(a OR b) c', and(or(text('a'), text('b')), text('c'))],
  ['(a OR b) OR c', or(text('a'), text('b'), text('c'))],
  ['a (b c) d', and(text('a'), text('b'), text('c'), text('d'))],
  ['((((a))))', text('a')],
  ['(a)(b)', and(text('a'), text('b'))],
  ['( a )', text('a')],
  ['-a', not(text('a'))],
  ['NOT a', not(text('a'))],
  ['NOT(a OR b)', not(or(text('a'), text('b')))],
  ['-(a OR b) c', and(not(or(text('a'), text('b'))), text('c'))],
  ['-a OR b', or(not(text('a')), text('b'))],
  ['NOT a OR b', or(not(text('a')), text('b'))],
  ['--a', not(not(text('a')))],
  ['-NOT a', not(not(text('a')))],
  ['-"access denied"', not(text('access denied'))],
  ['a OR(b)', or(text('a'), text('b'))],
  ['a\nOR\tb', or(text('a'), text('b'))],
  ['x -y:z', and(text('x'), not(glob('y', 'z')))],
  // field:value
  ['actor:arn:aws:iam::123456789012:root', glob('actor', 'arn:aws:iam::123456789012:root')],
  ['userIdentity.sessionContext.sessionIssuer.userName:Admin', glob('userIdentity.sessionContext.sessionIssuer.userName', 'Admin')],
  ['@version:1', glob('@version', '1')],
  ['aws.s3.key:logs/*.gz', glob('aws.s3.key', 'logs/*.gz')],
  ['$meta:x', glob('$meta', 'x')],
  ['source-ip:1.2.3.4', glob('source-ip', '1.2.3.4')],
  ['raw.requestParameters.bucketName:my-bucket', glob('raw.requestParameters.bucketName', 'my-bucket')],
  ['eventName:Get?', glob('eventName', 'Get?')],
  ['eventName:**', glob('eventName', '**')],
  ['eventName:\\*', glob('eventName', '\\*')],
  ['eventName:a\\?b', glob('eventName', 'a\\?b')],
  ['eventName:a\\"b', glob('eventName', 'a"b')],
  ['eventName:a\\(b', glob('eventName', 'a(b')],
  ['eventName:\\(b', glob('eventName', '(b')],
  ['eventName:a\\ b', glob('eventName', 'a b')],
  ['eventName:a\\\\b', glob('eventName', 'a\\\\b')],
  ['eventName:\\>5', glob('eventName', '>5')],
  ['eventName:=5', glob('eventName', '=5')],
  ['eventName:"Delete*"', exact('eventName', 'Delete*')],
  ['actor:""', exact('actor', '')],
  ['userAgent:"aws-cli/2.0 Python"', exact('userAgent', 'aws-cli/2.0 Python')],
  ['eventName:"a\\"b"', exact('eventName', 'a"b')],
  ['errorCode:*', exists('errorCode')],
  ['-errorCode:*', not(exists('errorCode'))],
  ['(errorCode:*)', exists('errorCode')],
  ['(actor:f(x) OR b)', or(glob('actor', 'f(x)'), text('b'))],
  ['(eventName:Get*) OR (eventName:List*)', or(glob('eventName', 'Get*'), glob('eventName', 'List*'))],
  ['eventName:a)', glob('eventName', 'a)')],
  ['(eventName:a\\))', glob('eventName', 'a)')],
  ['http://example.com', glob('http', '//example.com')],
  ['OR:x', glob('OR', 'x')],
  ['a:b\\:c', glob('a', 'b:c')],
  // numbers
  ['n:>=10', cmp('n', '>=', 10)],
  ['n:<=-2.5', cmp('n', '<=', -2.5)],
  ['n:>.5', cmp('n', '>', 0.5)],
  ['n:>1e3', cmp('n', '>', 1000)],
  ['n:>+7', cmp('n', '>', 7)],
  ['n:>"42"', cmp('n', '>', 42)],
  ['(n:<3)', cmp('n', '<', 3)],
  // times
  ['time:2024-05-01', and(time('>=', utc(2024, 5, 1)), time('<', utc(2024, 5, 2)))],
  ['time:2024-05', and(time('>=', utc(2024, 5, 1)), time('<', utc(2024, 6, 1)))],
  ['time:2024-05-01T12:00Z', and(time('>=', utc(2024, 5, 1, 12)), time('<', utc(2024, 5, 1, 12, 1)))],
  ['time:2024-05-01T12:00:05Z', and(time('>=', utc(2024, 5, 1, 12, 0, 5)), time('<', utc(2024, 5, 1, 12, 0, 6)))],
  ['time:2024-05-01T12:00:05.250Z', and(time('>=', utc(2024, 5, 1, 12, 0, 5, 250)), time('<=', utc(2024, 5, 1, 12, 0, 5, 250)))],
  ['time:-24h', time('>=', NOW - 24 * H)],
  ['time:now', time('>=', NOW)],
  ['time:>=2024-05-01', time('>=', utc(2024, 5, 1))],
  ['time:<2024-05-01', time('<', utc(2024, 5, 1))],
  ['time:<=2024-05-01', time('<', utc(2024, 5, 2))],
  ['time:<=2024-05', time('<', utc(2024, 6, 1))],
  ['time:<=2024-05-01T12:00:00.000Z', time('<=', utc(2024, 5, 1, 12))],
  ['time:<=-1h', time('<=', NOW - H)],
  ['time:>2024-05-01T12:00+02:00', time('>', utc(2024, 5, 1, 10))],
  ['time:>2024-05-01T12:00-05:30', time('>', utc(2024, 5, 1, 17, 30))],
  ['time:>2024-05-01T12:00', time('>', utc(2024, 5, 1, 12))],
  ['time:>"2024-05-01 12:00"', time('>', utc(2024, 5, 1, 12))],
  ['TIME:>2024-05-01', time('>', utc(2024, 5, 1))],
  ['eventTime:>2024-05-01', time('>', utc(2024, 5, 1))],
  ['eventtime:<now', time('<', NOW)],
  ['time:*', exists('time')],
  ['eventTime:*', exists('eventTime')],
  ['-time:2024-05-01', not(and(time('>=', utc(2024, 5, 1)), time('<', utc(2024, 5, 2))))],
  [
    'time:2024-05-01 OR time:2024-05-03',
    or(and(time('>=', utc(2024, 5, 1)), time('<', utc(2024, 5, 2))), and(time('>=', utc(2024, 5, 3)), time('<', utc(2024, 5, 4)))),
  ],
  ['time:2024-05-01 x', and(time('>=', utc(2024, 5, 1)), time('<', utc(2024, 5, 2)), text('x'))],
  ['times:2024-05-01', glob('times', '2024-05-01')],
];

// ---- invalid queries ----------------------------------------------------------------------------

interface Bad {
  query: string;
  start: number;
  end: number;
  token: string;
  message: RegExp;
}

const INVALID: Bad[] = [
  { query: 'eventName:"Delete', start: 10, end: 17, token: '"Delete', message: /^Unclosed quote: add a closing " \(column 11\)$/ },
  { query: '"abc', start: 0, end: 4, token: '"abc', message: /^Unclosed quote/ },
  { query: '"abc\\"', start: 0, end: 6, token: '"abc\\"', message: /^Unclosed quote/ },
  { query: 'eventName:', start: 0, end: 10, token: 'eventName:', message: /^Missing value after "eventName:"/ },
  { query: 'eventName: Delete', start: 0, end: 10, token: 'eventName:', message: /^Missing value after "eventName:"/ },
  { query: '(eventName:)', start: 1, end: 11, token: 'eventName:', message: /^Missing value after "eventName:"/ },
  { query: 'n:>', start: 0, end: 3, token: 'n:>', message: /^Missing value after "n:>"/ },
  { query: 'time:>= x', start: 0, end: 7, token: 'time:>=', message: /^Missing value after "time:>="/ },
  { query: ')', start: 0, end: 1, token: ')', message: /^Unexpected "\)" \(column 1\)/ },
  { query: 'a )', start: 2, end: 3, token: ')', message: /^Unexpected "\)"/ },
  { query: '(a))', start: 3, end: 4, token: ')', message: /^Unexpected "\)" \(column 4\)/ },
  { query: 'OR a', start: 0, end: 2, token: 'OR', message: /^OR needs a term on both sides/ },
  { query: 'a OR', start: 2, end: 4, token: 'OR', message: /^OR needs a term on both sides/ },
  { query: 'a OR OR b', start: 2, end: 4, token: 'OR', message: /^OR needs a term on both sides/ },
  { query: '(a OR) b', start: 3, end: 5, token: 'OR', message: /^OR needs a term on both sides/ },
  { query: 'a OR AND b', start: 2, end: 4, token: 'OR', message: /^OR needs a term on both sides/ },
  { query: 'AND a', start: 0, end: 3, token: 'AND', message: /^AND needs a term on both sides/ },
  { query: 'a AND', start: 2, end: 5, token: 'AND', message: /^AND needs a term on both sides/ },
  { query: 'a AND OR b', start: 2, end: 5, token: 'AND', message: /^AND needs a term on both sides/ },
  { query: 'NOT', start: 0, end: 3, token: 'NOT', message: /^NOT needs a term after it/ },
  { query: 'a NOT )', start: 2, end: 5, token: 'NOT', message: /^NOT needs a term after it/ },
  { query: '-', start: 0, end: 1, token: '-', message: /^"-" needs a term right after it/ },
  { query: 'a - b', start: 2, end: 3, token: '-', message: /^"-" needs a term right after it/ },
  { query: '(a -)', start: 3, end: 4, token: '-', message: /^"-" needs a term right after it/ },
  { query: '-OR', start: 1, end: 3, token: 'OR', message: /^OR needs a term on both sides/ },
  { query: 'x (a b', start: 2, end: 3, token: '(', message: /^Missing "\)" for the "\(" at column 3$/ },
  { query: '((a)', start: 0, end: 1, token: '(', message: /^Missing "\)" for the "\(" at column 1$/ },
  { query: '(', start: 0, end: 1, token: '(', message: /^Missing "\)" for the "\(" at column 1$/ },
  { query: 'a ()', start: 2, end: 4, token: '()', message: /^Empty parentheses \(column 3\)/ },
  { query: '(  )', start: 0, end: 4, token: '(  )', message: /^Empty parentheses/ },
  { query: 'time:2024-13-01', start: 5, end: 15, token: '2024-13-01', message: /^"2024-13-01" is not a date or time \(try 2024-05-01, 2024-05-01T12:00Z or -24h\)$/ },
  { query: 'time:>yesterday', start: 6, end: 15, token: 'yesterday', message: /^"yesterday" is not a date or time/ },
  { query: 'time:"soon"', start: 5, end: 11, token: '"soon"', message: /^"soon" is not a date or time/ },
  { query: 'time:2024-05*', start: 5, end: 13, token: '2024-05*', message: /is not a date or time/ },
  { query: 'eventTime:<2024-02-30', start: 11, end: 21, token: '2024-02-30', message: /^"2024-02-30" is not a date or time/ },
  { query: 'n:>abc', start: 3, end: 6, token: 'abc', message: /^"abc" is not a number/ },
  { query: 'n:>1e999', start: 3, end: 8, token: '1e999', message: /^"1e999" is not a number/ },
  { query: 'n:>0x10', start: 3, end: 7, token: '0x10', message: /is not a number/ },
  { query: 'n:<=Infinity', start: 4, end: 12, token: 'Infinity', message: /is not a number/ },
  { query: 'foo*', start: 0, end: 4, token: 'foo*', message: /^"foo\*" has a wildcard, but wildcards only work in field:value terms/ },
  { query: 'a what?', start: 2, end: 7, token: 'what?', message: /wildcards only work in field:value terms/ },
  { query: '-*', start: 1, end: 2, token: '*', message: /wildcards only work/ },
  { query: 'foo"bar', start: 3, end: 4, token: '"', message: /^Unexpected " inside a term \(column 4\)/ },
  { query: 'eventName:ab"c"', start: 12, end: 13, token: '"', message: /^Unexpected " inside a term/ },
  { query: '"a"b', start: 3, end: 4, token: 'b', message: /^Add a space after the closing quote \(column 4\)/ },
  { query: 'x:"a"(b)', start: 5, end: 6, token: '(', message: /^Add a space after the closing quote/ },
  { query: '""', start: 0, end: 2, token: '""', message: /^Empty quotes/ },
  { query: ':foo', start: 0, end: 1, token: ':', message: /^Missing field name before ":"/ },
  { query: 'a/b:c', start: 0, end: 3, token: 'a/b', message: /^"a\/b" is not a field name/ },
  { query: 'a..b:c', start: 0, end: 4, token: 'a..b', message: /is not a field name/ },
  { query: 'a.:c', start: 0, end: 2, token: 'a.', message: /is not a field name/ },
  { query: 'a*:c', start: 0, end: 2, token: 'a*', message: /is not a field name/ },
  { query: 'a\\:b:c', start: 0, end: 4, token: 'a\\:b', message: /is not a field name/ },
  { query: 'eventName:(Get OR List)', start: 10, end: 11, token: '(', message: /^Grouping after "eventName:" is not supported/ },
  { query: '('.repeat(MAX_NESTING + 1) + 'a' + ')'.repeat(MAX_NESTING + 1), start: MAX_NESTING, end: MAX_NESTING + 1, token: '(', message: /^Too deeply nested/ },
  { query: '-'.repeat(MAX_NESTING + 1) + 'a', start: MAX_NESTING, end: MAX_NESTING + 1, token: '-', message: /^Too deeply nested/ },
  { query: 'NOT '.repeat(MAX_NESTING + 1) + 'a', start: 4 * MAX_NESTING, end: 4 * MAX_NESTING + 3, token: 'NOT', message: /^Too deeply nested/ },
];

describe('query: parseQuery', () => {
  describe('valid queries', () => {
    for (const [query, expected] of VALID) {
      it(`parses ${JSON.stringify(query)}`, () => parsesTo(query, expected));
    }
  });

  describe('invalid queries', () => {
    for (const bad of INVALID) {
      const label = bad.query.length > 60 ? bad.query.slice(0, 57) + '…' : bad.query;
      it(`rejects ${JSON.stringify(label)}`, () => {
        const err = errorOf(bad.query);
        assert.equal(err.name, 'QueryError');
        assert.deepStrictEqual(err.span, { start: bad.start, end: bad.end }, err.message);
        assert.equal(err.token, bad.token);
        assert.match(err.message, bad.message);
      });
    }
  });

  it('accepts exactly MAX_NESTING levels of parentheses and negations', () => {
    parsesTo('('.repeat(MAX_NESTING) + 'a' + ')'.repeat(MAX_NESTING), text('a'));
    let expected = text('a');
    for (let i = 0; i < MAX_NESTING; i++) expected = not(expected);
    parsesTo('-'.repeat(MAX_NESTING) + 'a', expected);
    // negations inside groups count towards the same limit
    errorOf('(-'.repeat(MAX_NESTING / 2) + '(a' + ')'.repeat(MAX_NESTING / 2 + 1));
  });

  it('records spans of terms, negations and time bounds', () => {
    const q = 'x -eventName:Get* NOT "a b" time:2024-05-01';
    const ast = parseQuery(q, NOW);
    assert.equal(ast.type, 'and');
    if (ast.type !== 'and') return;
    const [x, neg1, neg2, range] = ast.children;
    assert.deepStrictEqual(x, { type: 'text', value: 'x', span: { start: 0, end: 1 } });
    assert.equal(neg1.type, 'not');
    if (neg1.type === 'not') {
      assert.deepStrictEqual(neg1.span, { start: 2, end: 17 });
      assert.ok('span' in neg1.child);
      assert.deepStrictEqual((neg1.child as { span: unknown }).span, { start: 3, end: 17 });
    }
    assert.equal(neg2.type, 'not');
    if (neg2.type === 'not') assert.deepStrictEqual(neg2.span, { start: 18, end: 27 });
    assert.equal(ast.children.length, 5);
    for (const t of [range, ast.children[4]]) {
      assert.equal(t.type, 'time');
      if (t.type === 'time') assert.deepStrictEqual(t.span, { start: 28, end: 43 });
    }
  });

  it('spans a negated group through its closing parenthesis', () => {
    const ast = parseQuery('-(a OR b) c', NOW);
    assert.ok(ast.type === 'and' && ast.children[0].type === 'not');
    if (ast.type === 'and' && ast.children[0].type === 'not') assert.deepStrictEqual(ast.children[0].span, { start: 0, end: 9 });
  });

  it('uses Date.now() when no clock is given', () => {
    const before = Date.now();
    const ast = parseQuery('time:>-1h');
    const after = Date.now();
    assert.equal(ast.type, 'time');
    if (ast.type === 'time') assert.ok(ast.ms >= before - H && ast.ms <= after - H);
  });

  it('handles pasted queries of 10k+ characters quickly', () => {
    const inputs = [
      'a OR '.repeat(4000) + 'a',
      'eventName:Get* '.repeat(1000),
      '('.repeat(10_000),
      ')'.repeat(10_000),
      '-'.repeat(10_000) + 'a',
      '"' + 'x'.repeat(10_000),
      'x:' + '*a'.repeat(5000),
      '\\'.repeat(10_001),
      'a'.repeat(20_000),
      ':'.repeat(10_000),
      'f:' + '('.repeat(10_000),
      'f:a' + '('.repeat(10_000),
      '(f:a' + '('.repeat(10_000),
    ];
    for (const q of inputs) {
      const t0 = Date.now();
      try {
        parseQuery(q, NOW);
      } catch (e) {
        assert.ok(e instanceof QueryError, String(e));
        assert.doesNotMatch(e.message, /^Internal error/);
      }
      assert.ok(Date.now() - t0 < 500, `too slow on ${q.slice(0, 20)}…`);
    }
  });
});

describe('query: glob matcher', () => {
  const matches = (query: string, value: string): boolean => {
    const ast = parseQuery(query, NOW);
    assert.equal(ast.type, 'match');
    if (ast.type !== 'match' || ast.matcher.kind !== 'glob') assert.fail('not a glob');
    return matchGlob(compileGlob(ast.matcher.source), value);
  };

  it('is case-insensitive and anchored to the whole value', () => {
    assert.ok(matches('eventName:Delete*', 'DeleteBucket'));
    assert.ok(matches('eventName:Delete*', 'deletebucket'));
    assert.ok(matches('eventName:delete*', 'DELETEBUCKET'));
    assert.ok(!matches('eventName:Delete*', 'BatchDeleteItem'));
    assert.ok(matches('eventName:*Delete*', 'BatchDeleteItem'));
    assert.ok(!matches('eventName:GetObject', 'GetObjectAcl'));
    assert.ok(!matches('eventName:GetObject', 'xGetObject'));
    assert.ok(matches('eventName:GetObject', 'getobject'));
  });

  it('treats ? as exactly one character and * as any run, including empty and newlines', () => {
    assert.ok(matches('f:a?c', 'abc'));
    assert.ok(!matches('f:a?c', 'ac'));
    assert.ok(!matches('f:a?c', 'abbc'));
    assert.ok(matches('f:a*c', 'ac'));
    assert.ok(matches('f:a*c', 'a\nb\nc'));
    assert.ok(matches('f:a?c', 'a\nc'));
    assert.ok(matches('f:**', ''));
  });

  it('takes regex special characters literally', () => {
    assert.ok(matches('f:a.b', 'a.b'));
    assert.ok(!matches('f:a.b', 'axb'));
    assert.ok(matches('f:a+', 'a+'));
    assert.ok(!matches('f:a+', 'aa'));
    assert.ok(matches('f:[abc]', '[abc]'));
    assert.ok(!matches('f:[abc]', 'a'));
    assert.ok(matches('f:\\(x)|y', '(x)|y'));
    assert.ok(!matches('f:\\(x)|y', 'y'));
    assert.ok(matches('f:a(x)|y', 'A(X)|Y'));
    assert.ok(matches('f:^$\\{1}/-', '^${1}/-'));
    assert.ok(matches('f:.*', '.*'));
    assert.ok(!matches('f:.*', 'anything'));
  });

  it('honours escapes: \\* and \\? are literal, \\\\ is a backslash', () => {
    assert.ok(matches('f:a\\*b', 'a*b'));
    assert.ok(!matches('f:a\\*b', 'axxb'));
    assert.ok(matches('f:a\\?', 'a?'));
    assert.ok(!matches('f:a\\?', 'ab'));
    assert.ok(matches('f:a\\\\b', 'a\\b'));
    assert.ok(matches('f:C:\\Users', 'c:\\users'));
    assert.ok(matches('f:a\\:b', 'a:b'));
    assert.ok(matches('f:a\\ b', 'A B'));
  });

  it('has no global state between calls', () => {
    const m = globMatcher('Get*');
    assert.ok(m.kind === 'glob');
    if (m.kind !== 'glob') return;
    const test = matcherTest(m);
    for (let i = 0; i < 3; i++) assert.ok(test('GetObject'));
  });

  it('treats runs of * as one star', () => {
    const m = globMatcher('***a***b***');
    assert.ok(m.kind === 'glob');
    if (m.kind !== 'glob') return;
    assert.equal(compileGlob(m.source).segs.length, 4); // '', a, b, ''
    assert.ok(matcherTest(m)('xxAyyBzz'));
    assert.ok(!matcherTest(m)('xxbyyazz'));
  });

  it('offers a lowercased literal only when there is no wildcard', () => {
    const lit = (source: string): string | null => {
      const m = globMatcher(source);
      return m.kind === 'glob' ? m.literal : 'exact?';
    };
    assert.equal(lit('GetObject'), 'getobject');
    assert.equal(lit('Get*'), null);
    assert.equal(lit('Get?'), null);
    assert.equal(lit('a\\*b'), 'a*b');
    assert.equal(lit('a\\\\b'), 'a\\b');
    const ast = parseQuery('actor:arn:aws:iam::123456789012:root', NOW);
    assert.ok(ast.type === 'match' && ast.matcher.kind === 'glob' && ast.matcher.literal === 'arn:aws:iam::123456789012:root');
  });

  it('escapeGlob makes a source that matches the text literally', () => {
    for (const s of ['plain', 'a*b?c\\d', '***', '', '.+()[]']) {
      const m = globMatcher(escapeGlob(s));
      assert.ok(m.kind === 'glob');
      if (m.kind !== 'glob') continue;
      assert.ok(matchGlob(compileGlob(m.source), s), s);
      assert.equal(m.literal, s.toLowerCase());
    }
  });

  it('exact values are kept verbatim', () => {
    const ast = parseQuery('eventName:"Delete*"', NOW);
    assert.deepStrictEqual(strip(ast), { type: 'match', field: 'eventName', matcher: { kind: 'exact', value: 'Delete*' } });
  });
});

describe('query: parseTimeValue', () => {
  const T: Array<[string, { start: number; end: number } | undefined]> = [
    ['2024-05-01', { start: utc(2024, 5, 1), end: utc(2024, 5, 2) }],
    ['2024-05', { start: utc(2024, 5, 1), end: utc(2024, 6, 1) }],
    ['2024-12', { start: utc(2024, 12, 1), end: utc(2025, 1, 1) }],
    ['2024-02', { start: utc(2024, 2, 1), end: utc(2024, 3, 1) }],
    ['2024-02-29', { start: utc(2024, 2, 29), end: utc(2024, 3, 1) }],
    ['2000-02-29', { start: utc(2000, 2, 29), end: utc(2000, 3, 1) }],
    ['2024-12-31', { start: utc(2024, 12, 31), end: utc(2025, 1, 1) }],
    ['2024-05-01T12:00Z', { start: utc(2024, 5, 1, 12), end: utc(2024, 5, 1, 12, 1) }],
    ['2024-05-01T12:00', { start: utc(2024, 5, 1, 12), end: utc(2024, 5, 1, 12, 1) }],
    ['2024-05-01t12:00z', { start: utc(2024, 5, 1, 12), end: utc(2024, 5, 1, 12, 1) }],
    ['2024-05-01 12:00', { start: utc(2024, 5, 1, 12), end: utc(2024, 5, 1, 12, 1) }],
    ['2024-05-01T12:34:56Z', { start: utc(2024, 5, 1, 12, 34, 56), end: utc(2024, 5, 1, 12, 34, 57) }],
    ['2024-05-01T12:34:56.789Z', { start: utc(2024, 5, 1, 12, 34, 56, 789), end: utc(2024, 5, 1, 12, 34, 56, 789) }],
    ['2024-05-01T12:34:56.7Z', { start: utc(2024, 5, 1, 12, 34, 56, 700), end: utc(2024, 5, 1, 12, 34, 56, 700) }],
    ['2024-05-01T12:34:56.123456Z', { start: utc(2024, 5, 1, 12, 34, 56, 123), end: utc(2024, 5, 1, 12, 34, 56, 123) }],
    ['2024-05-01T12:00+02:00', { start: utc(2024, 5, 1, 10), end: utc(2024, 5, 1, 10, 1) }],
    ['2024-05-01T12:00-0530', { start: utc(2024, 5, 1, 17, 30), end: utc(2024, 5, 1, 17, 31) }],
    ['2024-05-01T01:00:00+05', { start: utc(2024, 4, 30, 20), end: utc(2024, 4, 30, 20, 0, 1) }],
    ['2024-05-01T00:00:00.000+00:00', { start: utc(2024, 5, 1), end: utc(2024, 5, 1) }],
    ['0001-01-01', { start: Date.parse('0001-01-01T00:00:00Z'), end: Date.parse('0001-01-02T00:00:00Z') }],
    ['+010000-01-01', { start: Date.parse('+010000-01-01T00:00:00Z'), end: Date.parse('+010000-01-02T00:00:00Z') }],
    ['-000001-06-15T00:00:00.000Z', { start: Date.parse('-000001-06-15T00:00:00.000Z'), end: Date.parse('-000001-06-15T00:00:00.000Z') }],
    ['now', { start: NOW, end: NOW }],
    ['NOW', { start: NOW, end: NOW }],
    ['-30s', { start: NOW - 30_000, end: NOW - 30_000 }],
    ['-15m', { start: NOW - 15 * 60_000, end: NOW - 15 * 60_000 }],
    ['-24h', { start: NOW - 24 * H, end: NOW - 24 * H }],
    ['-7d', { start: NOW - 7 * D, end: NOW - 7 * D }],
    ['-2w', { start: NOW - 14 * D, end: NOW - 14 * D }],
    ['-0h', { start: NOW, end: NOW }],
    // invalid
    ['', undefined],
    ['2024', undefined],
    ['2024-13-01', undefined],
    ['2024-00-01', undefined],
    ['2024-05-32', undefined],
    ['2023-02-29', undefined],
    ['1900-02-29', undefined],
    ['2024-04-31', undefined],
    ['2024-5-1', undefined],
    ['2024-05-01T24:00Z', undefined],
    ['2024-05-01T12:60Z', undefined],
    ['2024-05-01T12:00:60Z', undefined],
    ['2024-05-01T12Z', undefined],
    ['2024-05-01T12:00+24:00', undefined],
    ['2024-05-01T12:00+02:60', undefined],
    ['2024-05-01Z', undefined],
    [' 2024-05-01', undefined],
    ['yesterday', undefined],
    ['-5y', undefined],
    ['-5M', undefined],
    ['5h', undefined],
    ['+5h', undefined],
    ['-1.5h', undefined],
    ['-999999999999999w', undefined],
    ['+999999-01-01', undefined],
  ];
  for (const [value, expected] of T) {
    it(`${JSON.stringify(value)} → ${expected ? `[${new Date(expected.start).toISOString()}, +${expected.end - expected.start}ms)` : 'invalid'}`, () => {
      assert.deepStrictEqual(parseTimeValue(value, NOW), expected);
    });
  }

  it('agrees with Date.parse on full ISO date-times', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        const iso = new Date(ms).toISOString();
        assert.deepStrictEqual(parseTimeValue(iso, NOW), { start: ms, end: ms });
        const day = iso.slice(0, iso.indexOf('T'));
        const r = parseTimeValue(day, NOW);
        assert.ok(r && r.start <= ms && ms < r.end && r.end - r.start === D, day);
      }),
    );
  });
});

describe('query: formatQuery and describeQueryError', () => {
  it('prints readable queries', () => {
    const cases: Array<[string, string]> = [
      ['', ''],
      ['eventName:Delete*  -userIdentity.type:AWSService', 'eventName:Delete* -userIdentity.type:AWSService'],
      ['a b OR c d', 'a b OR c d'],
      ['(a b) OR c', '(a b) OR c'],
      ['-(a OR b)', '-(a OR b)'],
      ['time:2024-05-01', 'time:>=2024-05-01 time:<2024-05-02'],
      ['time:>2024-05-01T12:00Z', 'time:>2024-05-01T12:00Z'],
      ['time:<=2024-05-01T12:00:05.250Z', 'time:<=2024-05-01T12:00:05.250Z'],
      ['time:>-24h', 'time:>2024-05-09'],
      ['eventName:"a\\"b"', 'eventName:"a\\"b"'],
      ['f:\\>5', 'f:\\>5'],
      ['x:-0', 'x:-0'],
      ['x:>-0', 'x:>-0'],
      ['"OR"', '"OR"'],
      ['\\-a', '"-a"'],
    ];
    for (const [query, printed] of cases) {
      let ast: QueryNode;
      try {
        ast = parseQuery(query, NOW);
      } catch {
        continue; // '"access denied" OR' is invalid on purpose: skip
      }
      assert.equal(formatQuery(ast), printed, query);
    }
    assert.equal(formatQuery(and(all(), text('a'))), 'a');
  });

  it('refuses ASTs the language cannot express', () => {
    assert.throws(() => formatQuery(glob('time', 'x')));
    assert.throws(() => formatQuery(cmp('a', '>', NaN)));
    assert.throws(() => formatQuery(text('')));
    assert.throws(() => formatQuery(not(all())));
    assert.throws(() => formatQuery(glob('a b', 'x')));
  });

  it('draws a caret line under the offending token', () => {
    const q = 'eventName:Delete* region:"eu-west';
    const err = errorOf(q);
    assert.equal(
      describeQueryError(q, err),
      ['Unclosed quote: add a closing " (column 26)', '  eventName:Delete* region:"eu-west', '                           ^^^^^^^^'].join('\n'),
    );
  });

  it('keeps the caret aligned when the query has tabs and newlines, and windows long queries', () => {
    const q = 'a\tb\n)';
    const lines = describeQueryError(q, errorOf(q)).split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[1], '  a b )');
    assert.equal(lines[2], '      ^');

    const long = 'x '.repeat(500) + 'eventName: ' + 'y '.repeat(500);
    const out = describeQueryError(long, errorOf(long)).split('\n');
    assert.equal(out.length, 3);
    assert.ok(out[1].length < 110);
    const caret = out[2].indexOf('^');
    assert.equal(out[1].slice(caret, caret + 'eventName:'.length), 'eventName:');
    assert.match(out[2], /\^{10}$/);
  });

  it('shows one caret for an empty span at the end', () => {
    const err = new QueryError('x', { start: 3, end: 3 }, '');
    assert.equal(describeQueryError('abc', err), 'x\n  abc\n     ^');
  });
});

// ---- properties ---------------------------------------------------------------------------------

function assertQueryError(query: string): QueryNode | undefined {
  try {
    return parseQuery(query, NOW);
  } catch (e) {
    if (!(e instanceof QueryError)) throw new Error(`threw ${String(e)} for ${JSON.stringify(query)}`, { cause: e });
    assert.doesNotMatch(e.message, /^Internal error/, query);
    assert.ok(0 <= e.span.start && e.span.start <= e.span.end && e.span.end <= query.length, `${JSON.stringify(e.span)} in ${JSON.stringify(query)}`);
    assert.equal(e.token, query.slice(e.span.start, e.span.end));
    describeQueryError(query, e);
    return undefined;
  }
}

/** Token soup close to the grammar, so the parser's corners get exercised and not just "text". */
const TOKENS = [
  ' ', ' ', ' ', '\t', '\n', '(', ')', '"', '\\', '-', ':', '*', '?', '>', '<', '=', '>=', '<=', 'OR', 'AND', 'NOT', 'or',
  'a', 'b', 'x.y', 'eventName', 'time', 'eventTime', 'errorCode', '2024-05-01', '2024-05-01T12:00Z', '-24h', 'now', '1.5',
  '1e3', 'é', '😀', '\u00a0', '@', '$', '.', '/',
];
const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }).map((parts) => parts.join(''));
/** Whole terms joined by whitespace, operators and parentheses: reaches fields, times and numbers. */
const termSoup = fc
  .array(
    fc.oneof(
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.constantFrom('eventName', 'a.b', '@v', 'x'), fc.constantFrom('Get*', '*', 'f(x)', 'a\\ b', '"x"', '-0', '\\>'))
          .map(([f, v]) => `${f}:${v}`),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(
            fc.constantFrom('time', 'EventTime'),
            fc.constantFrom(':', ':>', ':<', ':>=', ':<='),
            fc.constantFrom('2024-05-01', '2024-05', '2024-05-01T12:00:05.5+01:00', '2024-05-01T12:00', '-24h', 'now', '"2024-05-01 12:00"'),
          )
          .map((p) => p.join('')),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom('n', 'x.y'), fc.constantFrom(':>', ':<', ':>=', ':<='), fc.constantFrom('1.5', '-0', '1e3', '"7"'))
          .map((p) => p.join('')),
      },
      { weight: 3, arbitrary: fc.constantFrom('(', ')', 'OR', 'OR', 'AND', 'NOT', '-', '-(', '"a b"', 'word', 'w\\*') },
      { weight: 1, arbitrary: fc.constantFrom('n:>x', 'time:', 'eventName:', 'time:2024-13-01', 'a"b', '-"', '')  },
    ),
    { minLength: 1, maxLength: 8 },
  )
  .chain((terms) => fc.tuple(...terms.map((t) => fc.constantFrom(' ', ' ', ' ', ' ', '', '\t').map((sep) => t + sep))))
  .map((parts) => parts.join(''));
const anyText = fc.oneof(soup, termSoup, termSoup, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }));

const fieldName = fc
  .stringMatching(/^[A-Za-z_@$][A-Za-z0-9_@$-]{0,6}(\.[A-Za-z0-9_@$-]{1,6}){0,2}$/)
  .filter((f) => f.toLowerCase() !== 'time' && f.toLowerCase() !== 'eventtime');
const anyString = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('OR', 'NOT', '-x', '(', ')', '"', '\\', '*', ':', ' '));
const globSource = fc
  .array(fc.oneof(fc.constant('*'), fc.constant('?'), anyString.map(escapeGlob)), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join(''))
  .filter((s) => s !== '' && s !== '*');
const leaf: fc.Arbitrary<QueryNode> = fc.oneof(
  fc.tuple(fieldName, globSource).map(([f, s]) => glob(f, s)),
  fc.tuple(fieldName, anyString).map(([f, v]) => exact(f, v)),
  fieldName.map(exists),
  fc.constantFrom('time', 'eventTime').map(exists),
  fc
    .tuple(fieldName, fc.constantFrom<Comparison>('>', '<', '>=', '<='), fc.double({ noNaN: true, noDefaultInfinity: true }))
    .map(([f, op, v]) => cmp(f, op, v)),
  fc
    .tuple(fc.constantFrom<Comparison>('>', '<', '>=', '<='), fc.oneof(fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.integer({ min: 0, max: 100_000 }).map((d) => d * D)))
    .map(([op, ms]) => time(op, ms)),
  anyString.filter((s) => s !== '').map(text),
);
const tree = fc.letrec<{ node: QueryNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    tie('node').map(not),
    fc.array(tie('node'), { minLength: 2, maxLength: 4 }).map((c) => and(...c)),
    fc.array(tie('node'), { minLength: 2, maxLength: 4 }).map((c) => or(...c)),
  ),
})).node;

describe('query: properties', () => {
  it('any text either parses or throws a QueryError with a span inside the text', () => {
    fc.assert(
      fc.property(anyText, (q) => {
        assertQueryError(q);
      }),
      { numRuns: 3000 },
    );
  });

  it('whatever parses prints back to the same AST', () => {
    fc.assert(
      fc.property(anyText, (q) => {
        const ast = assertQueryError(q);
        if (ast === undefined) return;
        const printed = formatQuery(ast);
        assert.deepStrictEqual(strip(parseQuery(printed, NOW)), strip(ast), `${JSON.stringify(q)} printed as ${JSON.stringify(printed)}`);
      }),
      { numRuns: 3000 },
    );
  });

  it('parseQuery(formatQuery(ast)) equals the AST modulo spans and flattening', () => {
    fc.assert(
      fc.property(tree, (ast) => {
        const printed = formatQuery(ast);
        let back: QueryNode;
        try {
          back = parseQuery(printed, NOW);
        } catch (e) {
          throw new Error(`${printed}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
        assert.deepStrictEqual(strip(back), strip(normalize(ast)), printed);
      }),
      { numRuns: 2000 },
    );
  });
});
