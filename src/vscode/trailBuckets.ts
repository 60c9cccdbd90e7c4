/** Trail buckets added under AWS accounts (global state; nothing secret: the account holds the credentials). */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { z } from 'zod';

const TrailBucketSchema = z.object({
  id: z.string().min(1).max(100),
  accountId: z.string().min(1).max(100),
  bucket: z.string().min(3).max(63),
  /** The trail's S3 key prefix (without AWSLogs/). */
  prefix: z.string().max(1024).optional(),
  /** Where the bucket lives, when it is not the account's first region. */
  bucketRegion: z.string().max(50).optional(),
  /** An S3-compatible or private endpoint (path-style), instead of AWS's. */
  endpoint: z.string().url().max(2048).optional(),
});
export type TrailBucket = z.infer<typeof TrailBucketSchema>;

const KEY = 'auditLogs.trailBuckets';

export class TrailBuckets implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {}

  list(accountId?: string): TrailBucket[] {
    const raw = this.state.get<unknown>(KEY, []);
    if (!Array.isArray(raw)) return [];
    const all = raw.flatMap((x) => {
      const r = TrailBucketSchema.safeParse(x);
      return r.success ? [r.data] : [];
    });
    return accountId ? all.filter((b) => b.accountId === accountId) : all;
  }

  get(id: string): TrailBucket | undefined {
    return this.list().find((b) => b.id === id);
  }

  async add(b: Omit<TrailBucket, 'id'>): Promise<TrailBucket> {
    const same = this.list().find((x) => x.accountId === b.accountId && x.bucket === b.bucket && (x.prefix ?? '') === (b.prefix ?? ''));
    if (same) return same;
    const saved = TrailBucketSchema.parse({ ...b, id: randomUUID() });
    await this.state.update(KEY, [...this.list(), saved]);
    this.changed.fire();
    return saved;
  }

  async remove(id: string): Promise<void> {
    await this.state.update(KEY, this.list().filter((b) => b.id !== id));
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
