/**
 * Everything the extension and the CLI need to know about one live audit source, in one value.
 * Each provider folder exports one descriptor; the registry (registry.ts) is the list of them, and
 * the Add Account steps, the Sources tree, the CLI's flags and help and the welcome text are all
 * derived from that list. A new source is one folder and one registry line.
 */
import * as l10n from '@vscode/l10n';
import type { LiveProvider } from './provider';

/** One answer asked for when adding an account's credentials. */
export interface SecretField {
  title: string;
  /** Shown as dots (default true). */
  password?: boolean;
  optional?: boolean;
  /** Offered as a pick list when there are any (AWS profile names); typing stays possible. */
  suggestions?: () => Promise<string[]>;
}

/** A way to give credentials: its answers become the one stored secret. */
export interface SecretMethod {
  label: string;
  detail?: string;
  fields: SecretField[];
  combine(answers: string[]): string;
}

/** The Add Account steps after the name, in order: region/zone, scope, endpoint, credentials. */
export interface AccountPrompts {
  /** `many`: several may be picked, stored comma-separated (AWS regions). */
  regionPrompt?: { title: string; items: readonly string[]; many?: boolean };
  scopePrompt?: { title: string; placeholder: string; optional?: boolean };
  /** The API's base URL for a region, offered (editable, for proxies and private endpoints) when adding an account. */
  defaultEndpoint(region?: string): string;
  /** One password box, or a choice of ways (each with its fields) that make the one stored secret. */
  secretPrompt: string | readonly SecretMethod[];
}

/** A flag of `fetch <provider>` beyond the common ones, and which part of the query it fills. */
export interface CliFlag {
  /** Without the dashes: `region` is `--region`. */
  name: string;
  /** The value's placeholder in the usage line (`R`, `ID`). */
  value: string;
  /** One line for the help text. */
  help: string;
  /** Repeatable; the values are joined with ',' (AWS regions). */
  multiple?: boolean;
  /** AccountConfig.region, AccountConfig.scope, or a LiveQuery parameter. */
  to: 'region' | 'scope' | { param: string };
}

/** How the command line gets the credential: from the environment only, never from flags. */
export interface CliSpec {
  /** Environment variables, named as the vendor's own tools name them. */
  env: readonly string[];
  /** For the help text: where the credentials come from, when it is more than "set these variables". */
  credentialsHelp?: string;
  /** The secret in its stored form from those variables; undefined when one is missing. */
  secret(env: Readonly<Record<string, string | undefined>>): string | undefined;
  flags: readonly CliFlag[];
}

/** What the API can do, said once (the Add Account picker and the help describe it from here). */
export interface Capabilities {
  /** Parts of the filter are sent to the API (the rest applies locally). */
  pushDown: boolean;
  /** Data sets, cloud accounts or regions under an account, listed in the Sources tree. */
  scopes: boolean;
  /** Server-side counts (histogram, facets) over everything the API holds. */
  aggregates: boolean;
  /** Changes made through the API (tag an event, save a query), each confirmed first. */
  writes: boolean;
  /** Where the API lives: one region, several regions, a zone, or one global endpoint. */
  location: 'region' | 'regions' | 'zone' | 'global';
  /**
   * The account's secret is AWS credentials, so the AWS-only commands (trail buckets in S3,
   * CloudTrail Lake, Athena) offer the account: they pick accounts by this, never by provider id.
   */
  awsCredentials?: boolean;
}

export interface ProviderOptions {
  /** One line per HTTP request (method, url with secrets redacted, status, duration, page). */
  log?: (line: string) => void;
}

export interface ProviderDescriptor<Id extends string = string> {
  /** Stored with each account in VS Code's global state: never renamed without a migration. */
  readonly id: Id;
  readonly displayName: string;
  /** What the stored secret can be, in words ("API key", "AWS profile", …). */
  readonly credentialKinds: readonly string[];
  readonly account: AccountPrompts;
  readonly cli: CliSpec;
  readonly capabilities: Capabilities;
  create(opts: ProviderOptions): LiveProvider;
}

/** Keeps the id's literal type, so the registry can derive the union of built-in ids. */
export function defineProvider<const Id extends string>(descriptor: ProviderDescriptor<Id>): ProviderDescriptor<Id> {
  return descriptor;
}

/** A descriptor with its provider created (the extension and the CLI hold these, by id). */
export interface ProviderEntry {
  descriptor: ProviderDescriptor;
  provider: LiveProvider;
}

/** One sentence on what an API does beyond listing events, for pickers and help. */
export function describeCapabilities(c: Capabilities): string {
  const parts = [
    c.pushDown ? l10n.t('filters sent to the API') : l10n.t('filters applied locally'),
    ...(c.scopes ? [l10n.t('lists what the key can see')] : []),
    ...(c.aggregates ? [l10n.t('server-side counts')] : []),
    ...(c.writes ? [l10n.t('actions')] : []),
    ...(c.location === 'global' ? [] : [c.location === 'regions' ? l10n.t('one or more regions') : c.location === 'zone' ? l10n.t('a zone') : l10n.t('a region')]),
  ];
  return parts.join(' · ');
}
