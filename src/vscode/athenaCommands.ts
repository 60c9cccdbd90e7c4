/**
 * Athena for ranges too large to load: the panel's filter translated to SQL over the trail's
 * CloudTrail table, shown in an editor to read and change, run with progress and the data scanned
 * (what AWS charges for), its rows streamed into a panel; the table itself created on request
 * after its DDL is shown.
 */
import * as vscode from 'vscode';
import { showError, showInfo, showWarning, withProgress } from './notify';
import { z } from 'zod';
import { isApiError } from '../core/errors';
import { createAthena, filterToSql, tableSetupStatements, type AthenaTarget } from '../providers/athena/index';
import type { AccountConfig } from '../providers/provider';
import { listLevel, openS3Session } from '../providers/s3Trail/index';
import { awsAccounts, hasAwsCredentials, pickAccount, type AccountCommandDeps } from './accountCommands';
import { EventsPanel } from './panel';
import type { TrailBucket, TrailBuckets } from './trailBuckets';
import { formatBytes } from '../core/formats';

export interface AthenaDeps extends AccountCommandDeps {
  buckets: TrailBuckets;
}

const Settings = z.object({
  database: z.string().catch(''),
  table: z.string().catch('cloudtrail_logs'),
  workgroup: z.string().catch(''),
  outputLocation: z.string().catch(''),
  limit: z.number().int().positive().catch(10_000),
  endpoint: z.union([z.literal(''), z.string().url()]).catch(''),
});

function settings(): z.infer<typeof Settings> {
  const c = vscode.workspace.getConfiguration('auditLogs.athena');
  return Settings.parse({ database: c.get('database'), table: c.get('table'), workgroup: c.get('workgroup'), outputLocation: c.get('outputLocation'), limit: c.get('limit'), endpoint: c.get('endpoint') });
}

const Target = z.object({
  database: z.string().min(1).max(255),
  workgroup: z.string().max(128).optional(),
  outputLocation: z.string().max(1024).optional(),
  region: z.string().max(50).optional(),
  endpoint: z.string().url().max(2048).optional(),
});

const FilterArgs = Target.extend({
  accountId: z.string().min(1),
  filter: z.string().max(20_000),
  table: z.string().max(255).optional(),
  from: z.number().optional(),
  to: z.number().optional(),
  rangeMs: z.number().int().positive().optional(),
  limit: z.number().int().positive().optional(),
});

const SqlArgs = Target.extend({
  accountId: z.string().min(1),
  sql: z.string().min(1).max(262_144),
  /** Filter terms the SQL does not do, applied in the panel. */
  localFilter: z.string().max(20_000).optional(),
});

/** A function, not a constant: the labels are looked up in the display language when asked. */
const ranges = () => [
  { label: vscode.l10n.t('Last 24 hours'), ms: 86_400_000 },
  { label: vscode.l10n.t('Last 7 days'), ms: 7 * 86_400_000 },
  { label: vscode.l10n.t('Last 30 days'), ms: 30 * 86_400_000 },
  { label: vscode.l10n.t('Last 90 days'), ms: 90 * 86_400_000 },
  { label: vscode.l10n.t('Last 365 days'), ms: 365 * 86_400_000 },
];

const mb = (n: number | undefined) => (n === undefined ? '?' : formatBytes(n));

/** What an SQL document opened by "Query with Athena…" runs against, by document URI. */
const documents = new Map<string, z.infer<typeof SqlArgs>>();

function targetOf(t: z.infer<typeof Target>): AthenaTarget {
  return { database: t.database, ...(t.workgroup ? { workgroup: t.workgroup } : {}), ...(t.outputLocation ? { outputLocation: t.outputLocation } : {}), ...(t.region ? { region: t.region } : {}), ...(t.endpoint ? { endpoint: t.endpoint } : {}) };
}

async function awsAccount(d: AthenaDeps, node: unknown, title: string): Promise<AccountConfig | undefined> {
  if (node && typeof node === 'object' && 'bucket' in node && 'account' in node) return (node as { account: AccountConfig }).account;
  const aws = awsAccounts(d);
  if (aws.length === 1) return aws[0];
  if (aws.length === 0) {
    void showInfo(vscode.l10n.t('Audit Logs: add an AWS CloudTrail account first (Add Account…).'));
    return undefined;
  }
  return pickAccount(d, undefined, title, (a) => hasAwsCredentials(d, a));
}

async function askTarget(): Promise<z.infer<typeof Target> | undefined> {
  const s = settings();
  const database =
    s.database ||
    (await vscode.window.showInputBox({ title: vscode.l10n.t('Athena database of the CloudTrail table'), value: 'default', ignoreFocusOut: true, validateInput: (v) => (/^[A-Za-z0-9_]+$/.test(v.trim()) ? undefined : vscode.l10n.t('Letters, digits and _')) }))?.trim();
  if (!database) return undefined;
  return { database, ...(s.workgroup ? { workgroup: s.workgroup } : {}), ...(s.outputLocation ? { outputLocation: s.outputLocation } : {}), ...(s.endpoint ? { endpoint: s.endpoint } : {}) };
}

async function runSql(d: AthenaDeps, args: z.infer<typeof SqlArgs>): Promise<Record<string, unknown> | undefined> {
  const account = d.accounts.get(args.accountId);
  const secret = account && (await d.accounts.secret(account.id));
  if (!account || !secret) return undefined;
  const athena = createAthena({ log: (l) => d.log.info(l) });
  const panel = EventsPanel.openLive(d.context.extensionUri, vscode.l10n.t('Audit Logs: Athena ({0})', account.label), d.log);
  // While Athena queues and runs there are no pages yet: say its state and the data scanned so far.
  let status: vscode.Disposable | undefined;
  const onStatus = (state: string, stats: { dataScannedBytes: number }) => {
    status?.dispose();
    status = vscode.window.setStatusBarMessage(vscode.l10n.t('$(loading~spin) Athena: {0}, {1} scanned', state.toLowerCase(), mb(stats.dataScannedBytes)));
    d.log.info(`Athena ${state}: ${mb(stats.dataScannedBytes)} scanned`);
  };
  const { result, report } = await panel.session
    .fetchAthena({ athena, account, secret, sql: { ...targetOf(args), sql: args.sql }, query: { filter: args.localFilter ?? '' }, onStatus })
    .finally(() => status?.dispose());
  if (report && !report.stoppedBy && !report.cancelled) {
    void showInfo(vscode.l10n.t('Audit Logs: Athena query {0} {1}: {2} events, {3} scanned.', report.queryExecutionId ?? '', report.state ?? '', result.events.toLocaleString('en-US'), mb(report.dataScannedBytes)));
  }
  return { ...result, queryExecutionId: report?.queryExecutionId, state: report?.state, dataScannedBytes: report?.dataScannedBytes };
}

export function registerAthenaCommands(d: AthenaDeps): vscode.Disposable[] {
  const cmd = (id: string, fn: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, fn);
  return [
    cmd('auditLogs.athenaQuery', async (arg?: unknown) => {
      // From code: translate and run at once (tests, scripts); from a person: show the SQL first.
      const direct = FilterArgs.safeParse(arg);
      if (direct.success) {
        const a = direct.data;
        const now = Date.now();
        const from = a.from ?? (a.rangeMs ? now - a.rangeMs : undefined);
        const t = filterToSql(a.filter, { table: a.table ?? settings().table, from, to: a.to ?? (from !== undefined ? now : undefined), limit: a.limit ?? settings().limit, now });
        return { ...(await runSql(d, { ...a, sql: t.sql, localFilter: t.localFilter })), sql: t.sql, untranslated: t.untranslated };
      }
      const account = await awsAccount(d, arg, vscode.l10n.t('Query which AWS account with Athena?'));
      if (!account) return undefined;
      const target = await askTarget();
      if (!target) return undefined;
      const filter = await vscode.window.showInputBox({
        title: vscode.l10n.t('Filter to run in Athena'),
        value: EventsPanel.activePanel()?.session.currentFilter ?? '',
        prompt: vscode.l10n.t('The panel’s filter language; what SQL can do goes to Athena, the rest applies in the panel'),
        ignoreFocusOut: true,
      });
      if (filter === undefined) return undefined;
      const range = await vscode.window.showQuickPick(ranges(), { title: vscode.l10n.t('Time range (Athena scans only these days’ partitions)'), ignoreFocusOut: true });
      if (!range) return undefined;
      const now = Date.now();
      let t;
      try {
        t = filterToSql(filter, { table: settings().table, from: now - range.ms, to: now, limit: settings().limit, now });
      } catch (e) {
        void showError(vscode.l10n.t('Audit Logs: {0}', e instanceof Error ? e.message : String(e)));
        return undefined;
      }
      const header = [
        `-- ${vscode.l10n.t('Athena query for {0} (database {1}); edit it, then run it with "Audit Logs: Run SQL in Athena" (▷ above).', account.label, target.database)}`,
        ...t.translated.map((x) => `-- ${vscode.l10n.t('in SQL: {0}', x)}`),
        ...t.untranslated.map((x) => `-- ${vscode.l10n.t('applied in the panel, not in SQL: {0}', x)}`),
      ].map((l) => l.replace(/[\r\n]+/g, ' '));
      const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: `${header.join('\n')}\n${t.sql}\n` });
      documents.set(doc.uri.toString(), { accountId: account.id, ...target, sql: t.sql, localFilter: t.localFilter });
      await vscode.window.showTextDocument(doc, { preview: false });
      const run = vscode.l10n.t('Run in Athena');
      const save = vscode.l10n.t('Save as Query…');
      const choice = await showInfo(vscode.l10n.t('Audit Logs: the SQL is in the editor; change it if you like.'), run, save);
      if (choice === run) return vscode.commands.executeCommand('auditLogs.athenaRunSql', doc.uri);
      if (choice === save) {
        const name = await vscode.window.showInputBox({ title: vscode.l10n.t('Name of the saved Athena query'), ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Give it a name')) });
        if (name) return d.saved.add({ accountId: account.id, name: name.trim(), filter: t.localFilter, rangeMs: range.ms, athena: { ...target, sql: t.sql } });
      }
      return undefined;
    }),

    cmd('auditLogs.athenaRunSql', async (arg?: unknown) => {
      const direct = SqlArgs.safeParse(arg);
      if (direct.success) return runSql(d, direct.data);
      const editor = arg instanceof vscode.Uri ? vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === arg.toString()) : vscode.window.activeTextEditor;
      if (!editor) {
        void showInfo(vscode.l10n.t('Audit Logs: open the SQL to run (Query with Athena… writes one).'));
        return undefined;
      }
      const text = editor.selection.isEmpty ? editor.document.getText() : editor.document.getText(editor.selection);
      const sql = text.replace(/^\s*--.*$/gm, '').trim();
      if (!sql) return undefined;
      let ctx = documents.get(editor.document.uri.toString());
      if (!ctx) {
        const account = await awsAccount(d, undefined, vscode.l10n.t('Run the SQL in which AWS account?'));
        const target = account && (await askTarget());
        if (!account || !target) return undefined;
        ctx = { accountId: account.id, ...target, sql };
      }
      return runSql(d, { ...ctx, sql });
    }),

    cmd('auditLogs.athenaCreateTable', async (node?: unknown) => {
      if (!node || typeof node !== 'object' || !('bucket' in node) || !('account' in node)) return undefined;
      const { bucket, account } = node as { bucket: TrailBucket; account: AccountConfig };
      const secret = await d.accounts.secret(account.id);
      if (!secret) return undefined;
      const s = settings();
      const database = await vscode.window.showInputBox({ title: vscode.l10n.t('Athena database to create the table in'), value: s.database || 'audit_logs', ignoreFocusOut: true });
      if (!database) return undefined;
      const table = await vscode.window.showInputBox({ title: vscode.l10n.t('Table name'), value: s.table, ignoreFocusOut: true });
      if (!table) return undefined;
      // The accounts (and organization) whose logs the bucket holds, for the partition projection.
      const session = openS3Session(account, secret, { region: bucket.bucketRegion, ...(bucket.endpoint ? { endpoint: bucket.endpoint } : {}), log: (l) => d.log.info(l) });
      let org: string | undefined;
      let accounts: string[];
      try {
        const loc = { bucket: bucket.bucket, ...(bucket.prefix ? { prefix: bucket.prefix } : {}), ...(bucket.bucketRegion ? { bucketRegion: bucket.bucketRegion } : {}) };
        const top = await listLevel(session, loc, []);
        org = top.find((c) => c.kind === 'org')?.name;
        accounts = (org ? await listLevel(session, loc, [org]) : top).filter((c) => c.kind === 'account').map((c) => c.name);
      } catch (e) {
        void showError(vscode.l10n.t('Audit Logs: {0}', isApiError(e) ? e.message : String(e)));
        return undefined;
      } finally {
        session.close();
      }
      if (accounts.length === 0) {
        void showError(vscode.l10n.t("Audit Logs: no account folders in {0}; is this the trail's bucket and prefix?", `s3://${bucket.bucket}/${bucket.prefix ?? ''}`));
        return undefined;
      }
      const spec = { database, table, bucket: bucket.bucket, ...(bucket.prefix ? { prefix: bucket.prefix } : {}), ...(org ? { org } : {}), accounts, projectionStart: '2015/01/01' };
      let statements: string[];
      try {
        statements = tableSetupStatements(spec);
      } catch (e) {
        void showError(vscode.l10n.t('Audit Logs: {0}', e instanceof Error ? e.message : String(e)));
        return undefined;
      }
      const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: `${statements.join(';\n\n')};\n` });
      await vscode.window.showTextDocument(doc, { preview: false });
      const create = vscode.l10n.t('Create Table');
      const go = await showWarning(
        vscode.l10n.t('Audit Logs: run these {0} statements in Athena (account {1})?', statements.length, account.label),
        { modal: true, detail: vscode.l10n.t('They create the database if needed and the CloudTrail table with partition projection over the bucket.') },
        create,
      );
      if (go !== create) return undefined;
      const athena = createAthena({ log: (l) => d.log.info(l) });
      const r = await withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Creating the Athena table…'), cancellable: true }, (_p, token) => {
        const ctl = new AbortController();
        token.onCancellationRequested(() => ctl.abort());
        return athena.createTable(account, secret, { ...spec, ...(s.workgroup ? { workgroup: s.workgroup } : {}), ...(s.outputLocation ? { outputLocation: s.outputLocation } : {}) }, ctl.signal);
      });
      if (r.stoppedBy) void showError(vscode.l10n.t('Audit Logs: {0}', r.stoppedBy.message));
      else if (!r.cancelled) void showInfo(vscode.l10n.t('Audit Logs: created {0}. Set auditLogs.athena.database to "{1}" to query it by default.', `${database}.${table}`, database));
      return r;
    }),
  ];
}
