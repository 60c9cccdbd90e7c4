/** Cloudflare Cloudforce One threat events as a live source. */
// Getters: the prompts are read when shown, in the display language (@vscode/l10n; the CLI stays English).
import * as l10n from '@vscode/l10n';
import { defineProvider } from '../descriptor';
import { CF_API_BASE, createCloudflareProvider, DISPLAY_NAME } from './index';

export const cloudflareDescriptor = defineProvider({
  id: 'cloudflare',
  displayName: DISPLAY_NAME,
  get credentialKinds() { return [l10n.t('API token')]; },
  account: {
    scopePrompt: { get title() { return l10n.t('Cloudflare account id'); }, placeholder: '023e105f4ecef8ad9ca31a8372d0c353' },
    defaultEndpoint: () => CF_API_BASE,
    get secretPrompt() { return l10n.t('{0} API token with "Cloudforce One Read" (kept in VS Code secret storage)', DISPLAY_NAME); },
  },
  cli: {
    env: ['CLOUDFLARE_API_TOKEN'],
    secret: (env) => env.CLOUDFLARE_API_TOKEN || undefined,
    flags: [
      { name: 'account', value: 'ID', to: 'scope', help: 'the Cloudflare account id' },
      { name: 'dataset', value: 'ID', to: { param: 'datasetId' }, help: 'dataset ids, comma-separated (or all, analytics, operational)' },
    ],
  },
  capabilities: { pushDown: true, scopes: true, aggregates: true, writes: true, location: 'global' },
  create: ({ log }) => createCloudflareProvider({ log }),
});
