// The S3 REST-XML wire checked against the pinned Smithy model. A request must match one pinned
// operation's @http trait (method, URI pattern with its labels and literal query), every other query
// parameter and every x-amz-* header must be bound to an input member (@httpQuery, @httpHeader,
// @httpPrefixHeaders) with a value of that member's type, and required bindings must be present.
// A success response's x-amz-* headers must be bound to output members, bound headers must hold
// values of their types, and an XML body must have the output's root element, namespace and member
// elements (@xmlName, @xmlFlattened) with values of their types. An error is S3's <Error> document
// whose Code is an error the operation declares (with the model's status) or one of S3's documented
// common error codes (S3_COMMON_ERRORS: documentation, not model).
import type { IncomingHttpHeaders } from 'node:http';
import type { SmithyModel, SmithyRef, SmithyShape, SmithyTraits } from './model';
import { checkNumber, checkString, checkTimestampText, MAX_DEPTH, Problems, show, traitsOf, type TimestampFormat } from './validate';
import { parseXml, type XmlElement } from './xml';

/** Headers of the HTTP, signing and SDK layers, never bound to members. */
const REQUEST_PROTOCOL_HEADERS = new Set(['x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token', 'x-amz-user-agent', 'x-amzn-trace-id']);
const RESPONSE_PROTOCOL_HEADERS = new Set(['x-amz-request-id', 'x-amz-id-2']);

/**
 * S3's common error codes and their statuses, from the S3 API reference's "List of error codes"
 * (documentation, not model): the ones any S3 operation may answer with. NoSuchBucket is among them
 * because the model declares it for ListObjectsV2 only, while S3 answers it to any request on a
 * bucket that does not exist.
 */
export const S3_COMMON_ERRORS: ReadonlyMap<string, number> = new Map([
  ['AccessDenied', 403],
  ['AccountProblem', 403],
  ['AllAccessDisabled', 403],
  ['AuthorizationHeaderMalformed', 400],
  ['ExpiredToken', 400],
  ['InternalError', 500],
  ['InvalidAccessKeyId', 403],
  ['InvalidArgument', 400],
  ['InvalidBucketName', 400],
  ['InvalidRange', 416],
  ['InvalidRequest', 400],
  ['InvalidToken', 400],
  ['MethodNotAllowed', 405],
  ['MissingSecurityHeader', 400],
  ['NoSuchBucket', 404],
  ['NotImplemented', 501],
  ['PermanentRedirect', 301],
  ['Redirect', 307],
  ['RequestTimeout', 400],
  ['RequestTimeTooSkewed', 403],
  ['ServiceUnavailable', 503],
  ['SignatureDoesNotMatch', 403],
  ['SlowDown', 503],
  ['TemporaryRedirect', 307],
  ['XAmzContentSHA256Mismatch', 400],
]);

/** The elements S3 documents in an <Error> besides Code and Message (context for some codes). */
const S3_ERROR_FIELDS = new Set(['Code', 'Message', 'RequestId', 'HostId', 'Resource', 'Key', 'BucketName', 'Bucket', 'Endpoint', 'AWSAccessKeyId', 'Region', 'Condition', 'RangeRequested', 'ActualObjectSize', 'StringToSign', 'SignatureProvided', 'StringToSignBytes', 'CanonicalRequest', 'CanonicalRequestBytes', 'ClientComputedContentSHA256', 'S3ComputedContentSHA256', 'ServerTime', 'RequestTime', 'MaxAllowedSkewMilliseconds', 'ArgumentName', 'ArgumentValue']);

interface HttpTrait {
  method: string;
  uri: string;
  code?: number;
}

interface Binding {
  name: string;
  ref: SmithyRef;
}

function bindings(shape: SmithyShape, trait: string): Binding[] {
  return Object.entries(shape.members ?? {})
    .filter(([, m]) => m.traits && trait in m.traits)
    .map(([name, ref]) => ({ name, ref }));
}

function decodeComponent(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** A value bound to a header, query parameter or label, as text, against its member's shape. */
function checkText(model: SmithyModel, ref: SmithyRef, text: string, where: string, p: Problems, timestamps: TimestampFormat): void {
  const shape = model.shape(ref.target);
  const traits = traitsOf(shape, ref.traits);
  switch (shape.type) {
    case 'string':
    case 'enum':
      return checkString(text, shape, traits, where, p);
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
      if (!/^-?\d+$/.test(text)) return p.add(where, `${show(text)} is not an integer`);
      return checkNumber(Number(text), shape, traits, where, p);
    case 'float':
    case 'double':
      if (!/^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$|^(NaN|-?Infinity)$/.test(text)) return p.add(where, `${show(text)} is not a number`);
      return checkNumber(Number(text), shape, traits, where, p);
    case 'boolean':
      if (text !== 'true' && text !== 'false') p.add(where, `${show(text)} is not true or false`);
      return;
    case 'timestamp':
      return checkTimestampText(text, (traits['smithy.api#timestampFormat'] as TimestampFormat | undefined) ?? timestamps, where, p);
    case 'blob':
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) p.add(where, `${show(text)} is not base64`);
      return;
    case 'list':
      if (!shape.member) return p.add(where, 'list without a member in the model');
      for (const item of text.split(',')) checkText(model, shape.member, item.trim(), where, p, timestamps);
      return;
    default:
      p.add(where, `a ${shape.type} bound to text is not handled by the contract checks`);
  }
}

interface UriPattern {
  segments: string[];
  query: Array<[string, string | undefined]>;
}

function parseUri(uri: string): UriPattern {
  const [pathPart, queryPart = ''] = uri.split('?');
  return {
    segments: pathPart.split('/').slice(1),
    query: queryPart
      ? queryPart.split('&').map((kv): [string, string | undefined] => {
          const eq = kv.indexOf('=');
          return eq < 0 ? [kv, undefined] : [kv.slice(0, eq), kv.slice(eq + 1)];
        })
      : [],
  };
}

/** Label values when the path matches the pattern's segments, else undefined. */
function matchPath(pattern: string[], segs: string[]): Map<string, string> | undefined {
  const labels = new Map<string, string>();
  let i = 0;
  for (let k = 0; k < pattern.length; k++) {
    const pat = pattern[k];
    const label = /^\{(\w+)(\+)?\}$/.exec(pat);
    if (label && label[2]) {
      const rest = segs.slice(i);
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      labels.set(label[1], rest.join('/'));
      i = segs.length;
      continue;
    }
    if (i >= segs.length) return undefined;
    if (label) {
      if (segs[i] === '') return undefined;
      labels.set(label[1], segs[i]);
    } else if (segs[i] !== pat) return undefined;
    i++;
  }
  return i === segs.length ? labels : undefined;
}

export interface RestRequestCheck {
  operation?: string;
  problems: string[];
}

export function checkRestXmlRequest(model: SmithyModel, method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): RestRequestCheck {
  const p = new Problems();
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  const segs: string[] = [];
  for (const s of rawPath.split('/').slice(1)) {
    const d = decodeComponent(s);
    if (d === undefined) {
      p.add('path', `${show(s)} is not valid percent-encoding`);
      return { problems: p.list };
    }
    segs.push(d);
  }
  // Path-style S3: the endpoint rules take `/{Bucket}` out of the operation's URI and put the bucket
  // in front of what is left, so a bucket operation (URI `/{Bucket}`) arrives as `/<bucket>/`.
  if (model.name === 's3' && segs.length === 2 && segs[1] === '') segs.pop();
  const query: Array<[string, string]> = [];
  for (const part of rawQuery ? rawQuery.split('&') : []) {
    const eq = part.indexOf('=');
    const k = decodeComponent(eq < 0 ? part : part.slice(0, eq));
    const v = eq < 0 ? '' : decodeComponent(part.slice(eq + 1));
    if (k === undefined || v === undefined) {
      p.add('query', `${show(part)} is not valid percent-encoding`);
      return { problems: p.list };
    }
    query.push([k, v]);
  }
  // The most specific matching operation: S3 routes on the literal query too (?list-type=2).
  let best: { name: string; op: SmithyShape; labels: Map<string, string>; literals: Set<string> } | undefined;
  for (const name of model.operationNames()) {
    const op = model.operation(name) as SmithyShape;
    const http = op.traits?.['smithy.api#http'] as HttpTrait | undefined;
    if (!http || http.method !== method) continue;
    const pattern = parseUri(http.uri);
    const labels = matchPath(pattern.segments, segs);
    if (!labels) continue;
    if (!pattern.query.every(([k, v]) => query.some(([qk, qv]) => qk === k && (v === undefined || qv === v)))) continue;
    if (!best || pattern.query.length > best.literals.size) best = { name, op, labels, literals: new Set(pattern.query.map(([k]) => k)) };
  }
  if (!best) {
    p.add('request', `${method} ${show(url)} matches no pinned ${model.name} operation (${model.operationNames().join(', ')})`);
    return { problems: p.list };
  }
  const input = model.shape(best.op.input?.target ?? 'smithy.api#Unit');
  for (const b of bindings(input, 'smithy.api#httpLabel')) {
    const v = best.labels.get(b.name);
    if (v === undefined) p.add(`label ${b.name}`, 'missing');
    else checkText(model, b.ref, v, `label ${b.name}`, p, 'date-time');
  }
  const queryBound = bindings(input, 'smithy.api#httpQuery');
  const queryParams = bindings(input, 'smithy.api#httpQueryParams');
  const seen = new Map<string, number>();
  for (const [k, v] of query) {
    seen.set(k, (seen.get(k) ?? 0) + 1);
    if (best.literals.has(k)) continue;
    const b = queryBound.find((x) => x.ref.traits?.['smithy.api#httpQuery'] === k);
    if (b) checkText(model, b.ref, v, `query ${k}`, p, 'date-time');
    else if (queryParams.length === 0) p.add(`query ${k}`, `not bound to a member of ${best.name}'s input`);
  }
  for (const [k, n] of seen) {
    const b = queryBound.find((x) => x.ref.traits?.['smithy.api#httpQuery'] === k);
    if (n > 1 && (!b || model.shape(b.ref.target).type !== 'list')) p.add(`query ${k}`, `given ${n} times`);
  }
  const headerBound = bindings(input, 'smithy.api#httpHeader');
  const prefixes = bindings(input, 'smithy.api#httpPrefixHeaders').map((b) => String(b.ref.traits?.['smithy.api#httpPrefixHeaders']).toLowerCase());
  for (const [name, raw] of Object.entries(headers)) {
    const value = Array.isArray(raw) ? raw.join(', ') : (raw ?? '');
    const b = headerBound.find((x) => String(x.ref.traits?.['smithy.api#httpHeader']).toLowerCase() === name);
    if (b) checkText(model, b.ref, value, `header ${name}`, p, 'http-date');
    else if (name.startsWith('x-amz-') && !REQUEST_PROTOCOL_HEADERS.has(name) && !prefixes.some((pre) => name.startsWith(pre))) p.add(`header ${name}`, `not bound to a member of ${best.name}'s input`);
  }
  for (const [name, m] of Object.entries(input.members ?? {})) {
    if (!m.traits || !('smithy.api#required' in m.traits)) continue;
    const h = m.traits['smithy.api#httpHeader'];
    const qn = m.traits['smithy.api#httpQuery'];
    if (typeof h === 'string' && headers[h.toLowerCase()] === undefined) p.add(name, `required header ${h} missing`);
    if (typeof qn === 'string' && !seen.has(qn)) p.add(name, `required query parameter ${qn} missing`);
  }
  const hasBody = Object.values(input.members ?? {}).some((m) => !m.traits || !Object.keys(m.traits).some((t) => /^smithy\.api#http(Label|Query|QueryParams|Header|PrefixHeaders)$/.test(t)));
  if (!hasBody && body.length > 0) p.add('body', `${body.length} bytes, but ${best.name}'s input has no body members`);
  return { operation: best.name, problems: p.list };
}

function xmlNameOf(name: string, traits: SmithyTraits | undefined): string {
  const n = traits?.['smithy.api#xmlName'];
  return typeof n === 'string' ? n : name;
}

function checkXmlValue(model: SmithyModel, ref: SmithyRef, el: XmlElement, where: string, p: Problems, depth: number): void {
  if (p.stopped) return;
  if (depth > MAX_DEPTH) {
    p.add(where, `nested deeper than ${MAX_DEPTH}`);
    p.stopped = true;
    return;
  }
  const shape = model.shape(ref.target);
  if (shape.type === 'structure') return checkXmlStructure(model, ref.target, el, where, p, depth + 1);
  if (shape.type === 'list' || shape.type === 'map' || shape.type === 'union') return p.add(where, `a nested ${shape.type} is not handled by the contract checks`);
  if (el.children.length) return p.add(where, `<${el.name}> holds elements, but ${ref.target.split('#')[1]} is a ${shape.type}`);
  checkText(model, ref, el.text, where, p, 'date-time');
}

function checkXmlStructure(model: SmithyModel, shapeId: string, el: XmlElement, where: string, p: Problems, depth: number): void {
  const shape = model.shape(shapeId);
  const byName = new Map<string, { name: string; ref: SmithyRef }>();
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    if (ref.traits && Object.keys(ref.traits).some((t) => /^smithy\.api#(http\w+|xmlAttribute)$/.test(t))) continue;
    byName.set(xmlNameOf(name, ref.traits), { name, ref });
  }
  for (const a of Object.keys(el.attrs)) if (a !== 'xmlns' && !a.startsWith('xmlns:')) p.add(`${where}@${a}`, 'an attribute no member binds');
  const present = new Set<string>();
  for (const child of el.children) {
    if (p.stopped) return;
    const at = `${where}.${child.name}`;
    const m = byName.get(child.name);
    if (!m) {
      p.add(at, `not a member of ${shapeId.split('#')[1]}`);
      continue;
    }
    present.add(m.name);
    const target = model.shape(m.ref.target);
    if (target.type === 'list' || target.type === 'set') {
      if (!target.member) {
        p.add(at, 'list without a member in the model');
        continue;
      }
      if (m.ref.traits && 'smithy.api#xmlFlattened' in m.ref.traits) {
        checkXmlValue(model, target.member, child, at, p, depth + 1);
      } else {
        const itemName = xmlNameOf('member', target.member.traits);
        for (const item of child.children) {
          if (item.name !== itemName) p.add(`${at}.${item.name}`, `list items are <${itemName}>`);
          else checkXmlValue(model, target.member, item, `${at}.${item.name}`, p, depth + 1);
        }
      }
      continue;
    }
    checkXmlValue(model, m.ref, child, at, p, depth + 1);
  }
  for (const [, { name, ref }] of byName) if (ref.traits && 'smithy.api#required' in ref.traits && !present.has(name)) p.add(`${where}.${name}`, 'required member missing');
}

export function checkRestXmlResponse(
  model: SmithyModel,
  operation: string,
  request: { method: string; headers: IncomingHttpHeaders },
  status: number,
  headers: Record<string, string | number | undefined>,
  body: string | undefined,
): string[] {
  const p = new Problems();
  const op = model.operation(operation);
  if (!op) {
    p.add('', `${operation} is not a pinned operation`);
    return p.list;
  }
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v === undefined ? undefined : String(v)]));
  if (status >= 300) {
    if (request.method === 'HEAD') return p.list; // HEAD errors have no body: the SDK names them by status.
    const parsed = parseXml(body ?? '');
    if (!parsed.root) {
      p.add('body', `error body: ${parsed.error ?? 'not XML'}`);
      return p.list;
    }
    const root = parsed.root;
    if (root.name !== 'Error') p.add('body', `error root <${root.name}>, S3 answers <Error>`);
    const code = root.children.find((c) => c.name === 'Code')?.text ?? '';
    if (!code) p.add('Error.Code', 'missing');
    for (const c of root.children) if (!S3_ERROR_FIELDS.has(c.name)) p.add(`Error.${c.name}`, 'not a field S3 documents in errors');
    const declared = model.errorsOf(operation).get(code);
    if (declared) {
      const want = model.errorStatus(declared);
      if (status !== want) p.add('status', `${status}, but the model gives ${code} HTTP ${want}`);
    } else if (S3_COMMON_ERRORS.has(code)) {
      const want = S3_COMMON_ERRORS.get(code);
      if (status !== want) p.add('status', `${status}, but S3 documents ${code} as HTTP ${want}`);
    } else if (code) {
      p.add('Error.Code', `${code} is neither an error ${operation} declares (${[...model.errorsOf(operation).keys()].join(', ') || 'none'}) nor a common S3 error`);
    }
    return p.list;
  }
  const http = op.traits?.['smithy.api#http'] as HttpTrait | undefined;
  const output = model.shape(op.output?.target ?? 'smithy.api#Unit');
  const headerBound = bindings(output, 'smithy.api#httpHeader');
  const ranged = status === 206 && request.headers.range !== undefined && headerBound.some((b) => String(b.ref.traits?.['smithy.api#httpHeader']).toLowerCase() === 'content-range');
  if (status !== (http?.code ?? 200) && !ranged) p.add('status', `${status}, the model's success code is ${http?.code ?? 200}`);
  const prefixes = bindings(output, 'smithy.api#httpPrefixHeaders').map((b) => String(b.ref.traits?.['smithy.api#httpPrefixHeaders']).toLowerCase());
  for (const [name, value] of Object.entries(lower)) {
    if (value === undefined) continue;
    const b = headerBound.find((x) => String(x.ref.traits?.['smithy.api#httpHeader']).toLowerCase() === name);
    if (b) checkText(model, b.ref, value, `header ${name}`, p, 'http-date');
    else if (name.startsWith('x-amz-') && !RESPONSE_PROTOCOL_HEADERS.has(name) && !prefixes.some((pre) => name.startsWith(pre))) p.add(`header ${name}`, `not bound to a member of ${operation}'s output`);
  }
  const payload = bindings(output, 'smithy.api#httpPayload')[0];
  if (payload) return p.list; // a streamed blob (GetObject's Body): bytes, no shape
  const bodyMembers = Object.values(output.members ?? {}).filter((m) => !m.traits || !Object.keys(m.traits).some((t) => /^smithy\.api#(http\w+)$/.test(t)));
  if (bodyMembers.length === 0) {
    if (body) p.add('body', `${operation}'s output has no body members, but a body came`);
    return p.list;
  }
  const parsed = parseXml(body ?? '');
  if (!parsed.root) {
    p.add('body', parsed.error ?? 'not XML');
    return p.list;
  }
  const outId = op.output?.target ?? '';
  const rootName = xmlNameOf(outId.split('#')[1], output.traits);
  if (parsed.root.name !== rootName) p.add('body', `root <${parsed.root.name}>, the model's is <${rootName}>`);
  const ns = (model.shape(model.serviceId).traits?.['smithy.api#xmlNamespace'] as { uri?: string } | undefined)?.uri;
  if (ns && parsed.root.attrs.xmlns !== ns) p.add('body', `xmlns ${show(parsed.root.attrs.xmlns ?? '(none)')}, the model's is ${ns}`);
  checkXmlStructure(model, outId, parsed.root, parsed.root.name, p, 0);
  return p.list;
}
