/** Control Plane's audit trail as a live source. */
import { defineProvider } from '../descriptor';
import { CPLN_AUDIT_BASE, PROVIDER_NAME } from './client';
import { createControlPlaneProvider } from './index';

export const controlplaneDescriptor = defineProvider({
  id: 'controlplane',
  displayName: PROVIDER_NAME,
  credentialKinds: ['service account key', 'token'],
  account: {
    scopePrompt: { title: 'Control Plane organization', placeholder: 'my-org' },
    defaultEndpoint: () => CPLN_AUDIT_BASE,
    secretPrompt: 'Control Plane service account key or token (kept in VS Code secret storage)',
  },
  cli: {
    env: ['CPLN_TOKEN'],
    secret: (env) => env.CPLN_TOKEN || undefined,
    flags: [{ name: 'org', value: 'ORG', to: 'scope', help: 'the organization' }],
  },
  capabilities: { pushDown: true, scopes: false, aggregates: false, writes: false, location: 'global' },
  create: ({ log }) => createControlPlaneProvider({ log }),
});
