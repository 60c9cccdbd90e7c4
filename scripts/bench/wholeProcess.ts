/**
 * Whole-process measurements: a command timed from spawn to exit by the parent, with its peak RSS
 * from GNU time when the machine has it. Both sides of the one-shot comparison (our CLI's
 * `query --format count` and a node process running DuckDB) are measured this way, so each pays
 * its own start-up.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const GNU_TIME = '/usr/bin/time';

export interface ProcessRun {
  ms: number;
  /** Undefined when GNU time is not there to tell. */
  peakRssBytes?: number;
  stdout: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export function runTimed(command: string, args: readonly string[]): Promise<ProcessRun> {
  const useTime = existsSync(GNU_TIME);
  const tmp = useTime ? mkdtempSync(join(tmpdir(), 'ale-bench-time-')) : undefined;
  const rssFile = tmp === undefined ? undefined : join(tmp, 'rss');
  const [cmd, argv] = rssFile === undefined ? [command, [...args]] : [GNU_TIME, ['-o', rssFile, '-f', '%M', command, ...args]];
  return new Promise((resolveRun, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c: string) => {
      stdout += c;
    });
    child.on('error', (e) => {
      if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
      reject(e);
    });
    child.on('close', (code, signal) => {
      const ms = performance.now() - t0;
      let peakRssBytes: number | undefined;
      if (rssFile !== undefined) {
        try {
          // GNU time writes "Command exited with non-zero status N" first when it did.
          const kb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
          if (Number.isFinite(kb) && kb > 0) peakRssBytes = kb * 1024;
        } catch {
          // no file: no RSS, the time still counts
        }
      }
      if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
      resolveRun({ ms, peakRssBytes, stdout, code, signal });
    });
  });
}

/** Our CLI next to this script: dist/cli.js beside dist/bench.js, or out/src/cli.js for out/scripts/bench.js. */
export function findCli(benchScript: string): string | undefined {
  const here = dirname(benchScript);
  return [join(here, 'cli.js'), join(here, '..', 'src', 'cli.js')].find((p) => existsSync(p));
}
