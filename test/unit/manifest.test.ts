import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { PROVIDERS } from '../../src/providers/registry';
import { SOURCES_VIEW, sourcesWelcome, withSourcesWelcome } from '../../src/vscode/welcomeText';

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

  it('declares every command it uses in menus and welcome buttons, and the bundle registers each one', () => {
    const raw = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      contributes: { commands: Array<{ command: string; category: string }>; menus: Record<string, Array<{ command: string }>>; viewsWelcome: Array<{ contents: string }> };
    };
    const declared = new Set(raw.contributes.commands.map((c) => c.command));
    for (const c of raw.contributes.commands) assert.equal(c.category, 'Audit Logs', c.command);
    const used = [
      ...Object.values(raw.contributes.menus).flat().map((m) => m.command),
      ...raw.contributes.viewsWelcome.flatMap((w) => [...w.contents.matchAll(/command:([\w.]+)/g)].map((m) => m[1])),
    ];
    for (const c of used) assert.ok(declared.has(c), `${c} is used but not declared`);
    const bundle = readFileSync(path.join(root, pkg.main), 'utf8');
    for (const c of declared) assert.ok(bundle.includes(`"${c}"`) || bundle.includes(`'${c}'`), `${c} is declared but the bundle never registers it`);
  });

  it('shows the welcome text the provider descriptors produce (npm run manifest writes it)', () => {
    const text = readFileSync(path.join(root, 'package.json'), 'utf8');
    const raw = JSON.parse(text) as { contributes: { viewsWelcome: Array<{ view: string; contents: string }> } };
    const shown = raw.contributes.viewsWelcome.find((w) => w.view === SOURCES_VIEW)?.contents;
    assert.equal(shown, sourcesWelcome(PROVIDERS), 'package.json differs from the descriptors: run npm run manifest');
    for (const d of PROVIDERS) assert.ok(shown.includes(d.displayName), `${d.displayName} is named`);
    // The script changes nothing else: the whole file is what it would write.
    assert.equal(`${JSON.stringify(withSourcesWelcome(raw, PROVIDERS), null, 2)}\n`, text);
  });

  it('names a provider added to the list in the welcome text (so the check above can fail)', () => {
    const sixth = { ...PROVIDERS[0], id: 'sixth', displayName: 'Sixth Audit API' };
    const text = sourcesWelcome([...PROVIDERS, sixth]);
    assert.notEqual(text, sourcesWelcome(PROVIDERS));
    assert.match(text, /Cloudflare Cloudforce One, Sixth Audit API\)/);
  });
});
