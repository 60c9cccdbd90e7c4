// Writes the parts of the manifest that come from the provider descriptors (the Sources view's
// welcome text names the live APIs; package.json refers to it, package.nls.json holds it). Run after
// changing the registry or a provider's display name:
//   npm run manifest        (node esbuild.mjs && node out/scripts/manifest.js)
//   ... --check             exit 1 when package.nls.json is not what the descriptors produce
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PROVIDERS } from '../src/providers/registry';
import { withSourcesWelcome } from '../src/vscode/welcomeText';

const file = path.resolve(__dirname, '../../package.nls.json');
const text = readFileSync(file, 'utf8');
const next = `${JSON.stringify(withSourcesWelcome(JSON.parse(text) as Record<string, string>, PROVIDERS), null, 2)}\n`;
if (next === text) {
  console.log('package.nls.json: the welcome text already matches the descriptors');
} else if (process.argv.includes('--check')) {
  console.error('package.nls.json: the welcome text differs from the descriptors; run npm run manifest');
  process.exitCode = 1;
} else {
  writeFileSync(file, next);
  console.log('package.nls.json: welcome text written from the descriptors');
}
