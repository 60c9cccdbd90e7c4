/**
 * The CLI's `fetch <provider>` as the descriptors say it: the usage line, the help block, and the
 * provider flags turned into the account and query parameters. Pure functions over the list, so the
 * CLI's text and parsing follow the registry (and a test's longer list) with no edit.
 */
import type { CliFlag, ProviderDescriptor } from './descriptor';

const INDENT = ' '.repeat(37);

/** Flag names across the list, each once, in first-seen order; repeatable when any provider repeats it. */
export function providerFlags(list: readonly ProviderDescriptor[]): Array<Pick<CliFlag, 'name' | 'value' | 'multiple'>> {
  const out = new Map<string, Pick<CliFlag, 'name' | 'value' | 'multiple'>>();
  for (const f of list.flatMap((d) => d.cli.flags)) {
    const seen = out.get(f.name);
    out.set(f.name, { name: f.name, value: seen?.value ?? f.value, multiple: (seen?.multiple ?? false) || f.multiple === true });
  }
  return [...out.values()];
}

/** `audit-log-explorer fetch <a|b|c> [--endpoint URL] [--region R]... …`, wrapped like the rest of the usage. */
export function fetchUsage(list: readonly ProviderDescriptor[]): string {
  const words = [
    '[--endpoint URL]',
    ...providerFlags(list).map((f) => `[--${f.name} ${f.value}]${f.multiple ? '...' : ''}`),
    '[--from T]',
    '[--to T]',
    '[--filter EXPR]',
    '[--format jsonl|csv|table|count]',
    '[--max-pages N]',
    '[--verbose]',
  ];
  const lines: string[] = [];
  let line = `  audit-log-explorer fetch <${list.map((d) => d.id).join('|')}>`;
  for (const w of words) {
    if (line.length + 1 + w.length > 104) {
      lines.push(line);
      line = INDENT + w;
    } else {
      line += ` ${w}`;
    }
  }
  lines.push(line);
  return lines.join('\n');
}

/** One block per provider: its name, where its credentials come from, and its flags. */
export function fetchHelp(list: readonly ProviderDescriptor[]): string {
  const width = Math.max(12, ...list.map((d) => d.id.length)) + 2;
  return list
    .map((d) => {
      const pad = ' '.repeat(12 + width);
      const flagWidth = Math.max(0, ...d.cli.flags.map((f) => f.name.length + f.value.length + 3)) + 2;
      return [
        `            ${d.id.padEnd(width)}${d.displayName}`,
        `${pad}credentials: ${d.cli.credentialsHelp ?? d.cli.env.join(' and ')}`,
        ...d.cli.flags.map((f) => `${pad}${`--${f.name} ${f.value}`.padEnd(flagWidth)}${f.help}`),
      ].join('\n');
    })
    .join('\n');
}

export interface FlagAccount {
  region?: string;
  scope?: string;
  params: Record<string, string>;
}

/**
 * The provider flags given on the command line, checked against what this provider takes, as the
 * account's region and scope and the query's parameters. Returns the problem as text when a flag
 * belongs to another provider or a single-valued flag was repeated.
 */
export function flagsToAccount(d: ProviderDescriptor, given: ReadonlyMap<string, readonly string[]>): FlagAccount | string {
  const out: FlagAccount = { params: {} };
  for (const [name, values] of given) {
    if (values.length === 0) continue;
    const flag = d.cli.flags.find((f) => f.name === name);
    if (!flag) {
      const takes = d.cli.flags.map((f) => `--${f.name}`).join(', ');
      return `fetch ${d.id} does not take --${name}${takes ? ` (it takes ${takes})` : ''}`;
    }
    if (values.length > 1 && !flag.multiple) return `--${name} takes one value for ${d.id}`;
    const value = values.join(',');
    if (flag.to === 'region') out.region = value;
    else if (flag.to === 'scope') out.scope = value;
    else out.params[flag.to.param] = value;
  }
  return out;
}
