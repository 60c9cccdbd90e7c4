import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { PROVIDERS } from '../../src/providers/registry';
import { PANEL_COMMANDS } from '../../src/protocol';
import { SOURCES_VIEW, SOURCES_WELCOME_KEY, sourcesWelcome, withSourcesWelcome } from '../../src/vscode/welcomeText';

const root = path.resolve(__dirname, '../../..');

// The parts of the manifest VS Code reads before it will activate an extension.
const Manifest = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  publisher: z.string().min(1),
  version: z.string().regex(/^\d+\.\d+\.\d+/),
  engines: z.object({ vscode: z.string().regex(/^\^\d+\.\d+\.\d+$/) }),
  main: z.string(),
  activationEvents: z.array(z.string()),
  bin: z.record(z.string(), z.string()),
});

describe('extension manifest', () => {
  const pkg = Manifest.parse(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')));

  it('points at bundles the build produces', () => {
    assert.ok(existsSync(path.join(root, pkg.main)), `${pkg.main} is built`);
    for (const bin of Object.values(pkg.bin)) {
      assert.ok(existsSync(path.join(root, bin)), `${bin} is built`);
      assert.match(readFileSync(path.join(root, bin), 'utf8').slice(0, 30), /^#!\/usr\/bin\/env node/);
    }
    assert.ok(existsSync(path.join(root, 'dist/cloudtrailWorker.js')), 'the loader worker is built beside the bundles');
  });

  it('requires @types/vscode no newer than the engine it declares', () => {
    const types = JSON.parse(readFileSync(path.join(root, 'node_modules/@types/vscode/package.json'), 'utf8')) as { version: string };
    const [maj, min] = types.version.split('.').map(Number);
    const [emaj, emin] = pkg.engines.vscode.slice(1).split('.').map(Number);
    assert.ok(maj < emaj || (maj === emaj && min <= emin), `@types/vscode ${types.version} vs engine ${pkg.engines.vscode}`);
  });

  it('declares every command it uses in menus, keybindings, welcome buttons and walkthrough links, and the bundle registers each one', () => {
    const raw = readManifest();
    const nls = readNls();
    const declared = new Set(raw.contributes.commands.map((c) => c.command));
    for (const c of raw.contributes.commands) assert.equal(nls[nlsKey(c.category)], 'Audit Logs', c.command);
    const links = (text: string) => [...resolve(text, nls).matchAll(/command:([\w.]+)/g)].map((m) => m[1]);
    const used = [
      ...Object.values(raw.contributes.menus).flat().map((m) => m.command),
      ...raw.contributes.keybindings.map((k) => k.command),
      ...raw.contributes.viewsWelcome.flatMap((w) => links(w.contents)),
      ...raw.contributes.walkthroughs.flatMap((w) => w.steps.flatMap((st) => links(st.description))),
      ...raw.contributes.walkthroughs.flatMap((w) => w.steps.flatMap((st) => st.completionEvents.filter((e) => e.startsWith('onCommand:')).map((e) => e.slice('onCommand:'.length)))),
    ];
    assert.ok(used.length > 40, `${used.length} uses`);
    for (const c of used) assert.ok(declared.has(c), `${c} is used but not declared`);
    const bundle = readFileSync(path.join(root, pkg.main), 'utf8');
    for (const c of declared) assert.ok(bundle.includes(`"${c}"`) || bundle.includes(`'${c}'`), `${c} is declared but the bundle never registers it`);
  });

  it('shows the welcome text the provider descriptors produce (npm run manifest writes it into package.nls.json)', () => {
    const raw = readManifest();
    assert.equal(raw.contributes.viewsWelcome.find((w) => w.view === SOURCES_VIEW)?.contents, `%${SOURCES_WELCOME_KEY}%`);
    const text = readFileSync(path.join(root, 'package.nls.json'), 'utf8');
    const nls = JSON.parse(text) as Record<string, string>;
    const shown = nls[SOURCES_WELCOME_KEY];
    assert.equal(shown, sourcesWelcome(PROVIDERS), 'package.nls.json differs from the descriptors: run npm run manifest');
    for (const d of PROVIDERS) assert.ok(shown.includes(d.displayName), `${d.displayName} is named`);
    // The script changes nothing else: the whole file is what it would write.
    assert.equal(`${JSON.stringify(withSourcesWelcome(nls, PROVIDERS), null, 2)}\n`, text);
  });

  it('names a provider added to the list in the welcome text (so the check above can fail)', () => {
    const sixth = { ...PROVIDERS[0], id: 'sixth', displayName: 'Sixth Audit API' };
    const text = sourcesWelcome([...PROVIDERS, sixth]);
    assert.notEqual(text, sourcesWelcome(PROVIDERS));
    assert.match(text, /Cloudflare Cloudforce One, Sixth Audit API\)/);
  });
});

// ---- the manifest's words are in package.nls.json (issue 18) ------------------------------------------

interface RawManifest {
  displayName: string;
  description: string;
  publisher: string;
  name: string;
  contributes: {
    commands: Array<{ command: string; title: string; category: string }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
    keybindings: Array<{ command: string; key: string; mac?: string; when?: string }>;
    viewsWelcome: Array<{ view: string; contents: string }>;
    walkthroughs: Array<{ id: string; title: string; description: string; when?: string; steps: Array<{ id: string; title: string; description: string; media: { image?: string; altText?: string }; completionEvents: string[] }> }>;
    configuration: { title: string; properties: Record<string, SettingSchema> };
  };
}

interface SettingSchema {
  type: string;
  default?: unknown;
  markdownDescription?: string;
  description?: string;
  order?: number;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  patternErrorMessage?: string;
  enum?: unknown[];
  enumDescriptions?: string[];
  maxItems?: number;
  items?: SettingSchema;
}

function readManifest(): RawManifest {
  return JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as RawManifest;
}

function readNls(): Record<string, string> {
  return JSON.parse(readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
}

/** `%key%` → key; anything else is not a reference. */
function nlsKey(s: string): string {
  const m = /^%([^%\s]+)%$/.exec(s);
  assert.ok(m, `"${s.slice(0, 60)}" is not a %key% reference`);
  return m[1];
}

function resolve(s: string, nls: Record<string, string>): string {
  return /^%[^%\s]+%$/.test(s) ? (nls[nlsKey(s)] ?? s) : s;
}

/** Manifest keys whose strings VS Code shows to people (in contributes, at any depth). */
const SHOWN = new Set(['title', 'name', 'description', 'markdownDescription', 'contents', 'category', 'altText', 'label', 'shortTitle',
  'patternErrorMessage', 'deprecationMessage', 'markdownDeprecationMessage', 'enumDescriptions', 'markdownEnumDescriptions', 'enumItemLabels']);

/** Every shown string of a manifest that is not a %key% reference, as "path: text". */
function literalStrings(manifest: { displayName?: unknown; description?: unknown; contributes?: unknown }): string[] {
  const out: string[] = [];
  const isRef = (v: unknown) => typeof v === 'string' && /^%[^%\s]+%$/.test(v);
  for (const k of ['displayName', 'description'] as const) if (!isRef(manifest[k])) out.push(`${k}: ${String(manifest[k])}`);
  const walk = (v: unknown, at: string): void => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${at}[${i}]`));
    if (typeof v !== 'object' || v === null) return;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      // Settings are keyed by their ids: a setting named "title" is not a title.
      if (SHOWN.has(k) && typeof x === 'string' && !isRef(x)) out.push(`${at}.${k}: ${x}`);
      else if (SHOWN.has(k) && Array.isArray(x)) x.forEach((y, i) => typeof y === 'string' && !isRef(y) && out.push(`${at}.${k}[${i}]: ${y}`));
      else walk(x, `${at}.${k}`);
    }
  };
  walk(manifest.contributes, 'contributes');
  return out;
}

/** Every %key% reference anywhere in the manifest. */
function references(v: unknown): string[] {
  if (typeof v === 'string') return /^%[^%\s]+%$/.test(v) ? [v.slice(1, -1)] : [];
  if (Array.isArray(v)) return v.flatMap(references);
  if (typeof v === 'object' && v !== null) return Object.values(v).flatMap(references);
  return [];
}

describe('manifest strings (package.nls.json)', () => {
  it('has every shown string of package.json as a %key% whose English package.nls.json holds, and no key unused', () => {
    const raw = readManifest();
    const nls = readNls();
    assert.deepEqual(literalStrings(raw), [], 'user-visible strings left in package.json');
    const refs = new Set(references(raw));
    assert.ok(refs.size > 50, `${refs.size} references`);
    for (const k of refs) assert.ok(typeof nls[k] === 'string' && nls[k].trim() !== '', `%${k}% does not resolve in package.nls.json`);
    for (const k of Object.keys(nls)) assert.ok(refs.has(k), `package.nls.json has "${k}", which package.json never uses`);
    assert.equal(nls.displayName, 'Audit Log Explorer');
  });

  it('finds a literal string or a key without its English (so the checks above can fail)', () => {
    const raw = readManifest();
    const copy = JSON.parse(JSON.stringify(raw)) as RawManifest;
    copy.contributes.commands[0].title = 'Open Logs';
    const prop = Object.values(copy.contributes.configuration.properties)[0];
    prop.markdownDescription = 'A literal';
    prop.enumDescriptions = ['%ok.key%', 'literal'];
    copy.contributes.walkthroughs[0].steps[0].media.altText = 'picture';
    const first = `contributes.configuration.properties.${Object.keys(copy.contributes.configuration.properties)[0]}`;
    assert.deepEqual(literalStrings(copy).map((l) => l.split(': ')[0]), [
      'contributes.commands[0].title',
      `${first}.markdownDescription`,
      `${first}.enumDescriptions[1]`,
      'contributes.walkthroughs[0].steps[0].media.altText',
    ]);
    assert.deepEqual(literalStrings({ displayName: 'Audit Log Explorer', description: '%description%', contributes: {} }), ['displayName: Audit Log Explorer']);
  });
});

describe('settings (package.json contributes.configuration)', () => {
  const raw = readManifest();
  const props = Object.entries(raw.contributes.configuration.properties);
  const nls = readNls();

  it('gives every setting a localized markdownDescription, a distinct order and bounds its default keeps', () => {
    assert.ok(props.length >= 10, `${props.length} settings`);
    const orders = new Set<number>();
    for (const [key, p] of props) {
      assert.ok(p.markdownDescription, `${key}: markdownDescription`);
      assert.ok((nls[nlsKey(p.markdownDescription)] ?? '').length > 20, `${key}: its markdownDescription says something`);
      assert.equal(p.description, undefined, `${key}: a plain description as well`);
      assert.ok(Number.isInteger(p.order) && p.order! > 0, `${key}: order`);
      assert.ok(!orders.has(p.order!), `${key}: order ${p.order} is taken`);
      orders.add(p.order!);
      assertBounded(key, p, p.default);
    }
  });

  it('finds a setting without bounds, order or description (so the check above can fail)', () => {
    assert.throws(() => assertBounded('x', { type: 'number', minimum: 0 }, 1), /maximum/);
    assert.throws(() => assertBounded('x', { type: 'integer', minimum: 0, maximum: 5 }, 6), /default/);
    assert.throws(() => assertBounded('x', { type: 'string', maxLength: 10 }, ''), /pattern or an enum/);
    assert.throws(() => assertBounded('x', { type: 'string', maxLength: 10, pattern: '^[a-z]*$', patternErrorMessage: '%p%' }, 'A'), /default/);
    assert.throws(() => assertBounded('x', { type: 'string', enum: ['a', 'b'], enumDescriptions: ['%a%'] }, 'a'), /enumDescriptions/);
    assert.throws(() => assertBounded('x', { type: 'array', items: { type: 'string' } }, []), /maxItems/);
    assert.throws(() => assertBounded('x', { type: 'array', maxItems: 3, items: { type: 'string', minLength: 1 } }, []), /items.*(maxLength|pattern)/);
  });

  it('offers Settings in the Sources view and the panel: the settings editor filtered to this extension', () => {
    const menus = raw.contributes.menus;
    assert.ok(menus['view/title'].some((m) => m.command === 'auditLogs.openSettings' && m.when === 'view == auditLogs.sources'));
    assert.ok(menus['editor/title'].some((m) => m.command === 'auditLogs.openSettings' && m.when === PANEL_WHEN));
    const bundle = readFileSync(path.join(root, 'dist/extension.js'), 'utf8');
    assert.match(bundle, /workbench\.action\.openSettings/);
    assert.match(bundle, /@ext:/);
  });
});

/** A setting's bounds: numbers between a minimum and a maximum, strings by a pattern or an enum and a length, lists by a length and their items. */
function assertBounded(key: string, p: SettingSchema, value: unknown): void {
  switch (p.type) {
    case 'number':
    case 'integer':
      assert.ok(typeof p.minimum === 'number' && typeof p.maximum === 'number' && p.minimum <= p.maximum, `${key}: minimum and maximum`);
      if (value !== undefined) {
        assert.ok(typeof value === 'number' && value >= p.minimum && value <= p.maximum && (p.type === 'number' || Number.isInteger(value)), `${key}: the default ${String(value)} is out of bounds`);
      }
      return;
    case 'boolean':
      return;
    case 'string':
      assert.ok(p.pattern !== undefined || p.enum !== undefined, `${key}: a string needs a pattern or an enum`);
      if (p.enum) {
        assert.ok(p.enumDescriptions?.length === p.enum.length, `${key}: enumDescriptions for every enum value`);
        if (value !== undefined) assert.ok(p.enum.includes(value), `${key}: the default is not in the enum`);
        return;
      }
      assert.ok(typeof p.maxLength === 'number', `${key}: maxLength`);
      assert.ok(p.patternErrorMessage !== undefined, `${key}: a pattern needs a patternErrorMessage`);
      if (value !== undefined) {
        assert.ok(typeof value === 'string' && new RegExp(p.pattern!, 'u').test(value) && value.length <= p.maxLength! && value.length >= (p.minLength ?? 0), `${key}: the default "${String(value)}" breaks its own bounds`);
      }
      return;
    case 'array':
      assert.ok(typeof p.maxItems === 'number', `${key}: maxItems`);
      assert.ok(p.items, `${key}: items`);
      if (p.items.type === 'string') assert.ok(p.items.minLength !== undefined && (p.items.maxLength !== undefined || p.items.pattern !== undefined || p.items.enum !== undefined), `${key}: items need a minLength and a maxLength, pattern or enum`);
      if (Array.isArray(value)) assert.ok(value.length <= p.maxItems, `${key}: the default has too many items`);
      return;
    default:
      assert.fail(`${key}: type ${p.type} has no bounds check here`);
  }
}

const PANEL_WHEN = "activeWebviewPanelId == 'auditLogs.events'";

describe('keyboard (package.json contributes.keybindings)', () => {
  const raw = readManifest();

  it('binds a key to each panel command and export, only while the events panel is focused, with no key twice', () => {
    const want = [...PANEL_COMMANDS.map((c) => `auditLogs.${c}`), 'auditLogs.exportResults'];
    const bound = raw.contributes.keybindings;
    for (const c of want) {
      const k = bound.find((b) => b.command === c);
      assert.ok(k, `${c} has no keybinding`);
      assert.equal(k.when, PANEL_WHEN, `${c}: scoped to the panel`);
      assert.ok(k.key && k.mac, `${c}: a key and a mac key`);
      const title = raw.contributes.commands.find((x) => x.command === c)?.title;
      assert.ok(title, `${c}: a title for the Keyboard Shortcuts editor`);
    }
    for (const which of ['key', 'mac'] as const) {
      const keys = bound.map((b) => b[which]);
      assert.equal(new Set(keys).size, keys.length, `a ${which} is bound twice: ${keys.join(', ')}`);
    }
  });
});

describe('walkthrough (package.json contributes.walkthroughs)', () => {
  const raw = readManifest();
  const nls = readNls();
  const w = raw.contributes.walkthroughs[0];

  it('walks from the sample logs to an export, each step with an image from the panel and a completion event', () => {
    assert.equal(raw.contributes.walkthroughs.length, 1);
    assert.equal(w.id, 'auditLogs.gettingStarted');
    assert.deepEqual(w.steps.map((s) => s.id), ['openSamples', 'findIncident', 'readDetail', 'openFolder', 'addAccount', 'export']);
    const bundle = readFileSync(path.join(root, 'dist/extension.js'), 'utf8');
    for (const s of w.steps) {
      assert.ok(s.media.image && /^media\/walkthrough\/[\w-]+\.png$/.test(s.media.image), `${s.id}: media.image`);
      const file = path.join(root, s.media.image);
      assert.ok(existsSync(file), `${s.id}: ${s.media.image} exists (npm run media writes it)`);
      const png = readFileSync(file);
      assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', `${s.id}: a PNG`);
      assert.ok(png.length <= 160 * 1024, `${s.id}: ${s.media.image} is ${png.length} bytes`);
      assert.ok(nls[nlsKey(s.media.altText ?? '')], `${s.id}: altText`);
      assert.ok(s.completionEvents.length > 0, `${s.id}: a completion event`);
      for (const e of s.completionEvents) {
        const m = /^(onCommand|onContext|onView):(.+)$/.exec(e);
        assert.ok(m, `${s.id}: ${e}`);
        // A context key the extension never sets would leave the step unticked forever.
        if (m[1] === 'onContext') assert.ok(bundle.includes(`'${m[2]}'`) || bundle.includes(`"${m[2]}"`), `${s.id}: the bundle never sets ${m[2]}`);
      }
      assert.match(nls[nlsKey(s.description)] ?? '', /\]\(command:auditLogs\.\w+\)/, `${s.id}: a command link`);
    }
    assert.ok(raw.contributes.commands.some((c) => c.command === 'auditLogs.getStarted'), 'Audit Logs: Get Started');
  });
});
