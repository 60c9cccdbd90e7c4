// zod schemas for the Conformity JSON:API responses we read: `GET /events`, `GET /accounts` and the
// error body. Tolerant of extra fields (z.looseObject keeps them, so `raw` loses nothing) but strict
// on the fields the provider uses. Source: cloudconformity/documentation-api Events.md / Accounts.md
// (see /work/shared/API-NOTES.md section 1). providers/ never imports vscode.
import { z } from 'zod';

/** One event: `{type:"events", id, attributes:{name, time, …}, relationships:{account:{data:{id}}}}`. */
export const ConformityEvent = z.looseObject({
  type: z.string(),
  id: z.string(),
  attributes: z.looseObject({
    name: z.string(),
    /** Epoch milliseconds. */
    time: z.number(),
    service: z.string().nullish(),
    identity: z.string().nullish(),
    region: z.string().nullish(),
    description: z.string().nullish(),
    hasChildren: z.boolean().nullish(),
  }),
  relationships: z
    .looseObject({
      account: z
        .looseObject({
          // Organisation-level events (ADMIN keys) may carry no account.
          data: z.looseObject({ type: z.string().optional(), id: z.string() }).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});
export type ConformityEvent = z.infer<typeof ConformityEvent>;

export const ConformityEventsPage = z.looseObject({
  data: z.array(ConformityEvent),
  meta: z.looseObject({ 'total-pages': z.number().int().nonnegative().optional() }).optional(),
  links: z.record(z.string(), z.unknown()).optional(),
});
export type ConformityEventsPage = z.infer<typeof ConformityEventsPage>;

export const ConformityAccount = z.looseObject({
  type: z.string(),
  id: z.string(),
  attributes: z
    .looseObject({
      name: z.string().nullish(),
      environment: z.string().nullish(),
      'cloud-type': z.string().nullish(),
      'awsaccount-id': z.string().nullish(),
    })
    .optional(),
});
export type ConformityAccount = z.infer<typeof ConformityAccount>;

export const ConformityAccountsPage = z.looseObject({
  data: z.array(ConformityAccount),
  meta: z.record(z.string(), z.unknown()).optional(),
});
export type ConformityAccountsPage = z.infer<typeof ConformityAccountsPage>;

/** The error body (`errors[]` with status/detail; UNVERIFIED beyond that, so only detail is required). */
export const ConformityErrorBody = z.looseObject({
  errors: z.array(
    z.looseObject({
      status: z.union([z.number(), z.string()]).optional(),
      detail: z.string(),
      title: z.string().optional(),
    }),
  ),
});
export type ConformityErrorBody = z.infer<typeof ConformityErrorBody>;
