// The vendors with a pinned OpenAPI document (contracts/openapi/<vendor>/SOURCE.md) and what the
// fakes of each need to check against it. Cloudflare, Control Plane and Conformity have none here:
// see the README's provider sections.
import type { ContractCheck } from './hook';
import { loadSpec, OpenApiContract } from './openapi';

const cache = new Map<string, OpenApiContract>();

function contract(key: string, make: () => OpenApiContract): ContractCheck {
  let c = cache.get(key);
  if (!c) cache.set(key, (c = make()));
  const built = c;
  return { vendor: built.vendor, request: (r) => built.checkRequest(r), response: (r, s) => built.checkResponse(r, s) };
}

/**
 * Exoscale API v2 (exoscale/python-exoscale `exoscale/openapi.json`). The spec declares only 200;
 * egoscale v3's `v3/errors.go` turns every 4xx/5xx into an error read from a JSON body with any of
 * `message`, `error`, `title`, `detail`, `errors` (RFC 9457-style entries with `detail`/`location`).
 */
export function exoscaleContract(basePath = '/v2'): ContractCheck {
  return contract(`exoscale ${basePath}`, () =>
    new OpenApiContract('exoscale', loadSpec('exoscale'), {
      basePath,
      documentedErrors: {
        source: 'egoscale v3/errors.go',
        statuses: (s) => s >= 400 && s <= 599,
        body: {
          type: 'object',
          anyOf: ['message', 'error', 'title', 'detail', 'errors'].map((k) => ({ required: [k] })),
          properties: {
            message: { type: 'string' },
            error: { type: 'string' },
            title: { type: 'string' },
            detail: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { detail: { type: 'string' }, location: { type: 'string' } } } },
          },
        },
      },
    }),
  );
}
