/**
 * Sigma detections for a panel: a run after every load or fetch finishes, under a cancellable
 * progress line, its result handed to the store's `rule` and `level` fields and summarised for the
 * Detections section. A rule looks at one event at a time and the store only ever grows, so a run
 * evaluates only the rows added since the last one and merges its hits with what was found before;
 * every row is evaluated again only when the rules change (the settings) or the store is rebuilt
 * (a live source fetched again). The engine gives the event loop back between slices of work, so
 * queries are answered while a run goes on (they see the last finished run); Cancel stops a run
 * between slices, the events stay and the summary says it was cancelled.
 */
import * as l10n from '@vscode/l10n';
import { detectionsOf, setDetections } from '../core/sigma/detectionFields';
import { DetectionCancelled, mergeDetections, type Detections } from '../core/sigma/detections';
import { LEVELS, levelRank, type CompiledRule } from '../core/sigma/types';
import type { EventStore } from '../core/store';
import type { DetectionRuleDto, DetectionsSummary } from '../protocol';
import { fmt } from './display';
import type { Detector } from './io';
import type { SessionLog, SessionUi } from './ports';
import type { SourceSet } from './sourceSet';

const NO_LEVELS = (): DetectionsSummary['byLevel'] => ({ informational: 0, low: 0, medium: 0, high: 0, critical: 0 });

export function ruleDto(r: CompiledRule): DetectionRuleDto {
  return {
    id: r.id,
    title: r.title,
    level: r.level,
    author: r.author,
    link: r.link,
    description: r.description,
    references: [...r.references],
    falsePositives: [...r.falsePositives],
    ...(r.overrideNote ? { overrideNote: r.overrideNote } : {}),
  };
}

/**
 * Per level, per rule and per source: what the Detections section and the Sources tree show.
 * `events`: how many rows the hits cover; `sourceOf` names the source (its id) a row came from.
 */
export function summarizeDetections(d: Detections, at: { events: number; problems: number; sourceOf: (row: number) => string | undefined }): DetectionsSummary {
  const { problems, sourceOf } = at;
  const byLevel = NO_LEVELS();
  const hits = new Map<CompiledRule, number>();
  const bySource: DetectionsSummary['bySource'] = {};
  for (const row of d.hitRows) {
    let top = -1;
    for (const rule of d.rulesOf(row)) {
      byLevel[rule.level]++;
      hits.set(rule, (hits.get(rule) ?? 0) + 1);
      top = Math.max(top, levelRank(rule.level));
    }
    const id = top >= levelRank('high') ? sourceOf(row) : undefined;
    if (id !== undefined) {
      const s = (bySource[id] ??= { high: 0, critical: 0 });
      if (LEVELS[top] === 'critical') s.critical++;
      else s.high++;
    }
  }
  return {
    state: 'done',
    events: at.events,
    eventsWithHits: d.hitRows.length,
    byLevel,
    rules: [...hits]
      .map(([r, n]) => ({ ...ruleDto(r), hits: n }))
      .sort((a, b) => levelRank(b.level) - levelRank(a.level) || b.hits - a.hits || (a.title < b.title ? -1 : 1)),
    problems,
    bySource,
  };
}

/** What the last finished run covered: its store, its rules, and the rows [0, covered) it evaluated. */
interface Covered {
  store: EventStore;
  rules: readonly CompiledRule[];
  covered: number;
  d: Detections;
}

export class DetectionRunner {
  private summary: DetectionsSummary;
  private last: Covered | undefined;
  /** The pass under way: aborted by the user's Cancel, or superseded when the rules change. */
  private pass: { ctl: AbortController; cancelledByUser: boolean } | undefined;
  /** The loop of passes under way (one at a time); `again` asks it for one more pass. */
  private loop: Promise<void> = Promise.resolve();
  private looping = false;
  private again = false;
  /** Bumped by rerun(): a pass that began before it must not be merged with (its rules are old). */
  private generation = 0;
  private disposed = false;

  constructor(
    private readonly host: { ui: SessionUi; log: SessionLog },
    private readonly sources: SourceSet,
    private readonly detector: Detector | undefined,
    /** A run finished (or was reset): push the summary, rerun the query so filters and marks follow. */
    private readonly finished: (s: DetectionsSummary) => void,
    /** The summary changed without new hits (a run began, or was cancelled): push it only. */
    private readonly changed: (s: DetectionsSummary) => void = finished,
    /** Settles when a run may start its work (the session: once the load's final state was delivered). */
    private readonly after: () => Promise<unknown> = () => Promise.resolve(),
  ) {
    this.summary = { state: detector ? 'idle' : 'unavailable', events: 0, eventsWithHits: 0, byLevel: NO_LEVELS(), rules: [], problems: 0, bySource: {} };
    sources.on('loaded', this.onLoaded);
  }

  private readonly onLoaded = (): void => {
    void this.run();
  };

  get current(): DetectionsSummary {
    return this.summary;
  }

  /** The rules the event at `row` matched in the last run, most severe first. */
  rulesOf(row: number): DetectionRuleDto[] {
    const d = detectionsOf(this.sources.store);
    if (!d || row >= d.rows) return [];
    return [...d.rulesOf(row)].sort((a, b) => levelRank(b.level) - levelRank(a.level)).map(ruleDto);
  }

  dispose(): void {
    this.disposed = true;
    this.pass?.ctl.abort();
    this.sources.off('loaded', this.onLoaded);
  }

  /**
   * Runs the rules over the events not evaluated yet (every event when the rules or the store
   * changed since the last run). A run under way finishes first and the next pass takes what was
   * added meanwhile. Resolves when no pass is left to do (or a load began: its end runs again).
   */
  run(): Promise<void> {
    if (!this.detector || this.disposed) return Promise.resolve();
    this.again = true;
    if (!this.looping) {
      this.looping = true;
      this.loop = this.passes();
    }
    return this.loop;
  }

  /** The rules changed (settings): the pass under way is dropped and every event is evaluated again. */
  rerun(): Promise<void> {
    this.last = undefined;
    this.generation++;
    this.pass?.ctl.abort();
    return this.run();
  }

  private async passes(): Promise<void> {
    try {
      while (this.again && !this.disposed && !this.sources.loading) {
        this.again = false;
        await this.onePass();
      }
    } finally {
      // In the same turn as the last check of `again`: a run() after it starts a loop of its own.
      this.looping = false;
    }
  }

  private async onePass(): Promise<void> {
    const detector = this.detector as Detector;
    const pass = { ctl: new AbortController(), cancelledByUser: false };
    const generation = this.generation;
    this.pass = pass;
    try {
      await this.host.ui.progress(l10n.t('Audit Logs: Sigma detections'), async (report, cancel) => {
        const onCancel = (): void => {
          pass.cancelledByUser = true;
          pass.ctl.abort();
        };
        if (cancel.aborted) onCancel();
        else cancel.addEventListener('abort', onCancel, { once: true });
        // What the load's end sent (the final state) reaches the panel first: VS Code sends it from
        // this same thread, and a run over a million events held it back by 0.5 s and more.
        await this.after();
        if (pass.ctl.signal.aborted || this.disposed) return;
        const { rules, problems } = await detector.rules();
        const store = this.sources.store;
        const end = store.size;
        const prev = this.last && this.last.store === store && this.last.rules === rules ? this.last : undefined;
        if (!prev) for (const p of problems) this.host.log.warn(`Sigma rule ${p.file}${p.id ? ` (${p.id})` : ''} not evaluated: ${p.reason}`);
        const from = prev?.covered ?? 0;
        if (prev && from >= end) return;
        this.summary = { ...this.summary, state: 'running', pending: end - from };
        this.changed(this.summary);
        const message = prev ? l10n.t('{0} rules over {1} new events', rules.length, fmt(end - from)) : l10n.t('{0} rules over {1} events', rules.length, fmt(end - from));
        report({ message });
        let shown = 0;
        const d = await detector.detect(store, rules, {
          rows: prev ? rowRange(from, end) : undefined,
          signal: pass.ctl.signal,
          onProgress: (done, total) => {
            const pct = Math.floor((100 * done) / Math.max(total, 1));
            if (pct > shown) {
              report({ increment: pct - shown, message });
              shown = pct;
            }
          },
        });
        // The store was rebuilt meanwhile (a live source fetched again): its own load runs again.
        // The rules changed meanwhile: the pass rerun() asked for evaluates everything with the new ones.
        if (this.disposed || store !== this.sources.store || generation !== this.generation) return;
        const merged = prev ? mergeDetections(prev.d, d) : d;
        this.last = { store, rules, covered: end, d: merged };
        setDetections(store, { rows: end, rulesOf: (row) => merged.rulesOf(row) });
        this.summary = summarizeDetections(merged, { events: end, problems: problems.length, sourceOf: (row) => this.sources.sourceAt(row)?.path });
        this.finished(this.summary);
      });
    } catch (e) {
      if (e instanceof DetectionCancelled) {
        if (pass.cancelledByUser) {
          // Said in the section: the events stay, with the hits of the runs before this one.
          this.again = false;
          const store = this.sources.store;
          const covered = this.last?.store === store ? this.last.covered : 0;
          this.summary = { ...this.summary, state: 'cancelled', pending: store.size - covered };
          this.changed(this.summary);
        }
        return;
      }
      // Said where the user looks, not only in the log: the grid still shows every event, unmarked.
      const why = `Sigma detections failed: ${e instanceof Error ? e.message : String(e)}`;
      this.host.log.warn(why);
      const reason = (e instanceof Error ? e.message : String(e)).slice(0, 470);
      this.host.ui.warn(l10n.t('Sigma detections failed: {0}. The events are shown without detections.', reason));
    } finally {
      if (this.pass === pass) this.pass = undefined;
      if (this.summary.state === 'running') {
        const { pending: _pending, ...rest } = this.summary;
        this.summary = { ...rest, state: this.last ? 'done' : 'idle' };
        this.finished(this.summary);
      }
    }
  }
}

function rowRange(from: number, end: number): Uint32Array {
  const rows = new Uint32Array(end - from);
  for (let i = 0; i < rows.length; i++) rows[i] = from + i;
  return rows;
}
