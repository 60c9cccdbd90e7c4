/**
 * Issue 13, item 6: the panel session bundles for a browser (the webview's dev harness answers
 * through it): no node module reaches it, directly or through what it imports. esbuild resolves
 * for platform "browser", where node's modules do not exist, so any of them fails the build.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '../../..');

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
    });
    const inputs = Object.keys(r.metafile.inputs);
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
