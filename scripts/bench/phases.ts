/**
 * The measurements that need nothing of ours: the node floor and jq. Each runs inside its own
 * child process (see bench.ts), so the numbers carry no heap or page state from another phase.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { listLogFiles } from './generate';

export type Result = { name: string } & Record<string, unknown>;

/** The filter both jq and our store evaluate; generate.ts#isDeleteInUsEast1 is the same test. */
export const OUR_FILTER = 'eventName:Delete* region:us-east-1';
export const JQ_FILTER = '.Records[] | select((.eventName | startswith("Delete")) and .awsRegion == "us-east-1")';

/** CPU time of every thread of this process since `start`: steadier than wall time on a shared machine. */
export function cpuMsSince(start: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(start);
  return Math.round((c.user + c.system) / 1000);
}

const mbPerSec = (bytes: number, ms: number): number => Math.round((bytes / 1e6 / (ms / 1000)) * 10) / 10;

/**
 * The fastest obvious single-threaded node: read, gunzip, JSON.parse each file in turn. Our loader
 * has to stay within a small factor of this while also building a store.
 */
export function floorPhase(logsDir: string): Result {
  const files = listLogFiles(logsDir);
  let records = 0;
  let bytes = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const f of files) {
    const raw = gunzipSync(readFileSync(f));
    bytes += raw.length;
    const doc = JSON.parse(raw.toString()) as { Records: unknown[] };
    // Reading the result keeps the parse from being dead code.
    records += doc.Records.length;
  }
  const ms = performance.now() - t0;
  return { name: 'floor', ms: Math.round(ms), cpuMs: cpuMsSince(cpu0), mbPerSec: mbPerSec(bytes, ms), files: files.length, records, uncompressedBytes: bytes };
}

export function jqVersion(): string | undefined {
  const r = spawnSync('jq', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** What a user without this extension would run: one jq pass over the gzipped files. */
export function jqPhase(logsDir: string): Result {
  const files = listLogFiles(logsDir);
  // The file list goes through a file and xargs: a million-event set has ~900 paths, and the
  // command line must not depend on ARG_MAX.
  const tmp = mkdtempSync(join(tmpdir(), 'ale-bench-jq-'));
  const list = join(tmp, 'files');
  writeFileSync(list, files.join('\0') + '\0');
  try {
    const script = `xargs -0 gzip -dc < "$1" | jq -c '${JQ_FILTER}' | wc -l`;
    const t0 = performance.now();
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', script, 'bash', list], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const ms = performance.now() - t0;
    if (r.error !== undefined) throw r.error;
    if (r.status !== 0) throw new Error(`jq pipeline exited with ${r.status ?? r.signal}`);
    const matches = Number(r.stdout.trim());
    if (!Number.isInteger(matches)) throw new Error(`unexpected wc output: ${JSON.stringify(r.stdout)}`);
    return { name: 'jq', ms: Math.round(ms), matches, files: files.length, jq: jqVersion() ?? 'unknown' };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
