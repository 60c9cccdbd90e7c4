/** An abort that follows another: a call the session makes stops when the whole session's calls stop. */
export function abortWith(parent: AbortSignal): { abort: AbortController; unlink(): void } {
  const abort = new AbortController();
  const stop = () => abort.abort();
  parent.addEventListener('abort', stop, { once: true });
  return { abort, unlink: () => parent.removeEventListener('abort', stop) };
}
