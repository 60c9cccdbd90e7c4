/**
 * The Sources view's welcome text. VS Code reads it from package.json before the extension runs,
 * so it cannot be computed at run time: scripts/manifest.ts writes it from the descriptors, and a
 * unit test (test/unit/manifest.test.ts) fails when package.json says something else.
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

interface ManifestWithWelcome {
  contributes?: { viewsWelcome?: Array<{ view: string; contents: string }> };
}

/** The manifest with the Sources view's welcome text replaced; everything else as it was. */
export function withSourcesWelcome<T extends ManifestWithWelcome>(manifest: T, providers: readonly ProviderDescriptor[]): T {
  const welcome = manifest.contributes?.viewsWelcome ?? [];
  const contents = sourcesWelcome(providers);
  const has = welcome.some((w) => w.view === SOURCES_VIEW);
  const next = has ? welcome.map((w) => (w.view === SOURCES_VIEW ? { ...w, contents } : w)) : [{ view: SOURCES_VIEW, contents }, ...welcome];
  return { ...manifest, contributes: { ...manifest.contributes, viewsWelcome: next } };
}
