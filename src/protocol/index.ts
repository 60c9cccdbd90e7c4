/**
 * The one contract between the extension host and the events panel's webview, imported by both
 * bundles: message types, method objects and limits. Plain TypeScript that imports only the Sigma
 * level list (src/core/sigma/levels.ts, itself importing nothing), so the webview bundle gets no zod,
 * node or vscode from it; the host checks what arrives with the zod schemas in
 * src/session/protocolSchemas.ts, keyed by the method objects below.
 *
 * Three kinds of message, after GitLens' IPC: commands (webview → host, no answer), requests
 * (webview → host, answered by a `<method>/completion` message carrying the same `completionId`),
 * and notifications (host → webview). Every request gets exactly one answer, a `Reply`: its result,
 * or an error the webview shows (the host refused the params, or handling them failed), so the
 * webview never waits out its timeout for a request the host will not answer.
 *
 * The webview never holds all events: it asks for windows of rows of the current query. Every
 * query result carries its `queryId`, and the webview drops windows of a query it no longer shows.
 */
import { LEVELS, type SigmaLevel } from '../core/sigma/levels';

export interface IpcMessage<P = unknown> {
  id: string;
  method: string;
  params: P;
  completionId?: string;
}

/** webview → host, fire and forget. `P` only carries the params type. */
export interface CommandType<P> {
  readonly kind: 'command';
  readonly method: string;
  readonly __params?: P;
}

/** webview → host, answered by a message named `response` whose params are a `Reply<R>`. */
export interface RequestType<P, R> {
  readonly kind: 'request';
  readonly method: string;
  readonly response: string;
  readonly __params?: P;
  readonly __result?: R;
}

/** host → webview. */
export interface NotificationType<P> {
  readonly kind: 'notification';
  readonly method: string;
  readonly __params?: P;
}

/**
 * Why a request got no result:
 *   invalid  the host refused the params (they failed its schema, or name something it does not serve)
 *   failed   handling it threw, or what it asked for is gone (the event's row no longer exists)
 *   stale    it belongs to a query the panel no longer shows; the webview drops it without a word
 *   unknown  the host has no such method
 */
export type ReplyErrorCode = 'invalid' | 'failed' | 'stale' | 'unknown';

/** Text only: the webview shows `message` as text, never as markup. */
export interface ReplyError {
  message: string;
  code: ReplyErrorCode;
}

/** The params of a request's completion message. */
export type Reply<R> = { result: R } | { error: ReplyError };

export type ParamsOf<C> = C extends { readonly __params?: infer P } ? P : never;
export type ResultOf<C> = C extends RequestType<infer _P, infer R> ? R : never;

const command = <P>(method: string): CommandType<P> => ({ kind: 'command', method });
const request = <P, R>(method: string): RequestType<P, R> => ({ kind: 'request', method, response: `${method}/completion` });
const notification = <P>(method: string): NotificationType<P> => ({ kind: 'notification', method });

// ---- limits ---------------------------------------------------------------------------------------

/** What the host accepts (its schemas are built from these), so the webview never sends more. */
export const LIMITS = {
  filter: 20_000,
  field: 500,
  columns: 100,
  history: 50,
  widthMin: 24,
  widthMax: 4000,
  rowsLimit: 2000,
  /** DetailActionParams.actionId, LiveActionParams.sourcePath, RestoreState.paths. */
  actionId: 200,
  sourcePath: 4096,
  restorePaths: 1000,
  /** FacetParams: furthest offset, most values per page, longest search text. */
  facetWindow: 10_000,
  facetPage: 500,
  facetSearch: 500,
  copyText: 50_000_000,
  /** SummaryParams: most groups per page, furthest offset. */
  summaryPage: 200,
  summaryOffset: 10_000_000,
  /** Longest text of a facet value or notable action in a summary row (the group's own value is whole). */
  summaryText: 1000,
  /** The envelope's id, method and completionId. */
  envelopeString: 100,
} as const;

/** Each section of detail/expand stops here: a webview does not need more than this to read. */
export const DETAIL_SECTION_MAX = 2_000_000;

export const FACET_FIELDS = ['source', 'action', 'principal', 'actor', 'sourceIp', 'country', 'asn', 'region', 'service', 'error', 'account'] as const;
/**
 * Who the country and AS data of sourceIp is from (src/core/ipGeo, data/geo/SOURCE.md): its CC BY
 * 4.0 licences ask for this wherever the fields are shown.
 */
export const IP_DATA_ATTRIBUTION =
  'Country: NRO and the regional Internet registries, OpenGeoFeed. AS: RouteViews, DB-IP (IP Geolocation by DB-IP, db-ip.com), NRO. Via ip-location-db, CC BY 4.0.';
/** The derived fields that carry IP data (the attribution goes with them). */
export const IP_DATA_FIELDS: readonly string[] = ['country', 'asn', 'asOrg'];
/**
 * Who did what from where, in which account, and did it work: these fit a 1600 px panel with facets
 * and detail open (region is a facet). `principal` (a short label) stands in for `actor` (the ARN,
 * shown on hover and in the detail).
 */
export const DEFAULT_COLUMNS = ['time', 'principal', 'action', 'sourceIp', 'outcome', 'error', 'account'];

/**
 * Fields the summary view offers to group by (issue 15): who acted, from where, with which key, in
 * which account, starting from which identity. A field without values in the events shows nothing
 * and the view moves on to the next (`actor` stands in for `principal` where it has no values).
 */
export const SUMMARY_FIELDS = ['principal', 'actor', 'sourceIp', 'accessKey', 'account', 'origin'] as const;
/** What each summary row lists, besides its counts (core/summary.ts SUMMARY_FACETS). */
export const SUMMARY_FACET_FIELDS = ['action', 'sourceIp', 'region', 'accessKey', 'userAgent'] as const;

// ---- shapes --------------------------------------------------------------------------------------

export interface Sort {
  field: string;
  dir: 'asc' | 'desc';
}

export interface TimeRange {
  from?: number;
  to?: number;
}

export interface QuerySpec {
  queryId: number;
  filter: string;
  sort: Sort;
  /** Drag-selected range on the timeline, on top of the filter. */
  timeRange?: TimeRange;
  /** The event the detail pane shows: the result says whether it is still in it (QueryResult.selectedIndex). */
  selectedRow?: number;
  /**
   * The rows the grid will show first: every result of this query (and each rerun while loading)
   * carries them as `QueryResult.rows`, so the grid draws them without a RowsRequest round trip.
   */
  window?: RowWindow;
}

/** A window of a query's rows, projected to `columns` (what a RowsRequest asks, without its queryId). */
export interface RowWindow {
  offset: number;
  limit: number;
  columns: string[];
}

/** Rows per window the grid asks for (and the size of the window a result carries). */
export const GRID_BLOCK = 200;

/**
 * The columns the grid fetches for the view's columns: the principal is a short label and its
 * cell's tooltip shows the full ARN, fetched as one more cell. One rule for the grid and the host,
 * so the rows a result carries are the grid's own.
 */
export function gridColumns(columns: readonly string[]): string[] {
  const out = columns.slice(0, LIMITS.columns);
  if (out.includes('principal') && !out.includes('actor') && out.length < LIMITS.columns) out.push('actor');
  return out;
}

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
  /** The rows of QuerySpec.window (in its columns), when the query asked for a window and parsed. */
  rows?: RowsResult & { columns: string[] };
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

export interface RestoreState {
  paths: string[];
}

export interface ViewState {
  filter: string;
  sort: Sort;
  columns: string[];
  widths?: Record<string, number>;
  timeRange?: TimeRange;
  history?: string[];
}

export interface RowDto {
  /** Store row: the handle for detail, copy and "filter on this value". */
  row: number;
  cells: Array<string | number>;
  /** The highest level of the Sigma rules the event matched in the last detection run, when it matched any. */
  level?: DetectionLevel;
}

export interface RowsParams {
  queryId: number;
  offset: number;
  limit: number;
  columns: string[];
}

export interface RowsResult {
  queryId: number;
  offset: number;
  rows: RowDto[];
}

/** More of one facet: a page of its values by count, most or least frequent first, or those containing some text. */
export interface FacetParams {
  queryId: number;
  field: string;
  offset: number;
  limit: number;
  order: 'desc' | 'asc';
  search?: string;
}

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

/** A page of the current query's events grouped by a field (SUMMARY_FIELDS or a facet's field). */
export interface SummaryParams {
  queryId: number;
  field: string;
  offset: number;
  limit: number;
}

export interface SummaryFacetDto {
  /** Distinct values for the group (exact). */
  distinct: number;
  /** The most frequent (at most 5), text cut at LIMITS.summaryText. */
  top: FacetValue[];
}

export interface NotableActionDto {
  action: string;
  count: number;
  first: number;
  last: number;
  /** All its occurrences within a short span, while the group was active much longer. */
  burst: boolean;
  /** First seen for the group late in the time span, after the group had been active. */
  new: boolean;
}

export interface SummaryGroupDto {
  /** The field's value, whole (a click filters on it). */
  value: string;
  events: number;
  /** Epoch ms; null when none of its events has a time. */
  first: number | null;
  last: number | null;
  errors: number;
  errorRate: number;
  facets: Record<(typeof SUMMARY_FACET_FIELDS)[number], SummaryFacetDto>;
  notable: NotableActionDto[];
  notableCount: number;
}

export interface SummaryResult {
  queryId: number;
  field: string;
  offset: number;
  /** Matching events, and those without a value for the field. */
  events: number;
  missing: number;
  /** Groups in all: the field's distinct values over the matching events. */
  distinct: number;
  groups: SummaryGroupDto[];
}

export interface DetailParams {
  row: number;
}
/** One step of a session chain: a label to read, and the event it links to (-1: none in the data). */
export interface ChainStepDto {
  label: string;
  row: number;
  kind: 'origin' | 'session' | 'mint' | 'event';
}

/** Where an event's credentials came from (src/core/sessionChains.ts), origin first. */
export interface ChainDto {
  /** 'outside': the first credentials were minted before (or outside) the loaded data. */
  end: 'origin' | 'outside';
  origin: string;
  steps: ChainStepDto[];
  /** Steps left out of the middle of a very long chain. */
  omitted: number;
  /** The access key of the chain's first session, when that was minted outside the loaded data. */
  outsideKey?: string;
}

export interface DetailResult {
  row: number;
  /** Who is behind the event, when its credentials came through other events (or from outside the data). */
  chain?: ChainDto;
  /** The raw event exactly as it arrived (parsed by the webview for the tree; shown as text). */
  raw: string;
  source: string;
  /** Set for an event of a live source whose API can say more about it or change it. */
  live?: { expandable: boolean; actions: ActionDto[] };
  /** Where the event came from, for an event with a sourceIp. */
  where?: WhereDto;
  /** The Sigma rules the event matched in the last detection run, most severe first. */
  detections?: DetectionRuleDto[];
}

/** Sigma levels, least severe first (the order `level:>=high` compares in): the engine's own list. */
export const DETECTION_LEVELS = LEVELS;
export type DetectionLevel = SigmaLevel;

/** A Sigma rule as shown with a match (DRL 1.1: every shown match names its author and links the rule). */
export interface DetectionRuleDto {
  id: string;
  title: string;
  level: DetectionLevel;
  author: string;
  /** The rule's upstream URL (bundled rules) or its file path (a user's folder). */
  link: string;
  description: string;
  references: string[];
  falsePositives: string[];
  /** Why a bundled rule differs from upstream, when it does. */
  overrideNote?: string;
}

/** The Sigma detections over a panel's events: hits by level, then per rule. */
export interface DetectionsSummary {
  /**
   * idle: none run (no rules or no events yet); running: a run is under way (the counts are the
   * last run's); cancelled: the user stopped a run (the counts are those of the runs before it).
   */
  state: 'unavailable' | 'idle' | 'running' | 'done' | 'cancelled';
  /** The events the counts cover (the rules ran over them). */
  events: number;
  /** running: the events this run evaluates; cancelled: the events the rules have not run over. */
  pending?: number;
  eventsWithHits: number;
  byLevel: Record<DetectionLevel, number>;
  /** Rules with at least one hit, most severe first, then most hits. */
  rules: Array<DetectionRuleDto & { hits: number }>;
  /** Rules that could not be evaluated (listed in the log with why). */
  problems: number;
  /**
   * Per source, by its id (the path, `s3://` selection or live key the panel lists it under, never
   * its label, which two sources may share): events with a high or critical hit.
   */
  bySource: Record<string, { high: number; critical: number }>;
}

/** The derived fields of an event's sourceIp (src/core/ipGeo) and the data they come from. */
export interface WhereDto {
  ip: string;
  /** public, private, aws-internal, service… and what that means. */
  ipClass: string;
  classText: string;
  country: string;
  asn: string;
  asOrg: string;
  /** The date of the IP data (YYYY-MM-DD); '' when the table could not be loaded. */
  dataDate: string;
  attribution: string;
}

/** One more view of the event from its API, as JSON text (cut at DETAIL_SECTION_MAX with a note). */
export interface DetailSectionDto {
  title: string;
  text: string;
}

export type DetailExpandResult = { row: number; sections: DetailSectionDto[] } | { row: number; error: string };


export interface CopyParams {
  text: string;
}
export interface ExportParams {
  format: 'csv' | 'json' | 'jsonl';
}
export interface CancelParams {
  queryId?: number;
}
export interface RefetchParams {
  filter: string;
  timeRange?: TimeRange;
}
export type EmptyParams = Record<string, never>;
/**
 * The webview is up. Without `queryId` the host answers with the state only (and the webview then
 * runs its query). With it, the host answers in one go: the state, then the result of query
 * `queryId` over the webview's view (`view`, a panel restored with its own) or the host's (the
 * view saved for these sources), carrying the rows of `window` in the view's grid columns.
 */
export interface ReadyParams {
  queryId?: number;
  view?: Pick<ViewState, 'filter' | 'sort' | 'timeRange' | 'columns'>;
  window?: { offset: number; limit: number };
}
/** Host timestamps (epoch ms) of this panel's start and of its last load, for diagnostics and the bench. */
export interface TimingsParams {
  marks: Array<{ name: string; at: number }>;
  /** What recurring work has cost so far: how often, and ms in all (the reruns while loading). */
  spent?: Array<{ name: string; count: number; ms: number }>;
}
/** What VS Code's panel commands ask of the webview (each has a keybinding scoped to the panel). */
export const PANEL_COMMANDS = ['focusFilter', 'nextEvent', 'previousEvent', 'openDetail', 'clearFilter'] as const;
export type PanelCommand = (typeof PANEL_COMMANDS)[number];
export interface PanelCommandParams {
  command: PanelCommand;
}
export interface DetailExpandParams {
  row: number;
}
export interface DetailActionParams {
  row: number;
  actionId: string;
}
export interface LiveActionParams {
  sourcePath: string;
  actionId: string;
  filter: string;
}

// ---- messages ------------------------------------------------------------------------------------

/** The webview booted (or was restored) and wants the state (and, with a queryId, its first result: ReadyParams). */
export const ReadyCommand = command<ReadyParams>('ready');
/** Run a query; the answer is a DidQueryNotification with the same queryId. */
export const QueryCommand = command<QuerySpec>('query');
/** Remember the view (columns, widths, history) with the panel. */
export const SaveViewCommand = command<ViewState>('view/save');
export const CopyCommand = command<CopyParams>('copy');
export const ExportCommand = command<ExportParams>('export');
/** Stop loading, or a running query. */
export const CancelCommand = command<CancelParams>('cancel');
/** Add files, folders or a live account to this panel (the host asks which). */
export const AddSourceCommand = command<EmptyParams>('panel/addSource');
/** Fetch the panel's live sources again with this filter (what the API can filter goes to it). */
export const RefetchCommand = command<RefetchParams>('live/refetch');
/** Run one of the selected event's live actions; the host asks for input and confirmation first. */
export const DetailActionCommand = command<DetailActionParams>('detail/action');
/** Run one of a live source's query actions with this filter in place of the fetched one; confirmed on the host. */
export const LiveActionCommand = command<LiveActionParams>('live/action');

export const RowsRequest = request<RowsParams, RowsResult>('rows');
export const FacetRequest = request<FacetParams, FacetResult>('facet');
/** The current query's events grouped by a field, a page of groups at a time (most events first). */
export const SummaryRequest = request<SummaryParams, SummaryResult>('summary');
export const DetailRequest = request<DetailParams, DetailResult>('detail');
/** More of the event from its API (read by id, raw data, relations), for the detail pane. */
export const DetailExpandRequest = request<DetailExpandParams, DetailExpandResult>('detail/expand');
/** The Sigma detections summary as it is now (also pushed as DidDetectNotification after every run). */
export const DetectionsRequest = request<EmptyParams, DetectionsSummary>('detections');

export const DidChangeStateNotification = notification<PanelState>('state/didChange');
export const DidQueryNotification = notification<QueryResult>('query/didRun');
export const DidLoadProgressNotification = notification<LoadState>('load/progress');
export const DidDetectNotification = notification<DetectionsSummary>('detections/didRun');
/**
 * When the host did what for this panel (the open command, the panel created, the webview ready,
 * the first result sent; the last batch merged, the final state sent): the webview turns each into
 * a performance mark (DevTools' Performance panel shows them, `npm run bench -- --panel` reads them).
 */
export const DidTimeNotification = notification<TimingsParams>('panel/timings');
/**
 * A panel command from VS Code (a keybinding or the palette, src/vscode/panelKeys.ts): the webview
 * does what the user would do with the mouse or the panel's own keys.
 */
export const PanelCommandNotification = notification<PanelCommandParams>('panel/command');

/** Every call the webview may make, by name: the host has a schema and a handler for each (checked by its types). */
export const WEBVIEW_CALLS = {
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
  SummaryRequest,
  DetailRequest,
  DetailExpandRequest,
  DetectionsRequest,
} as const;
export type WebviewCalls = typeof WEBVIEW_CALLS;
