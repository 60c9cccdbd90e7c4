/**
 * ae-summary: the current query's events grouped by a field, one row per value (issue 15: the
 * Principals view, and every facet's "show all"). Per row: events, first and last seen, error
 * rate, distinct actions, source IPs, regions, access keys and user agents with the most frequent
 * of each, and the notable actions (a burst, or first seen late; core/summary.ts says exactly
 * when). The host ranks the groups; this asks for them a page at a time and says how many there
 * are in all. Click a row: filter to its value; Alt+click: exclude it.
 *
 * With `auto` set (the view opened on its default field), a field without any value in the events
 * gives way to the next one of SUMMARY_FIELDS, and the view says so.
 *
 * Every value from the events is a text binding (shownText / shownTitle): never markup.
 */
import * as l10n from '@vscode/l10n';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import type { SummaryGroupDto, SummaryParams, SummaryResult } from '../../src/protocol';
import { LIMITS, SUMMARY_FACET_FIELDS, SUMMARY_FIELDS } from '../../src/protocol';
import { formatCount, formatTime } from '../format';
import { baseStyles, codicons, columnLabel, emit, endMatters, icon, shownText, shownTitle } from './shared';

/** Groups asked for at a time. */
const PAGE = 100;

// Functions, not constants: looked up in the page's translations when rendered.
const LABELS = (): Record<string, string> => ({
  principal: l10n.t('Principal'),
  origin: l10n.t('Origin'),
  accessKey: l10n.t('Access key'),
});
const PLURALS = (): Record<(typeof SUMMARY_FACET_FIELDS)[number], string> => ({
  action: l10n.t('Actions'),
  sourceIp: l10n.t('Source IPs'),
  region: l10n.t('Regions'),
  accessKey: l10n.t('Access keys'),
  userAgent: l10n.t('User agents'),
});

export function summaryLabel(field: string): string {
  return LABELS()[field] ?? columnLabel(field);
}

export interface SummaryPickDetail {
  field: string;
  value: string;
  exclude: boolean;
}

interface Shown {
  field: string;
  distinct: number;
  events: number;
  missing: number;
  groups: SummaryGroupDto[];
}

export class AeSummary extends LitElement {
  static override properties = {
    field: { attribute: false },
    auto: { attribute: false },
    queryId: { attribute: false },
    version: { attribute: false },
    fetchSummary: { attribute: false },
    _shown: { state: true },
    _loading: { state: true },
    _error: { state: true },
    _fellBackFrom: { state: true },
  };

  /** The field asked for. */
  declare field: string;
  /** True when the field is the view's default, not one the user picked: an empty one gives way. */
  declare auto: boolean;
  declare queryId: number | undefined;
  declare version: number;
  declare fetchSummary: ((p: SummaryParams) => Promise<SummaryResult>) | undefined;
  declare _shown: Shown | undefined;
  declare _loading: boolean;
  declare _error: string | undefined;
  declare _fellBackFrom: string | undefined;

  /** Bumps with every new field or result: answers for an older one are dropped. */
  private gen = 0;

  constructor() {
    super();
    this.field = SUMMARY_FIELDS[0];
    this.auto = true;
    this.queryId = undefined;
    this.version = 0;
    this.fetchSummary = undefined;
    this._shown = undefined;
    this._loading = false;
    this._error = undefined;
    this._fellBackFrom = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('field') || changed.has('auto') || changed.has('queryId') || changed.has('version') || changed.has('fetchSummary')) this.restart();
  }

  private restart(): void {
    const gen = ++this.gen;
    this._error = undefined;
    void this.loadFirst(gen);
  }

  private async loadFirst(gen: number): Promise<void> {
    const fetch = this.fetchSummary;
    const queryId = this.queryId;
    if (!fetch || queryId === undefined) return;
    this._loading = true;
    const tried = new Set<string>();
    let field = this.field;
    let fellBackFrom: string | undefined;
    let first: { field: string; r: SummaryResult } | undefined;
    try {
      while (true) {
        tried.add(field);
        const r = await fetch({ queryId, field, offset: 0, limit: PAGE });
        if (gen !== this.gen) return;
        first ??= { field, r };
        if (r.distinct > 0 || !this.auto) {
          this.show(field, r, field === this.field ? undefined : fellBackFrom);
          return;
        }
        const next = SUMMARY_FIELDS.find((f) => !tried.has(f));
        if (!next) break;
        fellBackFrom ??= field;
        field = next;
      }
      // No field has a value: say so for the one asked for.
      this.show(first.field, first.r, undefined);
    } catch (e) {
      if (gen !== this.gen) return;
      this._error = e instanceof Error ? e.message : String(e);
      this._loading = false;
    }
  }

  private show(field: string, r: SummaryResult, fellBackFrom: string | undefined): void {
    this._shown = { field, distinct: r.distinct, events: r.events, missing: r.missing, groups: r.groups };
    this._fellBackFrom = fellBackFrom;
    this._loading = false;
  }

  private async more(): Promise<void> {
    const fetch = this.fetchSummary;
    const queryId = this.queryId;
    const shown = this._shown;
    if (!fetch || queryId === undefined || !shown || this._loading) return;
    const gen = this.gen;
    this._loading = true;
    try {
      const r = await fetch({ queryId, field: shown.field, offset: shown.groups.length, limit: PAGE });
      if (gen !== this.gen || this._shown !== shown) return;
      this._shown = { ...shown, distinct: r.distinct, groups: [...shown.groups, ...r.groups] };
    } catch (e) {
      if (gen !== this.gen) return;
      this._error = e instanceof Error ? e.message : String(e);
    }
    this._loading = false;
  }

  private pick(e: MouseEvent | KeyboardEvent, value: string): void {
    const field = this._shown?.field;
    if (field === undefined) return;
    emit<SummaryPickDetail>(this, 'ae-summary-pick', { field, value, exclude: e.altKey });
  }

  private choose(field: string): void {
    emit<string>(this, 'ae-summary-field', field);
  }

  static override styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        min-width: 0;
        overflow: hidden;
      }
      .bar {
        flex: none;
        display: flex;
        align-items: center;
        flex-wrap: wrap;
        gap: 4px 12px;
        padding: 4px 12px;
        font-size: 12px;
        border-bottom: 1px solid var(--vscode-panel-border, currentColor);
      }
      select {
        font: inherit;
        color: var(--vscode-dropdown-foreground, inherit);
        background: var(--vscode-dropdown-background, transparent);
        border: 1px solid var(--vscode-dropdown-border, currentColor);
        border-radius: 2px;
        padding: 1px 4px;
      }
      select:focus {
        outline: 1px solid var(--vscode-focusBorder, currentColor);
      }
      .counts {
        font-variant-numeric: tabular-nums;
      }
      .note {
        flex: none;
        padding: 4px 12px;
        font-size: 12px;
      }
      .scroll {
        flex: 1;
        min-height: 0;
        overflow: auto;
      }
      table {
        border-collapse: collapse;
        font-size: 12px;
        min-width: 100%;
      }
      th {
        position: sticky;
        top: 0;
        z-index: 1;
        text-align: left;
        font-weight: 600;
        white-space: nowrap;
        padding: 3px 8px;
        background: var(--vscode-editor-background, Canvas);
        border-bottom: 1px solid var(--vscode-panel-border, currentColor);
      }
      td {
        padding: 3px 8px;
        vertical-align: top;
        border-bottom: 1px solid var(--vscode-editorGroup-border, transparent);
      }
      tr.group {
        cursor: pointer;
      }
      tr.group:hover {
        background: var(--vscode-list-hoverBackground, transparent);
      }
      tr.group:focus-visible {
        outline: 1px solid var(--vscode-focusBorder, currentColor);
        outline-offset: -1px;
      }
      td.num {
        text-align: right;
        font-variant-numeric: tabular-nums;
        white-space: nowrap;
      }
      td.time {
        white-space: nowrap;
        font-variant-numeric: tabular-nums;
      }
      td.value {
        min-width: 180px;
        max-width: 360px;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      /* ARNs: the ellipsis at the start, so the role and session show. */
      td.value.tail {
        direction: rtl;
        text-align: left;
      }
      td.value.tail > .v {
        direction: ltr;
      }
      .vals {
        display: block;
        max-width: 260px;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .n {
        font-variant-numeric: tabular-nums;
      }
      .notable {
        display: inline-block;
        margin: 0 4px 2px 0;
        padding: 0 4px;
        border-radius: 3px;
        max-width: 260px;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        vertical-align: top;
        background: color-mix(in srgb, var(--vscode-editorWarning-foreground, currentColor) 14%, transparent);
      }
      .errors.some {
        color: var(--vscode-errorForeground, currentColor);
      }
      .more-row {
        display: flex;
        gap: 12px;
        align-items: center;
        padding: 6px 12px;
        font-size: 12px;
      }
      .empty {
        padding: 12px;
        font-size: 12px;
      }
    `,
  ];

  private renderFacet(g: SummaryGroupDto, f: (typeof SUMMARY_FACET_FIELDS)[number]) {
    const facet = g.facets[f];
    if (facet.distinct === 0) return html`<td class="facet" data-facet=${f}><span class="n muted">0</span></td>`;
    const title = facet.top.map((v) => `${shownTitle(v.value)} (${formatCount(v.count)})`).join('\n') + (facet.distinct > facet.top.length ? `\n… ${formatCount(facet.distinct - facet.top.length)} more` : '');
    return html`<td class="facet" data-facet=${f} title=${title}>
      <span class="n">${formatCount(facet.distinct)}</span>
      <span class="vals muted">${facet.top.map((v, i) => html`${i > 0 ? ', ' : ''}<span class="v">${shownText(v.value)}</span>`)}</span>
    </td>`;
  }

  private renderNotable(g: SummaryGroupDto) {
    if (g.notableCount === 0) return html`<td class="notables"></td>`;
    return html`<td class="notables">
      ${g.notable.map((n) => {
        const why = [n.burst ? l10n.t('a burst: all {0} between {1} and {2}', formatCount(n.count), formatTime(n.first), formatTime(n.last)) : '', n.new ? l10n.t('new: first seen {0}, late in the time span', formatTime(n.first)) : '']
          .filter(Boolean)
          .join('; ');
        return html`<span class="notable ${n.burst ? 'burst' : ''} ${n.new ? 'new' : ''}" title=${`${shownTitle(n.action)}: ${why}`}
          >${n.burst ? icon('pulse') : icon('sparkle')}<span class="v">${shownText(n.action)}</span> ×${formatCount(n.count)}</span
        >`;
      })}
      ${g.notableCount > g.notable.length ? html`<span class="muted">${l10n.t('+{0} more', formatCount(g.notableCount - g.notable.length))}</span>` : nothing}
    </td>`;
  }

  private renderRow(g: SummaryGroupDto) {
    const rate = g.errorRate;
    return html`<tr
      class="group"
      tabindex="0"
      title=${`${shownTitle(g.value)}\n${l10n.t('Click: filter to this value · Alt+click: exclude it')}`}
      @click=${(e: MouseEvent) => this.pick(e, g.value)}
      @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this.pick(e, g.value)}
    >
      <td class="value ${endMatters(this._shown?.field ?? this.field, g.value) ? 'tail' : ''}"><span class="v">${shownText(g.value)}</span></td>
      <td class="num events">${formatCount(g.events)}</td>
      <td class="time first">${formatTime(g.first)}</td>
      <td class="time last">${formatTime(g.last)}</td>
      <td class="num errors ${g.errors > 0 ? 'some' : ''}" title=${l10n.t('{0} of {1} events failed', formatCount(g.errors), formatCount(g.events))}>${(rate * 100).toFixed(rate > 0 && rate < 0.001 ? 2 : 1)}%</td>
      ${SUMMARY_FACET_FIELDS.map((f) => this.renderFacet(g, f))}
      ${this.renderNotable(g)}
    </tr>`;
  }

  override render() {
    const shown = this._shown;
    const field = shown?.field ?? this.field;
    const options = (SUMMARY_FIELDS as readonly string[]).includes(field) ? SUMMARY_FIELDS : [...SUMMARY_FIELDS, field];
    const label = summaryLabel(field);
    const left = shown ? Math.max(0, shown.distinct - shown.groups.length) : 0;
    return html`${codicons()}
      <div class="bar">
        <label
          >${l10n.t('Group by')}
          <select class="field-select" aria-label=${l10n.t('Group the events by')} @change=${(e: Event) => this.choose((e.target as HTMLSelectElement).value)}>
            ${options.map((f) => html`<option value=${f} ?selected=${f === field}>${summaryLabel(f)}</option>`)}
          </select></label
        >
        ${shown
          ? html`<span class="counts" data-field=${shown.field}
              >${formatCount(shown.distinct)} ${shown.distinct === 1 ? 'value' : 'values'} over ${formatCount(shown.events)} events${shown.missing > 0
                ? html`<span class="muted"> · ${l10n.t('{0} without {1}', formatCount(shown.missing), label)}</span>`
                : nothing}</span
            >`
          : nothing}
        ${this._loading ? html`<span class="muted">${icon('loading', 'codicon-modifier-spin')} ${l10n.t('Loading…')}</span>` : nothing}
      </div>
      ${this._fellBackFrom ? html`<div class="note muted">${l10n.t('No event here has a {0}: grouped by {1} instead.', summaryLabel(this._fellBackFrom), label)}</div>` : nothing}
      ${this._error ? html`<div class="note error" role="alert">${shownText(this._error)}</div>` : nothing}
      ${!shown
        ? html`<div class="empty muted">${this._loading ? l10n.t('Grouping the events…') : ''}</div>`
        : shown.groups.length === 0
          ? html`<div class="empty muted">${shown.events === 0 ? l10n.t('No events match the filter.') : l10n.t('None of these {0} events has a {1}.', formatCount(shown.events), label)}</div>`
          : html`<div class="scroll">
              <table aria-label=${l10n.t('Events grouped by {0}', label)}>
                <thead>
                  <tr>
                    <th>${label}</th>
                    <th>${l10n.t('Events')}</th>
                    <th>${l10n.t('First seen')}</th>
                    <th>${l10n.t('Last seen')}</th>
                    <th>${l10n.t('Errors')}</th>
                    ${SUMMARY_FACET_FIELDS.map((f) => html`<th>${PLURALS()[f]}</th>`)}
                    <th title=${l10n.t('Actions in a short burst, or first seen late in the time span')}>${l10n.t('Notable actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${shown.groups.map((g) => this.renderRow(g))}
                </tbody>
              </table>
              <div class="more-row muted">
                <span class="shown-count">${l10n.t('Showing {0} of {1}', formatCount(shown.groups.length), formatCount(shown.distinct))}</span>
                ${left > 0 && shown.groups.length + PAGE <= LIMITS.summaryOffset
                  ? html`<button class="link more" ?disabled=${this._loading} @click=${() => void this.more()}>${l10n.t('Show {0} more', formatCount(Math.min(PAGE, left)))}</button>`
                  : nothing}
              </div>
            </div>`}`;
  }
}

customElements.define('ae-summary', AeSummary);

declare global {
  interface HTMLElementTagNameMap {
    'ae-summary': AeSummary;
  }
}
