// The threat-events write endpoints the seed documents (cloudflare-cloudforce-one-events.txt):
// create and update an event, add/remove tags, move events between datasets, saved queries and
// their alerts. Request bodies are from the SDK / OpenAPI copies named in schema.ts and are checked
// before sending, so a mistake is said here and not as Cloudflare's 400. They need a token with
// "Cloudforce One Write". Updates use the documented POST variant (a PATCH twin exists too).
// POSTs are never retried on 5xx by HttpClient, so a create is not sent twice.
// providers/ never imports vscode.
import { z, type ZodType } from 'zod';
import { ApiError } from '../../core/errors';
import type { ApiRequest, CallOptions } from '../../core/http';
import { call, eventsPath, pathSegment as seg, type CfApi } from './client';
import { PROVIDER_NAME } from './envelope';
import {
  CfCreateEventBody,
  CfMoveBody,
  CfMoveResult,
  CfQueryAlert,
  CfQueryAlertCreate,
  CfQueryAlertList,
  CfQueryAlertUpdate,
  CfSavedQuery,
  CfSavedQueryCreate,
  CfSavedQueryList,
  CfSavedQueryUpdate,
  CfSuccessResult,
  CfTagsBody,
  CfThreatEvent,
  CfUpdateEventBody,
} from './schema';

function checked<T>(schema: ZodType<T>, body: unknown, what: string): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 3).map((i) => `${i.path.length ? i.path.map(String).join('.') : '(body)'}: ${i.message}`);
  throw new ApiError({ kind: 'bad-request', provider: PROVIDER_NAME, url: '', message: `Not sent to Cloudflare: ${what} is not valid (${issues.join('; ')}).` });
}

async function send<T>(api: CfApi, req: ApiRequest, schema: ZodType<T>, what: string, opts: CallOptions): Promise<T> {
  return (await call(api, req, schema, what, opts)).result;
}

// ---------------------------------------------------------------------------------------------
// Events

/** `POST .../events/create` [seed "Creates a new event"]; without `datasetId` it lands in the default dataset. */
export async function createEvent(api: CfApi, body: CfCreateEventBody, opts: CallOptions = {}): Promise<CfThreatEvent> {
  const b = checked(CfCreateEventBody, body, 'the new event');
  return send(api, { method: 'POST', path: eventsPath(api.accountId, '/create'), body: b }, CfThreatEvent, 'the new event', opts);
}

/** `POST .../events/{event_id}` [seed "Updates an event"]. */
export async function updateEvent(api: CfApi, eventId: string, body: CfUpdateEventBody, opts: CallOptions = {}): Promise<CfThreatEvent> {
  const b = checked(CfUpdateEventBody, body, 'the event update');
  return send(api, { method: 'POST', path: eventsPath(api.accountId, `/${seg(eventId)}`), body: b }, CfThreatEvent, `the update of event ${eventId}`, opts);
}

/** `POST .../events/event_tag/{event_id}/create` with `{tags}` [seed "Adds a tag to an event"; CFTS EventTagCreateParams]. */
export async function addEventTags(api: CfApi, eventId: string, tags: readonly string[], opts: CallOptions = {}): Promise<boolean> {
  const b = checked(CfTagsBody, { tags: [...tags] }, 'the tags');
  const r = await send(api, { method: 'POST', path: eventsPath(api.accountId, `/event_tag/${seg(eventId)}/create`), body: b }, CfSuccessResult, `the tags for event ${eventId}`, opts);
  return r.success;
}

/** `DELETE .../events/event_tag/{event_id}` with `{tags}` in the body [seed "Removes a tag from an event"; OpenAPI delete_EventTagDelete]. */
export async function removeEventTags(api: CfApi, eventId: string, tags: readonly string[], opts: CallOptions = {}): Promise<boolean> {
  const b = checked(CfTagsBody, { tags: [...tags] }, 'the tags');
  const r = await send(api, { method: 'DELETE', path: eventsPath(api.accountId, `/event_tag/${seg(eventId)}`), body: b }, CfSuccessResult, `the tag removal for event ${eventId}`, opts);
  return r.success;
}

export interface MoveOutcome {
  moved: number;
  /** Present when Cloudflare sends the detailed result (newer OpenAPI). */
  details?: Exclude<CfMoveResult, number>;
}

/** `POST .../events/dataset/{dataset_id}/move` with `{destDatasetId, eventIds}`, query `keepRawData` [seed; OpenAPI post_EventMoveToNewDS]. */
export async function moveEvents(
  api: CfApi,
  fromDatasetId: string,
  body: { destDatasetId: string; eventIds: readonly string[] },
  opts: CallOptions & { keepRawData?: boolean } = {},
): Promise<MoveOutcome> {
  const b = checked(CfMoveBody, { destDatasetId: body.destDatasetId, eventIds: [...body.eventIds] }, 'the move');
  const req: ApiRequest = {
    method: 'POST',
    path: eventsPath(api.accountId, `/dataset/${seg(fromDatasetId)}/move`),
    query: { keepRawData: opts.keepRawData === undefined ? undefined : String(opts.keepRawData) },
    body: b,
  };
  const r = await send(api, req, CfMoveResult, `the move of ${b.eventIds.length} event(s)`, { signal: opts.signal });
  return typeof r === 'number' ? { moved: r } : { moved: r.moved, details: r };
}

// ---------------------------------------------------------------------------------------------
// Saved queries [seed "saved event query" endpoints; CFTS queries.ts]

export async function listSavedQueries(api: CfApi, opts: CallOptions = {}): Promise<CfSavedQuery[]> {
  return send(api, { method: 'GET', path: eventsPath(api.accountId, '/queries') }, CfSavedQueryList, 'the saved queries', opts);
}

export async function getSavedQuery(api: CfApi, queryId: number, opts: CallOptions = {}): Promise<CfSavedQuery> {
  return send(api, { method: 'GET', path: eventsPath(api.accountId, `/queries/${seg(queryId)}`) }, CfSavedQuery, `saved query ${queryId}`, opts);
}

export async function createSavedQuery(api: CfApi, body: CfSavedQueryCreate, opts: CallOptions = {}): Promise<CfSavedQuery> {
  const b = checked(CfSavedQueryCreate, body, 'the saved query');
  return send(api, { method: 'POST', path: eventsPath(api.accountId, '/queries/create'), body: b }, CfSavedQuery, 'the new saved query', opts);
}

export async function updateSavedQuery(api: CfApi, queryId: number, body: CfSavedQueryUpdate, opts: CallOptions = {}): Promise<CfSavedQuery> {
  const b = checked(CfSavedQueryUpdate, body, 'the saved query update');
  return send(api, { method: 'POST', path: eventsPath(api.accountId, `/queries/${seg(queryId)}`), body: b }, CfSavedQuery, `the update of saved query ${queryId}`, opts);
}

/** The seed documents no result body for deletes; whatever comes back is accepted. */
export async function deleteSavedQuery(api: CfApi, queryId: number, opts: CallOptions = {}): Promise<void> {
  await send(api, { method: 'DELETE', path: eventsPath(api.accountId, `/queries/${seg(queryId)}`) }, z.unknown(), `the deletion of saved query ${queryId}`, opts);
}

// ---------------------------------------------------------------------------------------------
// Query alerts [seed "event query alert" endpoints; OpenAPI post_EventQueryAlertCreate]

export async function listQueryAlerts(api: CfApi, opts: CallOptions = {}): Promise<CfQueryAlert[]> {
  return send(api, { method: 'GET', path: eventsPath(api.accountId, '/queries/alerts') }, CfQueryAlertList, 'the query alerts', opts);
}

export async function getQueryAlert(api: CfApi, alertId: number, opts: CallOptions = {}): Promise<CfQueryAlert> {
  return send(api, { method: 'GET', path: eventsPath(api.accountId, `/queries/alerts/${seg(alertId)}`) }, CfQueryAlert, `query alert ${alertId}`, opts);
}

export async function createQueryAlert(api: CfApi, body: CfQueryAlertCreate, opts: CallOptions = {}): Promise<CfQueryAlert> {
  const b = checked(CfQueryAlertCreate, body, 'the query alert');
  return send(api, { method: 'POST', path: eventsPath(api.accountId, '/queries/alerts/create'), body: b }, CfQueryAlert, 'the new query alert', opts);
}

export async function updateQueryAlert(api: CfApi, alertId: number, body: CfQueryAlertUpdate, opts: CallOptions = {}): Promise<CfQueryAlert> {
  const b = checked(CfQueryAlertUpdate, body, 'the query alert update');
  return send(api, { method: 'POST', path: eventsPath(api.accountId, `/queries/alerts/${seg(alertId)}`), body: b }, CfQueryAlert, `the update of query alert ${alertId}`, opts);
}

export async function deleteQueryAlert(api: CfApi, alertId: number, opts: CallOptions = {}): Promise<void> {
  await send(api, { method: 'DELETE', path: eventsPath(api.accountId, `/queries/alerts/${seg(alertId)}`) }, z.unknown(), `the deletion of query alert ${alertId}`, opts);
}
