/** Exoscale's event log (signed requests) as a live source. */
import { defineProvider } from '../descriptor';
import { createExoscaleProvider, DEFAULT_ZONE, encodeExoscaleCredentials, EXOSCALE_ZONES, exoscaleBaseUrl } from './index';

export const exoscaleDescriptor = defineProvider({
  id: 'exoscale',
  displayName: 'Exoscale',
  credentialKinds: ['API key and secret'],
  account: {
    regionPrompt: { title: `Exoscale zone (default ${DEFAULT_ZONE})`, items: EXOSCALE_ZONES },
    scopePrompt: { title: 'Organization name, shown as the events’ account (optional)', placeholder: 'my-org', optional: true },
    defaultEndpoint: (zone) => exoscaleBaseUrl(zone),
    secretPrompt: [
      {
        label: 'API key and secret',
        fields: [{ title: 'Exoscale API key (EXO…)' }, { title: 'Exoscale API secret (kept in VS Code secret storage)' }],
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
