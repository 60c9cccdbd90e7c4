/**
 * Issue 12, pure parts of the panel's items (16, 20, 23–26): the one set of hidden characters
 * (shared by the CLI's table and the panel), the raw view's string runs, no hard-coded colours in
 * the webview, field suggestions, facet paging, timeline labels with dates.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { escapeHiddenChars, hasHiddenChars, hiddenCharName } from '../../src/core/invisible';
import { terminalSafe } from '../../src/core/formats';
import { loadWebview, projectRoot } from '../webview/support';

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
});
