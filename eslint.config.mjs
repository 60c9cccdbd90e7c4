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
 * User-visible text in src/vscode goes through vscode.l10n.t (issue 18), so a translation needs no
 * code change. Reported: a string or template literal with words in it (or one built with `+`, `?:`,
 * `??`, `||`) where VS Code shows it to a person: the message and buttons of a notification
 * (showInfo/showWarning/showError here, window.show*Message), the title, prompt, placeholder and
 * labels of quick picks, input boxes, progress and file dialogs, the items of a quick pick, an
 * input box's validation message, a webview panel's or tree item's label, and what is assigned to a
 * tree item's or status bar item's label, description, tooltip, text or name. Data (a path, an ARN,
 * `s3://bucket`) has no words once URL schemes and codicons (`$(name)`) are taken out.
 */
const SHOWN_CALLS = new Set(['showInfo', 'showWarning', 'showError', 'showInformationMessage', 'showWarningMessage', 'showErrorMessage']);
const OPTION_CALLS = new Set(['showQuickPick', 'createQuickPick', 'showInputBox', 'createInputBox', 'withProgress', 'showOpenDialog', 'showSaveDialog', 'createWebviewPanel']);
const SHOWN_PROPS = new Set(['title', 'prompt', 'placeHolder', 'placeholder', 'openLabel', 'saveLabel', 'label', 'description', 'detail', 'tooltip', 'message']);
const ASSIGNED_PROPS = new Set(['label', 'description', 'tooltip', 'text', 'name', 'title']);
const hasWords = (text) => /\p{L}{2,}/u.test(text.replace(/\$\([\w~-]+\)/g, '').replace(/\b[a-z][a-z0-9+.-]*:\/\//gi, ''));
const l10nStrings = {
  meta: {
    type: 'problem',
    schema: [],
    messages: { literal: 'user-visible text "{{text}}" bypasses vscode.l10n.t: write vscode.l10n.t(\'…{0}…\', value) so a translation needs no code change' },
  },
  create(context) {
    /** Reports every literal with words that `node` evaluates to (through +, ?:, ??, ||, arrays and shown object properties). */
    function check(node) {
      if (!node) return;
      switch (node.type) {
        case 'Literal':
          if (typeof node.value === 'string' && hasWords(node.value)) context.report({ node, messageId: 'literal', data: { text: node.value.slice(0, 60) } });
          return;
        case 'TemplateLiteral': {
          const text = node.quasis.map((q) => q.value.cooked ?? '').join('');
          if (hasWords(text)) context.report({ node, messageId: 'literal', data: { text: text.slice(0, 60) } });
          for (const e of node.expressions) check(e);
          return;
        }
        case 'BinaryExpression':
          if (node.operator === '+') {
            check(node.left);
            check(node.right);
          }
          return;
        case 'LogicalExpression':
          check(node.left);
          check(node.right);
          return;
        case 'ConditionalExpression':
          check(node.consequent);
          check(node.alternate);
          return;
        case 'ArrayExpression':
          node.elements.forEach(check);
          return;
        case 'ObjectExpression':
          for (const p of node.properties) {
            if (p.type !== 'Property' || p.computed || p.key.type !== 'Identifier') continue;
            if (SHOWN_PROPS.has(p.key.name)) check(p.value);
            else if (p.key.name === 'validateInput') checkReturns(p.value);
          }
          return;
        case 'TSAsExpression':
        case 'TSSatisfiesExpression':
        case 'TSNonNullExpression':
          check(node.expression);
          return;
        default:
          return;
      }
    }
    /** A function's returned values (validateInput's message). */
    function checkReturns(fn) {
      if (fn.type !== 'ArrowFunctionExpression' && fn.type !== 'FunctionExpression') return;
      if (fn.body.type !== 'BlockStatement') return check(fn.body);
      const walk = (n) => {
        if (!n || typeof n.type !== 'string') return;
        if (n.type === 'ReturnStatement') return check(n.argument);
        if (n.type.startsWith('Function') || n.type === 'ArrowFunctionExpression') return;
        for (const [k, v] of Object.entries(n)) {
          if (k === 'parent') continue;
          if (Array.isArray(v)) v.forEach(walk);
          else if (v && typeof v === 'object') walk(v);
        }
      };
      walk(fn.body);
    }
    const calleeName = (c) => (c.type === 'Identifier' ? c.name : c.type === 'MemberExpression' && !c.computed ? c.property.name : undefined);
    return {
      CallExpression(node) {
        const name = calleeName(node.callee);
        if (name === undefined) return;
        if (SHOWN_CALLS.has(name)) node.arguments.forEach(check);
        else if (OPTION_CALLS.has(name)) node.arguments.forEach((a) => (a.type === 'ObjectExpression' || a.type === 'ArrayExpression' ? check(a) : undefined));
        if (name === 'createWebviewPanel') check(node.arguments[1]);
        if (name === 'appendText' || name === 'appendMarkdown') check(node.arguments[0]);
      },
      NewExpression(node) {
        if (calleeName(node.callee) === 'TreeItem') check(node.arguments[0]);
      },
      AssignmentExpression(node) {
        const l = node.left;
        if (l.type === 'MemberExpression' && !l.computed && ASSIGNED_PROPS.has(l.property.name)) check(node.right);
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
    plugins: { local: { rules: { 'import-boundaries': importBoundaries, 'l10n-strings': l10nStrings } } },
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
    files: ['src/vscode/**/*.ts'],
    rules: { 'local/l10n-strings': 'error' },
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
