/**
 * Issue 18: the committed translation bundles are what `npm run l10n` makes from the sources today.
 * l10n/bundle.l10n.json (every string passed to vscode.l10n.t in src/vscode and to @vscode/l10n's
 * t in the session, providers and webview, as @vscode/l10n-dev exports them) fails this test when
 * someone adds or changes a string and does not regenerate it; l10n/bundle.l10n.qps-ploc.json is the
 * pseudo-locale of exactly that bundle. A call the exporter cannot read (a first argument that is
 * not a literal) would be missing from every translation, so it fails here too.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { getL10nJson, getL10nPseudoLocalized } from '@vscode/l10n-dev';

const ROOT = path.resolve(__dirname, '../../..');
/** The folders `npm run l10n` exports from (package.json). */
const SOURCES = ['src', 'webview'];

function sourceFiles(): Array<{ file: string; contents: string }> {
  return SOURCES.flatMap((dir) =>
    readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
      .sort()
      .map((f) => ({ file: path.join(dir, f), contents: readFileSync(path.join(ROOT, dir, f), 'utf8') })),
  );
}

function committed(name: string): Record<string, string> {
  return JSON.parse(readFileSync(path.join(ROOT, 'l10n', name), 'utf8')) as Record<string, string>;
}

describe('l10n: the committed bundles match the sources (issue 18)', function () {
  this.timeout(120_000);
  const files = sourceFiles();

  it('l10n/bundle.l10n.json holds exactly the strings the sources translate (run `npm run l10n` after changing one)', async () => {
    const exported = await getL10nJson(files.map((f) => ({ extension: path.extname(f.file), contents: f.contents })));
    const bundle = committed('bundle.l10n.json');
    const missing = Object.keys(exported).filter((k) => !(k in bundle));
    const stale = Object.keys(bundle).filter((k) => !(k in exported));
    assert.deepEqual(missing, [], 'strings in the sources that the committed bundle lacks');
    assert.deepEqual(stale, [], 'strings in the committed bundle that no source uses any more');
    assert.deepEqual(bundle, exported);
    // The extension's own words are there: a notification, a session message, the webview's.
    for (const k of ['Audit Logs: select an event in the panel first.', 'Audit Logs: {0} problems while reading; everything readable was loaded.', 'Export Matching Events…']) assert.ok(k in bundle, k);
  });

  it('l10n/bundle.l10n.qps-ploc.json is the pseudo-locale of that bundle', () => {
    assert.deepEqual(committed('bundle.l10n.qps-ploc.json'), getL10nPseudoLocalized(committed('bundle.l10n.json')));
  });

  it('every l10n.t call has a literal first argument, in a file whose import the exporter reads', async () => {
    const unreadable: string[] = [];
    const unseen: string[] = [];
    for (const f of files) {
      const calls = [...f.contents.matchAll(/\bl10n\.t\(\s*(\S)/g)];
      if (calls.length === 0) continue;
      for (const m of calls) if (!/['"]/.test(m[1]!)) unreadable.push(`${f.file}: l10n.t(${m[1]}…`);
      const found = await getL10nJson([{ extension: path.extname(f.file), contents: f.contents }]);
      if (Object.keys(found).length === 0) unseen.push(f.file);
    }
    assert.deepEqual(unreadable, [], 'l10n.t calls whose text the exporter cannot read');
    assert.deepEqual(unseen, [], 'files whose l10n.t calls the exporter does not see (import * as vscode from "vscode" or * as l10n from "@vscode/l10n")');
  });
});
