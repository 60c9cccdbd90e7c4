// zod schemas for the Control Plane (cpln) audit API, from the docs example of
// `GET https://audit.cpln.io/audit/org/{org}` (see /work/shared/API-NOTES.md §4).
// Every object is `.loose()` (passthrough) so fields the API adds later are kept (they end up in `raw`), and
// everything the docs show but that is not needed to page or normalize is optional: a missing field
// never fails a whole page. providers/ never imports vscode.
import { z } from 'zod';

const Data = z.record(z.string(), z.unknown());
const optStr = z.string().nullish();

export const CplnResource = z
  .object({ id: optStr, name: optStr, type: optStr, data: Data.nullish() })
  .loose();

export const CplnContext = z
  .object({
    org: optStr,
    name: optStr,
    remoteIp: optStr,
    eventSource: optStr,
    location: optStr,
    gvcAlias: optStr,
    podId: optStr,
    data: Data.nullish(),
  })
  .loose();

export const CplnSubject = z
  .object({ email: optStr, name: optStr, claims: Data.nullish(), data: Data.nullish() })
  .loose();

export const CplnAction = z.object({ type: optStr, data: Data.nullish() }).loose();

export const CplnResult = z.object({ status: optStr, message: optStr }).loose();

/** One audit event (`itemKind: "auditevent"`). */
export const CplnAuditEvent = z
  .object({
    id: optStr,
    eventTime: optStr,
    postedTime: optStr,
    receivedTime: optStr,
    requestId: optStr,
    resource: CplnResource.nullish(),
    context: CplnContext.nullish(),
    subject: CplnSubject.nullish(),
    action: CplnAction.nullish(),
    result: CplnResult.nullish(),
  })
  .loose();
export type CplnAuditEvent = z.infer<typeof CplnAuditEvent>;

export const CplnLink = z.object({ rel: z.string(), href: z.string() }).loose();
export type CplnLink = z.infer<typeof CplnLink>;

/** The `queryresult` envelope; `links` carries `self` and, when there are more pages, `next`. */
export const CplnQueryResult = z
  .object({
    kind: z.string().optional(),
    itemKind: z.string().optional(),
    items: z.array(CplnAuditEvent),
    query: z.record(z.string(), z.unknown()).nullish(),
    links: z.array(CplnLink).nullish(),
  })
  .loose();
export type CplnQueryResult = z.infer<typeof CplnQueryResult>;

/**
 * Error body. Its shape is UNVERIFIED (not documented); cpln services answer with
 * `{status, message, code?, details?}`, and HttpClient already pulls `message` out of any body.
 */
export const CplnErrorBody = z
  .object({ status: z.number().optional(), message: z.string().optional(), code: z.string().optional(), details: z.unknown().optional() })
  .loose();
export type CplnErrorBody = z.infer<typeof CplnErrorBody>;

/**
 * The envelope as paged: items kept exactly as received (key order and all) so each event's `raw`
 * is the record itself; each item is then checked with CplnAuditEvent on its own, so one odd item
 * does not cost the whole page.
 */
export const CplnQueryPage = CplnQueryResult.extend({ items: z.array(z.unknown()) });
export type CplnQueryPage = z.infer<typeof CplnQueryPage>;
