/**
 * Commands for live-API accounts: add (the key is proven by one live call before it is saved),
 * re-key, remove, and query an account into an events panel. Keys are read with password inputs
 * and go only to SecretStorage; error messages come from ApiError, which never carries a secret.
 */
import * as vscode from 'vscode';
import { showError, showInfo, showWarning, withProgress } from './notify';
import { endpointCredentialsProblem } from '../core/endpoint';
import { z } from 'zod';
import { isApiError } from '../core/errors';
import { describeCapabilities, type ProviderEntry, type SecretField } from '../providers/descriptor';
import type { AccountConfig, LiveProvider, LiveQuery } from '../providers/provider';
import { AccountStore } from './accounts';
import { RecentList } from './recent';
import { SavedQueries } from './savedQueries';
import { EventsPanel } from './panel';

export interface AccountCommandDeps {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  accounts: AccountStore;
  saved: SavedQueries;
  recent: RecentList;
  /** The registry's providers by descriptor id (src/providers/registry.ts). */
  providers: ReadonlyMap<string, ProviderEntry>;
}


/** A function, not a constant: the labels are looked up in the display language when asked. */
const timeRanges = (): Array<{ label: string; ms: number }> => [
  { label: vscode.l10n.t('Last hour'), ms: 3_600_000 },
  { label: vscode.l10n.t('Last 24 hours'), ms: 86_400_000 },
  { label: vscode.l10n.t('Last 7 days'), ms: 7 * 86_400_000 },
  { label: vscode.l10n.t('Last 30 days'), ms: 30 * 86_400_000 },
];

export function registerAccountCommands(d: AccountCommandDeps): vscode.Disposable[] {
  const cmd = (id: string, fn: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, fn);
  return [
    cmd('auditLogs.addAccount', (p?: unknown) => {
      // Scripts and tests may pass everything at once; the key is still proven before it is saved.
      const refused = endpointCredentialsProblem(endpointArg(p), 'prompt');
      if (refused) {
        void showError(vscode.l10n.t('Audit Logs: {0}.', refused));
        return undefined;
      }
      const full = AddAccountArgs.safeParse(p);
      if (full.success) return addAccountFrom(d, full.data);
      return addAccount(d, typeof p === 'string' ? p : undefined);
    }),
    cmd('auditLogs.removeAccount', async (node?: unknown) => {
      const account = await pickAccount(d, node, vscode.l10n.t('Remove which account?'));
      if (!account) return;
      const remove = vscode.l10n.t('Remove');
      const ok = await showWarning(vscode.l10n.t('Remove "{0}" and forget its key?', account.label), { modal: true }, remove);
      if (ok === remove) {
        await d.saved.removeAccount(account.id);
        await d.accounts.remove(account.id);
      }
    }),
    cmd('auditLogs.rekeyAccount', async (node?: unknown) => {
      const account = await pickAccount(d, node, vscode.l10n.t('Replace the key of which account?'));
      const entry = account && d.providers.get(account.provider);
      if (!account || !entry) return;
      const secret = await askSecret(entry);
      if (secret && (await validate(d, entry.provider, account, secret))) await d.accounts.setSecret(account.id, secret);
    }),
    cmd('auditLogs.query', async (node?: unknown) => {
      const direct = QueryArgs.safeParse(node);
      if (direct.success) {
        const q = await directQuery(d, direct.data);
        return q && runQuery(d, q.provider, q.account, q.secret, q.query, q.rangeMs);
      }
      const account = await pickAccount(d, node, vscode.l10n.t('Query which account?'));
      const asked = account && (await askLiveQuery(d, account));
      if (!account || !asked) return undefined;
      return runQuery(d, asked.provider, account, asked.secret, asked.query, asked.rangeMs);
    }),
    cmd('auditLogs.saveQuery', async (node?: unknown) => {
      const direct = SaveQueryArgs.safeParse(node);
      if (direct.success) return d.saved.add(direct.data);
      const account = await pickAccount(d, node, vscode.l10n.t('Save a query for which account?'));
      if (!account) return undefined;
      const name = await vscode.window.showInputBox({ title: vscode.l10n.t('Name of the saved query'), ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Give it a name')) });
      if (!name) return undefined;
      const filter = await vscode.window.showInputBox({ title: vscode.l10n.t('{0}: filter', name), ignoreFocusOut: true, placeHolder: vscode.l10n.t('e.g. action:delete* region:eu-*') });
      if (filter === undefined) return undefined;
      const range = await vscode.window.showQuickPick(timeRanges(), { title: vscode.l10n.t('Time range (counted back from when it runs)'), ignoreFocusOut: true });
      if (!range) return undefined;
      return d.saved.add({ accountId: account.id, name: name.trim(), filter, rangeMs: range.ms });
    }),
    cmd('auditLogs.deleteSavedQuery', async (node?: unknown) => {
      if (node && typeof node === 'object' && 'saved' in node) {
        const id = (node as { saved: { id?: unknown } }).saved.id;
        if (typeof id === 'string') await d.saved.remove(id);
      }
    }),
  ];
}

function endpointArg(p: unknown): string {
  const e = p && typeof p === 'object' ? (p as { endpoint?: unknown }).endpoint : undefined;
  return typeof e === 'string' ? e : '';
}

const AddAccountArgs = z.object({
  /** A descriptor id of this build's registry (checked against it when the account is added). */
  provider: z.string().min(1).max(100),
  label: z.string().min(1).max(200),
  endpoint: z.string().url().optional(),
  region: z.string().max(100).optional(),
  scope: z.string().max(500).optional(),
  secret: z.string().min(1).max(10_000),
});

export const QueryArgs = z.object({
  accountId: z.string().min(1),
  filter: z.string().max(20_000).default(''),
  from: z.number().optional(),
  to: z.number().optional(),
  /** Instead of from/to: this far back from now (saved and recent queries). */
  rangeMs: z.number().int().positive().optional(),
  /** Provider parameters, e.g. a Conformity cloud account picked in the tree. */
  params: z.record(z.string().max(100), z.string().max(2000)).optional(),
  maxPages: z.number().int().positive().optional(),
});

const SaveQueryArgs = z.object({
  accountId: z.string().min(1),
  name: z.string().min(1).max(200),
  filter: z.string().max(20_000),
  rangeMs: z.number().int().positive(),
});

const DAY = 86_400_000;

/** Runs a query into a new live panel and remembers it in Recent. */
/** A query given as arguments (saved and recent queries, tests, other extensions), ready to run. */
export async function directQuery(
  d: AccountCommandDeps,
  args: z.infer<typeof QueryArgs>,
): Promise<{ account: AccountConfig; provider: LiveProvider; secret: string; query: LiveQuery; rangeMs: number } | undefined> {
  const account = d.accounts.get(args.accountId);
  const provider = account && d.providers.get(account.provider)?.provider;
  const secret = account && (await d.accounts.secret(account.id));
  if (!account || !provider || !secret) return undefined;
  const { accountId: _a, rangeMs, ...query } = args;
  const now = Date.now();
  if (rangeMs !== undefined && query.from === undefined) Object.assign(query, { from: now - rangeMs, to: now });
  return { account, provider, secret, query, rangeMs: rangeMs ?? (query.from !== undefined ? (query.to ?? now) - query.from : DAY) };
}

/** The provider, secret, filter and time range of a query a person asks for interactively. */
export async function askLiveQuery(
  d: AccountCommandDeps,
  account: AccountConfig,
  initialFilter = '',
): Promise<{ provider: LiveProvider; secret: string; query: LiveQuery; rangeMs: number } | undefined> {
  const provider = d.providers.get(account.provider)?.provider;
  if (!provider) return undefined;
  const secret = await d.accounts.secret(account.id);
  if (!secret) {
    void showError(vscode.l10n.t('Audit Logs: no key is stored for "{0}". Use "Replace Key…" to add one.', account.label));
    return undefined;
  }
  const filter = await vscode.window.showInputBox({
    title: vscode.l10n.t('Query {0}', account.label),
    ignoreFocusOut: true,
    value: initialFilter,
    prompt: vscode.l10n.t('Filter (the same language as the panel; what the API can filter on is sent to it, the rest applies locally)'),
    placeHolder: vscode.l10n.t('e.g. action:delete* region:eu-*'),
  });
  if (filter === undefined) return undefined;
  const range = await vscode.window.showQuickPick(timeRanges(), { title: vscode.l10n.t('Time range'), ignoreFocusOut: true });
  if (!range) return undefined;
  const now = Date.now();
  return { provider, secret, query: { filter, from: now - range.ms, to: now }, rangeMs: range.ms };
}

async function runQuery(d: AccountCommandDeps, provider: LiveProvider, account: AccountConfig, secret: string, query: LiveQuery, rangeMs: number) {
  const panel = EventsPanel.openLive(d.context.extensionUri, vscode.l10n.t('Audit Logs: {0}', account.label), d.log);
  await d.recent.add({
    kind: 'query',
    path: `${account.id}:${query.filter}`,
    label: `${account.label}: ${query.filter || vscode.l10n.t('(all events)')}`,
    query: { accountId: account.id, filter: query.filter, rangeMs: Math.max(1, Math.round(rangeMs)) },
  });
  return panel.fetch(provider, account, secret, query);
}

async function addAccountFrom(d: AccountCommandDeps, args: z.infer<typeof AddAccountArgs>): Promise<AccountConfig | undefined> {
  const entry = d.providers.get(args.provider);
  if (!entry) return undefined;
  const { secret, ...config } = args;
  if (!(await validate(d, entry.provider, { id: 'new', ...config }, secret))) return undefined;
  return d.accounts.add(config, secret);
}

async function addAccount(d: AccountCommandDeps, preset?: string): Promise<AccountConfig | undefined> {
  const items = [...d.providers.values()].map((entry) => ({
    label: entry.descriptor.displayName,
    description: entry.descriptor.credentialKinds.join(vscode.l10n.t(' or ')),
    detail: describeCapabilities(entry.descriptor.capabilities),
    entry,
  }));
  const picked = preset ? items.find((i) => i.entry.descriptor.id === preset) : await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Add an account: which audit API?'), ignoreFocusOut: true });
  if (!picked) return undefined;
  const { provider } = picked.entry;
  const prompts = picked.entry.descriptor.account;
  // Every step survives a click elsewhere: people switch windows to copy an id or a key.
  const label = await vscode.window.showInputBox({ title: vscode.l10n.t('{0}: a name for this account', picked.entry.descriptor.displayName), ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Give it a name')) });
  if (!label) return undefined;
  let region: string | undefined;
  if (prompts.regionPrompt) {
    if (prompts.regionPrompt.many) {
      const regions = await vscode.window.showQuickPick([...prompts.regionPrompt.items], { title: prompts.regionPrompt.title, ignoreFocusOut: true, canPickMany: true });
      if (!regions || regions.length === 0) return undefined;
      region = regions.join(',');
    } else {
      region = await vscode.window.showQuickPick([...prompts.regionPrompt.items], { title: prompts.regionPrompt.title, ignoreFocusOut: true });
      if (!region) return undefined;
    }
  }
  let scope: string | undefined;
  if (prompts.scopePrompt) {
    const optional = prompts.scopePrompt.optional === true;
    scope = await vscode.window.showInputBox({ title: prompts.scopePrompt.title, placeHolder: prompts.scopePrompt.placeholder, ignoreFocusOut: true, validateInput: (v) => (v.trim() || optional ? undefined : vscode.l10n.t('Required')) });
    if (scope === undefined || (!scope && !optional)) return undefined;
  }
  const endpoint = await askEndpoint(prompts.defaultEndpoint(region));
  if (endpoint === undefined) return undefined;
  const secret = await askSecret(picked.entry);
  if (!secret) return undefined;
  const draft: AccountConfig = {
    id: 'new',
    provider: picked.entry.descriptor.id,
    label: label.trim(),
    ...(region ? { region } : {}),
    ...(scope ? { scope: scope.trim() } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
  if (!(await validate(d, provider, draft, secret))) return undefined;
  const { id: _id, ...config } = draft;
  const account = await d.accounts.add(config, secret);
  void showInfo(vscode.l10n.t('Audit Logs: added "{0}". Query it from the Sources view or the palette.', account.label));
  return account;
}

/**
 * The API's base URL, prefilled with the default so Enter keeps it; another one (a proxy, a private
 * endpoint, a local server) is stored with the account. '' = the default, undefined = cancelled.
 */
async function askEndpoint(fallback: string): Promise<string | undefined> {
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('API endpoint (Enter keeps the default; change it for a proxy or private endpoint)'),
    value: fallback,
    ignoreFocusOut: true,
    validateInput: (v) => endpointProblem(v.trim()),
  });
  if (value === undefined) return undefined;
  const url = value.trim().replace(/\/+$/, '');
  return url === '' || url === fallback.replace(/\/+$/, '') ? '' : url;
}

function endpointProblem(v: string): string | undefined {
  if (v === '') return undefined;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return vscode.l10n.t('Enter a URL such as https://proxy.example.com/api, or leave it empty for the default');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return vscode.l10n.t('Only http:// and https:// endpoints');
  const withCredentials = endpointCredentialsProblem(v, 'prompt');
  if (withCredentials) return `${withCredentials[0].toUpperCase()}${withCredentials.slice(1)}`;
  if (url.protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return vscode.l10n.t('Use https:// (plain http only for a server on this machine)');
  return undefined;
}

/**
 * The credentials: one password box, or a choice of ways (an AWS profile, access keys, …) each with
 * its own boxes, whose answers become the one stored secret. undefined = cancelled.
 */
async function askSecret(entry: ProviderEntry): Promise<string | undefined> {
  const p = entry.descriptor.account.secretPrompt;
  if (typeof p === 'string') return askField({ title: p });
  const method =
    p.length === 1
      ? p[0]
      : (await vscode.window.showQuickPick(p.map((m) => ({ label: m.label, detail: m.detail, method: m })), { title: vscode.l10n.t('{0}: credentials from', entry.descriptor.displayName), ignoreFocusOut: true }))?.method;
  if (!method) return undefined;
  const answers: string[] = [];
  for (const field of method.fields) {
    const v = await askField(field);
    if (v === undefined) return undefined;
    answers.push(v.trim());
  }
  try {
    return method.combine(answers);
  } catch (err) {
    void showError(vscode.l10n.t('Audit Logs: {0}', err instanceof Error ? err.message : String(err)));
    return undefined;
  }
}

async function askField(field: SecretField): Promise<string | undefined> {
  const suggestions = field.suggestions ? await field.suggestions().catch(() => []) : [];
  if (suggestions.length > 0) {
    const other = vscode.l10n.t('$(edit) Another name…');
    const pick = await vscode.window.showQuickPick([...suggestions, other], { title: field.title, ignoreFocusOut: true });
    if (pick !== other) return pick;
  }
  return vscode.window.showInputBox({
    title: field.title,
    password: field.password ?? true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() || field.optional ? undefined : vscode.l10n.t('Required')),
  });
}

/** One cheap live call with the key, before anything is saved. */
async function validate(d: AccountCommandDeps, provider: LiveProvider, account: AccountConfig, secret: string): Promise<boolean> {
  try {
    const detail = await withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the key with {0}…', provider.displayName) }, () =>
      provider.validate(account, secret),
    );
    d.log.info(`${provider.displayName}: key for "${account.label}" accepted (${detail})`);
    return true;
  } catch (err) {
    const message = isApiError(err) ? err.message : vscode.l10n.t('the check failed unexpectedly; see the Audit Logs log');
    d.log.warn(`${provider.displayName}: key for "${account.label}" not accepted: ${message}`);
    void showError(vscode.l10n.t('Audit Logs: {0}', message));
    return false;
  }
}

/** The account a tree node stands for, else one the person picks (of those `only` keeps). */
/** The accounts whose provider declares AWS credentials: the ones trail buckets, CloudTrail Lake and Athena can use. */
export function awsAccounts(d: Pick<AccountCommandDeps, 'accounts' | 'providers'>): AccountConfig[] {
  return d.accounts.list().filter((a) => hasAwsCredentials(d, a));
}

export function hasAwsCredentials(d: Pick<AccountCommandDeps, 'providers'>, a: AccountConfig): boolean {
  return d.providers.get(a.provider)?.descriptor.capabilities.awsCredentials === true;
}

export async function pickAccount(d: AccountCommandDeps, node: unknown, title: string, only: (a: AccountConfig) => boolean = () => true): Promise<AccountConfig | undefined> {
  if (node && typeof node === 'object' && 'account' in node) {
    const id = (node as { account: { id?: unknown } }).account.id;
    if (typeof id === 'string') return d.accounts.get(id);
  }
  const all = d.accounts.list().filter(only);
  if (all.length === 0) {
    const add = await showInfo(vscode.l10n.t('Audit Logs: no accounts yet.'), vscode.l10n.t('Add Account…'));
    if (add) await vscode.commands.executeCommand('auditLogs.addAccount');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    all.map((a) => ({ label: a.label, description: [d.providers.get(a.provider)?.descriptor.displayName ?? a.provider, a.scope, a.region].filter(Boolean).join(' · '), account: a })),
    { title, ignoreFocusOut: true },
  );
  return pick?.account;
}
