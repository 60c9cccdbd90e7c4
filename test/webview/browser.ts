/**
 * The browser harness the webview suites share: the dev harness (webview/dev: the real bundle plus
 * an in-page host: the real panel session over a real store of 200,000 generated rows, a synthetic
 * one for a million; under the same CSP as the real panel), served
 * from 127.0.0.1 and driven with playwright-core in Debian's Chromium.
 *
 * playwright-core is not a dependency of this project: it is loaded from
 * .vscode-test/tools/node_modules (where the VS Code test tooling installs it). Without it, or
 * without /usr/bin/chromium (`apt-get install -y chromium`), a suite that uses the harness is
 * skipped, loudly, rather than failing on a machine that cannot run it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from './support';

export const ROOT = projectRoot();
const PLAYWRIGHT = path.join(ROOT, '.vscode-test/tools/node_modules/playwright-core');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// ---- the few playwright-core types the suites use (it is not a dependency, so no type import) -------

export interface Locator {
  click(opts?: { button?: 'left' | 'right'; modifiers?: string[]; timeout?: number }): Promise<void>;
  hover(): Promise<void>;
  fill(text: string): Promise<void>;
  selectOption(value: string): Promise<string[]>;
  press(key: string): Promise<void>;
  type(text: string): Promise<void>;
  focus(): Promise<void>;
  count(): Promise<number>;
  textContent(): Promise<string | null>;
  allTextContents(): Promise<string[]>;
  inputValue(): Promise<string>;
  getAttribute(name: string): Promise<string | null>;
  isVisible(): Promise<boolean>;
  first(): Locator;
  nth(i: number): Locator;
  locator(selector: string, opts?: { hasText?: string | RegExp }): Locator;
  waitFor(opts?: { state?: 'attached' | 'visible' | 'hidden'; timeout?: number }): Promise<void>;
  boundingBox(): Promise<{ x: number; y: number; width: number; height: number } | null>;
}
export interface Page {
  goto(url: string): Promise<unknown>;
  reload(): Promise<unknown>;
  locator(selector: string, opts?: { hasText?: string | RegExp }): Locator;
  getByText(text: string | RegExp, opts?: { exact?: boolean }): Locator;
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  waitForFunction<A>(fn: (arg: A) => unknown, arg?: A, opts?: { timeout?: number; polling?: number }): Promise<unknown>;
  waitForTimeout(ms: number): Promise<void>;
  screenshot(opts: { path: string; fullPage?: boolean }): Promise<unknown>;
  on(event: 'console', fn: (m: { type(): string; text(): string }) => void): void;
  on(event: 'pageerror', fn: (e: Error) => void): void;
  keyboard: { press(key: string): Promise<void>; type(text: string): Promise<void>; down(key: string): Promise<void>; up(key: string): Promise<void> };
  mouse: { move(x: number, y: number, opts?: { steps?: number }): Promise<void>; down(): Promise<void>; up(): Promise<void>; wheel(dx: number, dy: number): Promise<void> };
  close(): Promise<void>;
}
interface Browser {
  newPage(opts: { viewport: { width: number; height: number } }): Promise<Page>;
  close(): Promise<void>;
}
interface Playwright {
  chromium: { launch(opts: { executablePath: string; args: string[]; headless: boolean; timeout?: number }): Promise<Browser> };
}

// ---- what the dev harness's page exposes ---------------------------------------------------------------

/** The fake extension host: every message the webview sent it, a theme switch, and errors on demand. */
export interface FakeHost {
  log: Array<{ method: string; params: Record<string, unknown> }>;
  setTheme(t: string): void;
  /** Delivers a message to the webview as if the extension host had posted it. */
  post(msg: { id: string; method: string; params: unknown }): void;
  /** The next request of `method` is answered with this error instead of its result. */
  failNext(method: string, code: 'invalid' | 'failed' | 'stale' | 'unknown', message: string): void;
}
/** The dev harness's window, for `page.evaluate` and `page.waitForFunction` callbacks. */
export type Win = { __fakeHost: FakeHost; __cspViolations: string[]; __pwned?: unknown };

// ---- the harness ---------------------------------------------------------------------------------------

export interface Opened {
  page: Page;
  /** Console errors and CSP reports seen so far. */
  problems: string[];
}

export interface BrowserHarness {
  /**
   * A new page on the dev harness (`query` is appended to `?fresh=1`), once its status counts events
   * (`ready`: what the status line says then; another for a page in another language).
   */
  open(query?: string, viewport?: { width: number; height: number }, ready?: RegExp): Promise<Opened>;
}

/** Starts `webview/dev/build.mjs --serve 0` and resolves with the URL it serves. */
function startDevServer(): { server: ChildProcess; base: Promise<string> } {
  const server = spawn(process.execPath, [path.join(ROOT, 'webview/dev/build.mjs'), '--serve', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const base = new Promise<string>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`the harness did not start: ${err}`)), 60_000);
    server.stdout?.on('data', (d: Buffer) => {
      const m = /Serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(String(d));
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    server.stderr?.on('data', (d: Buffer) => (err += String(d)));
    server.on('exit', (code) => reject(new Error(`the harness exited (${code}): ${err}`)));
  });
  return { server, base };
}

/**
 * Call in a describe block: registers the hooks that start the dev server and Chromium before the
 * suite (or skip it, loudly, when playwright-core or Chromium is missing), close the suite's pages
 * after each test, and stop both after the suite. Each suite gets its own server and browser.
 */
export function useBrowserHarness(what = 'webview browser tests'): BrowserHarness {
  let browser: Browser | undefined;
  let server: ChildProcess | undefined;
  let base = '';
  const pages: Page[] = [];

  before(async function () {
    const missing = [
      existsSync(PLAYWRIGHT) ? undefined : `playwright-core not found at ${PLAYWRIGHT}`,
      existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`,
    ].filter((m) => m !== undefined);
    if (missing.length > 0) {
      console.warn(`\n!!! SKIPPING ${what}: ${missing.join('; ')} !!!\n`);
      this.skip();
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pw = require(PLAYWRIGHT) as Playwright;
    const started = startDevServer();
    server = started.server;
    base = await started.base;
    browser = await pw.chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 60_000 });
  });

  afterEach(async () => {
    while (pages.length) await pages.pop()?.close();
  });

  after(async () => {
    await browser?.close();
    if (server && server.exitCode === null) server.kill();
  });

  return {
    async open(query = '', viewport = { width: 1400, height: 860 }, ready = /of [\d,]+ events/) {
      if (!browser) throw new Error('no browser');
      const page = await browser.newPage({ viewport });
      pages.push(page);
      const problems: string[] = [];
      page.on('console', (m) => {
        const t = m.text();
        if (m.type() === 'error' || /Content Security Policy|Refused to/i.test(t)) problems.push(`${m.type()}: ${t}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      await page.goto(`${base}?fresh=1${query}`);
      await waitForStatus(page, ready);
      return { page, problems };
    },
  };
}

// ---- reading and driving the panel ---------------------------------------------------------------------

/** The status line's count, e.g. "5,083 of 200,000 events · 3 ms". */
export async function statusText(page: Page): Promise<string> {
  return ((await page.locator('ale-app .status .count').textContent()) ?? '').trim();
}

export async function waitForStatus(page: Page, re: RegExp, timeout = 30_000): Promise<string> {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    last = await statusText(page).catch(() => '');
    if (re.test(last)) return last;
    await page.waitForTimeout(50);
  }
  throw new Error(`status never matched ${re}: last was "${last}"`);
}

export interface RenderedRow {
  index: number;
  loaded: boolean;
  cells: string[];
}

/** Data-index of the rendered rows, and whether each has its data. */
export async function renderedRows(page: Page): Promise<RenderedRow[]> {
  return page.evaluate(() => {
    const grid = document.querySelector('ale-app')?.shadowRoot?.querySelector('ae-grid')?.shadowRoot;
    return Array.from(grid?.querySelectorAll<HTMLElement>('.row') ?? []).map((r) => ({
      index: Number(r.dataset.index),
      loaded: !r.classList.contains('loading'),
      cells: Array.from(r.querySelectorAll('.cell')).map((c) => c.textContent ?? ''),
    }));
  });
}

/** Waits until the grid renders rows and `pred` holds for them (by default: every row has its data). */
export async function waitRowsLoaded(page: Page, pred: (rows: RenderedRow[]) => boolean = (r) => r.every((x) => x.loaded), timeout = 15_000): Promise<RenderedRow[]> {
  const deadline = Date.now() + timeout;
  let rows = await renderedRows(page);
  while (Date.now() < deadline) {
    rows = await renderedRows(page);
    if (rows.length > 0 && pred(rows)) return rows;
    await page.waitForTimeout(50);
  }
  throw new Error(`rows never matched: ${JSON.stringify(rows.slice(0, 3))}…`);
}

export async function hostLog(page: Page): Promise<FakeHost['log']> {
  return page.evaluate(() => (window as unknown as Win).__fakeHost.log);
}

export async function runFilter(page: Page, text: string): Promise<void> {
  const input = page.locator('ae-filter-bar vscode-textfield input');
  await input.fill(text);
  await input.press('Enter');
}
