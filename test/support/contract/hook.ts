// The contract hook of the fake servers: when a fake is started with a vendor's contract, every
// request it receives and every response it sends is checked against the vendor's pinned spec, and
// each problem is recorded. A mocha root hook fails the test during which a problem was recorded, so
// no test has to ask: a client that sends an undeclared parameter, or a fake that answers a shape
// the spec does not allow, turns the test red wherever it happens.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { ReceivedRequest, SentResponse } from './openapi';

export interface ContractCheck {
  vendor: string;
  request(req: ReceivedRequest): string[];
  response(req: ReceivedRequest, res: SentResponse): string[];
}

const recorded: string[] = [];

/** Problems recorded since the last call, and forgets them (for tests that provoke some on purpose). */
export function takeContractViolations(): string[] {
  return recorded.splice(0, recorded.length);
}

function record(vendor: string, problems: string[]): void {
  for (const p of problems) recorded.push(`[${vendor} contract] ${p}`);
}

const OFF = Symbol('offContract');
type Marked = ServerResponse & { [OFF]?: string };

/**
 * Marks a response the fake breaks on purpose (a truncated body, an HTML error page with status 200)
 * to test the client's handling of it: its request is still checked, the response is not.
 */
export function offContract(res: ServerResponse, why: string): void {
  (res as Marked)[OFF] = why;
}

type Writer = (...args: unknown[]) => unknown;

/** Taps one exchange of a fake server: the body as it arrives, and status, headers and body as they are sent. */
export function watchContract(check: ContractCheck, req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  const received = (): ReceivedRequest => ({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
  req.on('end', () => record(check.vendor, check.request(received())));

  const sent: Buffer[] = [];
  const headers: OutgoingHttpHeaders = {};
  const keep = (chunk: unknown, encoding: unknown): void => {
    if (typeof chunk === 'string') sent.push(Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
    else if (chunk instanceof Uint8Array) sent.push(Buffer.from(chunk));
  };
  const w = res as unknown as { write: Writer; end: Writer; writeHead: Writer };
  const write = w.write.bind(res);
  const end = w.end.bind(res);
  const writeHead = w.writeHead.bind(res);
  w.write = (...a) => (keep(a[0], a[1]), write(...a));
  w.end = (...a) => (keep(a[0], a[1]), end(...a));
  w.writeHead = (...a) => {
    const h = a.find((x, i) => i > 0 && typeof x === 'object' && x !== null);
    if (h && !Array.isArray(h)) for (const [k, v] of Object.entries(h)) headers[k.toLowerCase()] = v as OutgoingHttpHeaders[string];
    return writeHead(...a);
  };
  res.on('finish', () => {
    if ((res as Marked)[OFF] !== undefined) return;
    record(check.vendor, check.response(received(), { status: res.statusCode, headers: { ...res.getHeaders(), ...headers }, body: Buffer.concat(sent).toString('utf8') }));
  });
}

function failOnViolations(title: string): void {
  const problems = takeContractViolations();
  if (problems.length) throw new Error(`${problems.length} contract violation(s) during "${title}":\n  ${problems.join('\n  ')}`);
}

// Under mocha: a test during which a problem was recorded fails, with the problems as its error.
// Registered once, at the root, when the first test file that starts a contract-checked fake is
// loaded. Each promise-style test is wrapped so the problems fail that test and the run goes on; a
// `done`-style test (or a response that finishes after its test) is caught by the afterEach, which
// mocha reports as a failed hook (stopping the run there).
const WRAPPED = Symbol('contractWrapped');
if (typeof beforeEach === 'function' && typeof afterEach === 'function') {
  beforeEach('wrap the test with the contract check', function () {
    const test = this.currentTest;
    const fn = test?.fn as (Mocha.Func & { [WRAPPED]?: true }) | undefined;
    if (!test || typeof fn !== 'function' || fn.length > 0 || fn[WRAPPED]) return;
    const wrapped = async function (this: Mocha.Context): Promise<void> {
      await (fn as (this: Mocha.Context) => unknown).call(this);
      failOnViolations(test.fullTitle());
    };
    (wrapped as typeof fn)[WRAPPED] = true;
    test.fn = wrapped;
  });
  afterEach('no contract violations left', function () {
    failOnViolations(this.currentTest?.fullTitle() ?? '?');
  });
}
