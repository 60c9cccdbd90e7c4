// The vendors' pinned OpenAPI documents (contracts/openapi/) and the checks built on them: that each
// copy carries its source and licence, that the checks fail on what they must fail on, and that the
// fakes' data fits the vendor's schemas. The checks themselves run inside every test that starts a
// contract-checked fake (test/support/contract/hook.ts).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { eventRequest } from '../../src/providers/exoscale/client';
import { takeContractViolations } from '../support/contract/hook';
import { loadSpec, OpenApiContract, toJsonSchema, type ReceivedRequest } from '../support/contract/openapi';
import { exoscaleContract } from '../support/contract/vendors';
import { generateEvents, startExoscaleFake } from '../support/fakes/exoscale';

const ROOT = path.resolve(__dirname, '../../..');
const CONTRACTS = path.join(ROOT, 'contracts', 'openapi');

const get = (url: string, headers: ReceivedRequest['headers'] = {}): ReceivedRequest => ({ method: 'GET', url, headers, body: '' });
const okJson = (body: unknown) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('Vendor contracts (OpenAPI)', () => {
  describe('the pinned copies', () => {
    const vendors = readdirSync(CONTRACTS);
    it('exist for Exoscale (the only vendor whose machine-readable spec could be pinned here)', () => assert.deepEqual(vendors.sort(), ['exoscale']));
    for (const v of vendors) {
      it(`${v}: an OpenAPI 3 document with its LICENSE and a SOURCE.md naming repository, path and commit`, () => {
        const spec = loadSpec(v);
        assert.match(String(spec.openapi), /^3\./);
        assert.ok(existsSync(path.join(CONTRACTS, v, 'LICENSE')));
        const source = readFileSync(path.join(CONTRACTS, v, 'SOURCE.md'), 'utf8');
        assert.match(source, /\*\*Repository:\*\* https:\/\/github\.com\/[\w.-]+\/[\w.-]+/);
        assert.match(source, /\*\*Path:\*\* `[^`]+`/);
        assert.match(source, /\*\*Commit:\*\* `[0-9a-f]{40}`/);
        const manifest = JSON.parse(readFileSync(path.join(ROOT, 'scripts', 'contracts', 'specs.json'), 'utf8')) as Record<string, { source: { commit: string }; operations: string[] }>;
        assert.ok(source.includes(manifest[v].source.commit), 'SOURCE.md and specs.json name the same commit');
        const kept = Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(([p, item]) => Object.keys(item).filter((k) => k !== 'parameters').map((m) => `${m.toUpperCase()} ${p}`));
        assert.deepEqual(kept.sort(), [...manifest[v].operations].sort(), 'the copy holds exactly the operations the manifest names');
      });
    }
  });

  describe('OpenAPI 3.0 schemas as JSON Schema', () => {
    it('nullable, boolean exclusiveMinimum, local $refs and documentation keywords', () => {
      assert.deepEqual(toJsonSchema({ type: 'integer', minimum: 0, exclusiveMinimum: true, example: 3 }, 'd'), { type: 'integer', exclusiveMinimum: 0 });
      assert.deepEqual(toJsonSchema({ type: 'string', nullable: true, enum: ['a'] }, 'd'), { type: ['string', 'null'], enum: ['a', null] });
      assert.deepEqual(toJsonSchema({ properties: { example: { $ref: '#/components/schemas/x' } }, 'x-go': 1 }, 'd'), { properties: { example: { $ref: 'd#/components/schemas/x' } } });
    });
  });

  describe('Exoscale list-events: the checks fail where they must', () => {
    const c = new OpenApiContract('exoscale', loadSpec('exoscale'), { basePath: '/v2' });

    it("the client's own request for a window conforms", () => {
      const req = eventRequest({ from: Date.UTC(2026, 0, 5), to: Date.UTC(2026, 0, 5, 6) });
      const qs = new URLSearchParams(req.query as Record<string, string>).toString();
      assert.deepEqual(c.checkRequest(get(`/v2/${req.path}?${qs}`)), []);
    });
    it('an unknown query parameter, a value of the wrong format, a parameter given twice', () => {
      assert.match(c.checkRequest(get('/v2/event?from=2026-01-05T00:00:00Z&limit=10')).join('\n'), /unknown query parameter "limit"/);
      assert.match(c.checkRequest(get('/v2/event?from=yesterday')).join('\n'), /"from"="yesterday".*date-time/);
      assert.match(c.checkRequest(get('/v2/event?to=2026-01-05T00:00:00Z&to=2026-01-06T00:00:00Z')).join('\n'), /"to" is given 2 times/);
    });
    it('a path or method the spec does not have, a body on a GET', () => {
      assert.match(c.checkRequest(get('/v2/events')).join('\n'), /no such operation/);
      assert.match(c.checkRequest({ ...get('/v2/event'), method: 'POST' }).join('\n'), /has this path but not this method/);
      assert.match(c.checkRequest(get('/event')).join('\n'), /not under the API's base path \/v2/);
      assert.match(c.checkRequest({ ...get('/v2/event'), body: '{}' }).join('\n'), /takes no body/);
    });
    it('a response body off the schema: a wrong type, a zero the spec excludes, a bad uuid; and undeclared statuses', () => {
      const req = get('/v2/event');
      assert.deepEqual(c.checkResponse(req, okJson([{ status: 200, 'elapsed-ms': 1, timestamp: '2026-01-05T00:00:00.250Z' }])), []);
      assert.match(c.checkResponse(req, okJson([{ status: '200' }])).join('\n'), /\/0\/status must be integer/);
      assert.match(c.checkResponse(req, okJson([{ 'elapsed-ms': 0 }])).join('\n'), /\/0\/elapsed-ms must be > 0/);
      assert.match(c.checkResponse(req, okJson([{ 'iam-api-key': { 'role-id': 'not-a-uuid' } }])).join('\n'), /role-id must match format "uuid"/);
      assert.match(c.checkResponse(req, okJson({ events: [] })).join('\n'), /must be array/);
      assert.match(c.checkResponse(req, { status: 500, headers: { 'content-type': 'application/json' }, body: '{"message":"x"}' }).join('\n'), /status 500 is not declared/);
    });
    it("with egoscale's documented errors: a 4xx/5xx needs its JSON error body", () => {
      const doc = exoscaleContract('/v2');
      const req = get('/v2/event');
      assert.deepEqual(doc.response(req, { status: 429, headers: { 'content-type': 'application/json' }, body: '{"message":"Too Many Requests"}' }), []);
      assert.deepEqual(doc.response(req, { status: 400, headers: { 'content-type': 'application/json' }, body: '{"errors":[{"detail":"bad","location":"query.from"}]}' }), []);
      assert.match(doc.response(req, { status: 403, headers: { 'content-type': 'application/json' }, body: '{"reason":"x"}' }).join('\n'), /error body does not match egoscale/);
      assert.match(doc.response(req, { status: 502, headers: { 'content-type': 'text/html' }, body: '<html/>' }).join('\n'), /JSON error body/);
      assert.match(doc.response(req, { status: 302, headers: {}, body: '' }).join('\n'), /302 is not declared/);
    });
  });

  describe('Exoscale fake: its data and the hook', () => {
    it("every generated event fits the spec's event schema (a week, every field, the hostile strings)", () => {
      const c = new OpenApiContract('exoscale', loadSpec('exoscale'), { basePath: '/v2' });
      assert.deepEqual(c.checkResponse(get('/v2/event'), okJson(generateEvents())), []);
    });
    it('the fake records an off-contract request and its own answer is checked too', async () => {
      const fake = await startExoscaleFake();
      try {
        const r = await fetch(`${fake.endpoint}/event?from=2026-01-05T00:00:00Z&pageSize=10`);
        assert.equal(r.status, 401, 'unsigned: the fake refuses it');
        await r.text();
        const problems = takeContractViolations();
        assert.equal(problems.length, 1, problems.join('\n'));
        assert.match(problems[0], /\[exoscale contract\] GET \/event: unknown query parameter "pageSize"/);
      } finally {
        await fake.close();
      }
    });
  });
});
