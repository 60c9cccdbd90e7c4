/**
 * The live audit sources: one descriptor each, one line each. Everything else that names the
 * providers (the Add Account picker, the Sources tree, the CLI's usage, help and flags, the
 * welcome text in package.json via scripts/manifest.mjs) derives from this list.
 */
import { awsCloudtrailDescriptor } from './awsCloudtrail/descriptor';
import { cloudflareDescriptor } from './cloudflare/descriptor';
import { conformityDescriptor } from './conformity/descriptor';
import { controlplaneDescriptor } from './controlplane/descriptor';
import type { ProviderDescriptor, ProviderEntry, ProviderOptions } from './descriptor';
import { exoscaleDescriptor } from './exoscale/descriptor';

export const PROVIDERS = [
  awsCloudtrailDescriptor,
  conformityDescriptor,
  controlplaneDescriptor,
  exoscaleDescriptor,
  cloudflareDescriptor,
] as const satisfies readonly ProviderDescriptor[];

/** The built-in providers' ids (host code names none: the AWS-only commands pick accounts by `capabilities.awsCredentials`). */
export type BuiltInProviderId = (typeof PROVIDERS)[number]['id'];

/** Each descriptor's provider, created with `log`, by id (ids are unique: a repeated one is a programming error). */
export function createProviders(list: readonly ProviderDescriptor[], opts: ProviderOptions = {}): ReadonlyMap<string, ProviderEntry> {
  const out = new Map<string, ProviderEntry>();
  for (const descriptor of list) {
    if (out.has(descriptor.id)) throw new Error(`two providers share the id '${descriptor.id}'`);
    out.set(descriptor.id, { descriptor, provider: descriptor.create(opts) });
  }
  return out;
}

export function findDescriptor(list: readonly ProviderDescriptor[], id: string): ProviderDescriptor | undefined {
  return list.find((d) => d.id === id);
}

export function providerIds(list: readonly ProviderDescriptor[]): string[] {
  return list.map((d) => d.id);
}
