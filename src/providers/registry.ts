/** The live audit sources, one line each, with what to ask a person when adding an account. */
import type { ProviderId } from '../core/event';
import { CLOUD_ONE_REGIONS, conformityBaseUrl, LEGACY_REGIONS } from './conformity/client';
import { createConformityProvider } from './conformity/index';
import { CPLN_AUDIT_BASE } from './controlplane/client';
import { createControlPlaneProvider } from './controlplane/index';
import type { LiveProvider } from './provider';

export interface AccountPrompts {
  scopePrompt?: { title: string; placeholder: string };
  regionPrompt?: { title: string; items: string[] };
  /** The API's base URL for a region, offered (editable, for proxies and private endpoints) when adding an account. */
  defaultEndpoint(region?: string): string;
  secretPrompt: string;
}

export interface RegisteredProvider {
  provider: LiveProvider;
  prompts: AccountPrompts;
}

/**
 * The providers, each with `log` receiving one line per HTTP request (method, url with secrets
 * redacted, status, duration, page) — the extension sends them to its "Audit Logs" channel, the
 * CLI to stderr with --verbose.
 */
export function liveProviders(log?: (line: string) => void): ReadonlyMap<ProviderId, RegisteredProvider> {
  return new Map<ProviderId, RegisteredProvider>([
    [
      'conformity',
      {
        provider: createConformityProvider({ log }),
        prompts: {
          regionPrompt: { title: 'Conformity region (where the account was created)', items: [...LEGACY_REGIONS, ...CLOUD_ONE_REGIONS] },
          defaultEndpoint: (region) => conformityBaseUrl(region),
          secretPrompt: 'Conformity API key (kept in VS Code secret storage)',
        },
      },
    ],
    [
      'controlplane',
      {
        provider: createControlPlaneProvider({ log }),
        prompts: {
          scopePrompt: { title: 'Control Plane organization', placeholder: 'my-org' },
          defaultEndpoint: () => CPLN_AUDIT_BASE,
          secretPrompt: 'Control Plane service account key or token (kept in VS Code secret storage)',
        },
      },
    ],
  ]);
}
