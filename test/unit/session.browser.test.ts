/**
 * Issue 13, item 6: the panel session bundles for a browser (the webview's dev harness answers
 * through it): no node module reaches it, directly or through what it imports, except the store's
 * raw codec and search pool, which the harness gives browser stand-ins (webview/dev/nodeShims).
 * esbuild resolves for platform "browser", where node's modules do not exist, so any other fails the build.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '../../..');

/** The dev harness's stand-ins for node modules (webview/dev/nodeShims/aliases.json), as esbuild aliases. */
function nodeShimAliases(): Record<string, string> {
  const dir = path.join(root, 'webview/dev/nodeShims');
  const map = JSON.parse(readFileSync(path.join(dir, 'aliases.json'), 'utf8')) as Record<string, string>;
  return Object.fromEntries(Object.entries(map).filter(([k]) => k.startsWith('node:')).map(([k, v]) => [k, path.join(dir, v)]));
}

describe('panel session: a browser bundle (issue 13, item 6)', function () {
  this.timeout(60_000);

  it('bundles src/session/panelSession.ts for the browser without a node module', async () => {
    const r = await esbuild.build({
      entryPoints: [path.join(root, 'src/session/panelSession.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      alias: nodeShimAliases(),
      define: { __dirname: '""' },
    });
    const inputs = Object.keys(r.metafile.inputs);
    // The only node modules reached are the store's raw codec and search pool, through their stand-ins.
    const shimUsers = inputs.filter((i) => r.metafile.inputs[i].imports.some((imp) => imp.path.includes('webview/dev/nodeShims/')));
    assert.deepEqual(shimUsers.map((i) => i.replace(/^.*src\/core\//, 'src/core/')).sort(), ['src/core/rawSegment.ts', 'src/core/searchPool.ts']);
    assert.ok(inputs.some((i) => i.endsWith('src/session/sourceSet.ts')));
    for (const bad of ['src/session/nodeIo.ts', 'src/session/exporter.ts', 'src/providers/logFiles/files.ts', 'src/providers/s3Trail/load.ts', 'src/core/formats.ts']) {
      assert.ok(!inputs.some((i) => i.endsWith(bad)), `${bad} is in the browser bundle`);
    }
  });

  it('fails the same build when the session reaches a node module (the check can fail)', async () => {
    await assert.rejects(
      esbuild.build({ stdin: { contents: "export { NODE_IO } from './nodeIo';", resolveDir: path.join(root, 'src/session'), loader: 'ts' }, bundle: true, platform: 'browser', write: false, logLevel: 'silent' }),
      /node:/,
    );
  });
});
