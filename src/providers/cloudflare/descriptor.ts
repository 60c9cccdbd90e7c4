/** Cloudflare Cloudforce One threat events as a live source. */
import { defineProvider } from '../descriptor';
import { CF_API_BASE, createCloudflareProvider, DISPLAY_NAME } from './index';

export const cloudflareDescriptor = defineProvider({
  id: 'cloudflare',
  displayName: DISPLAY_NAME,
  credentialKinds: ['API token'],
  account: {
    scopePrompt: { title: 'Cloudflare account id', placeholder: '023e105f4ecef8ad9ca31a8372d0c353' },
    defaultEndpoint: () => CF_API_BASE,
    secretPrompt: `${DISPLAY_NAME} API token with "Cloudforce One Read" (kept in VS Code secret storage)`,
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
