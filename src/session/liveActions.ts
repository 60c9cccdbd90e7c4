/**
 * What a panel asks an API about one event or one query after the fetch: more of an event for the
 * detail pane, and the provider's actions (tag an event, save a query), each confirmed first.
 */
import * as l10n from '@vscode/l10n';
import { parseQuery } from '../core/query';
import type { LiveQuery } from '../providers/provider';
import type { DetailExpandResult, DetailResult, LiveActionParams } from '../protocol';
import { abortWith } from './abortLink';
import { apiMessage, sectionText } from './liveDtos';
import type { ApiSource } from './liveSources';
import type { LiveFetcher } from './liveFetcher';
import type { SessionHost } from './ports';
import type { SourceSet } from './sourceSet';

export class LiveActions {
  constructor(
    private readonly host: Pick<SessionHost, 'log' | 'ui'>,
    private readonly sources: SourceSet,
    private readonly live: LiveFetcher,
    /** Cancels what the session still asks the APIs (the panel closed). */
    private readonly apiCalls: AbortSignal,
  ) {}

  /** The detail pane's live part for a row: whether the API can say more, and the event's actions. */
  detailOf(row: number): Pick<DetailResult, 'live'> {
    const live = this.live.apiSourceOf(row);
    const actions = live?.provider.eventActions ?? [];
    return live && (live.provider.expandEvent || actions.length > 0)
      ? { live: { expandable: live.provider.expandEvent !== undefined, actions: actions.map((a) => ({ id: a.id, title: a.title })) } }
      : {};
  }

  /** Asks the event's API for more of it; its failures come back as text for the detail pane. */
  async expand(row: number): Promise<DetailExpandResult> {
    const live = this.live.apiSourceOf(row);
    if (!live?.provider.expandEvent) return { row, error: l10n.t('This event did not come from an API that can say more about it.') };
    const event = this.eventAt(row);
    try {
      const sections = await live.provider.expandEvent(live.account, live.secret, event, this.apiCalls);
      return { row, sections: sections.slice(0, 50).map((s) => ({ title: s.title.slice(0, 200), text: sectionText(s.json) })) };
    } catch (e) {
      const message = apiMessage(e, [live.secret]);
      this.host.log.warn(`${live.provider.displayName} "${live.account.label}": could not load more of event ${event.id.slice(0, 200)}: ${message}`);
      return { row, error: message };
    }
  }

  async runEventAction(row: number, actionId: string): Promise<void> {
    const live = this.live.apiSourceOf(row);
    const action = live?.provider.eventActions?.find((a) => a.id === actionId);
    if (!live || !action) {
      this.host.log.warn(`the events panel asked for an action this event does not have: ${actionId.slice(0, 60)}`);
      return;
    }
    const event = this.eventAt(row);
    await this.confirmAndRun(live, action, (input, signal) => action.run(live.account, live.secret, event, input, signal));
  }

  async runQueryAction(p: LiveActionParams): Promise<void> {
    const live = this.live.apiSource(p.sourcePath);
    const action = live?.provider.queryActions?.find((a) => a.id === p.actionId);
    if (!live || !action) {
      this.host.log.warn(`the events panel asked for a query action this source does not have: ${p.actionId.slice(0, 60)}`);
      return;
    }
    try {
      parseQuery(p.filter);
    } catch (e) {
      this.host.ui.error(l10n.t('Audit Logs: fix the filter first ({0}).', e instanceof Error ? e.message : String(e)));
      return;
    }
    const query: LiveQuery = { ...live.query, filter: p.filter };
    await this.confirmAndRun(live, action, (input, signal) => action.run(live.account, live.secret, query, input, signal));
  }

  private eventAt(row: number): { id: string; raw: unknown } {
    return { id: this.sources.store.idOf(row), raw: this.sources.store.raw(row) };
  }

  /**
   * A change to something in the API: the optional one line of input, then a modal confirmation
   * naming what will happen. Nothing runs without that confirmation, since the webview that asked
   * renders attacker-controlled data.
   */
  private async confirmAndRun(
    live: ApiSource,
    action: { title: string; input?: { prompt: string; placeholder?: string }; confirm: string },
    run: (input: string, signal: AbortSignal) => Promise<string>,
  ): Promise<void> {
    const { ui, log } = this.host;
    const label = action.title.replace(/(…|\.\.\.)$/, '').trim();
    let input = '';
    if (action.input) {
      const typed = await ui.askInput({ title: `${label} (${live.account.label})`, prompt: action.input.prompt, ...(action.input.placeholder !== undefined ? { placeholder: action.input.placeholder } : {}) });
      if (typed === undefined) return;
      input = typed;
    }
    // split/join, not replace(): `$&` and the like in what was typed stay as typed.
    const question = action.confirm.split('{input}').join(input);
    if (!(await ui.confirm({ message: question, detail: `${live.provider.displayName}: ${live.account.label}`, button: label }))) return;
    try {
      const message = await ui.progress(`${label} (${live.account.label})`, (_report, cancel) => {
        const { abort, unlink } = abortWith(this.apiCalls);
        cancel.addEventListener('abort', () => abort.abort(), { once: true });
        return run(input, abort.signal).finally(unlink);
      });
      log.info(`${live.provider.displayName} "${live.account.label}": ${label}: ${message}`);
      ui.info(l10n.t('Audit Logs: {0}', message));
    } catch (e) {
      const message = apiMessage(e, [live.secret]);
      log.warn(`${live.provider.displayName} "${live.account.label}": ${label} failed: ${message}`);
      ui.error(l10n.t('Audit Logs: {0} failed: {1}', label, message));
    }
  }
}
