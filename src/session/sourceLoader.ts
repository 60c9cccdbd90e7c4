/**
 * Loading files, folders and trail buckets into a panel: each load under a cancellable progress
 * line counting files (and bytes), its problems in the log and one message saying how it went.
 */
import * as l10n from '@vscode/l10n';
import type { S3LoadReport, S3Selection, S3TrailSession } from '../providers/s3Trail/index';
import type { LoadState } from '../protocol';
import { baseName, fmt, mb } from './display';
import type { ProgressStep, SessionHost } from './ports';
import type { SourceSet } from './sourceSet';
import type { TickProgress } from './tickProgress';

export class SourceLoader {
  constructor(
    private readonly host: Pick<SessionHost, 'log' | 'ui'>,
    private readonly sources: SourceSet,
    private readonly ticks: TickProgress,
    /** The panel's files and folders, which this adds to. */
    private readonly paths: string[],
    private readonly retitle: () => void,
  ) {}

  /** Adds files or folders (normalised by the host): one timeline with what is already here. */
  async addPaths(paths: readonly string[]): Promise<void> {
    const added = paths.filter((p) => !this.paths.includes(p));
    if (added.length === 0) return;
    this.paths.push(...new Set(added));
    this.retitle();
    await this.load([...new Set(added)]);
  }

  /** Reads the panel's paths (or some of them) with a cancellable progress line counting files. */
  async load(paths: readonly string[] = this.paths): Promise<void> {
    const { log, ui } = this.host;
    await this.withProgress(
      paths.length === 1 ? l10n.t('Reading {0}', baseName(paths[0]!)) : l10n.t('Reading {0} sources', paths.length),
      (s, last) => {
        const pct = s.filesTotal > 0 ? (100 * s.files) / s.filesTotal : 0;
        return [{ increment: pct - last, message: l10n.t('{0} of {1} files', fmt(s.files), fmt(s.filesTotal)) }, pct];
      },
      async () => {
        const reports = await this.sources.openPaths(paths);
        const ms = this.sources.status.ms ?? 0;
        for (const r of reports) {
          log.info(`read ${r.files} files, ${r.events} events, ${r.duplicates} duplicates, ${r.skipped.length} skipped, ${r.errors.length} problems in ${ms} ms${r.cancelled ? ' (cancelled)' : ''}`);
          for (const e of r.errors) log.warn(`${e.path}${e.position ? `:${e.position.line}:${e.position.column}` : ''}: ${e.message}`);
        }
        const problems = reports.reduce((n, r) => n + r.errors.length, 0);
        if (problems > 0) {
          const message = problems === 1 ? l10n.t('Audit Logs: 1 problem while reading; everything readable was loaded.') : l10n.t('Audit Logs: {0} problems while reading; everything readable was loaded.', problems);
          ui.warn(message, { showProblems: true });
        }
      },
    );
  }

  /** Streams a trail bucket's objects in, counting files and bytes; per-object problems go to the log. */
  async loadS3(session: S3TrailSession, selection: S3Selection, label: string, concurrency?: number): Promise<S3LoadReport> {
    const { log, ui } = this.host;
    const report = await this.withProgress(
      l10n.t('Reading {0}', label),
      (st, last) => {
        const pct = st.bytesTotal ? (100 * (st.bytes ?? 0)) / st.bytesTotal : st.filesTotal ? (100 * st.files) / st.filesTotal : 0;
        const message = st.bytesTotal
          ? l10n.t('{0} of {1} files, {2} of {3}', fmt(st.files), fmt(st.filesTotal), mb(st.bytes ?? 0), mb(st.bytesTotal))
          : l10n.t('{0} of {1} files', fmt(st.files), fmt(st.filesTotal));
        return [{ increment: pct - last, message }, pct];
      },
      () => this.sources.openS3(session, selection, label, concurrency !== undefined ? { concurrency } : {}),
    );
    this.retitle();
    log.info(`${label}: ${report.objects} objects, ${report.downloadedBytes} bytes, ${report.events} events, ${report.duplicates} duplicates, ${report.skipped.length} skipped, ${report.errors.length} problems${report.cancelled ? ' (cancelled)' : ''}`);
    for (const e of report.errors) log.warn(`${e.path}: ${e.message}`);
    if (report.stoppedBy) {
      ui.warn(l10n.t('Audit Logs: stopped reading {0} because {1} The {2} events read are shown.', label, report.stoppedBy.message, fmt(report.events)));
    } else if (report.errors.length) {
      const n = report.errors.length;
      ui.warn(n === 1 ? l10n.t('Audit Logs: 1 object could not be read; everything else was loaded.') : l10n.t('Audit Logs: {0} objects could not be read; everything else was loaded.', n), { showProblems: true });
    }
    return report;
  }

  /**
   * Runs a load under the host's progress line: each ticker snapshot becomes a step (files only:
   * the event count is the panel's own, one count while loading), in percent since the last one.
   */
  private withProgress<T>(title: string, step: (s: LoadState, last: number) => [ProgressStep, number], run: () => Promise<T>): Promise<T> {
    let last = 0;
    return this.ticks.run(
      title,
      (s, report) => {
        const [shown, pct] = step(s, last);
        report(shown);
        last = pct;
      },
      run,
    );
  }
}
