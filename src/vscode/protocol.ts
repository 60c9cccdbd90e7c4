/**
 * The one contract between the extension host and the events panel's webview, imported by both
 * bundles (so it must never import 'vscode').
 *
 * Three kinds of message, after GitLens' IPC: commands (webview → host, no answer), requests
 * (webview → host, answered by a `<method>/completion` notification carrying the same
 * `completionId`), and notifications (host → webview). Every message from the webview is parsed
 * with zod on arrival: the webview renders attacker-controlled data, so the host treats what it
 * says as untrusted input.
 *
 * The webview never holds all events: it asks for windows of rows of the current query. Every
 * query result carries its `queryId`, and the webview drops windows of a query it no longer shows.
 */
import { z } from 'zod';
import { FACET_PAGE_MAX, FACET_WINDOW_MAX } from '../core/facetPage';

export interface IpcMessage<P = unknown> {
  id: string;
  method: string;
  params: P;
  completionId?: string;
}

abstract class Call<P> {
  constructor(
    readonly method: string,
    readonly schema: z.ZodType<P>,
  ) {}

  is(msg: IpcMessage): msg is IpcMessage<P> {
    return msg.method === this.method;
  }
}

/** webview → host, fire and forget. */
export class IpcCommand<P> extends Call<P> {
  readonly kind = 'command';
}

/** webview → host, answered by `response`. */
export class IpcRequest<P, R> extends Call<P> {
  readonly kind = 'request';
  readonly response: IpcNotification<R>;
  constructor(method: string, schema: z.ZodType<P>, responseSchema: z.ZodType<R>) {
    super(method, schema);
    this.response = new IpcNotification<R>(`${method}/completion`, responseSchema);
  }
}

/** host → webview. */
export class IpcNotification<P> extends Call<P> {
  readonly kind = 'notification';
}

// ---- shapes --------------------------------------------------------------------------------------

const Sort = z.object({ field: z.string().min(1).max(500), dir: z.enum(['asc', 'desc']) });
export type Sort = z.infer<typeof Sort>;

const TimeRange = z.object({ from: z.number().finite().optional(), to: z.number().finite().optional() });
export type TimeRange = z.infer<typeof TimeRange>;

const Field = z.string().min(1).max(500);

export const QuerySpec = z.object({
  queryId: z.number().int().nonnegative(),
  filter: z.string().max(20_000),
  sort: Sort,
  /** Drag-selected range on the timeline, on top of the filter. */
  timeRange: TimeRange.optional(),
  /** The event the detail pane shows: the result says whether it is still in it (QueryResult.selectedIndex). */
  selectedRow: z.number().int().nonnegative().optional(),
});
export type QuerySpec = z.infer<typeof QuerySpec>;

export interface FacetValue {
  value: string;
  count: number;
}

export interface HistogramDto {
  start: number;
  bucketMs: number;
  counts: number[];
  untimed: number;
}

export interface QueryErrorDto {
  message: string;
  start: number;
  end: number;
  token: string;
}

export interface QueryResult {
  queryId: number;
  /** Matching events. */
  count: number;
  /** Events in the panel's sources. */
  total: number;
  histogram: HistogramDto;
  facets: Record<string, FacetValue[]>;
  /** Distinct values of each facet field over the matching events (the facets show the top 10). */
  facetDistinct?: Record<string, number>;
  /** Where QuerySpec.selectedRow is in the result, -1 when the filter left it out; absent when none was asked. */
  selectedIndex?: number;
  /** Fields the filter names that no event has, each with the closest field that exists (if one is close). */
  missingFields?: Array<{ field: string; suggestion?: string }>;
  /** Set when the filter did not parse: the previous result stays on screen. */
  error?: QueryErrorDto;
  /** Time the query took on the host, for the status line. */
  ms: number;
}

export interface SourceSummary {
  label: string;
  path: string;
  events: number;
  duplicates: number;
  errors: number;
  skipped: number;
  /** How long this source's last load took (ms). */
  ms?: number;
  /** Live sources: how the last fetch went and which part of its filter the API applied. */
  live?: LiveSummary;
}

export interface LiveSummary {
  /** Provider display name ("Conformity"). */
  provider: string;
  /** The filter the events were fetched with (the panel may have moved on since). */
  filter: string;
  from?: number;
  to?: number;
  pages: number;
  events: number;
  /** What the API filtered on, e.g. ["time range", "name: Delete*"]. */
  sentToApi: string[];
  /** What this panel filters locally over the fetched events ('' = nothing more). */
  localFilter: string;
  stoppedBy?: string;
  cancelled: boolean;
  fetching: boolean;
  /** False when the query is fixed SQL: a new filter only applies to what was fetched. */
  refetchable: boolean;
  /** Changes the provider can make from this query ("Save Query in Cloudflare…"); confirmed on the host. */
  actions: ActionDto[];
  /** Counts the API made over everything it holds for the query, not only what was fetched. */
  server?: ServerAggregateDto;
  /** Why the API's counts are missing (already redacted). */
  serverError?: string;
}

export interface ActionDto {
  id: string;
  title: string;
}

/** A provider's ServerAggregate as the webview gets it. */
export interface ServerAggregateDto {
  /** What the counts cover, said plainly; the webview shows it next to them. */
  note: string;
  total?: number;
  /** By normalized field name, most frequent first. */
  facets: Record<string, FacetValue[]>;
  /** Oldest first; `time` is epoch ms at the start of each bucket. */
  histogram?: { bucketMs: number; buckets: Array<{ time: number; count: number }> };
}

export interface LoadState {
  files: number;
  filesTotal: number;
  /** Downloads (S3 trail buckets): compressed bytes so far and in all. */
  bytes?: number;
  bytesTotal?: number;
  events: number;
  done: boolean;
  cancelled: boolean;
  /** Set when the load ended: how long it took (ms). */
  ms?: number;
}

/** What the last load amounted to, for the panel's summary line (issue 12 item 22). */
export interface LoadSummary {
  /** Events in the panel (after duplicates were merged). */
  events: number;
  duplicates: number;
  /** Files passed over (digests, not regular files); the Audit Logs output lists them with the reason. */
  skipped: number;
  problems: number;
  /** How long the last load took; absent before any load ended. */
  ms?: number;
  cancelled: boolean;
}

export interface PanelState {
  title: string;
  sources: SourceSummary[];
  load: LoadState;
  /** Columns a user can add: normalized fields, then raw paths seen in the data. */
  availableColumns: string[];
  /** What the view showed last time (restored after the panel was hidden or VS Code restarted). */
  view: ViewState;
  /** Problems while reading, for the problems strip ("3 files had problems"). */
  problems: Array<{ path: string; message: string; line?: number; column?: number }>;
  /** The summary line: counts of the whole panel, the same numbers the sources add up to. */
  summary?: LoadSummary;
  /** The files the summary counts as skipped, with why (at most 500; the Output log has them all). */
  skippedFiles?: Array<{ path: string; reason: string }>;
  /**
   * What the host needs to reopen this panel after VS Code restarts. The webview keeps it in its
   * `vscode.setState()` blob under the key `restore`, which is what VS Code hands back.
   */
  restore: RestoreState;
}

export const RestoreState = z.object({ paths: z.array(z.string().max(4096)).min(1).max(1000) });
export type RestoreState = z.infer<typeof RestoreState>;

export const ViewState = z.object({
  filter: z.string().max(20_000),
  sort: Sort,
  columns: z.array(Field).min(1).max(100),
  widths: z.record(Field, z.number().int().min(24).max(4000)).optional(),
  timeRange: TimeRange.optional(),
  history: z.array(z.string().max(20_000)).max(50).optional(),
});
export type ViewState = z.infer<typeof ViewState>;

export interface RowDto {
  /** Store row: the handle for detail, copy and "filter on this value". */
  row: number;
  cells: Array<string | number>;
}

export const RowsParams = z.object({
  queryId: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  limit: z.number().int().min(0).max(2000),
  columns: z.array(Field).min(1).max(100),
});
export type RowsParams = z.infer<typeof RowsParams>;

export interface RowsResult {
  queryId: number;
  offset: number;
  rows: RowDto[];
}

/** More of one facet: a page of its values by count, most or least frequent first, or those containing some text. */
export const FacetParams = z.object({
  queryId: z.number().int().nonnegative(),
  field: Field,
  offset: z.number().int().min(0).max(FACET_WINDOW_MAX),
  limit: z.number().int().min(1).max(FACET_PAGE_MAX),
  order: z.enum(['desc', 'asc']),
  search: z.string().max(500).optional(),
});
export type FacetParams = z.infer<typeof FacetParams>;

export interface FacetResult {
  queryId: number;
  field: string;
  offset: number;
  values: FacetValue[];
  /** Distinct values of the field over the matching events. */
  distinct: number;
  /** Distinct values containing the search text. */
  matched: number;
}

export const DetailParams = z.object({ row: z.number().int().nonnegative() });
export interface DetailResult {
  row: number;
  /** The raw event exactly as it arrived (parsed by the webview for the tree; shown as text). */
  raw: string;
  source: string;
  /** Set for an event of a live source whose API can say more about it or change it. */
  live?: { expandable: boolean; actions: ActionDto[] };
}

/** One more view of the event from its API, as JSON text (cut at DETAIL_SECTION_MAX with a note). */
export interface DetailSectionDto {
  title: string;
  text: string;
}

export type DetailExpandResult = { row: number; sections: DetailSectionDto[] } | { row: number; error: string };

/** Each section of detail/expand stops here: a webview does not need more than this to read. */
export const DETAIL_SECTION_MAX = 2_000_000;

export const CopyParams = z.object({ text: z.string().max(50_000_000) });
export const ExportParams = z.object({ format: z.enum(['csv', 'json', 'jsonl']) });
export const CancelParams = z.object({ queryId: z.number().int().nonnegative().optional() });
export const RefetchParams = z.object({ filter: z.string().max(20_000), timeRange: TimeRange.optional() });
export const EmptyParams = z.object({}).strict();
const ActionId = z.string().min(1).max(200);
export const DetailExpandParams = z.object({ row: z.number().int().nonnegative() });
export const DetailActionParams = z.object({ row: z.number().int().nonnegative(), actionId: ActionId });
export const LiveActionParams = z.object({ sourcePath: z.string().min(1).max(4096), actionId: ActionId, filter: z.string().max(20_000) });

// ---- messages ------------------------------------------------------------------------------------

/** The webview booted (or was restored) and wants the state. */
export const ReadyCommand = new IpcCommand('ready', EmptyParams);
/** Run a query; the answer is a DidQueryNotification with the same queryId. */
export const QueryCommand = new IpcCommand('query', QuerySpec);
/** Remember the view (columns, widths, history) with the panel. */
export const SaveViewCommand = new IpcCommand('view/save', ViewState);
export const CopyCommand = new IpcCommand('copy', CopyParams);
export const ExportCommand = new IpcCommand('export', ExportParams);
/** Stop loading, or a running query. */
export const CancelCommand = new IpcCommand('cancel', CancelParams);
/** Add files, folders or a live account to this panel (the host asks which). */
export const AddSourceCommand = new IpcCommand('panel/addSource', EmptyParams);
/** Fetch the panel's live sources again with this filter (what the API can filter goes to it). */
export const RefetchCommand = new IpcCommand('live/refetch', RefetchParams);
/** Run one of the selected event's live actions; the host asks for input and confirmation first. */
export const DetailActionCommand = new IpcCommand('detail/action', DetailActionParams);
/** Run one of a live source's query actions with this filter in place of the fetched one; confirmed on the host. */
export const LiveActionCommand = new IpcCommand('live/action', LiveActionParams);

export const RowsRequest = new IpcRequest('rows', RowsParams, z.custom<RowsResult>());
export const FacetRequest = new IpcRequest('facet', FacetParams, z.custom<FacetResult>());
export const DetailRequest = new IpcRequest('detail', DetailParams, z.custom<DetailResult>());
/** More of the event from its API (read by id, raw data, relations), for the detail pane. */
export const DetailExpandRequest = new IpcRequest('detail/expand', DetailExpandParams, z.custom<DetailExpandResult>());

export const DidChangeStateNotification = new IpcNotification('state/didChange', z.custom<PanelState>());
export const DidQueryNotification = new IpcNotification('query/didRun', z.custom<QueryResult>());
export const DidLoadProgressNotification = new IpcNotification('load/progress', z.custom<LoadState>());

/** Every call the webview may make, for the host's dispatcher. */
export const WEBVIEW_CALLS = [
  ReadyCommand,
  QueryCommand,
  SaveViewCommand,
  CopyCommand,
  ExportCommand,
  CancelCommand,
  AddSourceCommand,
  RefetchCommand,
  DetailActionCommand,
  LiveActionCommand,
  RowsRequest,
  FacetRequest,
  DetailRequest,
  DetailExpandRequest,
] as const;

/** The envelope itself, checked before any params are looked at. */
export const IpcEnvelope = z.object({
  id: z.string().max(100),
  method: z.string().max(100),
  params: z.unknown(),
  completionId: z.string().max(100).optional(),
});

export const FACET_FIELDS = ['source', 'action', 'actor', 'sourceIp', 'region', 'service', 'error', 'account'] as const;
/** Who did what from where, and did it work, first: these fit a 1600 px panel with facets and detail open. */
export const DEFAULT_COLUMNS = ['time', 'action', 'actor', 'sourceIp', 'outcome', 'error', 'region', 'service'];
