/** Exoscale's event log (signed requests) as a live source. */
// Getters: the prompts are read when shown, in the display language (@vscode/l10n; the CLI stays English).
import * as l10n from '@vscode/l10n';
import { defineProvider } from '../descriptor';
import { createExoscaleProvider, DEFAULT_ZONE, encodeExoscaleCredentials, EXOSCALE_ZONES, exoscaleBaseUrl } from './index';

export const exoscaleDescriptor = defineProvider({
  id: 'exoscale',
  displayName: 'Exoscale',
  get credentialKinds() { return [l10n.t('API key and secret')]; },
  account: {
    regionPrompt: { get title() { return l10n.t('Exoscale zone (default {0})', DEFAULT_ZONE); }, items: EXOSCALE_ZONES },
    scopePrompt: { get title() { return l10n.t('Organization name, shown as the events’ account (optional)'); }, placeholder: 'my-org', optional: true },
    defaultEndpoint: (zone) => exoscaleBaseUrl(zone),
    secretPrompt: [
      {
        get label() { return l10n.t('API key and secret'); },
        fields: [{ get title() { return l10n.t('Exoscale API key (EXO…)'); } }, { get title() { return l10n.t('Exoscale API secret (kept in VS Code secret storage)'); } }],
        combine: ([key, secret]) => encodeExoscaleCredentials(key, secret),
      },
    ],
  },
  cli: {
    env: ['EXOSCALE_API_KEY', 'EXOSCALE_API_SECRET'],
    secret: (env) => (env.EXOSCALE_API_KEY && env.EXOSCALE_API_SECRET ? encodeExoscaleCredentials(env.EXOSCALE_API_KEY, env.EXOSCALE_API_SECRET) : undefined),
    flags: [
      { name: 'zone', value: 'Z', to: 'region', help: `the zone (default ${DEFAULT_ZONE})` },
      { name: 'org', value: 'ORG', to: 'scope', help: 'the organization name, shown as the events’ account' },
    ],
  },
  capabilities: { pushDown: true, scopes: false, aggregates: false, writes: false, location: 'zone' },
  create: ({ log }) => createExoscaleProvider({ log }),
});
