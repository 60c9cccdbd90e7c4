// The AWS JSON 1.1 wire (CloudTrail, Athena) checked against the pinned Smithy model: a request is
// POST / with `X-Amz-Target: <service shape name>.<operation>` naming an operation we pinned, the
// protocol's Content-Type, and a body that conforms to the operation's input shape; a response is
// either the output shape (2xx) or an error whose `__type` is an error shape the operation (or the
// service) declares, with that shape's members and HTTP status — or one of the common errors every
// AWS JSON service answers with, which no service model declares (COMMON_JSON_ERRORS).
import type { IncomingHttpHeaders } from 'node:http';
import type { SmithyModel } from './model';
import { checkJson, MAX_DEPTH, Problems, show } from './validate';

/** Largest body the checks parse (the SDK's requests here are far smaller; AWS caps most at 1 MB or less). */
export const MAX_JSON_BYTES = 8 * 1024 * 1024;

/**
 * Errors any AWS JSON-protocol service answers with without declaring them: the "Common Errors" of
 * every AWS API reference (AccessDeniedException, IncompleteSignature, InternalFailure,
 * InvalidAction, InvalidClientTokenId, NotAuthorized, OptInRequired, RequestExpired,
 * ServiceUnavailable, ThrottlingException, ValidationError) and the JSON protocol's own request
 * errors the SDKs handle by name (signature, token and serialization failures). Documentation, not
 * model: which of them a service really sends is not machine-checkable.
 */
export const COMMON_JSON_ERRORS: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'InternalFailure',
  'InvalidAction',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'NotAuthorized',
  'OptInRequired',
  'RequestExpired',
  'ServiceUnavailable',
  'ThrottlingException',
  'ValidationError',
  'ValidationException',
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'UnknownOperationException',
  'SerializationException',
]);

export interface JsonRequestCheck {
  /** The operation the target names, when it is one. */
  operation?: string;
  problems: string[];
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
}

/** Parses a JSON body within the bounds; problems on failure. */
export function parseJsonBody(body: Buffer | string, p: Problems): unknown {
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (size > MAX_JSON_BYTES) {
    p.add('', `body of ${size} bytes is over the ${MAX_JSON_BYTES}-byte limit of the checks`);
    return undefined;
  }
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') {
    p.add('', 'empty body (the JSON protocols send at least {})');
    return undefined;
  }
  // A cheap pre-scan, so the nesting bound holds before JSON.parse builds anything.
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > MAX_DEPTH + 1) {
        p.add('', `nested deeper than ${MAX_DEPTH}`);
        return undefined;
      }
    } else if (c === 125 || c === 93) depth--;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    p.add('', `not JSON: ${show(e instanceof Error ? e.message : String(e))}`);
    return undefined;
  }
}

export function checkJsonRequest(model: SmithyModel, method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): JsonRequestCheck {
  const p = new Problems();
  if (method !== 'POST') p.add('method', `${show(method)}, the JSON protocols POST`);
  if ((url.split('?')[0] || '/') !== '/') p.add('path', `${show(url)}, the JSON protocols POST to /`);
  const version = model.protocol === 'awsJson1_0' ? '1.0' : '1.1';
  const type = header(headers, 'content-type');
  if (type.split(';')[0].trim() !== `application/x-amz-json-${version}`) p.add('Content-Type', `${show(type)}, expected application/x-amz-json-${version}`);
  const target = header(headers, 'x-amz-target');
  const dot = target.lastIndexOf('.');
  const prefix = target.slice(0, Math.max(0, dot));
  const name = target.slice(dot + 1);
  let operation: string | undefined;
  if (dot < 0 || prefix !== model.serviceName) p.add('X-Amz-Target', `${show(target)}, expected ${model.serviceName}.<Operation>`);
  else if (!model.operation(name)) p.add('X-Amz-Target', `${show(name)} is not an operation pinned from the ${model.name} model (${model.operationNames().join(', ')})`);
  else operation = name;
  if (operation) {
    const input = model.operation(operation)?.input?.target;
    const value = parseJsonBody(body, p);
    if (input && value !== undefined) checkJson(model, input, value, '', p, { timestamps: 'epoch-seconds' });
  }
  return { operation, problems: p.list };
}

/** The error name of a JSON error, as the SDKs read `__type` (a namespace before '#', a URL after ':'). */
export function jsonErrorName(type: string): string {
  const noUrl = type.split(':')[0];
  return noUrl.includes('#') ? noUrl.slice(noUrl.indexOf('#') + 1) : noUrl;
}

export function checkJsonResponse(model: SmithyModel, operation: string, status: number, headers: Record<string, string | number | undefined>, body: string): string[] {
  const p = new Problems();
  const type = String(headers['content-type'] ?? '');
  if (type.split(';')[0].trim() !== `application/x-amz-json-${model.protocol === 'awsJson1_0' ? '1.0' : '1.1'}`) p.add('Content-Type', `${show(type)} is not the protocol's`);
  const value = parseJsonBody(body, p);
  if (value === undefined) return p.list;
  const op = model.operation(operation);
  if (!op) {
    p.add('', `${operation} is not a pinned operation`);
    return p.list;
  }
  if (status >= 200 && status < 300) {
    if (op.output) checkJson(model, op.output.target, value, '', p, { timestamps: 'epoch-seconds' });
    return p.list;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    p.add('', 'an error body must be an object');
    return p.list;
  }
  const rec = value as Record<string, unknown>;
  const typeName = typeof rec.__type === 'string' ? jsonErrorName(rec.__type) : '';
  const headerType = headers['x-amzn-errortype'] !== undefined ? jsonErrorName(String(headers['x-amzn-errortype'])) : undefined;
  if (!typeName && !headerType) {
    p.add('__type', 'an error names its type in __type or X-Amzn-Errortype');
    return p.list;
  }
  if (typeName && headerType !== undefined && headerType !== typeName) p.add('X-Amzn-Errortype', `${headerType} disagrees with __type ${typeName}`);
  const name = typeName || (headerType as string);
  const declared = model.errorsOf(operation).get(name);
  const { __type: _ignored, ...members } = rec;
  void _ignored;
  if (declared) {
    const want = model.errorStatus(declared);
    if (status !== want) p.add('status', `${status}, but the model gives ${name} HTTP ${want}`);
    checkJson(model, declared, members, '', p, { timestamps: 'epoch-seconds' });
  } else if (COMMON_JSON_ERRORS.has(name)) {
    if (status < 400 || status > 599) p.add('status', `${status} for the error ${name}`);
    for (const k of Object.keys(members)) if (k !== 'message' && k !== 'Message') p.add(k, `not a member of the common error ${name} (only message)`);
  } else {
    p.add('__type', `${name} is neither an error ${operation} declares (${[...model.errorsOf(operation).keys()].join(', ')}) nor a common AWS error`);
  }
  return p.list;
}
