// zod schemas for `GET /v2/event` (seed exoscale-list-events.txt; API-NOTES §2). Every field is
// optional ("not all fields are mandatory") and every object is `.loose()`, so fields Exoscale adds
// later survive into `raw` and a missing field never fails a whole response.
// providers/ never imports vscode.
import { z } from 'zod';

const FreeForm = z.record(z.string(), z.unknown());
const optStr = z.string().nullish();
const optInt = z.number().nullish();

export const ExoIamRole = z
  .object({
    id: optStr,
    name: optStr,
    description: optStr,
    permissions: z.array(z.string()).nullish(),
    labels: z.record(z.string(), z.string()).nullish(),
    editable: z.boolean().nullish(),
    policy: FreeForm.nullish(),
  })
  .loose();

export const ExoIamUser = z
  .object({
    sso: z.boolean().nullish(),
    'two-factor-authentication': z.boolean().nullish(),
    email: optStr,
    id: optStr,
    role: ExoIamRole.nullish(),
    pending: z.boolean().nullish(),
  })
  .loose();

export const ExoIamApiKey = z.object({ name: optStr, key: optStr, 'role-id': optStr }).loose();

/** One event (EGO v3/schemas.go `type Event`). */
export const ExoEvent = z
  .object({
    'iam-user': ExoIamUser.nullish(),
    'request-id': optStr,
    'iam-role': ExoIamRole.nullish(),
    zone: optStr,
    'get-params': FreeForm.nullish(),
    'body-params': FreeForm.nullish(),
    status: optInt,
    'source-ip': optStr,
    'iam-api-key': ExoIamApiKey.nullish(),
    uri: optStr,
    'elapsed-ms': optInt,
    timestamp: optStr,
    'path-params': FreeForm.nullish(),
    handler: optStr,
    message: optStr,
  })
  .loose();
export type ExoEvent = z.infer<typeof ExoEvent>;

/**
 * The response: a bare JSON array (no envelope, no paging). Items are kept exactly as received so
 * each event's `raw` is the record itself; each is then checked with ExoEvent on its own, so one odd
 * item does not cost the whole window.
 */
export const ExoEventList = z.array(z.unknown());
export type ExoEventList = z.infer<typeof ExoEventList>;

/**
 * Error body, as egoscale v3 reads it (v3/errors.go): any of message, error, title, detail, errors[]
 * (RFC 9457-style entries with detail and location). HttpClient already pulls the first of these
 * out of any body for its messages; this is for tests and documentation.
 */
export const ExoErrorBody = z
  .object({
    message: z.string().optional(),
    error: z.string().optional(),
    title: z.string().optional(),
    detail: z.string().optional(),
    errors: z.array(z.object({ detail: z.string().optional(), location: z.string().optional() }).loose()).optional(),
  })
  .loose();
export type ExoErrorBody = z.infer<typeof ExoErrorBody>;
