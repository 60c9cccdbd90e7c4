// The test-only extension entry (bundled by esbuild.mjs to out/sixth/extension.js): the real
// extension with the sixth provider in its list. test/e2e/sixth.e2e.mjs installs it in code-server.
import { createActivate } from '../../../src/extension';
import { SIXTH_PROVIDERS } from './providers';

export { deactivate } from '../../../src/extension';
export const activate = createActivate(SIXTH_PROVIDERS);
