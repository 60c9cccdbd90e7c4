/** Queries saved under a live account, re-run from the Sources tree or the palette. */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { z } from 'zod';

const SavedQuerySchema = z.object({
  id: z.string().min(1).max(100),
  accountId: z.string().min(1).max(100),
  name: z.string().min(1).max(200),
  filter: z.string().max(20_000),
  /** How far back from "now" the query reaches when it is run. */
  rangeMs: z.number().int().positive(),
  /** An Athena query (its SQL, where it runs); `filter` is then what the panel applies to its rows. */
  athena: z
    .object({
      sql: z.string().min(1).max(262_144),
      database: z.string().min(1).max(255),
      workgroup: z.string().max(128).optional(),
      outputLocation: z.string().max(1024).optional(),
      region: z.string().max(50).optional(),
    })
    .optional(),
});
export type SavedQuery = z.infer<typeof SavedQuerySchema>;

const KEY = 'auditLogs.savedQueries';

export class SavedQueries implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {}

  list(accountId?: string): SavedQuery[] {
    const raw = this.state.get<unknown>(KEY, []);
    if (!Array.isArray(raw)) return [];
    const all = raw.flatMap((x) => {
      const r = SavedQuerySchema.safeParse(x);
      return r.success ? [r.data] : [];
    });
    return accountId ? all.filter((q) => q.accountId === accountId) : all;
  }

  async add(q: Omit<SavedQuery, 'id'>): Promise<SavedQuery> {
    const saved = SavedQuerySchema.parse({ ...q, id: randomUUID() });
    await this.state.update(KEY, [...this.list(), saved]);
    this.changed.fire();
    return saved;
  }

  async remove(id: string): Promise<void> {
    await this.state.update(KEY, this.list().filter((q) => q.id !== id));
    this.changed.fire();
  }

  /** Forgets the queries of a removed account. */
  async removeAccount(accountId: string): Promise<void> {
    await this.state.update(KEY, this.list().filter((q) => q.accountId !== accountId));
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
