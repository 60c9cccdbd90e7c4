/** Command-line options of `node dist/bench.js`; hand-rolled because the bench must bundle alone. */
import { DEFAULT_SEED } from './generate';

export const PHASES = ['floor', 'load', 'jq', 'ours-filter'] as const;
export type Phase = (typeof PHASES)[number];

export interface BenchArgs {
  events: number;
  seed: number;
  repeat: number;
  /** Sample records to replicate; relative to the repo root (process.cwd()). */
  data: string;
  cacheRoot?: string;
  /** Set only in a child process: run this one measurement and print its result. */
  phase?: Phase;
  dir?: string;
  help: boolean;
}

export const USAGE = `usage: node dist/bench.js [--events N] [--seed S] [--repeat R] [--data DIR] [--cache DIR]

  --events N   events in the generated data set (default 1000000; 1e6 and 1_000_000 work)
  --seed S     PRNG seed; the same N and seed give byte-identical files (default ${DEFAULT_SEED})
  --repeat R   child processes per timing phase, median reported (default 3)
  --data DIR   real CloudTrail samples to replicate (default ../shared/data/cloudtrail)
  --cache DIR  where data sets are cached (default <os tmpdir>/audit-log-explorer-bench)

Results go to stdout as JSON lines; progress goes to stderr.`;

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
  const args: BenchArgs = { events: 1_000_000, seed: DEFAULT_SEED, repeat: 3, data: '../shared/data/cloudtrail', help: false };
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
