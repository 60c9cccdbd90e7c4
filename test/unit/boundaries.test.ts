/**
 * The layers' import boundaries (eslint.config.mjs, rule local/import-boundaries), checked through
 * ESLint's own API on code placed, by its file path, inside each layer: every forbidden import is
 * reported and the allowed ones are not. The files need not exist; only their path picks the rules.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '../../..');
const RULE = 'local/import-boundaries';

/** [file the code pretends to be, an import statement] */
type Case = [string, string];

const forbidden: Case[] = [
  // core/ imports nothing above it, in any import form.
  ['src/core/fixture.ts', "import { providers } from '../providers/registry';"],
  ['src/core/fixture.ts', "import * as vscode from 'vscode';"],
  ['src/core/fixture.ts', "import type { QuerySpec } from '../protocol';"],
  ['src/core/fixture.ts', "export { PanelSession } from '../session/panelSession';"],
  ['src/core/fixture.ts', "export * from '../cli';"],
  ['src/core/fixture.ts', "const state = require('../../webview/state');"],
  ['src/core/fixture.ts', "type T = import('../providers/provider').ProviderId;"],
  ['src/core/fixture.ts', "async function f() { return import('../samples/generator'); }"],
  // the protocol module, in both bundles, imports nothing: no zod, node, vscode or host code.
  ['src/protocol/fixture.ts', "import { z } from 'zod';"],
  ['src/protocol/fixture.ts', "import * as vscode from 'vscode';"],
  ['src/protocol/fixture.ts', "import { Buffer } from 'node:buffer';"],
  ['src/protocol/fixture.ts', "import { FACET_PAGE_MAX } from '../core/facetPage';"],
  ['src/protocol/fixture.ts', "import { PARAMS } from '../session/protocolSchemas';"],
  ['src/protocol/fixture.ts', "import { SigmaError } from '../core/sigma/types';"],
  // providers/ never import the host UI, the session, the CLI or the webview.
  ['src/providers/exoscale/fixture.ts', "import { EventsPanel } from '../../vscode/panel';"],
  ['src/providers/exoscale/fixture.ts', "import * as vscode from 'vscode';"],
  ['src/providers/fixture.ts', "import { PanelSession } from '../session/panelSession';"],
  ['src/providers/exoscale/fixture.ts', "import { main } from '../../cli';"],
  ['src/providers/exoscale/fixture.ts', "import { AppState } from '../../../webview/state';"],
  // the CLI never imports the host UI.
  ['src/cli.ts', "import { notify } from './vscode/notify';"],
  ['src/cli.ts', "import * as vscode from 'vscode';"],
  ['src/cli.ts', "async function f() { return import('./vscode/panel'); }"],
  // the webview imports its own files and the allow-list, nothing else.
  ['webview/components/fixture.ts', "import { parseQuery } from '../../src/core/query';"],
  ['webview/components/fixture.ts', "import { SourceSet } from '../../src/session/sourceSet';"],
  ['webview/components/fixture.ts', "import { EventsPanel } from '../../src/vscode/panel';"],
  ['webview/components/fixture.ts', "import { PARAMS } from '../../src/session/protocolSchemas';"],
  ['webview/fixture.ts', "import { z } from 'zod';"],
  ['webview/fixture.ts', "import * as vscode from 'vscode';"],
  ['webview/fixture.ts', "import { readFileSync } from 'node:fs';"],
  ['webview/fixture.ts', "import { readFileSync } from 'fs';"],
  ['webview/fixture.ts', "import { loadWebview } from '../test/webview/support';"],
  ['webview/dev/fixture.ts', "import { EventStore } from '../../src/core/store';"],
];

const allowed: Case[] = [
  ['src/core/fixture.ts', "import { parseQuery } from './query';"],
  ['src/core/fixture.ts', "import { z } from 'zod';"],
  ['src/core/fixture.ts', "import { readFileSync } from 'node:fs';"],
  ['src/providers/exoscale/fixture.ts', "import { EventStore } from '../../core/store';"],
  ['src/providers/exoscale/fixture.ts', "import type { Provider } from '../provider';"],
  ['src/cli.ts', "import { providers } from './providers/registry';"],
  ['src/cli.ts', "import { EventStore } from './core/store';"],
  ['webview/components/fixture.ts', "import { AppState } from '../state';"],
  ['webview/components/fixture.ts', "import { LitElement } from 'lit';"],
  // The documented allow-list (WEBVIEW_MAY_IMPORT in eslint.config.mjs), spelled from two depths.
  ['webview/components/fixture.ts', "import { escapeHiddenChars } from '../../src/core/invisible';"],
  ['webview/components/fixture.ts', "import { summaryParts } from '../../src/session/loadSummary';"],
  ['webview/fixture.ts', "import type { QuerySpec } from '../src/protocol';"],
  ['webview/components/fixture.ts', "import { LIMITS } from '../../src/protocol';"],
  ['src/protocol/fixture.ts', "import type { Other } from './other';"],
  // The one list of Sigma levels (src/core/sigma/levels.ts imports nothing).
  ['src/protocol/fixture.ts', "import { LEVELS } from '../core/sigma/levels';"],
  // The dev harness's extra core modules.
  ['webview/dev/fixture.ts', "import { parseQuery } from '../../src/core/query';"],
  ['webview/dev/fixture.ts', "import { facetPage } from '../../src/core/facetPage';"],
  ['webview/dev/fixture.ts', "import { missingFields } from '../../src/core/fieldSuggest';"],
];

describe('lint: import boundaries between the layers', () => {
  let eslint: ESLint;
  before(() => {
    eslint = new ESLint({ cwd: ROOT });
  });

  async function boundaryReports([file, code]: Case): Promise<string[]> {
    const [result] = await eslint.lintText(`${code}\n`, { filePath: path.join(ROOT, file) });
    assert.ok(result, 'ESLint returned no result');
    const fatal = result.messages.filter((m) => m.fatal);
    assert.deepEqual(fatal, [], `${file}: ${code} did not parse`);
    return result.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
  }

  for (const c of forbidden) {
    it(`reports in ${c[0]}: ${c[1]}`, async () => {
      const reports = await boundaryReports(c);
      assert.equal(reports.length, 1, `expected one ${RULE} report, got ${JSON.stringify(reports)}`);
    });
  }

  for (const c of allowed) {
    it(`allows in ${c[0]}: ${c[1]}`, async () => {
      assert.deepEqual(await boundaryReports(c), []);
    });
  }

  /** The host modules that the .ts files under `dir` import today (repository paths, no extension). */
  function hostImports(dir: string, skip?: string): string[] {
    const found = new Set<string>();
    for (const entry of readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      const file = path.join(ROOT, dir, entry);
      if (!file.endsWith('.ts') || (skip && file.startsWith(path.join(ROOT, skip) + path.sep))) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/\b(?:from|import)\s*\(?\s*'(\.[^']*)'/g)) {
        const at = path.relative(ROOT, path.resolve(path.dirname(file), m[1]!)).split(path.sep).join('/');
        if (!at.startsWith('webview/')) found.add(at.replace(/\.(ts|js)$/, ''));
      }
    }
    return [...found].sort();
  }

  async function allowList(file: string): Promise<string[]> {
    const config = (await eslint.calculateConfigForFile(path.join(ROOT, file))) as { rules: Record<string, [unknown, { only?: string[] }]> };
    return (config.rules[RULE]?.[1].only ?? []).filter((p) => p !== 'webview').sort();
  }

  it('the webview allow-lists name exactly what the webview and its dev harness import from the host today', async () => {
    // A stale entry would quietly widen the boundary; a missing one would fail `eslint .` anyway.
    assert.deepEqual(await allowList('webview/components/fixture.ts'), hostImports('webview', 'webview/dev'));
    assert.deepEqual(await allowList('webview/dev/fixture.ts'), [...new Set([...hostImports('webview', 'webview/dev'), ...hostImports('webview/dev')])].sort());
  });
});
