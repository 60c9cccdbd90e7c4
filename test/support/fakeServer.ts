// A small real HTTP server on 127.0.0.1 (random port) for client tests. Every request is recorded
// (method, url, headers, arrival time) so tests count retries on the server side.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { watchContract, type ContractCheck } from './contract/hook';

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  at: number;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;

export interface FakeServer {
  url: string;
  requests: SeenRequest[];
  /** Replace the handler (n counts requests from 1). */
  handle(h: Handler): void;
  close(): Promise<void>;
}

export interface FakeServerOptions {
  /** The vendor's pinned spec: every request and response is checked against it (contract/hook.ts). */
  contract?: ContractCheck;
}

export async function startFakeServer(handler?: Handler, options: FakeServerOptions = {}): Promise<FakeServer> {
  let current: Handler = handler ?? ((_q, res) => json(res, 200, {}));
  const requests: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, at: performance.now() });
    if (options.contract) watchContract(options.contract, req, res);
    try {
      current(req, res, requests.length);
    } catch (e) {
      res.statusCode = 599;
      res.end(String(e));
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle: (h) => {
      current = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * A trickling server: the status and headers at once (with the full content-length), then the body
 * one byte every `everyMs`. Each byte resets a per-chunk read timeout, so only an overall deadline
 * ends such a response.
 */
export function trickle(res: http.ServerResponse, status: number, body: string, everyMs: number, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length, ...headers });
  res.flushHeaders();
  let i = 0;
  const timer = setInterval(() => {
    if (i >= bytes.length) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(bytes.subarray(i, i + 1));
    i++;
  }, everyMs);
  res.on('close', () => clearInterval(timer));
}
