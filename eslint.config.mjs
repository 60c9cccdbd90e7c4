// @ts-check
import { isBuiltin } from 'node:module';
import path from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ROOT = import.meta.dirname;

/** Where an import lands as a repository path without extension ('src/core/query'); undefined for a package. */
function landsAt(filename, source) {
  if (!source.startsWith('.')) return undefined;
  const rel = path.relative(ROOT, path.resolve(path.dirname(filename), source));
  return rel.split(path.sep).join('/').replace(/\.(ts|js|mjs|cjs)$/, '');
}
const under = (p, dir) => p === dir || p.startsWith(`${dir}/`);
const pkgName = (source) => source.split('/').slice(0, source.startsWith('@') ? 2 : 1).join('/');

/**
 * The layers' import boundaries, checked on the resolved path (not the import's spelling, which
 * depends on how deep the importing file sits). Options, all optional:
 *   forbid:   folders or files (repository paths, no extension) this file may not import
 *   only:     if set, every relative import must land under one of these folders or files
 *   modules:  packages this file may not import ('vscode')
 *   builtins: true forbids node's built-in modules
 *   why:      the sentence shown with every report
 * Every import form counts: import/export from, import type, import(), require(), import x = require().
 */
const importBoundaries = {
  meta: {
    type: 'problem',
    schema: [{
      type: 'object',
      additionalProperties: false,
      properties: {
        forbid: { type: 'array', items: { type: 'string' } },
        only: { type: 'array', items: { type: 'string' } },
        modules: { type: 'array', items: { type: 'string' } },
        builtins: { type: 'boolean' },
        why: { type: 'string' },
      },
    }],
    messages: { forbidden: "'{{source}}' is outside this layer's boundary: {{why}}" },
  },
  create(context) {
    const { forbid = [], only, modules = [], builtins = false, why = 'see eslint.config.mjs' } = context.options[0] ?? {};
    function check(node) {
      if (!node || typeof node.value !== 'string') return;
      const source = node.value;
      const at = landsAt(context.filename, source);
      const bad = at === undefined
        ? modules.includes(pkgName(source)) || (builtins && isBuiltin(source))
        : forbid.some((f) => under(at, f)) || (only !== undefined && !only.some((o) => under(at, o)));
      if (bad) context.report({ node, messageId: 'forbidden', data: { source, why } });
    }
    return {
      ImportDeclaration: (n) => check(n.source),
      ExportNamedDeclaration: (n) => check(n.source),
      ExportAllDeclaration: (n) => check(n.source),
      ImportExpression: (n) => check(n.source),
      TSImportEqualsDeclaration: (n) => check(n.moduleReference?.expression),
      TSImportType: (n) => check(n.source ?? n.argument?.literal),
      CallExpression: (n) => {
        if (n.callee.type === 'Identifier' && n.callee.name === 'require') check(n.arguments[0]);
      },
    };
  },
};

/**
 * What the webview may take from the host's folders today, file by file.
 *   src/protocol             the one protocol module: message types, method objects, limits
 *   src/session/loadSummary  the summary line's wording (ae-app.ts), shared with the host's session
 *   src/core/invisible       the hidden-character escapes (components/shared.ts), shared with the CLI
 */
const WEBVIEW_MAY_IMPORT = ['webview', 'src/protocol', 'src/session/loadSummary', 'src/core/invisible'];
/**
 * The dev harness (webview/dev) answers through the real panel session over a real store
 * (sessionHarness.ts: the session, its io and host ports, the batch builder, the provider and load
 * report types; zodSetup.ts keeps zod from `eval`, which the panel's CSP blocks). Its synthetic
 * host for the million-row test (fakeHost.ts) uses the real query code.
 */
const DEV_HARNESS_MAY_IMPORT = [
  ...WEBVIEW_MAY_IMPORT,
  'src/zodSetup', 'src/session/panelSession', 'src/session/io', 'src/session/ports',
  'src/core/eventBatch', 'src/providers/provider', 'src/providers/logFiles/files',
  'src/core/query', 'src/core/facetPage', 'src/core/fieldSuggest',
];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'samples/**', 'test-results/**', '.vscode-test/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  // Layers: vscode/ -> session/ -> providers/ -> core/; cli.ts beside vscode/; webview/ in the browser.
  {
    files: ['**/*.ts'],
    plugins: { local: { rules: { 'import-boundaries': importBoundaries } } },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'local/import-boundaries': ['error', {
        only: ['src/core'], modules: ['vscode'],
        why: 'core/ is the bottom layer: it imports only core/ and packages, never vscode',
      }],
    },
  },
  {
    files: ['src/protocol/**/*.ts'],
    rules: {
      'local/import-boundaries': ['error', {
        only: ['src/protocol', 'src/core/sigma/levels'], modules: ['vscode', 'zod'], builtins: true,
        why: 'the protocol module goes into both bundles: it imports nothing but itself and the Sigma level list (no zod, node or vscode; the host\'s schemas are in src/session/protocolSchemas.ts)',
      }],
    },
  },
  {
    files: ['src/providers/**/*.ts'],
    rules: {
      'local/import-boundaries': ['error', {
        forbid: ['src/vscode', 'src/session', 'src/cli', 'src/extension', 'webview'], modules: ['vscode'],
        why: 'providers/ run under the CLI and the session too: no host UI (src/vscode, vscode), session, CLI or webview',
      }],
    },
  },
  {
    files: ['src/session/**/*.ts'],
    rules: {
      'local/import-boundaries': ['error', {
        forbid: ['src/vscode', 'src/cli', 'src/extension', 'webview', 'src/session/nodeIo', 'src/session/exporter'], modules: ['vscode'], builtins: true,
        why: 'the panel session runs without VS Code, under node and in a browser (the dev harness): no node module; reading and writing come in through session/io.ts',
      }],
    },
  },
  {
    // What the session reads and writes with under node, given to it by the host, the CLI and the tests.
    files: ['src/session/nodeIo.ts', 'src/session/exporter.ts'],
    rules: {
      'local/import-boundaries': ['error', {
        forbid: ['src/vscode', 'src/cli', 'src/extension', 'webview'], modules: ['vscode'],
        why: 'the session\'s node I/O runs without VS Code',
      }],
    },
  },
  {
    files: ['src/cli.ts'],
    rules: {
      'local/import-boundaries': ['error', {
        forbid: ['src/vscode', 'src/extension', 'webview'], modules: ['vscode'],
        why: 'the CLI runs without VS Code: no host UI (src/vscode) and no vscode module',
      }],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'local/import-boundaries': ['error', {
        only: WEBVIEW_MAY_IMPORT, modules: ['vscode', 'zod'], builtins: true,
        why: `the webview runs in a browser: it imports its own files and only ${WEBVIEW_MAY_IMPORT.slice(1).join(', ')} from the host`,
      }],
    },
  },
  {
    files: ['webview/dev/**/*.ts'],
    rules: {
      'local/import-boundaries': ['error', {
        only: DEV_HARNESS_MAY_IMPORT, modules: ['vscode', 'zod'], builtins: true,
        why: `the dev harness runs in a browser: it imports webview/ and only ${DEV_HARNESS_MAY_IMPORT.slice(1).join(', ')} from the host`,
      }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', require: 'readonly', module: 'writable' } },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
