/**
 * Sigma's levels, least severe first: the order `level:>=high` compares in. The one list the engine,
 * the CLI, the panel protocol and the webview use; it imports nothing, so the protocol module (which
 * both bundles import) may take it from here (eslint.config.mjs allows exactly this file).
 */
export const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type SigmaLevel = (typeof LEVELS)[number];

export function levelRank(level: SigmaLevel): number {
  return LEVELS.indexOf(level);
}
