/**
 * The sidebar: "Sources" (the log files open in panels, then each live provider's accounts, labelled
 * from the provider descriptors) and "Recent" (files and folders opened before). Labels and tooltips are plain strings or MarkdownStrings built with appendText, so a
 * path or message from a log never turns into markup or a link.
 */
import * as vscode from 'vscode';
import { isApiError } from '../core/errors';
import type { ProviderEntry } from '../providers/descriptor';
import type { AccountConfig, Scope } from '../providers/provider';
import type { AccountStore } from './accounts';
import type { SavedQuery, SavedQueries } from './savedQueries';
import { EventsPanel } from './panel';
import { sourceLine } from './statusBar';
import { RecentList, RecentItem } from './recent';
import type { LevelChild } from '../providers/s3Trail/index';
import type { TrailBucket, TrailBuckets } from './trailBuckets';

type SourceNode =
  | { kind: 'provider'; entry: ProviderEntry }
  | { kind: 'files' }
  | { kind: 'opened'; panel: EventsPanel; path: string; label: string; events: number; errors: number; loading: boolean }
  | { kind: 'account'; account: AccountConfig }
  | { kind: 'saved'; saved: SavedQuery }
  | { kind: 'scope'; account: AccountConfig; scope: Scope }
  | { kind: 'message'; text: string; icon: string }
  | { kind: 'bucket'; account: AccountConfig; bucket: TrailBucket }
  | { kind: 's3level'; account: AccountConfig; bucket: TrailBucket; child: LevelChild };

/** What the tree needs to show trail buckets (s3Commands.ts provides it). */
export interface BucketBrowser {
  buckets: TrailBuckets;
  list(bucket: TrailBucket, path: readonly string[]): Promise<LevelChild[]>;
}

/** The top-level node of the log files open in panels (files are not a live provider's accounts). */
export const logFilesLabel = (): string => vscode.l10n.t('Log files');

/** The top-level node of a live provider: what it holds, named from its descriptor. */
export function accountsLabel(displayName: string): string {
  return vscode.l10n.t('{0} accounts', displayName);
}

/** "1,234 events, 2 problems" for an account's events in the open panels. */
function eventsAndProblems(events: number, problems: number): string {
  const n = events.toLocaleString('en-US');
  if (!problems) return vscode.l10n.t('{0} events', n);
  return problems === 1 ? vscode.l10n.t('{0} events, 1 problem', n) : vscode.l10n.t('{0} events, {1} problems', n, problems);
}

export class SourcesTree implements vscode.TreeDataProvider<SourceNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SourceNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly sub: vscode.Disposable;
  private pending: NodeJS.Timeout | undefined;

  private readonly accountSub: vscode.Disposable;

  /** Scopes per account, fetched once (an API call) and kept until Refresh or an account change. */
  private readonly scopes = new Map<string, Promise<SourceNode[]>>();

  constructor(
    private readonly accounts: AccountStore,
    private readonly saved: SavedQueries,
    private readonly providers: ReadonlyMap<string, ProviderEntry> = new Map(),
    private readonly s3?: BucketBrowser,
  ) {
    this.accountSub = vscode.Disposable.from(
      accounts.onDidChange(() => {
        this.scopes.clear();
        this.refresh();
      }),
      saved.onDidChange(() => this.refresh()),
      ...(s3 ? [s3.buckets.onDidChange(() => this.refresh())] : []),
    );
    // Counts change many times a second while loading: redraw at most a few times a second.
    this.sub = EventsPanel.onDidChange(() => {
      if (this.pending) return;
      this.pending = setTimeout(() => {
        this.pending = undefined;
        this.refresh();
      }, 250);
    });
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  /** Forgets the scopes fetched from the APIs, so the next expand asks again. */
  reloadScopes(): void {
    this.scopes.clear();
    this.refresh();
  }

  private scopeNodes(account: AccountConfig): Promise<SourceNode[]> {
    const provider = this.providers.get(account.provider)?.provider;
    if (!provider?.listScopes) return Promise.resolve([]);
    let nodes = this.scopes.get(account.id);
    if (!nodes) {
      const list = provider.listScopes.bind(provider);
      nodes = (async (): Promise<SourceNode[]> => {
        const secret = await this.accounts.secret(account.id);
        if (!secret) return [{ kind: 'message', text: vscode.l10n.t('no key stored: use Replace Key…'), icon: 'warning' }];
        try {
          const scopes = await list(account, secret);
          return scopes.map((scope) => ({ kind: 'scope', account, scope }));
        } catch (err) {
          return [{ kind: 'message', text: isApiError(err) ? err.message : vscode.l10n.t('could not list what this key can see'), icon: 'error' }];
        }
      })();
      this.scopes.set(account.id, nodes);
    }
    return nodes;
  }

  getChildren(node?: SourceNode): SourceNode[] | Promise<SourceNode[]> {
    const panels = EventsPanel.all().filter((p) => p.paths.length > 0);
    const accounts = this.accounts.list();
    if (!node) {
      const ids = new Set(accounts.map((a) => a.provider));
      const files: SourceNode[] = panels.length > 0 ? [{ kind: 'files' }] : [];
      // In the registry's order; a provider shows once it has an account.
      return [...files, ...[...this.providers.values()].filter((e) => ids.has(e.descriptor.id)).map((entry): SourceNode => ({ kind: 'provider', entry }))];
    }
    if (node.kind === 'account') {
      const saved: SourceNode[] = this.saved.list(node.account.id).map((q) => ({ kind: 'saved', saved: q }));
      const buckets: SourceNode[] = (this.s3?.buckets.list(node.account.id) ?? []).map((bucket) => ({ kind: 'bucket', account: node.account, bucket }));
      return this.scopeNodes(node.account).then((scopes) => [...saved, ...buckets, ...scopes]);
    }
    if ((node.kind === 'bucket' || node.kind === 's3level') && this.s3) {
      const path = node.kind === 'bucket' ? [] : node.child.path;
      return this.s3.list(node.bucket, path).then(
        (children) => (children.length ? children.map((child): SourceNode => ({ kind: 's3level', account: node.account, bucket: node.bucket, child })) : [{ kind: 'message', text: vscode.l10n.t('no log folders here'), icon: 'info' }]),
        (err: unknown) => [{ kind: 'message', text: isApiError(err) ? err.message : vscode.l10n.t('could not list the bucket'), icon: 'error' }],
      );
    }
    if (node.kind === 'provider') return accounts.filter((a) => a.provider === node.entry.descriptor.id).map((account) => ({ kind: 'account', account }));
    if (node.kind !== 'files') return [];
    const out: SourceNode[] = [];
    for (const panel of panels) {
      for (const s of panel.paths) {
        const info = panel.sources.sources.find((x) => x.path === s);
        out.push({
          kind: 'opened',
          panel,
          path: s,
          label: info?.label ?? s,
          events: info?.report?.events ?? 0,
          errors: info?.report?.errors.length ?? 0,
          loading: panel.sources.loading,
        });
      }
    }
    return out;
  }

  getTreeItem(node: SourceNode): vscode.TreeItem {
    if (node.kind === 'bucket') {
      const b = node.bucket;
      const item = new vscode.TreeItem(`s3://${b.bucket}${b.prefix ? `/${b.prefix}` : ''}`, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = b.bucketRegion ?? vscode.l10n.t('trail bucket');
      item.iconPath = new vscode.ThemeIcon('archive');
      const tip = new vscode.MarkdownString();
      tip.appendText(vscode.l10n.t('Trail bucket {0}\nBrowse by organization → account → region → year → month → day; right-click a folder to open it.', `s3://${b.bucket}/${b.prefix ?? ''}`));
      item.tooltip = tip;
      item.contextValue = 'trailBucket';
      return item;
    }
    if (node.kind === 's3level') {
      const c = node.child;
      const leaf = c.kind === 'day';
      const item = new vscode.TreeItem(c.name, leaf ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Collapsed);
      item.description = c.insights ? vscode.l10n.t('{0} · Insights', c.kind) : c.kind;
      item.iconPath = new vscode.ThemeIcon(leaf ? 'calendar' : c.kind === 'region' ? 'globe' : c.kind === 'account' || c.kind === 'org' ? 'organization' : 'folder');
      const tip = new vscode.MarkdownString();
      tip.appendText(`s3://${node.bucket.bucket}/${c.prefix}`);
      item.tooltip = tip;
      item.contextValue = c.kind === 'region' || c.kind === 'account' ? 's3Level.days' : 's3Level';
      if (leaf) item.command = { command: 'auditLogs.openS3', title: vscode.l10n.t('Open in Panel'), arguments: [node] };
      return item;
    }
    if (node.kind === 'provider') {
      const item = new vscode.TreeItem(accountsLabel(node.entry.descriptor.displayName), vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = new vscode.ThemeIcon('cloud');
      item.contextValue = `provider.${node.entry.descriptor.id}`;
      return item;
    }
    if (node.kind === 'files') {
      const item = new vscode.TreeItem(logFilesLabel(), vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = new vscode.ThemeIcon('files');
      item.tooltip = vscode.l10n.t('Log files and folders open in panels');
      item.contextValue = 'logFiles';
      return item;
    }
    if (node.kind === 'message') {
      const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon(node.icon);
      return item;
    }
    if (node.kind === 'scope') {
      const item = new vscode.TreeItem(node.scope.label, vscode.TreeItemCollapsibleState.None);
      if (node.scope.description) item.description = node.scope.description;
      item.iconPath = new vscode.ThemeIcon('account');
      const tip = new vscode.MarkdownString();
      tip.appendText(vscode.l10n.t('{0} ({1})\nClick to query the last 24 hours of this account.', node.scope.label, node.scope.id));
      item.tooltip = tip;
      item.contextValue = 'scope';
      item.command = { command: 'auditLogs.query', title: vscode.l10n.t('Query'), arguments: [{ accountId: node.account.id, filter: '', rangeMs: 86_400_000, params: node.scope.params }] };
      return item;
    }
    if (node.kind === 'saved') {
      const q = node.saved;
      const item = new vscode.TreeItem(q.name, vscode.TreeItemCollapsibleState.None);
      item.description = q.athena ? vscode.l10n.t('Athena · {0}', `${q.athena.database}${q.filter ? ` · ${q.filter}` : ''}`) : q.filter || vscode.l10n.t('(all events)');
      item.iconPath = new vscode.ThemeIcon('search');
      const tip = new vscode.MarkdownString();
      tip.appendText(vscode.l10n.t('{0}\nthe last {1} hours, counted from when it runs', q.filter || vscode.l10n.t('(all events)'), Math.round(q.rangeMs / 3_600_000)));
      item.tooltip = tip;
      item.contextValue = 'savedQuery';
      item.command = q.athena
        ? { command: 'auditLogs.athenaRunSql', title: vscode.l10n.t('Run in Athena'), arguments: [{ accountId: q.accountId, ...q.athena, localFilter: q.filter }] }
        : { command: 'auditLogs.query', title: vscode.l10n.t('Run'), arguments: [{ accountId: q.accountId, filter: q.filter, rangeMs: q.rangeMs }] };
      return item;
    }
    if (node.kind === 'account') {
      const a = node.account;
      const hasChildren = this.saved.list(a.id).length > 0 || !!this.providers.get(a.provider)?.provider.listScopes;
      const item = new vscode.TreeItem(a.label, hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      // What the open panels hold from this account: its events and problems, per panel.
      const inPanels = EventsPanel.all().flatMap((p) => p.sources.sources.filter((x) => x.liveQuery?.accountId === a.id));
      const events = inPanels.reduce((n, x) => n + (x.live?.added ?? 0), 0);
      const problems = inPanels.reduce((n, x) => n + (x.live?.stoppedBy ? 1 : 0) + (x.live?.problems?.length ?? 0), 0);
      const where = [a.scope, a.region].filter(Boolean).join(' · ');
      const shown = inPanels.length ? eventsAndProblems(events, problems) : '';
      item.description = [where, shown].filter(Boolean).join(' · ');
      item.iconPath = new vscode.ThemeIcon(problems ? 'warning' : 'key');
      const tip = new vscode.MarkdownString();
      tip.appendText(`${this.providers.get(a.provider)?.descriptor.displayName ?? a.provider}\n${where}${a.endpoint ? `\n${a.endpoint}` : ''}\n${vscode.l10n.t("The key is kept in VS Code's secret storage.")}`);
      for (const x of inPanels) tip.appendMarkdown('\n\n').appendText(`${vscode.l10n.t('In a panel: {0}', sourceLine(x))}${x.live?.stoppedBy ? `\n${x.live.stoppedBy.message}` : ''}`);
      item.tooltip = tip;
      item.contextValue = 'account';
      item.command = { command: 'auditLogs.query', title: vscode.l10n.t('Query…'), arguments: [node] };
      return item;
    }
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    const hits = node.panel.session.detections.current.bySource[node.path];
    // Events of this source with a high or critical Sigma hit (the panel's last detection run).
    const severe = hits && hits.high + hits.critical > 0 ? `, ${[hits.critical ? vscode.l10n.t('{0} critical', hits.critical) : '', hits.high ? vscode.l10n.t('{0} high', hits.high) : ''].filter(Boolean).join(', ')}` : '';
    const counts = `${node.errors ? vscode.l10n.t('{0} events, {1} problems', node.events.toLocaleString('en-US'), node.errors) : vscode.l10n.t('{0} events', node.events.toLocaleString('en-US'))}${severe}`;
    // While loading, the count is the panel's (status bar and panel): the tree only says it reads.
    item.description = node.loading ? vscode.l10n.t('reading…') : counts;
    item.iconPath = new vscode.ThemeIcon(node.loading ? 'loading~spin' : node.errors ? 'warning' : 'file-code');
    const tip = new vscode.MarkdownString();
    tip.appendText(`${node.path}\n${counts}`);
    item.tooltip = tip;
    item.contextValue = 'openedSource';
    item.command = { command: 'auditLogs.revealPanel', title: vscode.l10n.t('Show Events'), arguments: [node.panel] };
    return item;
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    this.accountSub.dispose();
    this.sub.dispose();
    this.changed.dispose();
  }
}

export class RecentTree implements vscode.TreeDataProvider<RecentItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RecentItem | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly recent: RecentList) {
    this.sub = recent.onDidChange(() => this.changed.fire(undefined));
  }

  getChildren(node?: RecentItem): RecentItem[] {
    return node ? [] : this.recent.items();
  }

  getTreeItem(item: RecentItem): vscode.TreeItem {
    const t = new vscode.TreeItem(item.label, vscode.TreeItemCollapsibleState.None);
    if (item.kind === 'query' && item.query) {
      t.iconPath = new vscode.ThemeIcon('search');
      t.contextValue = 'recentItem';
      t.command = { command: 'auditLogs.query', title: vscode.l10n.t('Run Again'), arguments: [item.query] };
      const tip = new vscode.MarkdownString();
      tip.appendText(vscode.l10n.t('{0}\nrun {1} UTC', item.label, new Date(item.openedAt).toISOString().replace('T', ' ').slice(0, 19)));
      t.tooltip = tip;
      return t;
    }
    t.description = item.path;
    t.iconPath = new vscode.ThemeIcon(item.kind === 'folder' ? 'folder' : 'file');
    const tip = new vscode.MarkdownString();
    tip.appendText(vscode.l10n.t('{0}\nopened {1} UTC', item.path, new Date(item.openedAt).toISOString().replace('T', ' ').slice(0, 19)));
    t.tooltip = tip;
    t.contextValue = 'recentItem';
    t.command = { command: 'auditLogs.openFiles', title: vscode.l10n.t('Open'), arguments: [vscode.Uri.file(item.path)] };
    return t;
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
