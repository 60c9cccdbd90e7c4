/** Control Plane's audit trail as a live source. */
// Getters: the prompts are read when shown, in the display language (@vscode/l10n; the CLI stays English).
import * as l10n from '@vscode/l10n';
import { defineProvider } from '../descriptor';
import { CPLN_AUDIT_BASE, PROVIDER_NAME } from './client';
import { createControlPlaneProvider } from './index';

export const controlplaneDescriptor = defineProvider({
  id: 'controlplane',
  displayName: PROVIDER_NAME,
  get credentialKinds() { return [l10n.t('service account key'), l10n.t('token')]; },
  account: {
    scopePrompt: { get title() { return l10n.t('Control Plane organization'); }, placeholder: 'my-org' },
    defaultEndpoint: () => CPLN_AUDIT_BASE,
    get secretPrompt() { return l10n.t('Control Plane service account key or token (kept in VS Code secret storage)'); },
  },
  cli: {
    env: ['CPLN_TOKEN'],
    secret: (env) => env.CPLN_TOKEN || undefined,
    flags: [{ name: 'org', value: 'ORG', to: 'scope', help: 'the organization' }],
  },
  capabilities: { pushDown: true, scopes: false, aggregates: false, writes: false, location: 'global' },
  create: ({ log }) => createControlPlaneProvider({ log }),
});
