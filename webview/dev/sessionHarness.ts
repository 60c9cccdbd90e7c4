/**
 * The dev harness's host when the dataset fits a real store: the real panel session
 * (src/session/panelSession.ts) over a real EventStore, filled with the generated hostile events by
 * in-page loaders (the session's io port), so every call of the webview is answered by the same
 * code as in VS Code: the zod checks, queries, sorting, facets, histogram, details, the live strip,
 * the API's counts and sections. What needs VS Code's UI (confirmations, the save dialog) answers
 * "no": the tests read what the webview sent from the harness's log.
 */
import { AuditEventBatch } from '../../src/core/eventBatch';
import type { LoadError, LoadReport } from '../../src/providers/logFiles/files';
import type { AccountConfig, DetailSection, LiveProvider, ServerAggregate } from '../../src/providers/provider';
import type { SessionIo } from '../../src/session/io';
import { PanelSession } from '../../src/session/panelSession';
import type { SessionHost } from '../../src/session/ports';

export interface HarnessEvent {
  readonly time: number;
  readonly id: string;
  readonly account: string;
  readonly action: string;
  readonly actor: string;
  readonly service: string;
  readonly region: string;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly outcome: string;
  readonly error: string;
  readonly resources: string[];
}

/** The generated dataset and the fake API's answers, from fakeHost.ts. */
export interface HarnessDataset {
  rows: number;
  event(i: number): HarnessEvent;
  raw(i: number): string;
  /** Raw paths the real loader would extract into columns (the identity fields principal and origin read). */
  fields?(i: number): Record<string, string | undefined>;
  serverAggregate(): ServerAggregate;
  /** The fake API's "Load from API" sections, or its failure (thrown). */
  expand(row: number): DetailSection[];
}

export interface HarnessOptions {
  data: HarnessDataset;
  /** `load=1`: files arrive over a few seconds with progress, and can be cancelled. */
  slowLoad: boolean;
  /** `live=1`: the panel holds a live API query instead of files; `fixed=1` makes it fixed SQL. */
  live: boolean;
  fixedQuery: boolean;
  liveFilter: string;
  /** Sends a message to the webview (the harness adds latency and failNext). */
  post(method: string, params: unknown, completionId?: string): void;
}

export const FILE_PATHS = ['/data/AWSLogs/123456789012', '/data/AWSLogs/210987654321'];
const FILES_TOTAL = 905;
const LABELS: Record<string, string> = {
  [FILE_PATHS[0]!]: 'AWSLogs/123456789012 (fake)',
  [FILE_PATHS[1]!]: 'AWSLogs/210987654321 (fake)',
};
/** The problems the files "have": a cut-off gzip, a file whose name and error carry markup, a digest. */
const FILE_PROBLEMS: Record<string, LoadError[]> = {
  [FILE_PATHS[0]!]: [
    { path: '/data/AWSLogs/123456789012/CloudTrail/us-east-1/2024/05/01/truncated.json.gz', message: 'Unexpected end of data (gzip stream truncated); 41 events before it were kept', position: { line: 1, column: 18231 } },
    { path: '/data/AWSLogs/123456789012/CloudTrail/eu-west-1/2024/05/02/<img src=x onerror=window.__pwned=6>.json', message: 'Unexpected token < in JSON at position 0: <img src=x onerror=window.__pwned=1>' },
  ],
  [FILE_PATHS[1]!]: [{ path: '/data/AWSLogs/210987654321/CloudTrail-Digest/us-east-1/2024/05/01/digest.json.gz', message: 'CloudTrail digest file: skipped' }],
};
const SKIPPED: Record<string, LoadReport['skipped']> = {
  [FILE_PATHS[1]!]: [{ path: '/data/AWSLogs/210987654321/CloudTrail-Digest/us-east-1/2024/05/01/<b>digest</b>.json.gz', reason: 'CloudTrail digest file (holds no events)' }],
};
/** Events the first folder holds twice (a trail and its copy): merged by id, counted as duplicates. */
const DUPLICATES = 12;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Rows [from, to) as a batch; `idSuffix` makes them other events than the dataset's own (an added folder). */
function batchOf(data: HarnessDataset, provider: 'cloudtrail' | 'controlplane', source: string, from: number, to: number, idSuffix = ''): ReturnType<AuditEventBatch['build']> {
  const b = new AuditEventBatch(provider, source);
  for (let i = from; i < to; i++) {
    const e = data.event(i);
    b.add(
      {
        id: e.id + idSuffix,
        time: e.time,
        provider,
        account: e.account,
        action: e.action,
        actor: e.actor,
        service: e.service,
        region: e.region,
        sourceIp: e.sourceIp,
        userAgent: e.userAgent,
        outcome: e.outcome as 'success' | 'failure' | 'unknown',
        ...(e.error ? { error: e.error } : {}),
        resources: e.resources,
        raw: undefined,
      },
      data.raw(i),
      provider === 'cloudtrail' ? data.fields?.(i) : undefined,
    );
  }
  return b.build();
}

/** The rows of one of the fake folders, and how many of the 905 files they are. */
function folderOf(data: HarnessDataset, p: string): { from: number; to: number; files: number } | undefined {
  const cut = Math.floor(data.rows * 0.6);
  const firstFiles = Math.round(FILES_TOTAL * 0.6);
  if (p === FILE_PATHS[0]) return { from: 0, to: cut, files: firstFiles };
  if (p === FILE_PATHS[1]) return { from: cut, to: data.rows, files: FILES_TOTAL - firstFiles };
  return undefined;
}

function harnessIo(o: HarnessOptions): SessionIo {
  return {
    label: (p) => LABELS[p] ?? p.split('/').filter(Boolean).pop() ?? p,
    async loadFiles(paths, store, opts) {
      const report: LoadReport = { files: 0, events: 0, duplicates: 0, skipped: [], errors: [], bytes: 0, cancelled: false };
      for (const p of paths) {
        const folder = folderOf(o.data, p);
        // "Add Source" in the harness adds a small folder of its own: ten events, new to the panel.
        const { from, to, files } = folder ?? { from: 0, to: Math.min(10, o.data.rows), files: 1 };
        const label = opts.source ?? LABELS[p] ?? p;
        for (let f = 0; f < files; f++) {
          if (opts.signal?.aborted) {
            report.cancelled = true;
            break;
          }
          const a = from + Math.floor(((to - from) * f) / files);
          const z = from + Math.floor(((to - from) * (f + 1)) / files);
          const r = store.appendBatch(batchOf(o.data, 'cloudtrail', label, a, z, folder ? '' : `-${label}`));
          report.files++;
          report.events += r.added;
          report.duplicates += r.duplicates;
          opts.onProgress?.({ files: report.files, filesTotal: files, events: report.events, duplicates: report.duplicates, bytes: 0 });
          if (o.slowLoad && f % 23 === 22) await sleep(150);
        }
        if (folder && !report.cancelled) {
          if (p === FILE_PATHS[0]) {
            const r = store.appendBatch(batchOf(o.data, 'cloudtrail', label, from, from + Math.min(DUPLICATES, to - from)));
            report.duplicates += r.duplicates;
          }
          report.errors.push(...(FILE_PROBLEMS[p] ?? []));
          report.skipped.push(...(SKIPPED[p] ?? []));
        }
      }
      await Promise.resolve();
      return report;
    },
    loadS3: () => Promise.reject(new Error('the dev harness reads no S3 bucket')),
    exportView: () => Promise.reject(new Error('the dev harness writes no files')),
  };
}

const LIVE_ACCOUNT: AccountConfig = { id: 'acct-1', provider: 'controlplane', label: 'acme <i>(prod)</i>' };

/** The fake API of a live panel: three pages of the dataset, its counts, sections and actions. */
function harnessProvider(o: HarnessOptions): LiveProvider {
  return {
    id: 'controlplane',
    displayName: 'Control Plane',
    fixedQuery: o.fixedQuery,
    validate: async () => 'ok',
    async fetch(account, _secret, query, sink, signal) {
      const pages = 3;
      let events = 0;
      for (let p = 0; p < pages; p++) {
        if (signal?.aborted) return { pages: p, events, pushDown: { sentToApi: [], localFilter: query.filter }, cancelled: true };
        const from = Math.floor((o.data.rows * p) / pages);
        const to = Math.floor((o.data.rows * (p + 1)) / pages);
        events += to - from;
        sink.onBatch(batchOf(o.data, 'controlplane', account.label, from, to), { pages: p + 1, events });
        await Promise.resolve();
      }
      return { pages, events, pushDown: { sentToApi: ['time range', 'actionType = delete'], localFilter: 'actor:"<b>alice</b>"' }, cancelled: false };
    },
    expandEvent: async (_account, _secret, event) => o.data.expand(rowOfId.get(event.id) ?? 0),
    aggregate: async () => o.data.serverAggregate(),
    eventActions: [{ id: 'fake.addTags', title: 'Add Tags…', input: { prompt: 'Tags to add' }, confirm: 'Add the tags {input}?', run: async () => 'tagged' }],
    queryActions: [{ id: 'fake.saveQuery', title: 'Save Query in the API…', confirm: 'Save this query in the API?', run: async () => 'saved' }],
  };
}

/** Event id → dataset row, for the fake API's "read by id". */
const rowOfId = new Map<string, number>();

export interface HarnessSession {
  session: PanelSession;
  /** Starts the load (files) or the fetch (live), as the extension does when it opens a panel. */
  start(): Promise<unknown>;
}

export function createHarnessSession(o: HarnessOptions): HarnessSession {
  let title = `CloudTrail: fake trail (${o.data.rows.toLocaleString('en-US')} events)`;
  let added = 0;
  const host: SessionHost = {
    post: (method, params, completionId) => o.post(method, params, completionId),
    title: () => title,
    setTitle: (t) => {
      title = t;
    },
    changed: () => undefined,
    log: { info: (m) => console.info(`[session] ${m}`), warn: (m) => console.info(`[session] ${m}`) },
    ui: {
      info: (m) => console.info(`[info] ${m}`),
      warn: (m) => console.info(`[warning] ${m}`),
      error: (m) => console.info(`[error] ${m}`),
      progress: (_title, task) => task(() => undefined, new AbortController().signal),
      // The real host asks for input and a modal confirmation; the harness declines, so nothing runs.
      askInput: async () => undefined,
      confirm: async () => false,
      copy: async (text) => {
        await navigator.clipboard?.writeText(text).catch(() => undefined);
      },
      exportTarget: async () => undefined,
      // As the host does once the person picked something: another folder joins the panel.
      addSource: () => session.addPaths([`/data/added-${++added}`]),
    },
  };
  const session = new PanelSession(host, { io: harnessIo(o), paths: o.live ? [] : [...FILE_PATHS], ticker: { intervalMs: 150 } });
  return {
    session,
    start: () => {
      if (!o.live) return session.load();
      for (let i = 0; i < o.data.rows; i++) rowOfId.set(o.data.event(i).id, i);
      const now = Date.UTC(2024, 4, 8);
      return session.fetchApi(harnessProvider(o), LIVE_ACCOUNT, 'harness-secret', { filter: o.liveFilter, from: now - 7 * 86_400_000, to: now });
    },
  };
}
