/**
 * What makes two opened sources "the same": a file or folder is the same whatever way its path was
 * written (trailing slash, `./`, `..`), so one folder never gets two panels, two Sources entries or
 * two Recent entries. Pure (no VS Code) so it is unit-tested. Paths are compared as written after
 * normalising, case included: the file systems this runs on for real are case-sensitive.
 */
import * as path from 'node:path';

/** `/logs/a/` and `/logs/./b/../a` → `/logs/a` (absolute, no trailing separator but the root's). */
export function normalizePath(p: string): string {
  return path.resolve(p);
}

/** The paths normalised, each once, in their first order. */
export function uniquePaths(paths: readonly string[]): string[] {
  return [...new Set(paths.map(normalizePath))];
}

/** One key per set of paths, whatever their order or spelling; undefined for none (live panels). */
export function pathSetKey(paths: readonly string[]): string | undefined {
  if (paths.length === 0) return undefined;
  return uniquePaths(paths).sort().join('\0');
}

/** A Recent entry's identity: files and folders by their normalised path, queries by what they ask. */
export function recentKey(item: { kind: string; path: string }): string {
  return item.kind === 'query' ? `query\0${item.path}` : `path\0${normalizePath(item.path)}`;
}

/** Keeps the first (newest) entry of each identity: older duplicates already in global state go. */
export function dedupeRecent<T extends { kind: string; path: string }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((x) => {
    const k = recentKey(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
