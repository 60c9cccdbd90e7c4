/**
 * The webview's view of the contract in `src/vscode/protocol.ts`.
 *
 * Types come from the contract itself (type-only imports, erased at build time). The message
 * constants are mirrored here by method name only, because the contract module builds its zod
 * schemas at load time and importing it would put all of zod (~440 KB minified) into the webview
 * bundle. `test/webview/protocol.test.ts` checks that every method name and constant below equals
 * the contract's, so the two cannot drift apart unnoticed.
 */
import type {
  CancelParams,
  CopyParams,
  DetailActionParams,
  DetailExpandParams,
  DetailExpandResult,
  DetailResult,
  EmptyParams,
  ExportParams,
  FacetParams,
  FacetResult,
  LiveActionParams,
  LoadState,
  PanelState,
  QueryResult,
  QuerySpec,
  RefetchParams,
  RowsParams,
  RowsResult,
  ViewState,
} from '../src/vscode/protocol';

export type {
  ActionDto,
  LiveSummary,
  LoadSummary,
  DetailExpandResult,
  DetailResult,
  DetailSectionDto,
  FacetParams,
  FacetResult,
  ServerAggregateDto,
  FacetValue,
  HistogramDto,
  LoadState,
  PanelState,
  QueryErrorDto,
  QueryResult,
  QuerySpec,
  RestoreState,
  RowDto,
  RowsParams,
  RowsResult,
  Sort,
  SourceSummary,
  TimeRange,
  ViewState,
} from '../src/vscode/protocol';

type Infer<T> = T extends { parse(input: unknown): infer O } ? O : never;

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

/** webview → host, answered by the notification named `response`. */
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

const command = <P>(method: string): CommandType<P> => ({ kind: 'command', method });
const request = <P, R>(method: string): RequestType<P, R> => ({ kind: 'request', method, response: `${method}/completion` });
const notification = <P>(method: string): NotificationType<P> => ({ kind: 'notification', method });

export const ReadyCommand = command<Infer<typeof EmptyParams>>('ready');
export const QueryCommand = command<QuerySpec>('query');
export const SaveViewCommand = command<ViewState>('view/save');
export const CopyCommand = command<Infer<typeof CopyParams>>('copy');
export const ExportCommand = command<Infer<typeof ExportParams>>('export');
export const CancelCommand = command<Infer<typeof CancelParams>>('cancel');
export const RefetchCommand = command<Infer<typeof RefetchParams>>('live/refetch');
export const AddSourceCommand = command<Infer<typeof EmptyParams>>('panel/addSource');
export const DetailActionCommand = command<Infer<typeof DetailActionParams>>('detail/action');
export const LiveActionCommand = command<Infer<typeof LiveActionParams>>('live/action');

export const RowsRequest = request<RowsParams, RowsResult>('rows');
export const FacetRequest = request<FacetParams, FacetResult>('facet');
export const DetailRequest = request<{ row: number }, DetailResult>('detail');
export const DetailExpandRequest = request<Infer<typeof DetailExpandParams>, DetailExpandResult>('detail/expand');

export const DidChangeStateNotification = notification<PanelState>('state/didChange');
export const DidQueryNotification = notification<QueryResult>('query/didRun');
export const DidLoadProgressNotification = notification<LoadState>('load/progress');

export const FACET_FIELDS = ['source', 'action', 'actor', 'sourceIp', 'region', 'service', 'error', 'account'] as const;
/** Who did what from where, and did it work, first: these fit a 1600 px panel with facets and detail open. */
export const DEFAULT_COLUMNS = ['time', 'action', 'actor', 'sourceIp', 'outcome', 'error', 'region', 'service'];

/** Limits of the contract's zod schemas, so the webview never sends what the host would reject. */
export const LIMITS = {
  filter: 20_000,
  field: 500,
  columns: 100,
  history: 50,
  widthMin: 24,
  widthMax: 4000,
  rowsLimit: 2000,
  /** DetailActionParams.actionId, LiveActionParams.sourcePath. */
  actionId: 200,
  sourcePath: 4096,
  /** FacetParams: furthest offset, most values per page, longest search text. */
  facetWindow: 10_000,
  facetPage: 500,
  facetSearch: 500,
} as const;
