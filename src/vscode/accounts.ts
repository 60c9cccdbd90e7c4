/**
 * Live-API accounts: what is not secret (label, provider, region, endpoint, scope) in global state,
 * each key or token in SecretStorage under its own entry and nowhere else — not in settings, logs,
 * the webview, exports or error messages.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { z } from 'zod';
import type { AccountConfig } from '../providers/provider';

/**
 * `provider` is a descriptor id ('cloudtrail' for AWS, as stored since the first release). Entries
 * of a provider this build does not have stay stored untouched; they are just not listed.
 */
const AccountSchema = z.object({
  id: z.string().min(1).max(100),
  provider: z.string().min(1).max(100),
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

  private readonly known: ReadonlySet<string>;

  constructor(
    private readonly state: vscode.Memento,
    private readonly secrets: vscode.SecretStorage,
    /** The ids of the providers this build has (the registry's list). */
    providerIds: readonly string[],
  ) {
    this.known = new Set(providerIds);
  }

  /** Saved accounts of the known providers, each checked: an entry that does not parse is left out, not trusted. */
  list(): AccountConfig[] {
    return this.stored().filter((a) => this.known.has(a.provider));
  }

  /** Every entry that parses, whatever its provider: what add and remove write back. */
  private stored(): AccountConfig[] {
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
    if (!this.known.has(config.provider)) throw new Error(`no provider '${config.provider}' in this build`);
    const account = AccountSchema.parse({ ...config, id: randomUUID() });
    await this.secrets.store(secretKey(account.id), secret);
    await this.state.update(KEY, [...this.stored(), account]);
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
    await this.state.update(KEY, this.stored().filter((a) => a.id !== id));
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
