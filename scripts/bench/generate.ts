/**
 * Builds the benchmark data set: N CloudTrail events replicated from the real samples, written as
 * S3 delivers them (minified `{"Records":[…]}`, gzipped, one file per few minutes per account and
 * region), and cached so repeated runs measure the same bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { isDigestFileName } from '../../src/providers/logFiles/fileReader';
import { Rng } from '../../src/samples/prng';
import { type JsonObject, readRealRecords } from './records';

const gzipAsync = promisify(gzip);

/** Bump when the output for a given (N, seed, samples) changes, so stale caches are not reused. */
export const GENERATOR_VERSION = 2;
/** The data set lives in this folder of the cache entry, so the manifest never looks like a log file. */
export const LOGS_DIR = 'AWSLogs';
export const MANIFEST = 'manifest.json';
export const DEFAULT_SEED = 42;

// A fixed start keeps the data set independent of when it was generated.
export const START_MS = Date.UTC(2025, 2, 3, 0, 0, 0);
export const SPAN_MS = 7 * 24 * 3600 * 1000;
const MIN_PER_FILE = 200;
const MAX_PER_FILE = 2000;
// Real source IPs repeat a lot (a few CI runners and offices make most calls), and the store
// dictionary-encodes them; a pool with a skewed pick keeps that cardinality realistic instead of
// a million distinct strings.
export const IP_POOL_SIZE = 5000;
// Enough compressions in flight to keep both cores busy (libuv runs zlib off the main thread)
// while bounding memory to a few files.
export const MAX_IN_FLIGHT = 3;
// Larger than any compressed file: zlib then compresses a whole file in one thread-pool call
// instead of coming back to the (busy) main thread for every 16 KB of output.
export const GZIP_CHUNK = 4 * 1024 * 1024;

/** The filter the benchmark times, evaluated here so every count it produces can be checked. */
export function isDeleteInUsEast1(record: JsonObject): boolean {
  return typeof record.eventName === 'string' && record.eventName.startsWith('Delete') && record.awsRegion === 'us-east-1';
}

export interface Manifest {
  version: number;
  events: number;
  seed: number;
  /** Identifies the sample records the set was built from. */
  samplesFingerprint: string;
  templates: number;
  files: number;
  records: number;
  uncompressedBytes: number;
  compressedBytes: number;
  startMs: number;
  endMs: number;
  /** Events for which `isDeleteInUsEast1` holds: what jq and our filter must both count. */
  expectedDeleteInUsEast1: number;
  generateMs: number;
  /** Set for the many-small-files trail (smallTrail.ts); absent for the big-file set. */
  kind?: 'small';
  /** Digest files written beside the logs (the loader must skip every one). */
  digests?: number;
  /** Log files asked for (the small set is sized by files, not events). */
  filesRequested?: number;
}

export interface DatasetOptions {
  dataDir: string;
  events: number;
  seed?: number;
  /** Parent of the cache entries; defaults to os.tmpdir()/audit-log-explorer-bench. */
  cacheRoot?: string;
  onProgress?: (message: string) => void;
}

export interface Dataset {
  /** The cache entry: manifest.json and AWSLogs/ below it. */
  dir: string;
  /** Where the log files start; what a user would open. */
  logsDir: string;
  manifest: Manifest;
  reused: boolean;
}

export const enum Slot {
  Id,
  Time,
  Ip,
  Account,
  Region,
}

export interface Template {
  /** Minified JSON split around the fields each copy gets fresh: parts.length === slots.length + 1. */
  parts: string[];
  slots: Slot[];
  account: string;
  region: string;
  deleteInUsEast1: boolean;
  /** eventName starts with Delete (the small set moves records between regions). */
  deleteEvent: boolean;
}

const SENTINEL: Record<string, Slot> = {
  '@@ALE-ID@@': Slot.Id,
  '@@ALE-TIME@@': Slot.Time,
  '@@ALE-IP@@': Slot.Ip,
  '@@ALE-ACCOUNT@@': Slot.Account,
  '@@ALE-REGION@@': Slot.Region,
};
const SENTINEL_SPLIT = /"(@@ALE-(?:ID|TIME|IP|ACCOUNT|REGION)@@)"/;

function looksLikeIp(v: unknown): boolean {
  // Service principals ("ec2.amazonaws.com", "AWS Internal") are real values and stay as they are.
  return typeof v === 'string' && (/^\d{1,3}(\.\d{1,3}){3}$/.test(v) || (/^[0-9a-f:]+$/i.test(v) && v.includes(':')));
}

function pathSafe(v: unknown, pattern: RegExp): string | undefined {
  return typeof v === 'string' && pattern.test(v) ? v : undefined;
}

/**
 * `placed`: the record's account and region become slots too, so one sample can be written into
 * any account's and region's file (the many-small-files trail spreads them over a whole
 * organization); the big set keeps each sample where it was.
 */
export function compile(record: JsonObject, placed = false): Template {
  // Spreading keeps the record's own key order; an eventID it lacked lands at the end.
  const copy: JsonObject = { ...record, eventID: '@@ALE-ID@@', eventTime: '@@ALE-TIME@@' };
  if (looksLikeIp(record.sourceIPAddress)) copy.sourceIPAddress = '@@ALE-IP@@';
  if (placed) {
    if (typeof record.recipientAccountId === 'string') copy.recipientAccountId = '@@ALE-ACCOUNT@@';
    if (typeof record.awsRegion === 'string') copy.awsRegion = '@@ALE-REGION@@';
  }
  const pieces = JSON.stringify(copy).split(SENTINEL_SPLIT);
  const parts: string[] = [];
  const slots: Slot[] = [];
  for (let i = 0; i < pieces.length; i++) {
    if (i % 2 === 0) parts.push(pieces[i]);
    else slots.push(SENTINEL[pieces[i]]);
  }
  const identity = record.userIdentity;
  const identityAccount =
    typeof identity === 'object' && identity !== null ? (identity as JsonObject).accountId : undefined;
  return {
    parts,
    slots,
    account: pathSafe(record.recipientAccountId, /^\d{12}$/) ?? pathSafe(identityAccount, /^\d{12}$/) ?? '000000000000',
    region: pathSafe(record.awsRegion, /^[a-z0-9-]{1,40}$/) ?? 'us-east-1',
    deleteInUsEast1: isDeleteInUsEast1(record),
    deleteEvent: typeof record.eventName === 'string' && record.eventName.startsWith('Delete'),
  };
}

export interface Samples {
  templates: Template[];
  fingerprint: string;
}

export function loadSamples(dataDir: string, placed = false): Samples {
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) {
    throw new Error(
      `CloudTrail sample data not found at ${dataDir}. The benchmark replicates those real records; ` +
        `pass --data DIR pointing at a copy of shared/data/cloudtrail.`,
    );
  }
  const { records } = readRealRecords(dataDir);
  // The same event published twice (a .json and its .json.gz) would only bias the mix.
  const seen = new Set<string>();
  const unique = records.filter((r) => {
    if (typeof r.eventID !== 'string') return true;
    if (seen.has(r.eventID)) return false;
    seen.add(r.eventID);
    return true;
  });
  if (unique.length === 0) throw new Error(`no CloudTrail record with eventName and eventTime under ${dataDir}`);
  const templates = unique.map((r) => compile(r, placed));
  const hash = createHash('sha256');
  hash.update(`v${GENERATOR_VERSION}\n`);
  for (const t of templates) hash.update(t.parts.join('\0') + '\n');
  return { templates, fingerprint: hash.digest('hex').slice(0, 16) };
}

export function defaultCacheRoot(): string {
  return join(tmpdir(), 'audit-log-explorer-bench');
}

export function cacheEntryName(events: number, seed: number): string {
  return `${events}-${seed}-v${GENERATOR_VERSION}`;
}

/**
 * Every .json.gz log file under `root`, sorted, so every phase reads the same files in the same
 * order. CloudTrail digest files (hashes, no events) are left out by name, as the loader does.
 */
export function listLogFiles(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.isFile() && e.name.endsWith('.json.gz') && !isDigestFileName(e.name)) out.push(p);
    }
  };
  visit(root);
  return out;
}

export function readManifest(dir: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** The manifest of a complete entry that `matches`; undefined when absent, stale or damaged. */
function isComplete(dir: string, matches: (m: Manifest) => boolean): Manifest | undefined {
  const m = readManifest(dir);
  if (m === undefined || !matches(m)) return undefined;
  // A manifest over a half-deleted tree (tmp cleaners) must not pass for a data set.
  if (!existsSync(join(dir, LOGS_DIR)) || listLogFiles(join(dir, LOGS_DIR)).length !== m.files) return undefined;
  return m;
}

export const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** CloudTrail's eventTime format: ISO 8601, whole seconds, UTC. */
export function eventTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

export function ipv4(rng: Rng): string {
  // Public-looking first octet: the benchmark should not look like an office LAN.
  const first = [3, 13, 18, 34, 35, 44, 52, 54, 63, 72, 81, 91, 104, 109, 143, 185, 198, 203][rng.int(18)];
  return `${first}.${rng.int(256)}.${rng.int(256)}.${1 + rng.int(254)}`;
}

/**
 * Samples that one log file draws from: one account and region, or the pool of rare ones. A file
 * is named after its first record's account and region.
 */
interface Group {
  members: number[];
}

// The rare account/region pairs in the samples are mostly anonymised detonation runs with one to a
// few dozen records each. A 1,000-record file cut from one of them would be the same few events
// over and over (and gzip far better than real logs), so they share one pool instead.
const MIN_GROUP = 50;

function groupTemplates(templates: Template[]): { groups: Group[]; cumulative: number[] } {
  const byKey = new Map<string, number[]>();
  templates.forEach((t, i) => {
    const key = `${t.account}/${t.region}`;
    const members = byKey.get(key);
    if (members === undefined) byKey.set(key, [i]);
    else members.push(i);
  });
  const groups: Group[] = [];
  const rare: number[] = [];
  for (const members of byKey.values()) {
    if (members.length >= MIN_GROUP) groups.push({ members });
    else rare.push(...members);
  }
  if (rare.length > 0) groups.push({ members: rare.sort((a, b) => a - b) });
  const cumulative: number[] = [];
  let sum = 0;
  for (const g of groups) cumulative.push((sum += g.members.length));
  return { groups, cumulative };
}

/** A group with probability proportional to its share of the samples. */
function pickGroup(cumulative: number[], rng: Rng): number {
  const x = rng.int(cumulative[cumulative.length - 1]);
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Writes the data set into `dir` (which must not exist) and returns its manifest. Regional log
 * files hold that region's events, so each file draws from one group of samples, the groups
 * weighted by their share of the samples; the overall mix follows the samples.
 */
async function writeDataset(dir: string, samples: Samples, events: number, seed: number, progress: (m: string) => void): Promise<Manifest> {
  const started = performance.now();
  const rng = new Rng(seed);
  const { templates } = samples;
  const { groups, cumulative } = groupTemplates(templates);

  const sizes: number[] = [];
  for (let left = events; left > 0; ) {
    const n = Math.min(left, rng.range(MIN_PER_FILE, MAX_PER_FILE));
    sizes.push(n);
    left -= n;
  }
  const ipPool: string[] = Array.from({ length: IP_POOL_SIZE }, () => ipv4(rng));
  const windowMs = SPAN_MS / Math.max(1, sizes.length);

  const madeDirs = new Set<string>();
  const names = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let uncompressedBytes = 0;
  let compressedBytes = 0;
  let expected = 0;
  let written = 0;
  let nextReport = events / 10;

  for (let f = 0; f < sizes.length; f++) {
    const group = groups[pickGroup(cumulative, rng)];
    const winStart = START_MS + f * windowMs;
    const times = new Float64Array(sizes[f]);
    for (let i = 0; i < times.length; i++) times[i] = winStart + rng.float() * windowMs;
    // CloudTrail writes a file's records in about the order they happened.
    times.sort();

    const picks = new Int32Array(times.length);
    for (let i = 0; i < picks.length; i++) picks[i] = group.members[rng.int(group.members.length)];
    const records: string[] = new Array<string>(times.length);
    for (let i = 0; i < times.length; i++) {
      const t = templates[picks[i]];
      if (t.deleteInUsEast1) expected++;
      let s = t.parts[0];
      for (let k = 0; k < t.slots.length; k++) {
        const slot = t.slots[k];
        const v = slot === Slot.Id ? rng.uuid() : slot === Slot.Time ? eventTime(times[i]) : ipPool[Math.floor(IP_POOL_SIZE * rng.float() ** 3)];
        s += '"' + v + '"' + t.parts[k + 1];
      }
      records[i] = s;
    }
    const { account, region } = templates[picks[0]];

    // Delivery lags the window by a few minutes; the S3 key carries the delivery time.
    const delivered = new Date(winStart + windowMs + rng.int(5 * 60_000));
    const y = delivered.getUTCFullYear();
    const mo = pad2(delivered.getUTCMonth() + 1);
    const d = pad2(delivered.getUTCDate());
    const stamp = `${y}${mo}${d}T${pad2(delivered.getUTCHours())}${pad2(delivered.getUTCMinutes())}Z`;
    let name: string;
    do {
      name = `${account}_CloudTrail_${region}_${stamp}_${rng.alnum(16)}.json.gz`;
    } while (names.has(name));
    names.add(name);
    const folder = join(dir, LOGS_DIR, account, 'CloudTrail', region, String(y), mo, d);
    if (!madeDirs.has(folder)) {
      mkdirSync(folder, { recursive: true });
      madeDirs.add(folder);
    }

    const body = Buffer.from('{"Records":[' + records.join(',') + ']}', 'utf8');
    uncompressedBytes += body.length;
    const job: Promise<void> = gzipAsync(body, { level: 6, chunkSize: GZIP_CHUNK })
      .then((gz) => {
        compressedBytes += gz.length;
        return writeFile(join(folder, name), gz);
      })
      .catch((e: unknown) => {
        failure ??= e;
      })
      .finally(() => inFlight.delete(job));
    inFlight.add(job);
    if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    if (failure !== undefined) break;

    written += times.length;
    if (written >= nextReport) {
      progress(`generated ${written.toLocaleString('en-US')} / ${events.toLocaleString('en-US')} events (${((performance.now() - started) / 1000).toFixed(1)} s)`);
      nextReport += events / 10;
    }
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));

  const manifest: Manifest = {
    version: GENERATOR_VERSION,
    events,
    seed,
    samplesFingerprint: samples.fingerprint,
    templates: templates.length,
    files: sizes.length,
    records: events,
    uncompressedBytes,
    compressedBytes,
    startMs: START_MS,
    endMs: START_MS + SPAN_MS,
    expectedDeleteInUsEast1: expected,
    generateMs: Math.round(performance.now() - started),
  };
  return writeManifest(dir, manifest);
}

/** Written last by every generator: its presence is what marks a data set complete (see isComplete). */
export function writeManifest(dir: string, manifest: Manifest): Manifest {
  writeFileSync(join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive but someone else's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Staging folders of runs that died mid-generation would otherwise pile up, ~200 MB each at 1M. */
function removeAbandonedStaging(root: string): void {
  for (const name of readdirSync(root)) {
    const m = /^\.(?:small-)?\d+-\d+-v\d+\.(\d+)\.\d+$/.exec(name);
    if (m !== null && !isRunning(Number(m[1]))) rmSync(join(root, name), { recursive: true, force: true });
  }
}

export interface EntrySpec {
  root: string;
  name: string;
  matches: (m: Manifest) => boolean;
  /** Writes the data set into the (new) folder given and returns its manifest. */
  write: (dir: string) => Promise<Manifest>;
}

/** The cached entry, written first when absent or stale. */
export async function ensureEntry(spec: EntrySpec, progress: (m: string) => void, what: string): Promise<Dataset> {
  const dir = join(spec.root, spec.name);
  const logsDir = join(dir, LOGS_DIR);
  const cached = isComplete(dir, spec.matches);
  if (cached !== undefined) return { dir, logsDir, manifest: cached, reused: true };

  progress(`generating ${what} into ${dir}`);
  // Built beside the final name and renamed into place, so a crash or a second bench running at
  // the same time never leaves or reads a half-written entry under the real name.
  mkdirSync(spec.root, { recursive: true });
  removeAbandonedStaging(spec.root);
  const staging = join(spec.root, `.${spec.name}.${process.pid}.${Date.now()}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    const manifest = await spec.write(staging);
    // Another run may have finished the same entry meanwhile, and may be reading it: keep theirs.
    const theirs = isComplete(dir, spec.matches);
    if (theirs !== undefined) return { dir, logsDir, manifest: theirs, reused: true };
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
    return { dir, logsDir, manifest, reused: false };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Returns the cached data set for (events, seed), generating it first when absent or stale. */
export async function ensureDataset(options: DatasetOptions): Promise<Dataset> {
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(options.events) || options.events < 1) throw new Error(`events must be a positive integer, got ${options.events}`);
  const progress = options.onProgress ?? ((): void => undefined);
  const samples = loadSamples(options.dataDir);
  const { events } = options;
  return ensureEntry(
    {
      root: options.cacheRoot ?? defaultCacheRoot(),
      name: cacheEntryName(events, seed),
      matches: (m) => m.kind === undefined && m.version === GENERATOR_VERSION && m.events === events && m.seed === seed && m.samplesFingerprint === samples.fingerprint,
      write: (dir) => writeDataset(dir, samples, events, seed, progress),
    },
    progress,
    `${events.toLocaleString('en-US')} events from ${samples.templates.length} sample records`,
  );
}
