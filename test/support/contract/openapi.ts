// Checks requests and responses against a vendor's pinned OpenAPI 3.0 document
// (contracts/openapi/<vendor>/openapi.json): the operation is found by method and path template,
// then every parameter, the body and the response are validated with Ajv (JSON Schema) and
// ajv-formats (date-time, uuid, int64, …). What is OpenAPI rather than JSON Schema is done here:
// finding the operation, taking parameters out of the path and query string by their style, and the
// few OpenAPI 3.0 keywords that differ from JSON Schema (`nullable`, boolean `exclusiveMinimum`).
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;

export interface ReceivedRequest {
  method: string;
  /** Path and query as received (`/v2/event?from=…`). */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SentResponse {
  status: number;
  headers: OutgoingHttpHeaders;
  body: string;
}

/** A status the spec does not declare but the vendor documents elsewhere, with the body it has then. */
export interface DocumentedErrors {
  /** Where the vendor documents them (for the messages). */
  source: string;
  statuses: (status: number) => boolean;
  /** JSON Schema of the error body. */
  body: Json;
}

export interface ContractOptions {
  /** Path prefix the server serves the spec's paths under (the server URL's path, e.g. `/v2`). */
  basePath: string;
  documentedErrors?: DocumentedErrors;
}

const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** The pinned document of a vendor, parsed. */
export function loadSpec(vendor: string): Json {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, 'contracts', 'openapi', vendor, 'openapi.json'), 'utf8')) as Json;
}

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions', '$defs'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'];
const SCHEMA_ONE = ['not', 'additionalProperties', 'items', 'contains', 'propertyNames'];
// Documentation-only keywords of OpenAPI 3.0 that are not JSON Schema.
const DROP = new Set(['example', 'xml', 'externalDocs', 'discriminator', 'deprecated', 'nullable']);

/**
 * An OpenAPI 3.0 Schema Object as a JSON Schema (draft-07) Ajv checks: `nullable` admits null,
 * boolean `exclusiveMinimum`/`exclusiveMaximum` become the numeric form, local `$ref`s point into the
 * document registered under `docId`.
 */
export function toJsonSchema(schema: unknown, docId: string): unknown {
  if (Array.isArray(schema)) return schema.map((s) => toJsonSchema(s, docId));
  if (!isObj(schema)) return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) {
    if (DROP.has(k) || k.startsWith('x-')) continue;
    if (k === '$ref' && typeof v === 'string') out.$ref = v.startsWith('#') ? `${docId}${v}` : v;
    else if (SCHEMA_MAPS.includes(k) && isObj(v)) out[k] = Object.fromEntries(Object.entries(v).map(([n, s]) => [n, toJsonSchema(s, docId)]));
    else if (SCHEMA_LISTS.includes(k) && Array.isArray(v)) out[k] = v.map((s) => toJsonSchema(s, docId));
    else if (SCHEMA_ONE.includes(k)) out[k] = toJsonSchema(v, docId);
    else out[k] = v;
  }
  for (const [bool, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof out[bool] === 'boolean') {
      if (out[bool] === true && typeof out[bound] === 'number') {
        out[bool] = out[bound];
        delete out[bound];
      } else delete out[bool];
    }
  }
  if (schema.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (out.type === undefined) return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required: boolean;
  style: string;
  explode: boolean;
  /** Converted schema. */
  schema: Json;
  /** For a `content` parameter (one JSON-encoded value). */
  json: boolean;
  validate: ValidateFunction;
}

interface Operation {
  method: string;
  template: string;
  regex: RegExp;
  names: string[];
  params: Parameter[];
  body?: { required: boolean; media: Map<string, ValidateFunction | undefined> };
  responses: Map<string, Map<string, ValidateFunction | undefined>>;
}

function explain(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? e.keyword}${e.keyword === 'additionalProperties' ? ` (${String((e.params as Json).additionalProperty)})` : ''}${e.keyword === 'enum' ? ` ${JSON.stringify((e.params as Json).allowedValues)}` : ''}`).join('; ');
}

const mediaBase = (v: string | undefined): string => (v ?? '').split(';')[0].trim().toLowerCase();
const isJsonMedia = (m: string): boolean => m === 'application/json' || m.endsWith('+json');

/** A numeric or boolean query/path value as the schema types it, else the string (so the check fails on it). */
function coerce(value: string, schema: Json): unknown {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

export class OpenApiContract {
  private readonly ajv: Ajv;
  private readonly ops: Operation[] = [];
  private readonly docId: string;
  private readonly errorBody?: ValidateFunction;

  constructor(
    readonly vendor: string,
    private readonly doc: Json,
    private readonly opts: ContractOptions,
  ) {
    this.docId = `openapi:${vendor}`;
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    const components = isObj(doc.components) ? doc.components : {};
    const schemas = isObj(components.schemas) ? components.schemas : {};
    this.ajv.addSchema({ components: { schemas: Object.fromEntries(Object.entries(schemas).map(([n, s]) => [n, toJsonSchema(s, this.docId)])) } }, this.docId);
    if (opts.documentedErrors) this.errorBody = this.ajv.compile(opts.documentedErrors.body);
    const paths = isObj(doc.paths) ? doc.paths : {};
    for (const [template, item] of Object.entries(paths)) {
      if (!isObj(item)) continue;
      const shared = Array.isArray(item.parameters) ? item.parameters : [];
      for (const m of METHODS) if (isObj(item[m])) this.ops.push(this.operation(m.toUpperCase(), template, shared, item[m] as Json));
    }
  }

  private deref(v: unknown): Json {
    let node = v;
    for (let i = 0; i < 20 && isObj(node) && typeof node.$ref === 'string'; i++) {
      let at: unknown = this.doc;
      for (const key of node.$ref.slice(2).split('/')) at = isObj(at) ? at[key.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
      node = at;
    }
    return isObj(node) ? node : {};
  }

  private compile(schema: unknown): ValidateFunction {
    return this.ajv.compile(toJsonSchema(schema, this.docId) as Json);
  }

  private media(content: unknown): Map<string, ValidateFunction | undefined> {
    const out = new Map<string, ValidateFunction | undefined>();
    if (isObj(content)) for (const [type, m] of Object.entries(content)) out.set(type.toLowerCase(), isObj(m) && m.schema !== undefined ? this.compile(m.schema) : undefined);
    return out;
  }

  private operation(method: string, template: string, shared: unknown[], op: Json): Operation {
    const byKey = new Map<string, Json>();
    for (const p of [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])]) {
      const d = this.deref(p);
      byKey.set(`${String(d.in)}:${String(d.name)}`, d);
    }
    const params: Parameter[] = [...byKey.values()].map((d) => {
      const where = String(d.in) as Parameter['in'];
      const contentSchema = isObj(d.content) ? Object.values(d.content).find(isObj)?.schema : undefined;
      const raw = d.schema ?? contentSchema ?? {};
      const schema = this.deref(raw);
      return {
        name: String(d.name),
        in: where,
        required: d.required === true || where === 'path',
        style: typeof d.style === 'string' ? d.style : where === 'query' || where === 'cookie' ? 'form' : 'simple',
        explode: typeof d.explode === 'boolean' ? d.explode : (d.style ?? 'form') === 'form' && where !== 'path' && where !== 'header',
        schema,
        json: d.schema === undefined && contentSchema !== undefined,
        validate: this.compile(raw),
      };
    });
    const names: string[] = [];
    const regex = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, n: string) => (names.push(n), '([^/]+)'))}$`);
    const rb = op.requestBody === undefined ? undefined : this.deref(op.requestBody);
    const responses = new Map<string, Map<string, ValidateFunction | undefined>>();
    if (isObj(op.responses)) for (const [status, r] of Object.entries(op.responses)) responses.set(status.toUpperCase(), this.media(this.deref(r).content));
    return { method, template, regex, names, params, body: rb ? { required: rb.required === true, media: this.media(rb.content) } : undefined, responses };
  }

  private match(method: string, url: string): { op?: Operation; pathParams: Map<string, string>; problem?: string } {
    const pathname = url.split('?')[0];
    const base = this.opts.basePath.replace(/\/+$/, '');
    if (!pathname.startsWith(`${base}/`)) return { pathParams: new Map(), problem: `${method} ${pathname} is not under the API's base path ${base || '/'}` };
    const rest = pathname.slice(base.length);
    let pathMatched = false;
    for (const op of this.ops) {
      const m = op.regex.exec(rest);
      if (!m) continue;
      pathMatched = true;
      if (op.method !== method.toUpperCase()) continue;
      return { op, pathParams: new Map(op.names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
    }
    return { pathParams: new Map(), problem: pathMatched ? `${method} ${rest}: the spec has this path but not this method` : `${method} ${rest}: no such operation in the spec` };
  }

  /** Problems of one request (empty when it conforms). */
  checkRequest(req: ReceivedRequest): string[] {
    const { op, pathParams, problem } = this.match(req.method, req.url);
    if (!op) return [problem ?? 'no operation'];
    const where = `${op.method} ${op.template}`;
    const problems: string[] = [];
    const q = req.url.indexOf('?');
    const query = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
    const declared = new Set(op.params.filter((p) => p.in === 'query').map((p) => p.name));
    for (const name of new Set(query.keys())) if (!declared.has(name)) problems.push(`${where}: unknown query parameter "${name}"`);
    for (const p of op.params) {
      let raw: string[];
      if (p.in === 'query') raw = query.getAll(p.name);
      else if (p.in === 'path') raw = pathParams.has(p.name) ? [pathParams.get(p.name) as string] : [];
      else if (p.in === 'header') {
        const h = req.headers[p.name.toLowerCase()];
        raw = h === undefined ? [] : [Array.isArray(h) ? h.join(', ') : h];
      } else continue;
      if (raw.length === 0) {
        if (p.required) problems.push(`${where}: required ${p.in} parameter "${p.name}" is missing`);
        continue;
      }
      let value: unknown;
      if (p.json) {
        if (raw.length > 1) problems.push(`${where}: ${p.in} parameter "${p.name}" is given ${raw.length} times`);
        try {
          value = JSON.parse(raw[0]);
        } catch {
          problems.push(`${where}: ${p.in} parameter "${p.name}" is not JSON`);
          continue;
        }
      } else if (p.schema.type === 'array') {
        const items = this.deref(p.schema.items);
        const parts = p.explode && p.in === 'query' ? raw : raw.flatMap((v) => v.split(p.style === 'pipeDelimited' ? '|' : p.style === 'spaceDelimited' ? ' ' : ','));
        value = parts.map((v) => coerce(v, items));
      } else if (p.schema.type === 'object') {
        problems.push(`${where}: ${p.in} parameter "${p.name}" is an object (style ${p.style}); its encoding is not checked here`);
        continue;
      } else {
        if (raw.length > 1) problems.push(`${where}: ${p.in} parameter "${p.name}" is given ${raw.length} times`);
        value = coerce(raw[0], p.schema);
      }
      if (!p.validate(value)) problems.push(`${where}: ${p.in} parameter "${p.name}"=${JSON.stringify(value)}: ${explain(p.validate.errors)}`);
    }
    const body = req.body;
    if (!op.body) {
      if (body.length > 0) problems.push(`${where}: the operation takes no body, but ${body.length} bytes were sent`);
    } else if (body.length === 0) {
      if (op.body.required) problems.push(`${where}: the required body is missing`);
    } else {
      const type = mediaBase(req.headers['content-type']);
      if (!op.body.media.has(type)) problems.push(`${where}: body content-type "${type}" is not one of ${[...op.body.media.keys()].join(', ')}`);
      else {
        const v = op.body.media.get(type);
        if (v && isJsonMedia(type)) {
          try {
            const parsed: unknown = JSON.parse(body);
            if (!v(parsed)) problems.push(`${where}: body: ${explain(v.errors)}`);
          } catch {
            problems.push(`${where}: the body is not JSON`);
          }
        }
      }
    }
    return problems;
  }

  /** Problems of the response to `req` (empty when it conforms). A request with no operation is not checked again. */
  checkResponse(req: ReceivedRequest, res: SentResponse): string[] {
    const { op } = this.match(req.method, req.url);
    if (!op) return [];
    const where = `${op.method} ${op.template} → ${res.status}`;
    const type = mediaBase(Array.isArray(res.headers['content-type']) ? res.headers['content-type'][0] : String(res.headers['content-type'] ?? ''));
    const declared = op.responses.get(String(res.status)) ?? op.responses.get(`${Math.floor(res.status / 100)}XX`) ?? op.responses.get('DEFAULT');
    const parse = (): { ok: true; value: unknown } | { ok: false } => {
      try {
        return { ok: true, value: JSON.parse(res.body) as unknown };
      } catch {
        return { ok: false };
      }
    };
    if (!declared) {
      const doc = this.opts.documentedErrors;
      if (!doc || !this.errorBody || !doc.statuses(res.status)) return [`${where}: status ${res.status} is not declared by the spec`];
      if (res.body.length === 0) return [];
      const parsed = parse();
      if (!isJsonMedia(type) || !parsed.ok) return [`${where}: an undeclared error status must carry the JSON error body of ${doc.source}`];
      return this.errorBody(parsed.value) ? [] : [`${where}: error body does not match ${doc.source}: ${explain(this.errorBody.errors)}`];
    }
    if (declared.size === 0) return res.body.length > 0 ? [`${where}: the spec declares no body, but ${res.body.length} bytes were sent`] : [];
    if (!declared.has(type)) return [`${where}: content-type "${type}" is not one of ${[...declared.keys()].join(', ')}`];
    const v = declared.get(type);
    if (!v || !isJsonMedia(type)) return [];
    const parsed = parse();
    if (!parsed.ok) return [`${where}: the body is not JSON`];
    return v(parsed.value) ? [] : [`${where}: body: ${explain(v.errors)}`];
  }
}
