// The vendor's spec itself as the server: Stoplight Prism (a dev dependency, run offline from
// node_modules) mocks each pinned OpenAPI document with request validation on and violations turned
// into errors (`--errors`), and the built CLI fetches through it. A request the spec does not allow
// gets Prism's 422 and a logged violation, so the CLI fails and so does the test; the answer is
// Prism's own reading of the response schema, which the provider must parse. Skipped, loudly, only
// when Prism cannot start.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const PRISM = path.join(ROOT, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js');

/**
 * The pinned document as Prism serves it. Prism routes a request by the `paths` keys alone and does
 * not strip the server URL's path (`https://api-{zone}.exoscale.com/v2` → `/v2`), while the client
 * puts that path in front of every operation; so the copy handed to Prism has the server path
 * prefixed to each path and no `servers`. Nothing else changes.
 */
function specForPrism(vendor: string): string {
  const doc = JSON.parse(readFileSync(path.join(ROOT, 'contracts', 'openapi', vendor, 'openapi.json'), 'utf8')) as {
    servers?: { url: string; variables?: Record<string, { default: string }> }[];
    paths: Record<string, unknown>;
  };
  const server = doc.servers?.[0];
  const url = server ? server.url.replace(/\{([^}]+)\}/g, (_m, v: string) => server.variables?.[v]?.default ?? v) : 'http://x/';
  const prefix = new URL(url).pathname.replace(/\/+$/, '');
  const served = { ...doc, servers: undefined, paths: Object.fromEntries(Object.entries(doc.paths).map(([p, item]) => [`${prefix}${p}`, item])) };
  const file = path.join(mkdtempSync(path.join(tmpdir(), `ale-prism-${vendor}-`)), 'openapi.json');
  writeFileSync(file, JSON.stringify(served));
  return file;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

interface Mock {
  url: string;
  /** Everything Prism logged so far. */
  log(): string;
  stop(): Promise<void>;
}

/** Starts `prism mock` on a free loopback port; undefined (with the reason) when it does not come up. */
async function startPrism(specFile: string): Promise<Mock | string> {
  if (!existsSync(PRISM)) return `@stoplight/prism-cli is not installed (${PRISM})`;
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [PRISM, 'mock', specFile, '--host', '127.0.0.1', '--port', String(port), '--errors'], {
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', FORCE_COLOR: '0', SCARF_ANALYTICS: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  const up = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 45_000);
    const check = () => {
      if (/Prism is listening on/.test(out)) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!up) {
    await stop();
    return `Prism did not start: ${out.slice(-2000)}`;
  }
  return { url: `http://127.0.0.1:${port}`, log: () => out, stop };
}

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Prism's log lines that report a broken request or response. */
const violations = (log: string): string[] => log.split('\n').filter((l) => /\[VALIDATOR\].*(error|warning)|violation|terminated with error/i.test(l));

describe('Vendor specs served by Prism, fetched through the CLI', function () {
  this.timeout(120_000);

  describe('Exoscale (exoscale/python-exoscale openapi.json, list-events)', () => {
    let mock: Mock | undefined;
    before(async function () {
      const started = await startPrism(specForPrism('exoscale'));
      if (typeof started === 'string') {
        console.warn(`\n  SKIPPED: the Exoscale contract mock could not start. ${started}\n`);
        this.skip();
      }
      mock = started;
    });
    after(async () => mock?.stop());

    it("Prism validates requests: a `from` that is not a date-time gets 422 and a logged violation", async () => {
      const m = mock as Mock;
      const r = await fetch(`${m.url}/v2/event?from=yesterday`);
      assert.equal(r.status, 422, await r.text());
      // Prism logs after it answers: wait for the line, so the next test starts from a settled log.
      for (let i = 0; i < 100 && !/terminated with error/.test(m.log()); i++) await new Promise((f) => setTimeout(f, 50));
      assert.ok(violations(m.log()).some((l) => /terminated with error/.test(l)), m.log());
      assert.ok(violations(m.log()).some((l) => /from must match format "date-time"/.test(l)), m.log());
    });

    it("fetch exoscale: the CLI's signed window requests pass Prism's validation and the mocked events come out", async () => {
      const m = mock as Mock;
      const before = violations(m.log()).length;
      // What Prism answers for any valid request (static mode: the same body every time).
      const probe = await fetch(`${m.url}/v2/event`);
      assert.equal(probe.status, 200);
      const mocked = (await probe.json()) as { timestamp?: string }[];
      assert.ok(Array.isArray(mocked) && mocked.length > 0, 'Prism answers a list of events');
      const t = Date.parse(String(mocked[0].timestamp));
      assert.ok(Number.isFinite(t), `a date-time timestamp: ${JSON.stringify(mocked[0])}`);
      // A 12-hour range around the mocked timestamp: two 6-hour windows, two requests, the event in exactly one.
      const from = new Date(t - 6 * 3600_000 + 1000).toISOString();
      const to = new Date(t + 6 * 3600_000 - 1000).toISOString();
      const r = await runCli(['fetch', 'exoscale', '--endpoint', m.url, '--from', from, '--to', to, '--format', 'jsonl', '--verbose'], {
        EXOSCALE_API_KEY: 'EXO0123456789abcdef01234567',
        EXOSCALE_API_SECRET: 'contract-test-dummy-secret-0123456789abcdef',
      });
      assert.equal(r.code, 0, `${r.stderr}\n--- prism:\n${m.log()}`);
      const lines = r.stdout.trim().split('\n').filter(Boolean);
      const inWindow = mocked.filter((e) => {
        const et = Date.parse(String(e.timestamp));
        return et >= Date.parse(from) && et < Date.parse(to);
      });
      assert.equal(lines.length, inWindow.length, r.stdout);
      assert.deepEqual(JSON.parse(lines[0]), inWindow[0], 'the raw event is what the spec mock sent');
      assert.equal((r.stderr.match(/GET http:\/\/127\.0\.0\.1:\d+\/v2\/event\?/g) ?? []).length, 2, r.stderr);
      assert.deepEqual(violations(m.log()).slice(before), [], 'no request the CLI sent broke the spec');
    });
  });
});
