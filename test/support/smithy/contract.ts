// The fakes' contract hook: every request an AWS fake receives and every answer it sends is
// checked against AWS's Smithy model (contracts/smithy/). A request off the model is answered with
// a `ContractViolation` error (so the client's call fails with the reason in its message); a
// response off the model is still sent but recorded. Every violation is kept in `violations`
// until a test takes it, and the unit suite fails at the end if any was left (test/unit/awsContract.test.ts).
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { checkJsonRequest, checkJsonResponse } from './awsJson';
import { loadModel, type AwsService } from './model';
import { checkRestXmlRequest, checkRestXmlResponse } from './restXml';

export interface ContractViolation {
  service: AwsService;
  operation: string;
  side: 'request' | 'response';
  problems: string[];
}

/** Every violation seen and not yet taken by a test, across all fakes. */
const violations: ContractViolation[] = [];

/** How many requests and answers were checked, by "service operation side/status" (for AWS_CONTRACT_STATS). */
const counts = new Map<string, number>();
const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);

export function checkedCounts(): ReadonlyMap<string, number> {
  return counts;
}

export function recordViolation(v: ContractViolation): void {
  violations.push(v);
}

/** Takes (and clears) the violations seen so far. */
export function takeViolations(): ContractViolation[] {
  return violations.splice(0);
}

export function describeViolation(v: ContractViolation): string {
  return `${v.service} ${v.operation} ${v.side} is not what AWS's Smithy model allows: ${v.problems.join('; ')}`;
}

export interface RequestVerdict {
  /** The modelled operation the request is, when it is one. */
  operation?: string;
  /** Set when the request is off the model: the message to answer with. */
  violation?: string;
}

export function checkRequest(service: AwsService, req: { method?: string; url?: string; headers: IncomingHttpHeaders }, body: Buffer): RequestVerdict {
  const model = loadModel(service);
  const method = req.method ?? '';
  const url = req.url ?? '/';
  const r = model.protocol === 'restXml' ? checkRestXmlRequest(model, method, url, req.headers, body) : checkJsonRequest(model, method, url, req.headers, body);
  count(`${service} ${r.operation ?? '(none)'} request`);
  if (r.problems.length === 0) return { operation: r.operation };
  const v: ContractViolation = { service, operation: r.operation ?? '(unknown)', side: 'request', problems: r.problems };
  recordViolation(v);
  return { operation: r.operation, violation: describeViolation(v) };
}

/** Checks an answer before it is sent; records a violation. `body` undefined: a streamed payload. */
export function checkResponse(
  service: AwsService,
  operation: string | undefined,
  request: { method?: string; headers: IncomingHttpHeaders },
  status: number,
  headers: Record<string, string | number | undefined>,
  body: string | undefined,
): void {
  // Requests that matched no operation were already recorded (and answered with the violation).
  if (!operation) return;
  count(`${service} ${operation} ${status}`);
  const model = loadModel(service);
  const problems =
    model.protocol === 'restXml'
      ? checkRestXmlResponse(model, operation, { method: request.method ?? '', headers: request.headers }, status, headers, body)
      : checkJsonResponse(model, operation, status, headers, body ?? '');
  if (problems.length) recordViolation({ service, operation, side: 'response', problems });
}

/** The answer to a request off the model (JSON protocols): a 400 no client retries, the reason in its message. */
export function contractViolationJson(res: ServerResponse, message: string): void {
  const text = JSON.stringify({ __type: 'ContractViolation', message });
  res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(text), 'x-amzn-errortype': 'ContractViolation' });
  res.end(text);
}

/** The same for S3 (REST-XML): an <Error> document; a HEAD gets the status alone. */
export function contractViolationXml(res: ServerResponse, method: string | undefined, message: string): void {
  const esc = message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>ContractViolation</Code><Message>${esc}</Message></Error>`;
  res.writeHead(400, { 'content-type': 'application/xml', 'content-length': method === 'HEAD' ? 0 : Buffer.byteLength(text) });
  res.end(method === 'HEAD' ? undefined : text);
}
