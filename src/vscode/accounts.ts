/**
 * Live-API accounts: what is not secret (label, provider, region, endpoint, scope) in global state,
 * each key or token in SecretStorage under its own entry and nowhere else — not in settings, logs,
 * the webview, exports or error messages.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { z } from 'zod';
import { PROVIDER_IDS } from '../core/event';
import type { AccountConfig } from '../providers/provider';

const AccountSchema = z.object({
  id: z.string().min(1).max(100),
  provider: z.enum(PROVIDER_IDS),
  label: z.string().min(1).max(200),
  endpoint: z.string().url().max(2000).optional(),
  region: z.string().max(100).optional(),
  scope: z.string().max(500).optional(),
});

const KEY = 'auditLogs.accounts';
const secretKey = (id: string) => `auditLogs.account.${id}`;

export class AccountStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly state: vscode.Memento,
    private readonly secrets: vscode.SecretStorage,
  ) {}

  /** Saved accounts, each checked: an entry that does not parse is left out, not trusted. */
  list(): AccountConfig[] {
    const raw = this.state.get<unknown>(KEY, []);
    if (!Array.isArray(raw)) return [];
    return raw.flatMap((x) => {
      const r = AccountSchema.safeParse(x);
      return r.success ? [r.data] : [];
    });
  }

  get(id: string): AccountConfig | undefined {
    return this.list().find((a) => a.id === id);
  }

  async add(config: Omit<AccountConfig, 'id'>, secret: string): Promise<AccountConfig> {
    const account = AccountSchema.parse({ ...config, id: randomUUID() });
    await this.secrets.store(secretKey(account.id), secret);
    await this.state.update(KEY, [...this.list(), account]);
    this.changed.fire();
    return account;
  }

  async setSecret(id: string, secret: string): Promise<void> {
    await this.secrets.store(secretKey(id), secret);
    this.changed.fire();
  }

  secret(id: string): Thenable<string | undefined> {
    return this.secrets.get(secretKey(id));
  }

  async remove(id: string): Promise<void> {
    await this.secrets.delete(secretKey(id));
    await this.state.update(KEY, this.list().filter((a) => a.id !== id));
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
