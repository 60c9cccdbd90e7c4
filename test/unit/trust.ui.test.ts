/**
 * Issue 12, pure parts of the panel's items (16, 20, 23–26): the one set of hidden characters
 * (shared by the CLI's table and the panel), the raw view's string runs, no hard-coded colours in
 * the webview, field suggestions, facet paging, timeline labels with dates.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { escapeHiddenChars, hasHiddenChars, hiddenCharName } from '../../src/core/invisible';
import { terminalSafe } from '../../src/core/formats';
import { loadWebview, projectRoot } from '../webview/support';
import { compareFacetValues, facetPage, type FacetValue } from '../../src/core/facetPage';
import { EventStore } from '../../src/core/store';
import { readLogBuffer } from '../../src/providers/logFiles/fileReader';
import { PARAMS } from '../../src/session/protocolSchemas';
import { exportDialogOptions } from '../../src/session/exporter';
import { editDistance, missingFields, queryFields, suggestField } from '../../src/core/fieldSuggest';
import { FIELD_ALIASES, NORMALIZED_FIELDS } from '../../src/core/event';
import { parseQuery } from '../../src/core/query';

const ROOT = projectRoot();

describe('trust: the panel (issue 12)', () => {
  describe('item 16: hidden characters', () => {
    const required: number[] = [0x061c, 0xfeff, 0x7f];
    for (let c = 0x200b; c <= 0x200f; c++) required.push(c);
    for (let c = 0x202a; c <= 0x202e; c++) required.push(c);
    for (let c = 0x2060; c <= 0x2064; c++) required.push(c);
    for (let c = 0x2066; c <= 0x2069; c++) required.push(c);
    for (let c = 0; c < 0x20; c++) required.push(c);
    for (let c = 0x80; c <= 0x9f; c++) required.push(c);

    it('escapes every bidi control, zero-width and C0/C1 control character, and DEL', () => {
      for (const c of required) {
        const ch = String.fromCharCode(c);
        assert.ok(hasHiddenChars(`a${ch}b`), `U+${c.toString(16)}`);
        assert.equal(escapeHiddenChars(`a${ch}b`), `a\\u${c.toString(16).padStart(4, '0')}b`);
      }
      // Ordinary text, right-to-left letters included, stays as it is.
      for (const t of ['admin', 'arn:aws:iam::1:user/x', 'שלום', 'مرحبا', 'Zürich', '日本', '😀']) assert.equal(escapeHiddenChars(t), t);
      assert.equal(hiddenCharName('\u202e'), 'U+202E RIGHT-TO-LEFT OVERRIDE');
      assert.equal(hiddenCharName('\u0000'), 'U+0000 NULL');
    });

    it('is the same set the CLI table escapes (one definition)', () => {
      for (const c of required) {
        const ch = String.fromCharCode(c);
        assert.equal(terminalSafe(`x${ch}`), escapeHiddenChars(`x${ch}`), `U+${c.toString(16)}`);
      }
    });

    it('cuts raw JSON into string runs, bounded', () => {
      const { format } = loadWebview();
      const raw = '{"a":"x\\"y","b\u202e":[1,"z"]}';
      const runs = format.rawRuns(raw);
      assert.equal(runs.map((r) => r.text).join(''), raw);
      assert.deepEqual(
        runs.filter((r) => r.string).map((r) => r.text),
        ['"a"', '"x\\"y"', '"b\u202e"', '"z"'],
      );
      // An unterminated string runs to the end; past maxRuns the rest is one run.
      assert.deepEqual(format.rawRuns('{"a'), [{ text: '{', string: false }, { text: '"a', string: true }]);
      const many = '"x",'.repeat(1000);
      const capped = format.rawRuns(many, 10);
      assert.ok(capped.length <= 12, `${capped.length} runs`);
      assert.equal(capped.map((r) => r.text).join(''), many);
      assert.deepEqual(format.rawRuns('"a"', 10, 2), [{ text: '"a"', string: false }]);
    });
  });

  describe('item 20: themes', () => {
    it('has no hard-coded colours in the webview components: every colour is a theme variable', () => {
      const dir = path.join(ROOT, 'webview/components');
      const found: string[] = [];
      for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
        readFileSync(path.join(dir, f), 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (/#[0-9a-fA-F]{3,8}\b(?![-\w])|\brgba?\(|\bhsla?\(/.test(line) && /[:;(,]\s*(#|rgb|hsl)/.test(line)) found.push(`${f}:${i + 1}: ${line.trim()}`);
          });
      }
      assert.deepEqual(found, []);
    });
  });

  describe('item 23: facet pages', () => {
    const pairs: FacetValue[] = Array.from({ length: 5000 }, (_, i) => ({ value: `v${String(i).padStart(4, '0')}`, count: 1 + ((i * 7919) % 97) }));

    it('pages by count both ways, with the distinct count, like a full sort would', () => {
      for (const order of ['desc', 'asc'] as const) {
        const sorted = [...pairs].sort(compareFacetValues(order));
        for (const [offset, limit] of [[0, 10], [10, 50], [4990, 50], [123, 1]]) {
          const page = facetPage(pairs, { offset, limit, order });
          assert.equal(page.distinct, 5000);
          assert.equal(page.matched, 5000);
          assert.deepEqual(page.values, sorted.slice(offset, offset + limit), `${order} ${offset}+${limit}`);
        }
      }
      // Rarest first starts at the smallest count.
      assert.equal(facetPage(pairs, { offset: 0, limit: 1, order: 'asc' }).values[0].count, 1);
    });

    it('finds values containing a text, case-insensitively, and counts them', () => {
      const page = facetPage([{ value: 'Alice', count: 5 }, { value: 'bob', count: 9 }, { value: 'MALICE', count: 1 }], { offset: 0, limit: 10, order: 'desc', search: 'alic' });
      assert.deepEqual(page, { values: [{ value: 'Alice', count: 5 }, { value: 'MALICE', count: 1 }], distinct: 3, matched: 2 });
    });

    it('pages a store column over the matching events (the host side), and the protocol bounds a request', () => {
      const records = Array.from({ length: 60 }, (_, i) => ({
        eventVersion: '1.08',
        eventID: `e${i}`,
        eventTime: `2024-05-01T10:${String(i).padStart(2, '0')}:00Z`,
        eventSource: 's3.amazonaws.com',
        eventName: i < 40 ? 'GetObject' : `Rare${i}`,
        awsRegion: 'eu-west-1',
      }));
      const r = readLogBuffer('a.json', Buffer.from(JSON.stringify({ Records: records })), 'trust');
      assert.ok(r.batch);
      const store = new EventStore();
      store.appendBatch(r.batch);
      const view = store.query('');
      const summary = view.facetSummary(['action'], 10);
      assert.equal(summary.distinct.action, 21);
      assert.equal(summary.facets.action.length, 10);
      assert.deepEqual(summary.facets.action[0], { value: 'GetObject', count: 40 });
      const rare = view.facetPage('action', { offset: 0, limit: 3, order: 'asc' });
      assert.deepEqual(rare.values, [{ value: 'Rare40', count: 1 }, { value: 'Rare41', count: 1 }, { value: 'Rare42', count: 1 }]);
      assert.deepEqual(view.facetPage('action', { offset: 0, limit: 5, order: 'desc', search: 'rare5' }).values.map((v) => v.value), ['Rare50', 'Rare51', 'Rare52', 'Rare53', 'Rare54']);
      assert.equal(view.facetPage('action', { offset: 20, limit: 5, order: 'desc' }).values.length, 1);
      // The CLI still counts every distinct value.
      assert.equal(view.facets(['action'], Number.MAX_SAFE_INTEGER).action.length, 21);
      const ok = { queryId: 1, field: 'action', offset: 0, limit: 50, order: 'asc' };
      assert.equal(PARAMS.FacetRequest.safeParse(ok).success, true);
      assert.equal(PARAMS.FacetRequest.safeParse({ ...ok, limit: 100_000 }).success, false);
      assert.equal(PARAMS.FacetRequest.safeParse({ ...ok, offset: 1_000_000 }).success, false);
      assert.equal(PARAMS.FacetRequest.safeParse({ ...ok, order: 'random' }).success, false);
    });
  });

  describe('item 24: fields no event has', () => {
    const known = [...NORMALIZED_FIELDS, ...Object.keys(FIELD_ALIASES), 'userIdentity.userName', 'userIdentity.arn', 'requestParameters.bucketName', 'tlsDetails.tlsVersion'];

    it('measures edit distance with swaps', () => {
      assert.equal(editDistance('kitten', 'sitting'), 3);
      assert.equal(editDistance('acotr', 'actor'), 1);
      assert.equal(editDistance('', 'abc'), 3);
      assert.equal(editDistance('same', 'same'), 0);
    });

    it('suggests the closest known field', () => {
      assert.equal(suggestField('srcip', known), 'sourceIp');
      assert.equal(suggestField('sourceip2', known), 'sourceIp');
      assert.equal(suggestField('evntName', known), 'eventName');
      assert.equal(suggestField('bucketName', known), 'requestParameters.bucketName');
      assert.equal(suggestField('usrName', known), 'userIdentity.userName');
      assert.equal(suggestField('regoin', known), 'region');
      assert.equal(suggestField('zzzzzzzzzz', known), undefined);
      assert.equal(suggestField('x'.repeat(5000), known), undefined);
    });

    it('lists the fields a filter tests, and those no event has', () => {
      assert.deepEqual(queryFields(parseQuery('srcip:1.2.3.4 (action:Get* OR -x.y:*) "free text" time:>2024-01-01 n:>5')), ['srcip', 'action', 'x.y', 'n']);
      const r = readLogBuffer('a.json', Buffer.from(JSON.stringify({ Records: [{ eventVersion: '1.08', eventID: 'e1', eventTime: '2024-05-01T10:00:00Z', eventName: 'GetObject', sourceIPAddress: '1.2.3.4', requestParameters: { bucketName: 'b' } }] })), 'trust');
      assert.ok(r.batch);
      const store = new EventStore();
      store.appendBatch(r.batch);
      const present = (f: string) => store.hasField(f);
      assert.deepEqual(missingFields(parseQuery('srcip:1.2.3.4 requestParameters.bucketName:b error:* bucketname:x'), present, [...known]), [
        { field: 'srcip', suggestion: 'sourceIp' },
        { field: 'bucketname', suggestion: 'requestParameters.bucketName' },
      ]);
      assert.equal(store.hasField('requestParameters.bucketName'), true);
      assert.equal(store.hasField('requestParameters.nothing'), false);
      assert.equal(store.hasField('error'), true, 'normalized fields always count');
    });

    it('completes the field name at the caret', () => {
      const { format } = loadWebview();
      const fields = ['sourceIp', 'source', 'sourceIPAddress', 'region', 'requestParameters.bucketName'];
      assert.deepEqual(format.fieldCompletion('sourc', 5, fields), { start: 0, end: 5, options: ['sourceIp', 'source', 'sourceIPAddress'] });
      assert.deepEqual(format.fieldCompletion('action:x -reg', 13, fields), { start: 10, end: 13, options: ['region'] });
      assert.deepEqual(format.fieldCompletion('(buck', 5, fields), { start: 1, end: 5, options: ['requestParameters.bucketName'] });
      assert.equal(format.fieldCompletion('region:eu', 9, fields), undefined, 'a value, not a field');
      assert.equal(format.fieldCompletion('"sourc', 6, fields), undefined, 'a phrase');
      assert.equal(format.fieldCompletion('region', 6, fields), undefined, 'already whole');
      assert.equal(format.fieldCompletion('', 0, fields), undefined);
      const c = format.fieldCompletion('a -reg b', 6, fields);
      assert.ok(c);
      assert.deepEqual(format.acceptCompletion('a -reg b', c, 'region'), { text: 'a -region: b', caret: 10 });
      const d = format.fieldCompletion('reg:x', 2, fields);
      assert.ok(d);
      assert.deepEqual(format.acceptCompletion('reg:x', d, 'region'), { text: 'region:x', caret: 7 });
      assert.equal(format.replaceField('srcip:1 (SRCIP:2 OR -srcip:3) xsrcip:4 "srcip:5"', 'srcip', 'sourceIp'), 'sourceIp:1 (sourceIp:2 OR -sourceIp:3) xsrcip:4 "srcip:5"');
    });
  });

  describe('item 26: smaller things', () => {
    it('labels timeline ticks with the date at the first tick and at each new day, also zoomed in', () => {
      const { format } = loadWebview();
      const t = Date.UTC(2024, 4, 1, 22, 0, 0);
      const h = 3_600_000;
      // Zoomed to hours across midnight: the date is on the first tick and where the day changes.
      const ticks = [0, 1, 2, 3].map((i) => t + i * h);
      const labels = ticks.map((x, i) => format.tickLabel(x, h, i === 0 ? undefined : ticks[i - 1]));
      assert.deepEqual(labels, ['2024-05-01 22:00', '23:00', '2024-05-02', '01:00']);
      // Zoomed to seconds within one day: the first tick still says which day.
      const s0 = Date.UTC(2024, 4, 3, 12, 30, 0);
      assert.equal(format.tickLabel(s0, 10_000), '2024-05-03 12:30:00');
      assert.equal(format.tickLabel(s0 + 10_000, 10_000, s0), '12:30:10');
      // Minutes across midnight.
      assert.equal(format.tickLabel(Date.UTC(2024, 4, 4, 0, 5), 300_000, Date.UTC(2024, 4, 3, 23, 55)), '05-04 00:05');
      // Days: always the date.
      assert.equal(format.tickLabel(Date.UTC(2024, 4, 4), 86_400_000, Date.UTC(2024, 4, 3)), '2024-05-04');
    });

    it('gives the export dialog a title', () => {
      assert.deepEqual(exportDialogOptions('csv', 1234), { title: 'Export 1,234 Filtered Events as CSV', saveLabel: 'Export', filters: { CSV: ['csv'] } });
      assert.equal(exportDialogOptions('jsonl', 1).title, 'Export 1 Filtered Event as JSON Lines');
    });

    it('loads the extension bundle without reading `navigator` (VS Code logs "navigator is now a global" on every read)', function () {
      this.timeout(120_000);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const esbuild = require(path.join(ROOT, 'node_modules/esbuild')) as typeof import('esbuild');
      const dir = mkdtempSync(path.join(tmpdir(), 'ale-nav-'));
      const bundle = path.join(dir, 'extension.js');
      esbuild.buildSync({
        entryPoints: [path.join(ROOT, 'src/extension.ts')],
        outfile: bundle,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        external: ['vscode'],
        define: { __AUDIT_LOGS_TEST_HOOKS__: 'false' },
        logLevel: 'error',
      });
      // A child process: `navigator` as VS Code's extension host has it (a getter we count reads
      // of), and a stand-in for the vscode module with every name the bundle uses.
      const probe = path.join(dir, 'probe.js');
      writeFileSync(
        probe,
        `const Module = require('module');
const fs = require('fs');
const reads = [];
Object.defineProperty(globalThis, 'navigator', { get() { reads.push(new Error().stack.split('\\n').slice(2, 4).join(' | ')); return undefined; }, configurable: true });
const any = new Proxy(function () {}, { get: (t, k) => (k === 'then' ? undefined : any), construct: () => any, apply: () => any });
const file = process.argv[2];
const names = new Set([...fs.readFileSync(file, 'utf8').matchAll(/\\bvscode\\d*\\.([A-Za-z_$][\\w$]*)/g)].map((m) => m[1]));
const stub = Object.fromEntries([...names].map((n) => [n, any]));
const load = Module._load;
Module._load = function (req, ...rest) { return req === 'vscode' ? stub : load.call(this, req, ...rest); };
const ext = require(file);
// Parse a message the way the panel does, as the first thing a panel does.
const { z } = require(${JSON.stringify(path.join(ROOT, 'node_modules/zod'))});
z.object({ a: z.string() }).parse({ a: 'x' });
process.stdout.write(JSON.stringify({ reads, activate: typeof ext.activate }));
`,
      );
      const out = JSON.parse(execFileSync(process.execPath, [probe, bundle], { encoding: 'utf8' })) as { reads: string[]; activate: string };
      assert.equal(out.activate, 'function');
      assert.deepEqual(out.reads, []);
    });
  });
});
