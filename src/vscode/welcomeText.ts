/**
 * The Sources view's welcome text. VS Code reads it from the manifest (package.json names it,
 * package.nls.json holds the English) before the extension runs, so it cannot be computed at run
 * time: scripts/manifest.ts writes it from the descriptors, and a unit test
 * (test/unit/manifest.test.ts) fails when package.nls.json says something else.
 */
import type { ProviderDescriptor } from '../providers/descriptor';

export const SOURCES_VIEW = 'auditLogs.sources';

export function sourcesWelcome(providers: readonly ProviderDescriptor[]): string {
  return [
    'Open CloudTrail log files or whole folders as S3 delivers them (.json, .json.gz, .jsonl, .csv).',
    '[Open CloudTrail Logs…](command:auditLogs.openFiles)',
    `Or query a live audit API (${providers.map((d) => d.displayName).join(', ')}).`,
    '[Add Account…](command:auditLogs.addAccount)',
    'New here? Browse a week of generated sample logs with an incident hidden in them.',
    '[Open Sample Logs](command:auditLogs.openSampleLogs)',
  ].join('\n');
}

/** Its key in package.nls.json (package.json's viewsWelcome says `%viewsWelcome.sources%`). */
export const SOURCES_WELCOME_KEY = 'viewsWelcome.sources';

/** package.nls.json's strings with the Sources view's welcome text replaced; every other string as it was. */
export function withSourcesWelcome(nls: Readonly<Record<string, string>>, providers: readonly ProviderDescriptor[]): Record<string, string> {
  return { ...nls, [SOURCES_WELCOME_KEY]: sourcesWelcome(providers) };
}
