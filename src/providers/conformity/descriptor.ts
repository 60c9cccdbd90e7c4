/** Trend Micro Cloud One Conformity events as a live source. */
// Getters: the prompts are read when shown, in the display language (@vscode/l10n; the CLI stays English).
import * as l10n from '@vscode/l10n';
import { defineProvider } from '../descriptor';
import { CLOUD_ONE_REGIONS, conformityBaseUrl, LEGACY_REGIONS } from './client';
import { createConformityProvider } from './index';

export const conformityDescriptor = defineProvider({
  id: 'conformity',
  displayName: 'Trend Micro Cloud One Conformity',
  get credentialKinds() { return [l10n.t('API key')]; },
  account: {
    regionPrompt: { get title() { return l10n.t('Conformity region (where the account was created)'); }, items: [...LEGACY_REGIONS, ...CLOUD_ONE_REGIONS] },
    defaultEndpoint: (region) => conformityBaseUrl(region),
    get secretPrompt() { return l10n.t('Conformity API key (kept in VS Code secret storage)'); },
  },
  cli: {
    env: ['CONFORMITY_API_KEY'],
    secret: (env) => env.CONFORMITY_API_KEY || undefined,
    flags: [
      { name: 'region', value: 'R', to: 'region', help: 'the Conformity region the account was created in' },
      { name: 'account', value: 'IDS', to: { param: 'accountIds' }, help: 'cloud account ids, comma-separated' },
    ],
  },
  capabilities: { pushDown: true, scopes: true, aggregates: false, writes: false, location: 'region' },
  create: ({ log }) => createConformityProvider({ log }),
});
