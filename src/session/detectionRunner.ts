/**
 * Sigma detections for a panel: a run after every load or fetch finishes, under a cancellable
 * progress line, its result handed to the store's `rule` and `level` fields and summarised for the
 * Detections section. The engine is asynchronous and the store must not change while it runs, so a
 * run that finds the store changed (a load began meanwhile) is thrown away; that load's end starts
 * the next one. Queries never wait for a run: they see the last finished one.
 */
import { detectionsOf, setDetections } from '../core/sigma/detectionFields';
import type { Detections } from '../core/sigma/match';
import { levelRank, type CompiledRule } from '../core/sigma/types';
import type { EventStore } from '../core/store';
import { DETECTION_LEVELS, type DetectionRuleDto, type DetectionsSummary } from '../protocol';
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

/** Per level, per rule and per source: what the Detections section and the Sources tree show. */
export function summarizeDetections(store: EventStore, d: Detections, problems: number): DetectionsSummary {
  const byLevel = NO_LEVELS();
  const hits = new Map<CompiledRule, number>();
  const bySource: DetectionsSummary['bySource'] = {};
  const source = store.cellReader('source');
  for (const row of d.hitRows) {
    let top = -1;
    for (const rule of d.rulesOf(row)) {
      byLevel[rule.level]++;
      hits.set(rule, (hits.get(rule) ?? 0) + 1);
      top = Math.max(top, levelRank(rule.level));
    }
    if (top >= levelRank('high')) {
      const s = (bySource[String(source(row))] ??= { high: 0, critical: 0 });
      if (DETECTION_LEVELS[top] === 'critical') s.critical++;
      else s.high++;
    }
  }
  return {
    state: 'done',
    events: store.size,
    eventsWithHits: d.hitRows.length,
    byLevel,
    rules: [...hits]
      .map(([r, n]) => ({ ...ruleDto(r), hits: n }))
      .sort((a, b) => levelRank(b.level) - levelRank(a.level) || b.hits - a.hits || (a.title < b.title ? -1 : 1)),
    problems,
    bySource,
  };
}

export class DetectionRunner {
  private summary: DetectionsSummary;
  private run_: AbortController | undefined;
  private disposed = false;

  constructor(
    private readonly host: { ui: SessionUi; log: SessionLog },
    private readonly sources: SourceSet,
    private readonly detector: Detector | undefined,
    /** A run finished (or was reset): push the summary, rerun the query so filters and marks follow. */
    private readonly finished: (s: DetectionsSummary) => void,
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
    this.run_?.abort();
    this.sources.off('loaded', this.onLoaded);
  }

  /** Runs the rules over the events now loaded (a run under way is dropped for this one). */
  async run(): Promise<void> {
    if (!this.detector || this.disposed || this.sources.loading) return;
    this.run_?.abort();
    const mine = new AbortController();
    this.run_ = mine;
    const detector = this.detector;
    this.summary = { ...this.summary, state: 'running' };
    try {
      await this.host.ui.progress('Audit Logs: Sigma detections', async (report, cancel) => {
        cancel.addEventListener('abort', () => mine.abort());
        // What the load's end sent (the final state) reaches the panel first: VS Code sends it from
        // this same thread, and a run over a million events held it back by 0.5 s and more.
        await this.after();
        if (mine.signal.aborted || this.disposed) return;
        const { rules, problems } = await detector.rules();
        for (const p of problems) this.host.log.warn(`Sigma rule ${p.file}${p.id ? ` (${p.id})` : ''} not evaluated: ${p.reason}`);
        const store = this.sources.store;
        const version = store.version;
        report({ message: `${rules.length} rules over ${fmt(store.size)} events` });
        const d = await detector.detect(store, rules);
        // A load began, or another run replaced this one: this result describes events no longer shown.
        if (mine.signal.aborted || this.disposed || store !== this.sources.store || store.version !== version) return;
        setDetections(store, { rows: store.size, rulesOf: (row) => d.rulesOf(row) });
        this.summary = summarizeDetections(store, d, problems.length);
        this.finished(this.summary);
      });
    } catch (e) {
      // Said where the user looks, not only in the log: the grid still shows every event, unmarked.
      const why = `Sigma detections failed: ${e instanceof Error ? e.message : String(e)}`;
      this.host.log.warn(why);
      this.host.ui.warn(`${why.slice(0, 500)}. The events are shown without detections.`);
    } finally {
      if (this.run_ === mine) {
        this.run_ = undefined;
        if (this.summary.state === 'running') {
          this.summary = { ...this.summary, state: 'idle' };
          this.finished(this.summary);
        }
      }
    }
  }
}
