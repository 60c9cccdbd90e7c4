/**
 * The host's zod schemas for what the webview sends, keyed by the shared protocol's method objects
 * (src/protocol). Host only: the webview renders attacker-controlled data, so the host treats every
 * message from it as untrusted input, and zod stays out of the webview bundle.
 *
 * `PARAMS` has one entry per WEBVIEW_CALLS member, each typed as a schema of that call's params:
 * a call without a schema, or a schema that parses into something else, does not compile.
 */
import { z } from 'zod';
import { FACET_PAGE_MAX, FACET_WINDOW_MAX } from '../core/facetPage';
import { SUMMARY_FACETS } from '../core/summary';
import {
  LIMITS,
  SUMMARY_FACET_FIELDS,
  type ParamsOf,
  type RestoreState as RestoreStateT,
  type ViewState as ViewStateT,
  type WebviewCalls,
} from '../protocol';

// The facet pages the protocol allows are the ones core/facetPage bounds its buffer by.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _facetLimits: [Same<typeof LIMITS.facetWindow, typeof FACET_WINDOW_MAX>, Same<typeof LIMITS.facetPage, typeof FACET_PAGE_MAX>] = [true, true];
void _facetLimits;
// What a summary row lists is what core/summary computes.
const _summaryFacets: Same<typeof SUMMARY_FACET_FIELDS, typeof SUMMARY_FACETS> = true;
void _summaryFacets;

const Sort = z.object({ field: z.string().min(1).max(LIMITS.field), dir: z.enum(['asc', 'desc']) });
const TimeRange = z.object({ from: z.number().finite().optional(), to: z.number().finite().optional() });
const Field = z.string().min(1).max(LIMITS.field);
const Filter = z.string().max(LIMITS.filter);
const Row = z.number().int().nonnegative();
const QueryId = z.number().int().nonnegative();
const ActionId = z.string().min(1).max(LIMITS.actionId);
const Empty = z.object({}).strict();

export const RestoreState: z.ZodType<RestoreStateT> = z.object({ paths: z.array(z.string().max(4096)).min(1).max(LIMITS.restorePaths) });

export const ViewState: z.ZodType<ViewStateT> = z.object({
  filter: Filter,
  sort: Sort,
  columns: z.array(Field).min(1).max(LIMITS.columns),
  widths: z.record(Field, z.number().int().min(LIMITS.widthMin).max(LIMITS.widthMax)).optional(),
  timeRange: TimeRange.optional(),
  history: z.array(Filter).max(LIMITS.history).optional(),
});

const Offset = z.number().int().nonnegative();
const Columns = z.array(Field).min(1).max(LIMITS.columns);
const Window = z.object({ offset: Offset, limit: z.number().int().min(0).max(LIMITS.rowsLimit) });

type Schemas = { readonly [K in keyof WebviewCalls]: z.ZodType<ParamsOf<WebviewCalls[K]>> };

export const PARAMS: Schemas = {
  ReadyCommand: z
    .object({
      queryId: QueryId.optional(),
      view: z.object({ filter: Filter, sort: Sort, timeRange: TimeRange.optional(), columns: Columns }).optional(),
      window: Window.optional(),
    })
    .strict(),
  QueryCommand: z.object({
    queryId: QueryId,
    filter: Filter,
    sort: Sort,
    timeRange: TimeRange.optional(),
    selectedRow: Row.optional(),
    window: Window.extend({ columns: Columns }).optional(),
  }),
  SaveViewCommand: ViewState,
  CopyCommand: z.object({ text: z.string().max(LIMITS.copyText) }),
  ExportCommand: z.object({ format: z.enum(['csv', 'json', 'jsonl']) }),
  CancelCommand: z.object({ queryId: QueryId.optional() }),
  AddSourceCommand: Empty,
  RefetchCommand: z.object({ filter: Filter, timeRange: TimeRange.optional() }),
  DetailActionCommand: z.object({ row: Row, actionId: ActionId }),
  LiveActionCommand: z.object({ sourcePath: z.string().min(1).max(LIMITS.sourcePath), actionId: ActionId, filter: Filter }),
  RowsRequest: z.object({ queryId: QueryId, offset: Offset, limit: z.number().int().min(0).max(LIMITS.rowsLimit), columns: Columns }),
  FacetRequest: z.object({
    queryId: QueryId,
    field: Field,
    offset: z.number().int().min(0).max(LIMITS.facetWindow),
    limit: z.number().int().min(1).max(LIMITS.facetPage),
    order: z.enum(['desc', 'asc']),
    search: z.string().max(LIMITS.facetSearch).optional(),
  }),
  SummaryRequest: z.object({
    queryId: QueryId,
    field: Field,
    offset: z.number().int().min(0).max(LIMITS.summaryOffset),
    limit: z.number().int().min(1).max(LIMITS.summaryPage),
  }),
  DetailRequest: z.object({ row: Row }),
  DetailExpandRequest: z.object({ row: Row }),
  DetectionsRequest: Empty,
};

/** The envelope itself, checked before any params are looked at. */
export const IpcEnvelope = z.object({
  id: z.string().max(LIMITS.envelopeString),
  method: z.string().max(LIMITS.envelopeString),
  params: z.unknown(),
  completionId: z.string().max(LIMITS.envelopeString).optional(),
});
