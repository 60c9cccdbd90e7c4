/** Command-line options of `node dist/bench.js`; hand-rolled because the bench must bundle alone. */
import { DEFAULT_SEED } from './generate';
import { DEFAULT_SMALL_FILES } from './smallTrail';

export const PHASES = ['floor', 'load', 'jq', 'ours-filter', 'duckdb'] as const;
export type Phase = (typeof PHASES)[number];

export const SETS = ['big', 'small', 'both'] as const;
export type SetChoice = (typeof SETS)[number];

export interface BenchArgs {
  events: number;
  /** Which generated data sets to measure. */
  set: SetChoice;
  /** Log files in the many-small-files set. */
  smallFiles: number;
  /** A real trail folder (the SANS-504 lab trail) measured as it is; default: looked for under --data's parent. */
  trail?: string;
  seed: number;
  repeat: number;
  /** Sample records to replicate; relative to the repo root (process.cwd()). */
  data: string;
  cacheRoot?: string;
  /** Time the panel path in code-server (scripts/bench/panel.mjs) instead of the loader phases. */
  panel: boolean;
  /** Set only in a child process: run this one measurement and print its result. */
  phase?: Phase;
  dir?: string;
  help: boolean;
}

export const USAGE = `usage: node dist/bench.js [--set big|small|both] [--events N] [--small-files F] [--trail DIR]
                         [--seed S] [--repeat R] [--data DIR] [--cache DIR] [--panel]

  --set        which generated data sets: the big-file set, the many-small-files trail, or both (default)
  --events N   events in the big-file set (default 1000000; 1e6 and 1_000_000 work)
  --small-files F  log files in the many-small-files trail, 1-50 events each (default ${DEFAULT_SMALL_FILES})
  --trail DIR  a real trail folder (e.g. the SANS-504 lab trail) to measure as well; default: a folder
               named *sans* next to --data, skipped loudly when there is none
  --seed S     PRNG seed; the same N and seed give byte-identical files (default ${DEFAULT_SEED})
  --repeat R   child processes per timing phase, median reported (default 3)
  --data DIR   real CloudTrail samples to replicate (default ../shared/data/cloudtrail)
  --cache DIR  where data sets are cached (default <os tmpdir>/audit-log-explorer-bench)
  --panel      the panel path instead: the packaged extension in code-server, each set opened through
               "Open CloudTrail Logs…" and timed to the first rows and to the final count in the real
               webview, against our CLI's \`stats\` of the same folder (same rounds, interleaved)

Results go to stdout as JSON lines (lines starting with '{') followed by a Markdown table of the
ratios and targets (lines starting with '|'); progress goes to stderr.`;

function positiveInt(flag: string, raw: string | undefined): number {
  const n = raw === undefined ? NaN : Number(raw.replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer, got ${raw ?? 'nothing'}`);
  return n;
}

function nonNegativeInt(flag: string, raw: string | undefined): number {
  const n = raw === undefined ? NaN : Number(raw.replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${flag} needs a non-negative integer, got ${raw ?? 'nothing'}`);
  return n;
}

export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { events: 1_000_000, set: 'both', smallFiles: DEFAULT_SMALL_FILES, seed: DEFAULT_SEED, repeat: 3, data: '../shared/data/cloudtrail', panel: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    // Both `--events 5` and `--events=5`.
    const eq = flag.indexOf('=');
    const name = eq > 0 ? flag.slice(0, eq) : flag;
    const value = (): string | undefined => (eq > 0 ? flag.slice(eq + 1) : argv[++i]);
    switch (name) {
      case '--events':
        args.events = positiveInt(name, value());
        break;
      case '--set': {
        const v = value();
        if (!(SETS as readonly string[]).includes(v ?? '')) throw new Error(`--set must be one of ${SETS.join(', ')}`);
        args.set = v as SetChoice;
        break;
      }
      case '--small-files':
        args.smallFiles = positiveInt(name, value());
        break;
      case '--trail': {
        const v = value();
        if (v === undefined || v === '') throw new Error('--trail needs a directory');
        args.trail = v;
        break;
      }
      case '--seed':
        args.seed = nonNegativeInt(name, value());
        break;
      case '--repeat':
        args.repeat = positiveInt(name, value());
        break;
      case '--data': {
        const v = value();
        if (v === undefined || v === '') throw new Error('--data needs a directory');
        args.data = v;
        break;
      }
      case '--cache': {
        const v = value();
        if (v === undefined || v === '') throw new Error('--cache needs a directory');
        args.cacheRoot = v;
        break;
      }
      case '--phase': {
        const v = value();
        if (!(PHASES as readonly string[]).includes(v ?? '')) throw new Error(`--phase must be one of ${PHASES.join(', ')}`);
        args.phase = v as Phase;
        break;
      }
      case '--dir':
        args.dir = value();
        break;
      case '--panel':
        args.panel = true;
        break;
      case '-h':
      case '--help':
        args.help = true;
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  if (args.phase !== undefined && (args.dir === undefined || args.dir === '')) throw new Error('--phase needs --dir');
  return args;
}
