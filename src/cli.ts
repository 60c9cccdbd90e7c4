/**
 * audit-log-explorer: the same core as the extension, on the command line (scripting, CI, benchmarks).
 *
 *   audit-log-explorer stats <path>...
 *   audit-log-explorer detect <path>... [--rules DIR]... [--disable ID]... [--min-level L]
 *                                       [--format jsonl|csv|table] [--summary]
 *   audit-log-explorer query <path>... [--filter EXPR] [--format jsonl|csv|table|count]
 *                                      [--fields a,b,c] [--sort [-]FIELD] [--limit N]
 *   audit-log-explorer summary <path>... --by FIELD [--filter EXPR] [--format jsonl|csv|table]
 *                                      [--top N] [--values N]
 *
 * Exit 0 when all input was read, 1 when some input had errors (partial results are still printed,
 * the errors go to stderr), 2 for usage errors or a bad filter.
 */
// First: configures zod before any schema is built (see zodSetup.ts).
import './zodSetup';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { EventStore } from './core/store';
import { describeQueryError, parseQuery, parseTimeValue, QueryError, QueryNode } from './core/query';
import type { AccountConfig } from './providers/provider';
import type { ProviderDescriptor } from './providers/descriptor';
import { createProviders, findDescriptor, PROVIDERS } from './providers/registry';
import { awsCloudtrailDescriptor } from './providers/awsCloudtrail/descriptor';
import { fetchHelp, fetchUsage, flagsToAccount, providerFlags } from './providers/cliFlags';
import { NODE_IO } from './session/nodeIo';
import { SourceSet } from './session/sourceSet';
import { ResultView, SortSpec } from './core/view';
import { countMatches, LoadReport, loadFiles } from './providers/logFiles/files';
import { matchesInBatches } from './core/batchMatches';
import { createAthena, type AthenaReport } from './providers/athena/index';
import { listLevel, openS3Session } from './providers/s3Trail/index';
import { isApiError } from './core/errors';
import { compactJson, csvCell, isTerminal, OutputWriter, terminalSafe, terminalWriter, writeCsv, writeJsonl, writeTable } from './core/formats';
import { endpointCredentialsProblem } from './core/endpoint';
import { resolveField } from './core/event';
import { Summary } from './core/summary';
import { writeSummary } from './core/summaryFormats';
import { detect } from './core/sigma/match';
import { hitsOf, summarize, type DetectionSummary, type Hit } from './core/sigma/hits';
import { LEVELS } from './core/sigma/types';
import { loadRuleSet, RuleFolderError } from './providers/detections/ruleFolders';

/** The usage and help text; the live providers' lines come from their descriptors. */
export function usage(providers: readonly ProviderDescriptor[]): string {
  return `Usage:
  audit-log-explorer stats <path>...
  audit-log-explorer detect <path>... [--rules DIR]... [--disable ID]... [--min-level L]
                                      [--format jsonl|csv|table] [--summary]
  audit-log-explorer query <path>... [--filter EXPR] [--format jsonl|csv|table|count]
                                     [--fields a,b,c] [--sort [-]FIELD] [--limit N]
  audit-log-explorer summary <path>... --by FIELD [--filter EXPR] [--format jsonl|csv|table]
                                     [--top N] [--values N]

${fetchUsage(providers)}
  audit-log-explorer fetch s3 --bucket B [--prefix P] --region R... [--bucket-region R] [--account ID]
                                     [--org O] --from DAY [--to DAY] [--filter EXPR] [--format …] [--endpoint URL]
  audit-log-explorer athena (--sql SQL | --filter EXPR) --database D [--table T] --region R
                                     [--workgroup W] [--output s3://…] [--from T] [--to T] [--limit N]
                                     [--format …] [--endpoint URL]

Paths are CloudTrail files or folders (walked recursively; .json, .json.gz, .jsonl, .csv, …).
--filter  the filter language, e.g. 'eventName:Delete* -userIdentity.type:AWSService time:>-24h'
--format  jsonl (each raw event exactly as it was; default), csv, table, or count
--fields  columns for csv/table: normalized fields (time, account, action, actor, service, region,
          sourceIp, userAgent, outcome, error, resources, id, source), fields derived from the
          sourceIp (country, asn, asOrg, ipClass: offline IP data by NRO, RouteViews and DB-IP,
          CC BY 4.0) or any dotted raw path
--sort    a field to order by, '-' in front for descending (default: time, oldest first)
--limit   print at most N events
summary   one row per value of --by (principal, sourceIp, accessKey, account, origin or any field)
          over the events the filter matches, most events first: events, first and last seen,
          error rate, distinct actions, source IPs, regions, access keys and user agents (with the
          --values N most frequent of each, default 5), and notable actions: a burst (3+ times
          within 10 minutes, for a value active 1 hour or more) or new (first seen in the last
          quarter of the time span). --top N prints the N values with most events. --format jsonl
          (default), csv or table.
detect    runs the bundled SigmaHQ CloudTrail rules (DRL 1.1) and every --rules folder over the events:
          one line per hit (time, level, rule, principal, action, source IP, event id, the rule's
          author and link; jsonl also carries the raw event). --summary prints totals per level and
          rule, the busiest days and the share of events with a hit instead. --min-level: low,
          medium, high or critical. --disable ID leaves a rule out. Rules that cannot be evaluated
          are listed on stderr with the reason. A missing or unreadable --rules folder exits 2.
fetch     queries a live audit API; credentials come from the environment only, never from flags:
${fetchHelp(providers)}
          --from/--to take ISO dates/times or relative times (-24h, -7d); default: the last 24 hours.
          What the API can filter on is sent to it; the rest of --filter applies locally.
          jsonl and csv stream page by page (unless --sort is given); a failure after some pages
          leaves those printed, says why on stderr and exits 1.
fetch s3  streams a trail bucket's log objects for those days and regions (AWS credentials as for
          cloudtrail) through the same readers as local files; digests are skipped.
athena    runs SQL (or --filter translated to SQL; what cannot be translated applies locally) on the
          CloudTrail table and prints the rows; stderr says the SQL's translation and the bytes scanned.
Exit status: 0 all input read, 1 some input had errors (partial results printed), 2 usage, filter or rule-folder error.`;
}

export const DEFAULT_FIELDS = ['time', 'account', 'region', 'service', 'action', 'actor', 'sourceIp', 'outcome', 'error'];

class UsageError extends Error {}

/** Command-line options are outside input like any other: checked at the edge, trusted after. */
const QueryOptions = z.object({
  format: z.enum(['jsonl', 'csv', 'table', 'count'], { error: (i) => `--format must be jsonl, csv, table or count, not '${String(i.input)}'` }).default('jsonl'),
  limit: z
    .string()
    .regex(/^\d+$/, { error: (i) => `--limit takes a whole number, not '${String(i.input)}'` })
    .transform(Number)
    .optional()
    .transform((n) => n ?? Infinity),
});

/** `providers`: the live sources `fetch` knows (the registry's list; tests pass a longer one). */
export async function main(argv: string[], stdout: OutputWriter = process.stdout, err: OutputWriter = process.stderr, providers: readonly ProviderDescriptor[] = PROVIDERS): Promise<number> {
  const [command, ...rest] = argv;
  // Event data on a terminal is escaped in every format (a table always is); files and pipes get
  // the bytes exactly as they were.
  const out = isTerminal(stdout) ? terminalWriter(stdout) : stdout;
  try {
    if (command === 'stats') return await stats(rest, out, err);
    if (command === 'query') return await query(rest, out, err);
    if (command === 'summary') return await summary(rest, out, err);
    if (command === 'detect') return await detectCommand(rest, out, err);
    if (command === 'fetch' && rest[0] === 's3') return await fetchS3(rest.slice(1), out, err);
    if (command === 'fetch') return await fetchLive(rest, out, err, providers);
    if (command === 'athena') return await athena(rest, out, err);
    if (command === '--help' || command === '-h' || command === 'help') {
      out.write(usage(providers) + '\n');
      return 0;
    }
    throw new UsageError(command ? `unknown command '${command}'` : 'no command given');
  } catch (e) {
    const parseArgsError = e instanceof Error && 'code' in e && String((e as { code: unknown }).code).startsWith('ERR_PARSE_ARGS');
    if (e instanceof UsageError || parseArgsError) {
      err.write(`audit-log-explorer: ${terminalSafe((e as Error).message)}\n\n${usage(providers)}\n`);
      return 2;
    }
    if (e instanceof RuleFolderError) {
      err.write(`audit-log-explorer: ${terminalSafe(e.message)}\n`);
      return 2;
    }
    if (e instanceof BadFilter) {
      err.write(`audit-log-explorer: bad filter\n${terminalSafe(describeQueryError(e.text, e.error)).replace(/\\u000a/g, '\n')}\n`);
      return 2;
    }
    throw e;
  }
}

async function load(paths: string[], err: OutputWriter): Promise<{ store: EventStore; report: LoadReport }> {
  if (paths.length === 0) throw new UsageError('give at least one file or folder');
  const store = new EventStore();
  const report = await loadFiles(paths, store);
  writeLoadErrors(report, err);
  return { store, report };
}

function writeLoadErrors(report: LoadReport, err: OutputWriter): void {
  for (const e of report.errors) {
    const at = e.position ? `:${e.position.line}:${e.position.column}` : '';
    // Paths and messages can quote file contents: never let them drive the terminal.
    err.write(`${terminalSafe(e.path)}${at}: ${terminalSafe(e.message)}\n`);
  }
}

async function stats(args: string[], out: OutputWriter, err: OutputWriter): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const { store, report } = await load(positionals, err);
  const all = store.query('');
  const range = all.timeRange();
  const actions = all.facets(['action'], Number.MAX_SAFE_INTEGER).action.length;
  const summary = {
    files: report.files,
    events: report.events,
    duplicates: report.duplicates,
    skipped: report.skipped,
    errors: report.errors,
    actions,
    from: range?.from ?? null,
    to: range?.to ?? null,
  };
  out.write(JSON.stringify(summary, null, 2) + '\n');
  return report.errors.length > 0 ? 1 : 0;
}

async function query(args: string[], out: OutputWriter, err: OutputWriter): Promise<number> {
  const { positionals, values } = parseArgs({
    args: joinOptionValues(args, VALUE_OPTIONS),
    allowPositionals: true,
    options: {
      filter: { type: 'string', short: 'f', default: '' },
      format: { type: 'string', default: 'jsonl' },
      fields: { type: 'string' },
      sort: { type: 'string', default: 'time' },
      limit: { type: 'string' },
    },
  });
  const output = outputOptions(values);
  // A bad filter is reported before any file is read.
  const node = parseFilter(values.filter ?? '');
  if (output.format === 'count' && matchesInBatches(node)) {
    // A count needs no store: the filter runs where each run of files is read (files.ts#countMatches).
    if (positionals.length === 0) throw new UsageError('give at least one file or folder');
    const { report, count } = await countMatches(positionals, node);
    writeLoadErrors(report, err);
    out.write(`${count}\n`);
    return report.errors.length > 0 ? 1 : 0;
  }
  const { store, report } = await load(positionals, err);
  await writeResult(store.query(node, { sort: output.sort }), output, out);
  return report.errors.length > 0 ? 1 : 0;
}

const DetectOptions = z.object({
  format: z.enum(['jsonl', 'csv', 'table'], { error: (i) => `--format must be jsonl, csv or table, not '${String(i.input)}'` }).default('table'),
  'min-level': z.enum(LEVELS, { error: (i) => `--min-level must be one of ${LEVELS.join(', ')}, not '${String(i.input)}'` }).default('informational'),
});

async function detectCommand(args: string[], out: OutputWriter, err: OutputWriter): Promise<number> {
  const { positionals, values } = parseArgs({
    args: joinOptionValues(args, new Set(['--rules', '--disable', '--min-level', '--format'])),
    allowPositionals: true,
    options: {
      rules: { type: 'string', multiple: true },
      disable: { type: 'string', multiple: true },
      'min-level': { type: 'string' },
      format: { type: 'string' },
      summary: { type: 'boolean', default: false },
    },
  });
  const opts = DetectOptions.safeParse(values);
  if (!opts.success) throw new UsageError(opts.error.issues.map((i) => i.message).join('; '));
  if (positionals.length === 0) throw new UsageError('give at least one file or folder');
  // Rule folders are checked before any event is read: a typo in --rules costs nothing.
  const ruleSet = await loadRuleSet({ folders: values.rules ?? [], disabled: values.disable ?? [] });
  for (const p of ruleSet.problems) {
    err.write(`rule ${terminalSafe(p.file)}${p.title ? ` (${terminalSafe(p.title)})` : ''}: not evaluated: ${terminalSafe(p.reason)}\n`);
  }
  const { store, report } = await load(positionals, err);
  const detections = await detect(store, ruleSet.rules);
  const hits = hitsOf(store, detections, opts.data['min-level']);
  if (values.summary) await writeDetectionSummary(summarize(store, hits), opts.data.format, out);
  else await writeHits(store, hits, opts.data.format, out);
  return report.errors.length > 0 ? 1 : 0;
}

const HIT_FIELDS = ['time', 'level', 'rule', 'principal', 'action', 'sourceIp', 'eventId', 'ruleId', 'author', 'link'] as const;

function hitCells(h: Hit): Record<(typeof HIT_FIELDS)[number], string> {
  return { time: h.time, level: h.level, rule: h.rule.title, principal: h.principal, action: h.action, sourceIp: h.sourceIp, eventId: h.eventId, ruleId: h.rule.id, author: h.rule.author, link: h.rule.link };
}

async function writeHits(store: EventStore, hits: readonly Hit[], format: 'jsonl' | 'csv' | 'table', out: OutputWriter): Promise<void> {
  if (format === 'jsonl') {
    const raws = store.rawBytesOf(Uint32Array.from(hits, (h) => h.row));
    hits.forEach((h, i) => {
      const { rule } = h;
      const head = {
        time: h.time,
        level: h.level,
        rule: { id: rule.id, title: rule.title, level: rule.level, author: rule.author, link: rule.link, ...(rule.overrideNote ? { override: rule.overrideNote } : {}) },
        principal: h.principal,
        action: h.action,
        sourceIp: h.sourceIp,
        eventId: h.eventId,
      };
      // The event goes in as the bytes it arrived in (layout dropped), not re-serialized.
      const raw = Buffer.from(compactJson(raws[i])).toString('utf8');
      out.write(`${JSON.stringify(head).slice(0, -1)},"event":${raw}}\n`);
    });
    return;
  }
  const rows = hits.map(hitCells);
  if (format === 'csv') {
    out.write(HIT_FIELDS.join(',') + '\r\n');
    for (const r of rows) out.write(HIT_FIELDS.map((f) => csvCell(r[f])).join(',') + '\r\n');
    return;
  }
  const cols = HIT_FIELDS.filter((f) => f !== 'ruleId');
  const cells = rows.map((r) => cols.map((f) => terminalSafe(r[f])));
  // The link is never clipped: it is how a reader gets to the rule (DRL 1.1).
  const max = (i: number) => (cols[i] === 'link' ? Infinity : 60);
  const widths = cols.map((f, i) => Math.max(f.length, ...cells.map((c) => Math.min(max(i), c[i].length))));
  const line = (c: string[]) => c.map((x, i) => (x.length > max(i) ? x.slice(0, 59) + '…' : x).padEnd(widths[i])).join('  ').trimEnd() + '\n';
  out.write(line([...cols]));
  out.write(line(widths.map((w) => '-'.repeat(w))));
  for (const c of cells) out.write(line(c));
}

async function writeDetectionSummary(s: DetectionSummary, format: 'jsonl' | 'csv' | 'table', out: OutputWriter): Promise<void> {
  if (format === 'jsonl') {
    out.write(JSON.stringify(s) + '\n');
    return;
  }
  if (format === 'csv') {
    out.write('kind,key,level,author,link,count\r\n');
    const row = (cells: Array<string | number>) => out.write(cells.map((c) => csvCell(String(c))).join(',') + '\r\n');
    row(['events', '', '', '', '', s.events]);
    row(['eventsWithHits', '', '', '', '', s.eventsWithHits]);
    row(['hits', '', '', '', '', s.hits]);
    for (const l of LEVELS) row(['level', l, l, '', '', s.byLevel[l]]);
    for (const r of s.byRule) row(['rule', r.title, r.level, r.author, r.link, r.hits]);
    for (const d of s.busiestDays) row(['day', d.day, '', '', '', d.hits]);
    return;
  }
  const pct = (s.share * 100).toFixed(s.share > 0 && s.share < 0.001 ? 4 : 2);
  let text = `${s.hits} hits on ${s.eventsWithHits} of ${s.events} events (${pct}%)\n\nBy level:\n`;
  for (const l of [...LEVELS].reverse()) text += `  ${l.padEnd(13)} ${s.byLevel[l]}\n`;
  text += '\nBy rule:\n';
  for (const r of s.byRule) text += `  ${String(r.hits).padStart(7)}  ${r.level.padEnd(13)} ${terminalSafe(r.title)} (by ${terminalSafe(r.author)}) ${terminalSafe(r.link)}\n`;
  text += '\nBusiest days:\n';
  for (const d of s.busiestDays) text += `  ${d.day}  ${d.hits}\n`;
  out.write(text);
}

const VALUE_OPTIONS = new Set(['--filter', '-f', '--format', '--fields', '--sort', '--limit']);

const SummaryArgs = z.object({
  by: z.string({ error: '--by FIELD is required: the field to group by (principal, sourceIp, accessKey, account, origin, …)' }).min(1, { error: '--by takes a field name' }),
  format: z.enum(['jsonl', 'csv', 'table'], { error: (i) => `--format must be jsonl, csv or table, not '${String(i.input)}'` }).default('jsonl'),
  top: wholeNumber('--top').optional().transform((n) => n ?? Infinity),
  values: wholeNumber('--values').optional().transform((n) => n ?? 5),
});

function wholeNumber(flag: string) {
  return z
    .string()
    .regex(/^\d+$/, { error: (i) => `${flag} takes a whole number, not '${String(i.input)}'` })
    .transform(Number);
}

async function summary(args: string[], out: OutputWriter, err: OutputWriter): Promise<number> {
  const { positionals, values } = parseArgs({
    args: joinOptionValues(args, new Set([...VALUE_OPTIONS, '--by', '--top', '--values'])),
    allowPositionals: true,
    options: {
      by: { type: 'string' },
      filter: { type: 'string', short: 'f', default: '' },
      format: { type: 'string', default: 'jsonl' },
      top: { type: 'string' },
      values: { type: 'string' },
    },
  });
  const opts = SummaryArgs.safeParse(values);
  if (!opts.success) throw new UsageError(opts.error.issues.map((i) => i.message).join('; '));
  if (resolveField(opts.data.by) === 'time') throw new UsageError('--by time: every event has its own; group by a field such as principal, sourceIp or accessKey');
  const node = parseFilter(values.filter ?? '');
  const { store, report } = await load(positionals, err);
  const grouped = new Summary(store, store.query(node).order, opts.data.by);
  await writeSummary(opts.data.format, grouped, { limit: opts.data.top, top: opts.data.values }, out);
  return report.errors.length > 0 ? 1 : 0;
}

/**
 * `--sort -time` and `--filter -eventName:x` are what people type, but node's parseArgs refuses an
 * option value that starts with '-'. Options that always take a value take the next word, whatever it is.
 */
export function joinOptionValues(args: readonly string[], valueOptions: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (valueOptions.has(a) && i + 1 < args.length) {
      out.push(`${a.startsWith('--') ? a : '--filter'}=${args[++i]}`);
    } else {
      out.push(a);
    }
  }
  return out;
}

/** The options every `fetch <provider>` takes; the providers' own flags come from their descriptors. */
const FETCH_OPTIONS = {
  endpoint: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  filter: { type: 'string', short: 'f', default: '' },
  format: { type: 'string', default: 'jsonl' },
  fields: { type: 'string' },
  sort: { type: 'string' },
  limit: { type: 'string' },
  'max-pages': { type: 'string' },
  verbose: { type: 'boolean', default: false },
} as const;

interface FetchValues {
  endpoint?: string;
  from?: string;
  to?: string;
  filter?: string;
  format?: string;
  fields?: string;
  sort?: string;
  limit?: string;
  'max-pages'?: string;
  verbose?: boolean;
}

function listOf(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

async function fetchLive(args: string[], out: OutputWriter, err: OutputWriter, providers: readonly ProviderDescriptor[]): Promise<number> {
  const flags = providerFlags(providers);
  const clash = flags.find((f) => f.name in FETCH_OPTIONS);
  // A descriptor's mistake, not the user's: its flag would shadow one every fetch takes.
  if (clash) throw new Error(`a provider declares --${clash.name}, which every fetch already takes`);
  // Every provider flag is parsed as repeatable, so a repeated single-valued one is refused, not silently the last.
  const flagOptions = Object.fromEntries(flags.map((f) => [f.name, { type: 'string', multiple: true } as const]));
  const parsed = parseArgs({
    args: joinOptionValues(args, new Set([...VALUE_OPTIONS, '--endpoint', '--from', '--to', '--max-pages', ...flags.map((f) => `--${f.name}`)])),
    allowPositionals: true,
    options: { ...flagOptions, ...FETCH_OPTIONS },
  });
  const values: FetchValues = parsed.values;
  const [providerId] = parsed.positionals;
  refuseEndpointCredentials(values.endpoint);
  const descriptor = providerId ? findDescriptor(providers, providerId) : undefined;
  if (!descriptor) throw new UsageError(`fetch needs a provider: ${providers.map((d) => d.id).join(', ')}`);
  const raw: Record<string, unknown> = parsed.values;
  const given = new Map(flags.map((f) => [f.name, listOf(raw[f.name])]));
  const fromFlags = flagsToAccount(descriptor, given);
  if (typeof fromFlags === 'string') throw new UsageError(fromFlags);
  const provider = createProviders([descriptor], values.verbose ? { log: (line) => err.write(`${terminalSafe(line)}\n`) } : {}).get(descriptor.id)?.provider;
  if (!provider) throw new UsageError(`fetch needs a provider: ${providers.map((d) => d.id).join(', ')}`);
  const output = outputOptions(values);
  const maxPages = values['max-pages'] === undefined ? undefined : Number(values['max-pages']);
  if (maxPages !== undefined && (!Number.isInteger(maxPages) || maxPages < 1)) throw new UsageError(`--max-pages takes a whole number, not '${values['max-pages']}'`);
  const now = Date.now();
  const time = (flag: string, v: string | undefined, end: boolean) => timeArg(flag, v, now, end);
  const from = time('--from', values.from, false) ?? now - 86_400_000;
  const to = time('--to', values.to, true) ?? now;
  const filterText = values.filter ?? '';
  const node = parseFilter(filterText, now);
  const { cli } = descriptor;
  const secret = cli.secret(process.env);
  if (!secret) throw new UsageError(`set ${cli.env.join(' and ')} in the environment: credentials are never taken from flags`);
  const { region, scope, params } = fromFlags;
  const account: AccountConfig = {
    id: 'cli',
    provider: descriptor.id,
    label: scope ?? (Object.values(params).join(',') || descriptor.displayName),
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
    ...(region ? { region } : {}),
    ...(scope ? { scope } : {}),
  };
  const set = new SourceSet(NODE_IO);
  // jsonl and csv in arrival order stream page by page (a failure later leaves the earlier pages
  // printed); a sort, a table or a count needs every page first.
  const streaming = (output.format === 'jsonl' || output.format === 'csv') && values.sort === undefined;
  let written = 0;
  let shown = 0;
  let writing: Promise<void> = Promise.resolve();
  const onProgress = () => {
    const start = shown;
    const end = set.store.size;
    shown = end;
    writing = writing.then(async () => {
      const page = set.store.query(node, { sort: { field: 'time', dir: 'asc' }, rows: { start, end } });
      const n = Math.min(page.count, output.limit - written);
      if (n <= 0 && (output.format !== 'csv' || written > 0 || start > 0)) return;
      if (output.format === 'jsonl') await writeJsonl(page.store, page.order, n, out);
      else await writeCsv(page, n, output.fields, out, start === 0);
      written += n;
    });
  };
  if (streaming) set.on('progress', onProgress);
  const live = await set.fetchLive(provider, account, secret, {
    filter: filterText,
    from,
    to,
    ...(maxPages ? { maxPages } : {}),
    ...(Object.keys(params).length ? { params } : {}),
  });
  err.write(`${descriptor.displayName}: ${live.pages} page${live.pages === 1 ? '' : 's'}, ${live.added} events; sent to the API: ${live.pushDown.sentToApi.join(', ') || 'nothing'}\n`);
  if (live.stoppedBy) err.write(`audit-log-explorer: stopped after ${live.pages} pages because ${terminalSafe(live.stoppedBy.message)}\n`);
  if (streaming) {
    set.off('progress', onProgress);
    if (shown === 0 && output.format === 'csv') onProgress(); // no page at all: still the header
    await writing;
  } else {
    await writeResult(set.store.query(node, { sort: output.sort }), output, out);
  }
  return live.stoppedBy ? 1 : 0;
}

/** The AWS credentials the CLI uses: the environment as the AWS CLI reads it, else the SDK's default chain. */
function awsAccount(values: { endpoint?: string; region?: string[]; account?: string }, label: string): { account: AccountConfig; secret: string } {
  const secret = awsCloudtrailDescriptor.cli.secret(process.env);
  if (!secret) throw new UsageError('no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  return {
    secret,
    account: {
      id: 'cli',
      provider: awsCloudtrailDescriptor.id,
      label,
      ...(values.endpoint ? { endpoint: values.endpoint } : {}),
      ...(values.region?.length ? { region: values.region.join(',') } : {}),
      ...(values.account ? { scope: values.account } : {}),
    },
  };
}

/** --from/--to: an ISO date or date-time or a relative time, as epoch ms (the end of it for --to). */
function timeArg(flag: string, v: string | undefined, now: number, end: boolean): number | undefined {
  if (v === undefined) return undefined;
  const t = parseTimeValue(v, now);
  if (!t) throw new UsageError(`${flag} takes a date, a date-time or a relative time like -24h, not '${v}'`);
  return end ? t.end : t.start;
}

/** The same, as the UTC day it falls on (trail bucket folders are days). */
function dayOf(flag: string, v: string | undefined, now: number, end: boolean): string | undefined {
  const t = timeArg(flag, v, now, end);
  return t === undefined ? undefined : new Date(end ? t - 1 : t).toISOString().slice(0, 10);
}

async function fetchS3(args: string[], out: OutputWriter, err: OutputWriter): Promise<number> {
  const { values } = parseArgs({
    args: joinOptionValues(args, new Set([...VALUE_OPTIONS, '--bucket', '--prefix', '--region', '--bucket-region', '--account', '--org', '--from', '--to', '--endpoint'])),
    options: {
      bucket: { type: 'string' },
      prefix: { type: 'string' },
      region: { type: 'string', multiple: true },
      'bucket-region': { type: 'string' },
      account: { type: 'string' },
      org: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      endpoint: { type: 'string' },
      filter: { type: 'string', short: 'f', default: '' },
      format: { type: 'string', default: 'jsonl' },
      fields: { type: 'string' },
      sort: { type: 'string', default: 'time' },
      limit: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  if (!values.bucket) throw new UsageError('fetch s3 needs --bucket');
  refuseEndpointCredentials(values.endpoint);
  if (!values.region?.length) throw new UsageError('fetch s3 needs --region (the trail regions to read; repeatable)');
  const now = Date.now();
  const from = dayOf('--from', values.from, now, false);
  if (!from) throw new UsageError('fetch s3 needs --from (a day, e.g. 2026-11-01, or -7d)');
  const to = dayOf('--to', values.to, now, true) ?? new Date(now).toISOString().slice(0, 10);
  const output = outputOptions(values);
  const node = parseFilter(values.filter ?? '', now);
  const { account, secret } = awsAccount({ endpoint: values.endpoint, region: values.region }, values.bucket);
  const log = values.verbose ? (line: string) => err.write(`${terminalSafe(line)}\n`) : undefined;
  const session = openS3Session(account, secret, { region: values['bucket-region'] ?? values.region[0], log });
  const location = { bucket: values.bucket, ...(values.prefix ? { prefix: values.prefix } : {}), ...(values['bucket-region'] ? { bucketRegion: values['bucket-region'] } : {}) };
  const set = new SourceSet(NODE_IO);
  let failed = false;
  try {
    // Without --account: every account the bucket holds logs for (under the org, if given).
    let accounts: string[] = values.account ? [values.account] : [];
    if (accounts.length === 0) {
      const level = await listLevel(session, location, values.org ? [values.org] : []);
      accounts = level.filter((c) => c.kind === 'account').map((c) => c.name);
      if (accounts.length === 0) throw new UsageError(`no account folders under s3://${values.bucket}/${values.prefix ?? ''}AWSLogs/${values.org ? `${values.org}/` : ''}`);
    }
    for (const acct of accounts) {
      const report = await set.openS3(session, { ...location, ...(values.org ? { org: values.org } : {}), account: acct, regions: values.region, from, to }, `s3://${values.bucket} ${acct}`);
      err.write(`s3://${values.bucket} ${acct}: ${report.objects} objects, ${report.downloadedBytes} bytes, ${report.events} events, ${report.duplicates} duplicates, ${report.skipped.length} skipped\n`);
      for (const e of report.errors) err.write(`${terminalSafe(e.path)}: ${terminalSafe(e.message)}\n`);
      if (report.stoppedBy) err.write(`audit-log-explorer: stopped because ${terminalSafe(report.stoppedBy.message)}\n`);
      failed ||= report.errors.length > 0 || !!report.stoppedBy;
    }
  } catch (e) {
    if (isApiError(e)) {
      err.write(`audit-log-explorer: ${terminalSafe(e.message)}\n`);
      failed = true;
    } else throw e;
  } finally {
    session.close();
  }
  await writeResult(set.store.query(node, { sort: output.sort }), output, out);
  return failed ? 1 : 0;
}

async function athena(args: string[], out: OutputWriter, err: OutputWriter): Promise<number> {
  const { values } = parseArgs({
    args: joinOptionValues(args, new Set([...VALUE_OPTIONS, '--sql', '--database', '--table', '--region', '--workgroup', '--output', '--from', '--to', '--endpoint'])),
    options: {
      sql: { type: 'string' },
      database: { type: 'string' },
      table: { type: 'string', default: 'cloudtrail_logs' },
      region: { type: 'string', multiple: true },
      workgroup: { type: 'string' },
      output: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      endpoint: { type: 'string' },
      filter: { type: 'string', short: 'f' },
      format: { type: 'string', default: 'jsonl' },
      fields: { type: 'string' },
      sort: { type: 'string', default: 'time' },
      limit: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  if ((values.sql === undefined) === (values.filter === undefined)) throw new UsageError('athena needs --sql SQL or --filter EXPR (one of them)');
  if (!values.database) throw new UsageError('athena needs --database (where the CloudTrail table is)');
  refuseEndpointCredentials(values.endpoint);
  if (!values.region?.length) throw new UsageError('athena needs --region');
  const now = Date.now();
  const time = (flag: string, v: string | undefined, end: boolean) => timeArg(flag, v, now, end);
  const output = outputOptions({ ...values, limit: undefined });
  const limit = values.limit === undefined ? 10_000 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit takes a whole number, not '${values.limit}'`);
  const node = parseFilter(values.filter ?? '', now);
  const { account, secret } = awsAccount({ endpoint: values.endpoint, region: values.region }, 'athena');
  const log = values.verbose ? (line: string) => err.write(`${terminalSafe(line)}\n`) : undefined;
  const client = createAthena({ log });
  const target = { database: values.database, region: values.region[0], ...(values.workgroup ? { workgroup: values.workgroup } : {}), ...(values.output ? { outputLocation: values.output } : {}) };
  const store = new EventStore();
  const sink = { onBatch: (b: Parameters<typeof store.appendBatch>[0]) => void store.appendBatch(b) };
  let report: AthenaReport;
  if (values.sql !== undefined) {
    report = await client.runQuery(account, secret, { ...target, sql: values.sql }, sink);
  } else {
    const r = await client.runFilter(account, secret, { ...target, filter: values.filter ?? '', table: values.table, from: time('--from', values.from, false), to: time('--to', values.to, true), limit, now }, sink);
    if (r.translation) {
      err.write(`SQL: ${terminalSafe(r.translation.sql)}\n`);
      if (r.translation.untranslated.length) err.write(`applied here, not in SQL: ${terminalSafe(r.translation.untranslated.join('; '))}\n`);
    }
    report = r;
  }
  err.write(`Athena query ${report.queryExecutionId ?? '?'}: ${report.state ?? 'not started'}, ${report.events} events, ${report.dataScannedBytes ?? 0} bytes scanned\n`);
  if (report.stoppedBy) err.write(`audit-log-explorer: stopped because ${terminalSafe(report.stoppedBy.message)}\n`);
  await writeResult(store.query(node, { sort: output.sort }), { ...output, limit: values.limit === undefined ? Infinity : limit }, out);
  return report.stoppedBy ? 1 : 0;
}

/** `--endpoint http://user:pass@host/` would print the password in --verbose lines and messages. */
function refuseEndpointCredentials(endpoint: string | undefined): void {
  const problem = endpoint === undefined ? undefined : endpointCredentialsProblem(endpoint, 'env');
  if (problem) throw new UsageError(`--endpoint: ${problem}`);
}

/** A filter that did not parse: main() prints it with a caret under the token, exit 2. */
class BadFilter extends Error {
  constructor(
    readonly text: string,
    readonly error: QueryError,
  ) {
    super(error.message);
  }
}

function parseFilter(text: string, now?: number): QueryNode {
  try {
    return parseQuery(text, now);
  } catch (e) {
    if (e instanceof QueryError) throw new BadFilter(text, e);
    throw e;
  }
}

interface OutputOptions {
  format: 'jsonl' | 'csv' | 'table' | 'count';
  limit: number;
  fields: string[];
  sort: SortSpec;
}

/** --format, --limit, --fields and --sort, shared by query and fetch. */
function outputOptions(values: { format?: string; limit?: string; fields?: string; sort?: string }): OutputOptions {
  const opts = QueryOptions.safeParse(values);
  if (!opts.success) throw new UsageError(opts.error.issues.map((i) => i.message).join('; '));
  const fields = values.fields ? values.fields.split(',').map((f) => f.trim()).filter(Boolean) : DEFAULT_FIELDS;
  return { ...opts.data, fields, sort: parseSort(values.sort ?? 'time') };
}

async function writeResult(view: ResultView, o: OutputOptions, out: OutputWriter): Promise<void> {
  const n = Math.min(view.count, o.limit);
  if (o.format === 'count') out.write(`${view.count}\n`);
  else if (o.format === 'jsonl') await writeJsonl(view.store, view.order, n, out);
  else if (o.format === 'csv') await writeCsv(view, n, o.fields, out);
  else await writeTable(view, n, o.fields, out);
}

function parseSort(text: string): SortSpec {
  const m = /^(-)?([^:]+)(?::(asc|desc))?$/.exec(text.trim());
  if (!m) throw new UsageError(`--sort takes a field, optionally with '-' in front for descending, not '${text}'`);
  return { field: m[2], dir: m[1] || m[3] === 'desc' ? 'desc' : 'asc' };
}

if (require.main === module) {
  // The SDK's notice that future versions need Node 22 is about our dependency, not the user's
  // data; on stderr it would read like a problem with the fetch. Whoever wants it sets the variable.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`audit-log-explorer: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
