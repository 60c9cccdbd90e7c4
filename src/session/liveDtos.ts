/**
 * What a live source's answers become before the webview sees them: capped, plain text, redacted.
 * An API decides what it sends, so everything here is cut to what a panel can hold.
 */
import { isApiError, redact } from '../core/errors';
import type { ServerAggregate } from '../providers/provider';
import { DETAIL_SECTION_MAX, type LiveSummary, type ServerAggregateDto } from '../protocol';
import type { SourceInfo } from './sourceSet';

/** An error for the person: ApiError messages are redacted already, anything else is redacted here. */
export function apiMessage(e: unknown, secrets: readonly string[]): string {
  if (isApiError(e)) return e.message;
  return redact(e instanceof Error ? e.message : String(e), [...secrets]).slice(0, 2000);
}

/** A section's JSON as indented text, cut where a webview would only struggle with it. */
export function sectionText(json: unknown): string {
  let text: string;
  try {
    text = typeof json === 'string' ? json : (JSON.stringify(json, null, 2) ?? String(json));
  } catch (e) {
    text = `(could not be shown as JSON: ${e instanceof Error ? e.message : String(e)})`;
  }
  if (text.length <= DETAIL_SECTION_MAX) return text;
  return `${text.slice(0, DETAIL_SECTION_MAX)}\n\n… cut here: ${text.length.toLocaleString('en-US')} characters in all, the first ${DETAIL_SECTION_MAX.toLocaleString('en-US')} are shown.`;
}

/** Capped so a chatty API cannot flood the webview; the note says what the numbers cover. */
export function serverDto(a: ServerAggregate): ServerAggregateDto {
  const facets: ServerAggregateDto['facets'] = {};
  for (const [field, values] of Object.entries(a.facets).slice(0, 50)) {
    facets[field] = values.slice(0, 50).map((v) => ({ value: String(v.value).slice(0, 2000), count: v.count }));
  }
  const dto: ServerAggregateDto = { note: a.note.slice(0, 2000), facets };
  if (a.total !== undefined && Number.isFinite(a.total)) dto.total = a.total;
  if (a.histogram && a.histogram.bucketMs > 0) {
    dto.histogram = { bucketMs: a.histogram.bucketMs, buckets: a.histogram.buckets.filter((b) => Number.isFinite(b.time) && Number.isFinite(b.count)).slice(0, 10_000) };
  }
  return dto;
}

/** The session's part of a live strip: whether it can fetch again, its actions, the API's counts. */
export interface LiveExtras {
  refetchable: boolean;
  actions: Array<{ id: string; title: string }>;
  server?: ServerAggregateDto;
  serverError?: string;
}

export function liveSummary(s: SourceInfo, extras: LiveExtras | undefined): LiveSummary {
  const q = s.liveQuery!;
  const l = s.live;
  return {
    provider: q.provider,
    filter: q.query.filter,
    from: q.query.from,
    to: q.query.to,
    pages: l?.pages ?? 0,
    events: l?.added ?? 0,
    sentToApi: l?.pushDown.sentToApi ?? [],
    localFilter: l?.pushDown.localFilter ?? '',
    stoppedBy: l?.stoppedBy?.message,
    cancelled: l?.cancelled ?? false,
    fetching: q.fetching,
    refetchable: extras?.refetchable ?? true,
    actions: extras?.actions ?? [],
    ...(extras?.server ? { server: extras.server } : {}),
    ...(extras?.serverError ? { serverError: extras.serverError } : {}),
  };
}
