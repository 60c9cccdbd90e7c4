/**
 * Performance marks of the panel's start and of a load's end (`ale:*` from the webview, `host:*`
 * from the extension host's DidTimeNotification, the host's epoch time in `detail.at`). DevTools'
 * Performance panel shows them; `npm run bench -- --panel` reads them to say where the time goes.
 */
const seen = new Set<string>();

/** Marks `name` now, the first time `key` (default: the name) is seen; later calls are free. */
export function markOnce(name: string, detail?: Record<string, number>, key = name): void {
  if (seen.has(key)) return;
  seen.add(key);
  try {
    performance.mark(name, detail === undefined ? undefined : { detail });
  } catch {
    // a page without the User Timing API: nothing to mark
  }
}

/** Whether markOnce() has marked `key`. */
export function marked(key: string): boolean {
  return seen.has(key);
}
