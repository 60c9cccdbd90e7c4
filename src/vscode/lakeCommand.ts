/**
 * "Run CloudTrail Lake Query…": SQL over an event data store, run by AWS, its rows streamed into an
 * events panel like any live query (progress, cancel, what was read stays when it fails). The bytes
 * scanned — what AWS charges for — are said when it ends.
 */
import * as vscode from 'vscode';
import { showError, showInfo } from './notify';
import { z } from 'zod';
import type { AwsCloudTrailProvider } from '../providers/awsCloudtrail/index';
import type { AccountConfig, LiveProvider } from '../providers/provider';
import { awsAccounts, type AccountCommandDeps } from './accountCommands';
import { EventsPanel } from './panel';
import { formatBytes } from '../core/formats';

const LakeArgs = z.object({
  accountId: z.string().min(1),
  sql: z.string().min(1).max(100_000),
  eventDataStore: z.string().max(2048).optional(),
  region: z.string().max(50).optional(),
});

function isAwsProvider(p: LiveProvider | undefined): p is AwsCloudTrailProvider {
  return !!p && typeof (p as Partial<AwsCloudTrailProvider>).runLakeQuery === 'function';
}

/** A starting point people can edit: the last day, newest first, the columns the panel shows. */
function sqlTemplate(now: number): string {
  const since = new Date(now - 86_400_000).toISOString().replace('T', ' ').slice(0, 19);
  return `SELECT eventJson FROM <event-data-store-id> WHERE eventTime > '${since}' ORDER BY eventTime DESC LIMIT 1000`;
}


export function registerLakeCommand(d: AccountCommandDeps): vscode.Disposable {
  return vscode.commands.registerCommand('auditLogs.lakeQuery', async (arg?: unknown) => {
    const direct = LakeArgs.safeParse(arg);
    let args: z.infer<typeof LakeArgs> | undefined = direct.success ? direct.data : undefined;
    let account: AccountConfig | undefined = args ? d.accounts.get(args.accountId) : undefined;
    if (!args) {
      const aws = awsAccounts(d);
      if (aws.length === 0) {
        const add = await showInfo(vscode.l10n.t('Audit Logs: add an AWS CloudTrail account first.'), vscode.l10n.t('Add Account…'));
        if (add) await vscode.commands.executeCommand('auditLogs.addAccount');
        return undefined;
      }
      account =
        aws.length === 1
          ? aws[0]
          : (await vscode.window.showQuickPick(aws.map((a) => ({ label: a.label, description: a.region, account: a })), { title: vscode.l10n.t('CloudTrail Lake: which AWS account?'), ignoreFocusOut: true }))?.account;
      if (!account) return undefined;
      const sql = await vscode.window.showInputBox({
        title: vscode.l10n.t('CloudTrail Lake query ({0})', account.label),
        prompt: vscode.l10n.t('SQL over your event data store; AWS charges by the bytes it scans'),
        value: sqlTemplate(Date.now()),
        ignoreFocusOut: true,
        validateInput: (v) => (/<event-data-store-id>/.test(v) ? vscode.l10n.t('Put your event data store id in place of <event-data-store-id>') : v.trim() ? undefined : vscode.l10n.t('Required')),
      });
      if (!sql) return undefined;
      args = { accountId: account.id, sql };
    }
    const entry = account ? d.providers.get(account.provider) : undefined;
    const aws = entry?.provider;
    if (!account || !isAwsProvider(aws)) {
      void showError(vscode.l10n.t('Audit Logs: CloudTrail Lake queries need an AWS CloudTrail account.'));
      return undefined;
    }
    const secret = await d.accounts.secret(account.id);
    if (!secret) {
      void showError(vscode.l10n.t('Audit Logs: no credentials are stored for "{0}". Use "Replace Key…" to add them.', account.label));
      return undefined;
    }
    const panel = EventsPanel.openLive(d.context.extensionUri, vscode.l10n.t('Audit Logs: Lake ({0})', account.label), d.log);
    const { result, report: lake } = await panel.session.fetchLake({
      lake: aws,
      account,
      secret,
      sql: { sql: args.sql, eventDataStore: args.eventDataStore, region: args.region },
      query: { filter: '' },
    });
    const s = lake?.statistics;
    if (lake && !lake.stoppedBy) {
      const events = result.events.toLocaleString('en-US');
      void showInfo(
        s?.bytesScanned === undefined
          ? vscode.l10n.t('Audit Logs: Lake query {0} finished: {1} events.', lake.queryId ?? '', events)
          : vscode.l10n.t('Audit Logs: Lake query {0} finished: {1} events, {2} scanned.', lake.queryId ?? '', events, formatBytes(s.bytesScanned)),
      );
    }
    return { ...result, queryId: lake?.queryId, status: lake?.status, bytesScanned: s?.bytesScanned };
  });
}
