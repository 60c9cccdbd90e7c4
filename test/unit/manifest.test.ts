import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { z } from 'zod';

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

  it('the bundle needs nothing but the external vscode module, and activate() returns', () => {
    // Outside VS Code there is no 'vscode' module; the bundle must only need it as an external.
    const load = (Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown })._load;
    const patched = (req: string, ...rest: unknown[]): unknown => (req === 'vscode' ? {} : load(req, ...rest));
    (Module as unknown as { _load: typeof patched })._load = patched;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the built bundle is the test
      const ext = require(path.join(root, pkg.main)) as { activate: (ctx: unknown) => unknown; deactivate: () => void };
      const api = ext.activate({ extension: { packageJSON: { version: pkg.version } }, subscriptions: [] });
      assert.deepEqual(api, { storeVersion: pkg.version });
      ext.deactivate();
    } finally {
      (Module as unknown as { _load: typeof load })._load = load;
    }
  });
});
