/**
 * The load ticker's snapshots as progress lines: a load of files or buckets and a live fetch each
 * run under the host's progress line, which follows the ticker while that one run lasts.
 */
import type { LoadState } from '../protocol';
import type { ProgressStep, SessionUi } from './ports';
import type { SourceSet } from './sourceSet';

export class TickProgress {
  private readonly listeners = new Set<(s: LoadState) => void>();

  constructor(
    private readonly ui: SessionUi,
    private readonly sources: SourceSet,
  ) {}

  /** A snapshot from the ticker, passed to the progress lines under way. */
  tick(s: LoadState): void {
    for (const l of this.listeners) l(s);
  }

  /** Runs `run` under a progress line titled `title`; each snapshot becomes a step; cancelling cancels the load. */
  run<T>(title: string, onTick: (s: LoadState, report: (step: ProgressStep) => void) => void, run: () => Promise<T>): Promise<T> {
    return this.ui.progress(title, async (report, cancel) => {
      cancel.addEventListener('abort', () => this.sources.cancel(), { once: true });
      const listener = (s: LoadState) => onTick(s, report);
      this.listeners.add(listener);
      try {
        return await run();
      } finally {
        this.listeners.delete(listener);
      }
    });
  }
}
