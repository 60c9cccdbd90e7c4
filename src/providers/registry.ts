/** The live audit sources, one line each, with what to ask a person when adding an account. */
import type { ProviderId } from '../core/event';
import { CLOUD_ONE_REGIONS, LEGACY_REGIONS } from './conformity/client';
import { conformityProvider } from './conformity/index';
import { controlPlaneProvider } from './controlplane/index';
import type { LiveProvider } from './provider';

export interface AccountPrompts {
  scopePrompt?: { title: string; placeholder: string };
  regionPrompt?: { title: string; items: string[] };
  secretPrompt: string;
}

export interface RegisteredProvider {
  provider: LiveProvider;
  prompts: AccountPrompts;
}

export const LIVE_PROVIDERS: ReadonlyMap<ProviderId, RegisteredProvider> = new Map<ProviderId, RegisteredProvider>([
  [
    'conformity',
    {
      provider: conformityProvider,
      prompts: {
        regionPrompt: { title: 'Conformity region (where the account was created)', items: [...LEGACY_REGIONS, ...CLOUD_ONE_REGIONS] },
        secretPrompt: 'Conformity API key (kept in VS Code secret storage)',
      },
    },
  ],
  [
    'controlplane',
    {
      provider: controlPlaneProvider,
      prompts: {
        scopePrompt: { title: 'Control Plane organization', placeholder: 'my-org' },
        secretPrompt: 'Control Plane service account key or token (kept in VS Code secret storage)',
      },
    },
  ],
]);
