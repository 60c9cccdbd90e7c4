// zod schemas for the Cloudflare Cloudforce One threat-events API (seed
// cloudflare-cloudforce-one-events.txt; API-NOTES §3 [CFTS], [CFOAS]). Every object is `.loose()`
// so fields Cloudflare adds later are kept (they end up in `raw`), and every field is optional: the
// spec marks most as required, but one odd record must never cost a whole page.
// providers/ never imports vscode.
import { z } from 'zod';

const optStr = z.string().nullish();
const optNum = z.number().nullish();
const optBool = z.boolean().nullish();
const strList = z.array(z.string()).nullish();
const numList = z.array(z.number()).nullish();

// ---------------------------------------------------------------------------------------------
// The v4 envelope

/** One entry of `errors` / `messages`. Cloudflare sends `{code, message}`; the spec's 400 body only `{message}`. */
export const CfMessage = z
  .object({ code: z.union([z.number(), z.string()]).nullish(), message: z.string().nullish() })
  .loose();
export type CfMessage = z.infer<typeof CfMessage>;

/** `result_info` of page-paginated lists [CFTS pagination.ts]; `cursor` per the list docs [CFOAS]. */
export const CfResultInfo = z
  .object({
    page: optNum,
    per_page: optNum,
    count: optNum,
    total_count: optNum,
    total_pages: optNum,
    cursor: optStr,
  })
  .loose();
export type CfResultInfo = z.infer<typeof CfResultInfo>;

/** `{success, errors, messages, result, result_info}`; `result` is checked by the caller's schema. */
export const CfEnvelope = z
  .object({
    success: z.boolean().nullish(),
    errors: z.array(z.union([CfMessage, z.string()])).nullish(),
    messages: z.array(z.unknown()).nullish(),
    result: z.unknown().optional(),
    result_info: CfResultInfo.nullish(),
  })
  .loose();
export type CfEnvelope = z.infer<typeof CfEnvelope>;

// ---------------------------------------------------------------------------------------------
// Events

/** A threat event (list item, read, create/update result) [CFTS ThreatEventListResponseItem; seed]. */
export const CfThreatEvent = z
  .object({
    uuid: optStr,
    date: optStr,
    event: optStr,
    category: optStr,
    attacker: optStr,
    attackerCountry: optStr,
    attackerCountryAlpha3: optStr,
    targetCountry: optStr,
    targetCountryAlpha3: optStr,
    targetIndustry: optStr,
    indicator: optStr,
    indicatorType: optStr,
    indicatorTypeId: optNum,
    killChain: optNum,
    mitreAttack: strList,
    mitreCapec: strList,
    tags: strList,
    tlp: optStr,
    datasetId: optStr,
    rawId: optStr,
    hasChildren: optBool,
    numReferenced: optNum,
    numReferences: optNum,
    referenced: strList,
    referencedIds: numList,
    references: strList,
    referencesIds: numList,
    insight: optStr,
    releasabilityId: optStr,
  })
  .loose();
export type CfThreatEvent = z.infer<typeof CfThreatEvent>;

/** A list page's items are kept as received; each is checked with CfThreatEvent on its own. */
export const CfEventList = z.array(z.unknown());

/** Raw data behind an event (`GET .../events/raw/{dataset_id}/{event_id}`) [seed]. */
export const CfRawEvent = z
  .object({ id: optStr, accountId: optNum, created: optStr, source: optStr, tlp: optStr, data: z.unknown().optional() })
  .loose();
export type CfRawEvent = z.infer<typeof CfRawEvent>;

// ---------------------------------------------------------------------------------------------
// Datasets [CFTS datasets/datasets.ts]

export const CfDataset = z
  .object({
    uuid: z.string(),
    name: optStr,
    isPublic: optBool,
    isAnalytics: optBool,
    indicatorWriteMode: optStr,
    deletedAt: optStr,
  })
  .loose();
export type CfDataset = z.infer<typeof CfDataset>;
export const CfDatasetList = z.array(CfDataset);

// ---------------------------------------------------------------------------------------------
// Aggregate [CFTS aggregate.ts; seed]

/** `{count, date?, <column>: value}` per group. */
export const CfAggregation = z.object({ count: z.number(), date: optStr }).catchall(z.unknown());
export type CfAggregation = z.infer<typeof CfAggregation>;

export const CfAggregateResult = z
  .object({
    aggregateBy: optStr,
    aggregations: z.array(CfAggregation),
    total: optNum,
    dateRange: z.object({ startDate: optStr, endDate: optStr }).loose().nullish(),
  })
  .loose();
export type CfAggregateResult = z.infer<typeof CfAggregateResult>;

// ---------------------------------------------------------------------------------------------
// Writes (request bodies from [CFTS] / the OpenAPI copies; responses from the seed)

/** `POST .../events/create` body [CFTS ThreatEventCreateParams]: category, date, event, indicatorType, raw, tlp required. */
export const CfCreateEventBody = z
  .object({
    category: z.string(),
    date: z.string(),
    event: z.string(),
    // Optional: post_EventCreate requires only date, category, event, tlp and raw.
    indicatorType: z.string().optional(),
    raw: z.object({ data: z.record(z.string(), z.unknown()).nullable(), source: z.string().optional(), tlp: z.string().optional() }),
    tlp: z.string(),
    accountId: z.number().optional(),
    attacker: z.string().nullable().optional(),
    attackerCountry: z.string().optional(),
    datasetId: z.string().optional(),
    indicator: z.string().optional(),
    insight: z.string().optional(),
    tags: z.array(z.string()).optional(),
    targetCountry: z.string().optional(),
    targetIndustry: z.string().optional(),
  })
  .strict();
export type CfCreateEventBody = z.infer<typeof CfCreateEventBody>;

/** `POST|PATCH .../events/{event_id}` body [CFTS ThreatEventEditParams]: every field optional. */
export const CfUpdateEventBody = CfCreateEventBody.omit({ raw: true, accountId: true, datasetId: true, tags: true })
  .partial()
  .extend({ raw: z.object({ data: z.record(z.string(), z.unknown()).nullable().optional(), source: z.string().optional(), tlp: z.string().optional() }).optional() })
  .strict();
export type CfUpdateEventBody = z.infer<typeof CfUpdateEventBody>;

/** Tag add/remove (`event_tag/{id}/create`, DELETE `event_tag/{id}`): `{tags: string[]}` in, `{success}` out. */
export const CfTagsBody = z.object({ tags: z.array(z.string()).min(1) }).strict();
export const CfSuccessResult = z.object({ success: z.boolean() }).loose();

/** `POST .../dataset/{id}/move` body (OpenAPI post_EventMoveToNewDS); query `keepRawData`. */
export const CfMoveBody = z.object({ destDatasetId: z.string().min(1), eventIds: z.array(z.string()).min(1) }).strict();

/**
 * Its result: the seed documents a bare number (events moved); a newer OpenAPI an object with
 * `moved`, `indicatorsCopied`, `relationshipsCopied`, `insertFailures`, `deletionFailures`. Both accepted.
 */
export const CfMoveResult = z.union([
  z.number(),
  z
    .object({
      moved: z.number(),
      indicatorsCopied: optNum,
      relationshipsCopied: optNum,
      insertFailures: z.array(z.object({ index: optNum, reason: optStr }).loose()).nullish(),
      deletionFailures: z.array(z.object({ datasetId: optStr, reason: optStr }).loose()).nullish(),
    })
    .loose(),
]);
export type CfMoveResult = z.infer<typeof CfMoveResult>;

/** A saved event query [seed; CFTS queries.ts]. */
export const CfSavedQuery = z
  .object({
    id: z.number(),
    account_id: z.union([z.number(), z.string()]).nullish(),
    name: z.string(),
    query_json: z.string(),
    alert_enabled: optBool,
    alert_rollup_enabled: optBool,
    rule_enabled: optBool,
    rule_scope: optStr,
    created_at: optStr,
    updated_at: optStr,
    user_email: optStr,
  })
  .loose();
export type CfSavedQuery = z.infer<typeof CfSavedQuery>;
export const CfSavedQueryList = z.array(CfSavedQuery);

/** `queries/create` body [CFTS QueryCreateParams]. */
export const CfSavedQueryCreate = z
  .object({
    name: z.string().min(1),
    query_json: z.string(),
    alert_enabled: z.boolean(),
    alert_rollup_enabled: z.boolean(),
    rule_enabled: z.boolean(),
    rule_scope: z.string().optional(),
  })
  .strict();
export type CfSavedQueryCreate = z.infer<typeof CfSavedQueryCreate>;
export const CfSavedQueryUpdate = CfSavedQueryCreate.partial().strict();
export type CfSavedQueryUpdate = z.infer<typeof CfSavedQueryUpdate>;

/** An event query alert [seed]. */
export const CfQueryAlert = z
  .object({
    id: z.number(),
    query_id: z.number(),
    account_id: z.union([z.number(), z.string()]).nullish(),
    enabled: optBool,
    frequency: optStr,
    notification_type: optStr,
    last_sent_at: optStr,
    created_at: optStr,
    updated_at: optStr,
    user_email: optStr,
  })
  .loose();
export type CfQueryAlert = z.infer<typeof CfQueryAlert>;
export const CfQueryAlertList = z.array(CfQueryAlert);

/** `queries/alerts/create` body (OpenAPI post_EventQueryAlertCreate): query_id required. */
export const CfQueryAlertCreate = z
  .object({
    query_id: z.number().int(),
    enabled: z.boolean().optional(),
    frequency: z.enum(['immediate', 'daily']).optional(),
    notification_type: z.string().optional(),
  })
  .strict();
export type CfQueryAlertCreate = z.infer<typeof CfQueryAlertCreate>;
export const CfQueryAlertUpdate = CfQueryAlertCreate.omit({ query_id: true }).strict();
export type CfQueryAlertUpdate = z.infer<typeof CfQueryAlertUpdate>;
