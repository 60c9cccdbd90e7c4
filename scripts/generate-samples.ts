/**
 * Writes the deterministic sample CloudTrail logs.
 *
 *   node dist/generate-samples.js [--out DIR] [--days N] [--events-per-day N] [--seed N] [--start YYYY-MM-DD]
 *
 * Prints one JSON line: {"files":…,"events":…,"bytes":…}. Exit 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { writeSamples } from '../src/samples/generator';

function int(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text)) throw new Error(`--${name} takes a whole number, not '${text}'`);
  return Number(text);
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string', default: 'samples' },
        days: { type: 'string' },
        'events-per-day': { type: 'string' },
        seed: { type: 'string' },
        start: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    process.stderr.write(`generate-samples: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write('usage: generate-samples [--out DIR] [--days N] [--events-per-day N] [--seed N] [--start YYYY-MM-DD]\n');
    return 0;
  }
  let result;
  try {
    result = await writeSamples(values.out ?? 'samples', {
      days: int('days', values.days),
      eventsPerDay: int('events-per-day', values['events-per-day']),
      seed: int('seed', values.seed),
      start: values.start,
    });
  } catch (e) {
    process.stderr.write(`generate-samples: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  process.stdout.write(JSON.stringify(result) + '\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`generate-samples: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
