/** Recently opened files and folders, kept in global state (never anything secret). */
import * as vscode from 'vscode';
import { z } from 'zod';
import { dedupeRecent, normalizePath, recentKey } from './sourceKey';

const RecentItemSchema = z.object({
  kind: z.enum(['file', 'folder', 'query']),
  /** A file or folder; for a query, `<accountId>:<filter>` (what makes it the same query). */
  path: z.string().min(1).max(25_000),
  label: z.string().max(25_000),
  openedAt: z.number(),
  query: z.object({ accountId: z.string(), filter: z.string().max(20_000), rangeMs: z.number().int().positive() }).optional(),
});
export type RecentItem = z.infer<typeof RecentItemSchema>;

const KEY = 'auditLogs.recent';
const MAX = 20;

export class RecentList {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {}

  /** What global state holds, checked: a hand-edited or older entry is dropped, not trusted. */
  items(): RecentItem[] {
    const parsed = z.array(z.unknown()).safeParse(this.state.get(KEY, []));
    if (!parsed.success) return [];
    // The same folder written two ways (`/logs/a/`, `/logs/a`) is one entry, also in older state.
    return dedupeRecent(
      parsed.data.flatMap((x) => {
        const r = RecentItemSchema.safeParse(x);
        return r.success ? [r.data] : [];
      }),
    );
  }

  async add(item: Omit<RecentItem, 'openedAt'>): Promise<void> {
    const entry = { ...item, path: item.kind === 'query' ? item.path : normalizePath(item.path), openedAt: Date.now() };
    const rest = this.items().filter((x) => recentKey(x) !== recentKey(entry));
    await this.state.update(KEY, [entry, ...rest].slice(0, MAX));
    this.changed.fire();
  }

  async remove(path: string): Promise<void> {
    const gone = (x: RecentItem) => x.path === path || (x.kind !== 'query' && recentKey(x) === recentKey({ kind: 'file', path }));
    await this.state.update(KEY, this.items().filter((x) => !gone(x)));
    this.changed.fire();
  }

  async clear(): Promise<void> {
    await this.state.update(KEY, []);
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
