/**
 * ae-facets: top values per facet field with counts. Click adds `field:"value"` to the filter and
 * runs it; Alt+click adds `-field:"value"`. Values are text bindings; the empty value is "(none)".
 *
 * "Show all N in a table" opens the summary (ae-summary) grouped by the facet's field: every value
 * with its true distinct count, paged by the host.
 *
 * With a live source whose API counts for itself, each field also lists "In the API": the API's
 * counts over everything it holds for the query, which are not the fetched events' counts. They
 * are kept apart (own heading, own bar color, the API's note as caption) so the two never mix.
 */
import * as l10n from '@vscode/l10n';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { styleProps } from './style-props';
import type { FacetParams, FacetResult, FacetValue, ServerAggregateDto } from '../../src/protocol';
import { FACET_FIELDS, IP_DATA_ATTRIBUTION, IP_DATA_FIELDS, LIMITS } from '../../src/protocol';
import { formatCount } from '../format';
import { baseStyles, codicons, columnLabel, emit, endMatters, icon, shownText, shownTitle, withParts } from './shared';

/** Values "Show more" adds at a time. */
const MORE = 50;
/** The top values every query result carries. */
const TOP = 10;

/** A facet past its top 10: another order, a search, or more values, answered by the host page by page. */
interface FacetMore {
  order: 'desc' | 'asc';
  search: string;
  searchOpen: boolean;
  /** How many values were asked for (the list grows by pages). */
  want: number;
  values: FacetValue[];
  distinct?: number;
  matched?: number;
  loading: boolean;
  /** Bumps with every change of order or search: answers for an older one are dropped. */
  gen: number;
}

export interface FacetPickDetail {
  field: string;
  value: string;
  exclude: boolean;
}

export class AeFacets extends LitElement {
  static override properties = {
    facets: { attribute: false },
    distinct: { attribute: false },
    total: { type: Number },
    server: { attribute: false },
    queryId: { attribute: false },
    version: { attribute: false },
    fetchFacet: { attribute: false },
    _collapsed: { state: true },
    _more: { state: true },
  };

  declare facets: Record<string, FacetValue[]>;
  /** Distinct values per field over the matching events (QueryResult.facetDistinct). */
  declare distinct: Record<string, number>;
  declare total: number;
  declare server: ServerAggregateDto | undefined;
  declare queryId: number | undefined;
  /** Bumps with every result (new events for the same query too): pages already shown are asked again. */
  declare version: number;
  declare fetchFacet: ((p: FacetParams) => Promise<FacetResult>) | undefined;
  declare _collapsed: Set<string>;
  declare _more: Map<string, FacetMore>;

  private searchTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor() {
    super();
    this.facets = {};
    this.distinct = {};
    this.total = 0;
    this.server = undefined;
    this.queryId = undefined;
    this.version = 0;
    this.fetchFacet = undefined;
    this._collapsed = new Set();
    this._more = new Map();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('queryId') || changed.has('version')) {
      // A new result: every facet shown past its top 10 asks for the same values of the new one.
      for (const [field, m] of this._more) if (!this.isDefault(m)) this.reload(field, { ...m, values: [] });
    }
  }

  private isDefault(m: FacetMore | undefined): boolean {
    return !m || (m.order === 'desc' && m.search === '' && m.want <= TOP);
  }

  private moreOf(field: string): FacetMore {
    return this._more.get(field) ?? { order: 'desc', search: '', searchOpen: false, want: TOP, values: [], loading: false, gen: 0 };
  }

  private setMore(field: string, m: FacetMore): void {
    const next = new Map(this._more);
    next.set(field, m);
    this._more = next;
  }

  /** Asks the host for `m.want` values from where `m.values` ends, page by page. */
  private reload(field: string, m: FacetMore): void {
    const gen = m.gen + 1;
    this.setMore(field, { ...m, gen, loading: !this.isDefault(m) });
    if (!this.isDefault(m)) void this.fill(field, gen);
  }

  private async fill(field: string, gen: number): Promise<void> {
    const fetch = this.fetchFacet;
    const queryId = this.queryId;
    if (!fetch || queryId === undefined) return;
    while (true) {
      const m = this._more.get(field);
      if (!m || m.gen !== gen) return;
      const have = m.values.length;
      const total = m.search ? m.matched : m.distinct;
      if (have >= m.want || have >= LIMITS.facetWindow || (total !== undefined && have >= total)) break;
      const limit = Math.min(LIMITS.facetPage, m.want - have, LIMITS.facetWindow - have);
      let r: FacetResult;
      try {
        r = await fetch({ queryId, field, offset: have, limit, order: m.order, ...(m.search ? { search: m.search.slice(0, LIMITS.facetSearch) } : {}) });
      } catch {
        break;
      }
      const now = this._more.get(field);
      if (!now || now.gen !== gen || r.queryId !== this.queryId) return; // another order, search or query since
      this.setMore(field, { ...now, values: [...now.values, ...r.values], distinct: r.distinct, matched: r.matched });
      if (r.values.length < limit) break;
    }
    const m = this._more.get(field);
    if (m && m.gen === gen) this.setMore(field, { ...m, loading: false });
  }

  private showMore(field: string, n: number): void {
    const m = this.moreOf(field);
    // From the top 10 the result brought: the next page starts after them.
    const values = this.isDefault(m) ? (this.facets[field] ?? []).slice(0, TOP) : m.values;
    this.reload(field, { ...m, values, want: Math.max(m.want, values.length) + n });
  }

  private setOrder(field: string, order: 'desc' | 'asc'): void {
    const m = this.moreOf(field);
    this.reload(field, { ...m, order, values: [], want: TOP });
  }

  private toggleSearch(field: string): void {
    const m = this.moreOf(field);
    const open = !m.searchOpen;
    if (open) {
      this.setMore(field, { ...m, searchOpen: true });
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>(`input.facet-search[data-field="${field}"]`)?.focus());
    } else this.reload(field, { ...m, searchOpen: false, search: '', values: [], want: TOP });
  }

  private onSearchInput(field: string, text: string): void {
    clearTimeout(this.searchTimers.get(field));
    // Typing does not send a request per key: once it rests.
    this.searchTimers.set(
      field,
      setTimeout(() => {
        const m = this.moreOf(field);
        this.reload(field, { ...m, search: text, values: [], want: TOP });
      }, 200),
    );
  }

  private onSearchKey(e: KeyboardEvent, field: string): void {
    if (e.key === 'Escape') {
      e.preventDefault();
      clearTimeout(this.searchTimers.get(field));
      this.toggleSearch(field);
      this.renderRoot.querySelector<HTMLElement>(`section[data-field="${field}"] .head-toggle`)?.focus();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      clearTimeout(this.searchTimers.get(field));
      const m = this.moreOf(field);
      this.reload(field, { ...m, search: (e.target as HTMLInputElement).value, values: [], want: TOP });
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      this.renderRoot.querySelector<HTMLElement>(`section[data-field="${field}"] .value`)?.focus();
    }
  }

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        overflow-y: auto;
        overflow-x: hidden;
        min-height: 0;
        background: var(--vscode-sideBar-background, transparent);
      }
      section {
        padding-bottom: 4px;
      }
      .head {
        display: flex;
        align-items: center;
        gap: 2px;
        height: 22px;
        padding: 0 8px 0 2px;
        cursor: pointer;
        user-select: none;
        border-top: 1px solid var(--vscode-sideBarSectionHeader-border, transparent);
      }
      .head:hover {
        background: var(--vscode-list-hoverBackground, transparent);
      }
      .head:focus-visible,
      .value:focus-visible {
        outline: 1px solid var(--vscode-focusBorder, currentColor);
        outline-offset: -1px;
      }
      .head-toggle {
        flex: 1;
        min-width: 0;
        display: flex;
        align-items: center;
        gap: 2px;
        height: 100%;
        outline: none;
      }
      .head-toggle:focus-visible {
        outline: 1px solid var(--vscode-focusBorder, currentColor);
        outline-offset: -1px;
      }
      .head .n {
        margin-left: auto;
        font-size: 11px;
        font-variant-numeric: tabular-nums;
      }
      .head button.icon-btn {
        width: 20px;
        height: 20px;
        padding: 2px;
        opacity: 0.6;
      }
      .head:hover button.icon-btn,
      .head:focus-within button.icon-btn,
      .head button.icon-btn[aria-pressed='true'] {
        opacity: 1;
      }
      .head button.icon-btn .codicon[class*='codicon-'] {
        font-size: 14px;
      }
      .search-row {
        padding: 2px 8px 4px 22px;
      }
      input.facet-search {
        width: 100%;
        height: 22px;
        padding: 0 6px;
        font: inherit;
        font-size: 12px;
        color: var(--vscode-input-foreground, inherit);
        background: var(--vscode-input-background, transparent);
        border: 1px solid var(--vscode-input-border, var(--vscode-contrastBorder, currentColor));
        border-radius: 2px;
      }
      input.facet-search:focus {
        outline: 1px solid var(--vscode-focusBorder, currentColor);
        outline-offset: -1px;
      }
      input.facet-search::placeholder {
        color: var(--vscode-input-placeholderForeground, currentColor);
        opacity: 0.8;
      }
      .more-row,
      .table-row {
        display: flex;
        flex-wrap: wrap;
        gap: 2px 10px;
        padding: 2px 8px 2px 22px;
        font-size: 11px;
        line-height: 18px;
      }
      button.link:focus-visible {
        outline: 1px solid var(--vscode-focusBorder, currentColor);
        outline-offset: 1px;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      .value {
        position: relative;
        display: flex;
        align-items: center;
        gap: 6px;
        height: 22px;
        padding: 0 8px 0 22px;
        cursor: pointer;
        isolation: isolate;
      }
      .value:hover {
        background: var(--vscode-list-hoverBackground, transparent);
      }
      .bar {
        position: absolute;
        left: 16px;
        top: 2px;
        bottom: 2px;
        border-radius: 2px;
        background: var(--vscode-charts-blue, currentColor);
        opacity: 0.16;
        max-width: calc(100% - 20px);
        pointer-events: none;
      }
      :host-context(.vscode-light) .bar {
        opacity: 0.13;
      }
      :host-context(.vscode-high-contrast) .bar {
        opacity: 0.35;
      }
      .text {
        flex: 1;
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      /* ARNs and paths: the ellipsis at the start, so the end (role, session, file) shows. */
      .text.tail {
        direction: rtl;
        text-align: left;
      }
      .text.tail > .v {
        direction: ltr;
      }
      .text.none {
        font-style: italic;
        color: var(--vscode-descriptionForeground, currentColor);
      }
      .count {
        flex: none;
        font-size: 11px;
        font-variant-numeric: tabular-nums;
        color: var(--vscode-descriptionForeground, currentColor);
      }
      .hint {
        padding: 6px 10px;
        font-size: 11px;
      }
      .empty {
        padding: 0 8px 0 22px;
        font-size: 12px;
        line-height: 22px;
      }
      .server-caption {
        display: flex;
        gap: 6px;
        padding: 6px 10px;
        font-size: 11px;
        line-height: 1.4;
        border-bottom: 1px solid var(--vscode-sideBarSectionHeader-border, transparent);
        cursor: help;
      }
      .server-caption span:last-child {
        display: -webkit-box;
        -webkit-line-clamp: 4;
        -webkit-box-orient: vertical;
        overflow: hidden;
        overflow-wrap: anywhere;
      }
      .server-head {
        display: flex;
        align-items: center;
        gap: 4px;
        height: 20px;
        padding: 0 8px 0 22px;
        font-size: 11px;
        cursor: help;
      }
      .server .bar {
        background: var(--vscode-charts-purple, currentColor);
      }
      .server .count::after {
        content: ' API';
        font-size: 9px;
        opacity: 0.8;
      }
    `,
  ];

  private toggle(field: string): void {
    const s = new Set(this._collapsed);
    if (s.has(field)) s.delete(field);
    else s.add(field);
    this._collapsed = s;
  }

  private pick(e: MouseEvent | KeyboardEvent, field: string, value: string): void {
    emit<FacetPickDetail>(this, 'ae-facet', { field, value, exclude: e.altKey });
  }

  private renderValue(field: string, v: FacetValue, total: number, server: boolean) {
    const count = server ? l10n.t('{0} events in the API (not all fetched)', formatCount(v.count)) : l10n.t('{0} events', formatCount(v.count));
    return html`<li
      class="value ${server ? 'server' : ''}"
      role="button"
      tabindex="0"
      title=${`${v.value === '' ? l10n.t('(none)') : shownTitle(v.value)}\n${count}\n${l10n.t('Click: filter to this value · Alt+click: exclude it')}`}
      @click=${(e: MouseEvent) => this.pick(e, field, v.value)}
      @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this.pick(e, field, v.value)}
    >
      <span class="text ${v.value === '' ? 'none' : endMatters(field, v.value) ? 'tail' : ''}"><span class="v">${v.value === '' ? l10n.t('(none)') : shownText(v.value)}</span></span>
      <span class="count">${formatCount(v.count)}</span>
      <span class="bar" ${styleProps({ width: `${Math.max(1, Math.round((v.count / total) * 100))}%` })}></span>
    </li>`;
  }

  private renderServer(field: string) {
    const values = this.server?.facets[field] ?? [];
    if (values.length === 0) return nothing;
    const total = Math.max(1, this.server?.total ?? values.reduce((n, v) => n + v.count, 0));
    return html`<div class="server-head muted" title=${this.server?.note ?? ''}>${icon('cloud')}<span>${l10n.t('In the API')}</span></div>
      <ul role="list" class="server-values" aria-label=${l10n.t('{0}: counts in the API', columnLabel(field))}>
        ${values.map((v) => this.renderValue(field, v, total, true))}
      </ul>`;
  }

  private renderSection(field: string, total: number) {
    const top = this.facets[field] ?? [];
    // One source says nothing; the facet appears once a panel holds several (one timeline).
    if (field === 'source' && top.length < 2) return nothing;
    const open = !this._collapsed.has(field);
    const m = this.moreOf(field);
    const custom = !this.isDefault(m);
    const values = custom ? m.values : top;
    const distinct = this.distinct[field] ?? m.distinct;
    const label = columnLabel(field);
    const rare = m.order === 'asc';
    // How many values there are to page through: those matching the search, or all of them.
    const all = m.search ? m.matched : distinct;
    const reachable = all === undefined ? undefined : Math.min(all, LIMITS.facetWindow);
    const left = reachable === undefined ? 0 : Math.max(0, reachable - values.length);
    return html`<section data-field=${field}>
      <div class="head">
        <span
          class="head-toggle"
          role="button"
          tabindex="0"
          aria-expanded=${open ? 'true' : 'false'}
          @click=${() => this.toggle(field)}
          @keydown=${(e: KeyboardEvent) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), this.toggle(field))}
        >
          ${icon(open ? 'chevron-down' : 'chevron-right')}
          <span class="section-title" title=${IP_DATA_FIELDS.includes(field) ? `${l10n.t('{0} of the Source IP.', label)} ${IP_DATA_ATTRIBUTION}` : nothing}>${label}</span>
        </span>
        <button
          class="icon-btn search-btn"
          title=${l10n.t('Find a {0} value', label)}
          aria-label=${l10n.t('Find a {0} value', label)}
          aria-pressed=${m.searchOpen ? 'true' : 'false'}
          @click=${() => (this._collapsed.has(field) && this.toggle(field), this.toggleSearch(field))}
        >${icon('search')}</button>
        <button
          class="icon-btn order-btn"
          title=${rare ? l10n.t('Rarest first (click: most frequent first)') : l10n.t('Most frequent first (click: rarest first)')}
          aria-label=${l10n.t('{0}: rarest first', label)}
          aria-pressed=${rare ? 'true' : 'false'}
          @click=${() => (this._collapsed.has(field) && this.toggle(field), this.setOrder(field, rare ? 'desc' : 'asc'))}
        >${icon(rare ? 'arrow-up' : 'arrow-down')}</button>
        <span class="n muted" title=${distinct !== undefined ? (distinct === 1 ? l10n.t('1 distinct value') : l10n.t('{0} distinct values', formatCount(distinct))) : ''}>${distinct !== undefined ? formatCount(distinct) : top.length ? formatCount(top.length) : ''}</span>
      </div>
      ${open
        ? html`${m.searchOpen
              ? html`<div class="search-row">
                  <input
                    class="facet-search"
                    data-field=${field}
                    type="text"
                    maxlength=${LIMITS.facetSearch}
                    placeholder=${distinct !== undefined ? l10n.t('Find a value among {0}', formatCount(distinct)) : l10n.t('Find a value among all')}
                    aria-label=${l10n.t('Find a {0} value', label)}
                    .value=${m.search}
                    @input=${(e: InputEvent) => this.onSearchInput(field, (e.target as HTMLInputElement).value)}
                    @keydown=${(e: KeyboardEvent) => this.onSearchKey(e, field)}
                  />
                </div>`
              : nothing}
            ${values.length === 0
              ? html`<div class="empty muted">${m.loading ? l10n.t('Loading…') : m.search ? l10n.t('No value contains this text') : l10n.t('No values')}</div>`
              : html`<ul role="list" aria-label=${rare ? l10n.t('{0} values, rarest first', label) : l10n.t('{0} values', label)}>
                  ${values.map((v) => this.renderValue(field, v, total, false))}
                </ul>`}
            ${left > 0 || (all !== undefined && all > LIMITS.facetWindow && values.length >= LIMITS.facetWindow)
              ? html`<div class="more-row muted">
                  ${left > 0
                    ? html`<button class="link more" ?disabled=${m.loading} @click=${() => this.showMore(field, MORE)}>${l10n.t('Show {0} more', formatCount(Math.min(MORE, left)))}</button>
                        ${left > MORE ? html`<button class="link show-all" ?disabled=${m.loading} @click=${() => this.showMore(field, left)}>${l10n.t('Show all {0}', formatCount(reachable ?? 0))}</button>` : nothing}`
                    : nothing}
                  ${all !== undefined && all > LIMITS.facetWindow ? html`<span>${withParts(l10n.t('{0} values: the list stops at {1}; find others with {2}'), formatCount(all), formatCount(LIMITS.facetWindow), icon('search'))}</span>` : nothing}
                </div>`
              : nothing}
            ${values.length > 0 || (distinct ?? 0) > 0
              ? html`<div class="table-row muted">
                  <button
                    class="link table-all"
                    title=${l10n.t('All {0} {1} values in a table: events, first and last seen, errors, actions, source IPs…', distinct !== undefined ? formatCount(distinct) : '', label)}
                    @click=${() => emit<string>(this, 'ae-facet-table', field)}
                  >
                    ${l10n.t('Show all {0} in a table', distinct !== undefined ? formatCount(distinct) : '')}
                  </button>
                </div>`
              : nothing}
            ${this.renderServer(field)}`
        : nothing}
    </section>`;
  }

  override render() {
    const total = Math.max(1, this.total);
    const server = this.server;
    return html`${codicons()}
      ${server
        ? html`<div class="server-caption muted" title=${server.note}>
            ${icon('cloud')}<span
              >Values under “In the API” are the API’s own counts${server.total !== undefined ? ` (${formatCount(server.total)} events)` : ''}, not the fetched
              events’: ${server.note}</span
            >
          </div>`
        : nothing}
      ${FACET_FIELDS.map((field) => this.renderSection(field, total))}
      <div class="hint muted">${l10n.t('Click a value to filter, Alt+click to exclude.')}</div>`;
  }
}

customElements.define('ae-facets', AeFacets);

declare global {
  interface HTMLElementTagNameMap {
    'ae-facets': AeFacets;
  }
}
