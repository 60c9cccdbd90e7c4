/**
 * Trail buckets under AWS accounts: add one (found with DescribeTrails or typed), browse it in the
 * Sources tree by its layout, and open a day, a folder or a range of days straight from S3 into a
 * panel — after an estimate, confirmed above `auditLogs.s3.confirmAboveBytes`.
 */
import * as vscode from 'vscode';
import { showError, showInfo, showWarning, withProgress } from './notify';
import { z } from 'zod';
import { isApiError } from '../core/errors';
import type { AccountConfig } from '../providers/provider';
import {
  discoverTrails,
  estimate,
  findBucketRegion,
  listLevel,
  openS3Session,
  type LevelChild,
  type S3Selection,
  type S3TrailSession,
  type TrailLocation,
} from '../providers/s3Trail/index';
import { awsAccounts, type AccountCommandDeps } from './accountCommands';
import { EventsPanel } from './panel';
import type { TrailBucket, TrailBuckets } from './trailBuckets';
import { formatBytes } from '../core/formats';

export interface S3Deps extends AccountCommandDeps {
  buckets: TrailBuckets;
}

const S3Settings = z.object({
  confirmAboveBytes: z.number().int().nonnegative().catch(1_000_000_000),
  concurrency: z.number().int().min(1).max(32).catch(6),
});

function settings(): z.infer<typeof S3Settings> {
  const c = vscode.workspace.getConfiguration('auditLogs.s3');
  return S3Settings.parse({ confirmAboveBytes: c.get('confirmAboveBytes'), concurrency: c.get('concurrency') });
}

const AddBucketArgs = z.object({
  accountId: z.string().min(1),
  bucket: z.string().min(3).max(63),
  prefix: z.string().max(1024).optional(),
  bucketRegion: z.string().max(50).optional(),
  endpoint: z.string().url().max(2048).optional(),
});

const OpenArgs = z.object({
  bucketId: z.string().min(1),
  /** Key prefixes (a folder of the layout) … */
  prefixes: z.array(z.string().max(2048)).min(1).max(1000).optional(),
  /** … or days of some regions of one account. */
  days: z
    .object({ org: z.string().max(50).optional(), account: z.string().regex(/^\d{12}$/), regions: z.array(z.string().max(50)).min(1), from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) })
    .optional(),
  /** Skip the confirmation (tests, scripts). */
  confirmed: z.boolean().optional(),
});


function location(b: TrailBucket): TrailLocation {
  return { bucket: b.bucket, ...(b.prefix ? { prefix: b.prefix } : {}), ...(b.bucketRegion ? { bucketRegion: b.bucketRegion } : {}) };
}

/** A session for one bucket operation; the caller closes it. */
async function sessionFor(d: S3Deps, b: TrailBucket): Promise<{ account: AccountConfig; session: S3TrailSession } | undefined> {
  const account = d.accounts.get(b.accountId);
  const secret = account && (await d.accounts.secret(account.id));
  if (!account || !secret) {
    void showError(vscode.l10n.t('Audit Logs: the AWS account of this bucket has no stored credentials. Use "Replace Key…" on it.'));
    return undefined;
  }
  return { account, session: openS3Session(account, secret, { region: b.bucketRegion, ...(b.endpoint ? { endpoint: b.endpoint } : {}), log: (l) => d.log.info(l) }) };
}

/** The tree's children of a bucket or one of its folders. */
export async function listBucketLevel(d: S3Deps, b: TrailBucket, path: readonly string[]): Promise<LevelChild[]> {
  const s = await sessionFor(d, b);
  if (!s) return [];
  try {
    return await listLevel(s.session, location(b), path);
  } finally {
    s.session.close();
  }
}

export function registerS3Commands(d: S3Deps): vscode.Disposable[] {
  const cmd = (id: string, fn: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, fn);
  return [
    cmd('auditLogs.addTrailBucket', async (arg?: unknown) => {
      const direct = AddBucketArgs.safeParse(arg);
      if (direct.success) return d.buckets.add(direct.data);
      const fromNode = arg && typeof arg === 'object' && 'account' in arg ? d.accounts.get(String((arg as { account: { id?: unknown } }).account.id)) : undefined;
      const aws = awsAccounts(d);
      const account =
        fromNode ??
        (aws.length === 1
          ? aws[0]
          : (await vscode.window.showQuickPick(aws.map((a) => ({ label: a.label, description: a.region, account: a })), { title: vscode.l10n.t('Add a trail bucket to which AWS account?'), ignoreFocusOut: true }))?.account);
      if (!account) {
        if (aws.length === 0) void showInfo(vscode.l10n.t('Audit Logs: add an AWS CloudTrail account first (Add Account…).'));
        return undefined;
      }
      const secret = await d.accounts.secret(account.id);
      if (!secret) return undefined;
      const session = openS3Session(account, secret, { log: (l) => d.log.info(l) });
      let trails: Array<{ label: string; description?: string; bucket: string; prefix?: string; bucketRegion?: string }> = [];
      try {
        const found = await withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Looking for trails (DescribeTrails)…') }, () => discoverTrails(session));
        trails = found.map((t) => ({ label: t.name, description: `s3://${t.bucket}/${t.prefix ?? ''}${t.isOrganizationTrail ? vscode.l10n.t(' · organization trail') : ''}`, bucket: t.bucket, ...(t.prefix ? { prefix: t.prefix } : {}) }));
      } catch (e) {
        d.log.warn(`DescribeTrails: ${isApiError(e) ? e.message : String(e)}`);
      } finally {
        session.close();
      }
      const TYPE = vscode.l10n.t('$(edit) Type a bucket name…');
      const pick = await vscode.window.showQuickPick([...trails, { label: TYPE, bucket: '' }], { title: vscode.l10n.t('Which trail’s bucket?'), ignoreFocusOut: true });
      if (!pick) return undefined;
      let bucket = pick.bucket;
      let prefix = pick.prefix;
      if (pick.label === TYPE) {
        bucket =
          (await vscode.window.showInputBox({ title: vscode.l10n.t('S3 bucket the trail delivers to'), ignoreFocusOut: true, validateInput: (v) => (/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v.trim()) ? undefined : vscode.l10n.t('A bucket name: 3–63 lower-case letters, digits, dots and hyphens')) }))?.trim() ?? '';
        if (!bucket) return undefined;
        prefix = (await vscode.window.showInputBox({ title: vscode.l10n.t('The trail’s key prefix (empty when the logs start at AWSLogs/)'), ignoreFocusOut: true }))?.trim();
        if (prefix === undefined) return undefined;
      }
      let bucketRegion = (await vscode.window.showInputBox({ title: vscode.l10n.t('The bucket’s region (empty: ask S3)'), ignoreFocusOut: true, value: '' }))?.trim();
      if (bucketRegion === undefined) return undefined;
      const endpoint = (
        await vscode.window.showInputBox({
          title: vscode.l10n.t('S3 endpoint (empty for AWS; an S3-compatible or private endpoint otherwise)'),
          ignoreFocusOut: true,
          validateInput: (v) => (v.trim() === '' || /^https?:\/\/[^\s/@]+(\/\S*)?$/.test(v.trim()) ? undefined : vscode.l10n.t('A URL such as https://s3.example.internal, or empty')),
        })
      )?.trim();
      if (endpoint === undefined) return undefined;
      if (!bucketRegion) {
        const probe = openS3Session(account, secret, { ...(endpoint ? { endpoint } : {}), log: (l) => d.log.info(l) });
        try {
          bucketRegion = await findBucketRegion(probe, bucket);
        } finally {
          probe.close();
        }
      }
      return d.buckets.add({ accountId: account.id, bucket, ...(prefix ? { prefix } : {}), ...(bucketRegion ? { bucketRegion } : {}), ...(endpoint ? { endpoint } : {}) });
    }),

    cmd('auditLogs.removeTrailBucket', async (node?: unknown) => {
      const id = node && typeof node === 'object' && 'bucket' in node ? (node as { bucket: { id?: unknown } }).bucket.id : undefined;
      if (typeof id === 'string') await d.buckets.remove(id);
    }),

    cmd('auditLogs.openS3', async (arg?: unknown) => {
      // From the tree: { bucket, child? }; from code: OpenArgs.
      let args = OpenArgs.safeParse(arg).data;
      if (!args && arg && typeof arg === 'object' && 'bucket' in arg) {
        const node = arg as { bucket: TrailBucket; child?: LevelChild };
        args = { bucketId: node.bucket.id, prefixes: [node.child?.prefix ?? `${node.bucket.prefix ? `${node.bucket.prefix.replace(/\/+$/, '')}/` : ''}AWSLogs/`] };
      }
      const b = args && d.buckets.get(args.bucketId);
      if (!args || !b) return undefined;
      const selection: S3Selection = args.days ? { ...location(b), ...args.days } : { bucket: b.bucket, ...(b.bucketRegion ? { bucketRegion: b.bucketRegion } : {}), prefixes: args.prefixes ?? [] };
      const s = await sessionFor(d, b);
      if (!s) return undefined;
      try {
        const est = await withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Counting the objects in {0}…', `s3://${b.bucket}`), cancellable: false }, () => estimate(s.session, selection));
        const { confirmAboveBytes, concurrency } = settings();
        if (!args.confirmed && est.bytes > confirmAboveBytes) {
          const read = vscode.l10n.t('Read Them');
          const go = await showWarning(
            vscode.l10n.t('Audit Logs: this reads {0} log files, {1} compressed, from S3 ({2} digests skipped). Go on?', est.objects.toLocaleString('en-US'), formatBytes(est.bytes), est.digestsSkipped),
            { modal: true, detail: vscode.l10n.t('Above the auditLogs.s3.confirmAboveBytes setting. For ranges this large, Query with Athena… scans them where they are.') },
            read,
          );
          if (go !== read) return { cancelled: true, objects: est.objects, bytes: est.bytes };
        }
        const label = `s3://${b.bucket}/${'prefixes' in selection ? selection.prefixes.map((p) => p.replace(/^.*AWSLogs\//, '')).join(', ') : `${selection.account} ${selection.regions.join(',')} ${selection.from}..${selection.to}`}`;
        const panel = EventsPanel.openLive(d.context.extensionUri, vscode.l10n.t('Audit Logs: {0}', label.length > 60 ? `${label.slice(0, 57)}…` : label), d.log);
        const report = await panel.session.loadS3(s.session, selection, label, concurrency);
        return { objects: report.objects, bytes: report.downloadedBytes, events: report.events, duplicates: report.duplicates, skipped: report.skipped.length, errors: report.errors.length, cancelled: report.cancelled, stoppedBy: report.stoppedBy?.message, estimate: est };
      } catch (e) {
        void showError(vscode.l10n.t('Audit Logs: {0}', isApiError(e) ? e.message : vscode.l10n.t('could not read the bucket ({0})', e instanceof Error ? e.message : String(e))));
        return undefined;
      } finally {
        s.session.close();
      }
    }),

    cmd('auditLogs.openS3Days', async (node?: unknown) => {
      // A region folder (or an account) in the tree: ask the days, then open them.
      if (!node || typeof node !== 'object' || !('bucket' in node) || !('child' in node)) return undefined;
      const { bucket, child } = node as { bucket: TrailBucket; child: LevelChild };
      const today = new Date().toISOString().slice(0, 10);
      const weekAgo = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
      const day = (title: string, value: string) =>
        vscode.window.showInputBox({ title, value, ignoreFocusOut: true, validateInput: (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v.trim()) ? undefined : vscode.l10n.t('A day as YYYY-MM-DD')) });
      const from = await day(vscode.l10n.t('First day (YYYY-MM-DD)'), weekAgo);
      if (!from) return undefined;
      const to = await day(vscode.l10n.t('Last day (YYYY-MM-DD, included)'), today);
      if (!to) return undefined;
      const org = child.path.find((p) => p.startsWith('o-'));
      const account = child.path.find((p) => /^\d{12}$/.test(p));
      const region = child.kind === 'region' ? child.name : undefined;
      if (!account) return undefined;
      let regions = region ? [region] : [];
      if (!region) {
        const list = (await listBucketLevel(d, bucket, child.path)).filter((c) => c.kind === 'region' && !c.insights).map((c) => c.name);
        const picked = await vscode.window.showQuickPick(list, { title: vscode.l10n.t('Which regions?'), canPickMany: true, ignoreFocusOut: true });
        if (!picked?.length) return undefined;
        regions = picked;
      }
      return vscode.commands.executeCommand('auditLogs.openS3', { bucketId: bucket.id, days: { ...(org ? { org } : {}), account, regions, from: from.trim(), to: to.trim() } });
    }),
  ];
}
