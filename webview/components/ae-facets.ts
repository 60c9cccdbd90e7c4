/**
 * ae-facets: top values per facet field with counts. Click adds `field:"value"` to the filter and
 * runs it; Alt+click adds `-field:"value"`. Values are text bindings; the empty value is "(none)".
 *
 * With a live source whose API counts for itself, each field also lists "In the API": the API's
 * counts over everything it holds for the query, which are not the fetched events' counts. They
 * are kept apart (own heading, own bar color, the API's note as caption) so the two never mix.
 */
import { LitElement, css, html, nothing } from 'lit';
import { styleProps } from './style-props';
import type { FacetValue, ServerAggregateDto } from '../protocol';
import { FACET_FIELDS } from '../protocol';
import { formatCount } from '../format';
import { baseStyles, codicons, columnLabel, emit, endMatters, icon, shownText, shownTitle } from './shared';

export interface FacetPickDetail {
  field: string;
  value: string;
  exclude: boolean;
}

export class AeFacets extends LitElement {
  static override properties = {
    facets: { attribute: false },
    total: { type: Number },
    server: { attribute: false },
    _collapsed: { state: true },
  };

  declare facets: Record<string, FacetValue[]>;
  declare total: number;
  declare server: ServerAggregateDto | undefined;
  declare _collapsed: Set<string>;

  constructor() {
    super();
    this.facets = {};
    this.total = 0;
    this.server = undefined;
    this._collapsed = new Set();
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
      .head .n {
        margin-left: auto;
        font-size: 11px;
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
    const what = server ? 'events in the API (not all fetched)' : 'events';
    return html`<li
      class="value ${server ? 'server' : ''}"
      role="button"
      tabindex="0"
      title=${`${v.value === '' ? '(none)' : shownTitle(v.value)}\n${formatCount(v.count)} ${what}\nClick: filter to this value · Alt+click: exclude it`}
      @click=${(e: MouseEvent) => this.pick(e, field, v.value)}
      @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this.pick(e, field, v.value)}
    >
      <span class="text ${v.value === '' ? 'none' : endMatters(field, v.value) ? 'tail' : ''}"><span class="v">${v.value === '' ? '(none)' : shownText(v.value)}</span></span>
      <span class="count">${formatCount(v.count)}</span>
      <span class="bar" ${styleProps({ width: `${Math.max(1, Math.round((v.count / total) * 100))}%` })}></span>
    </li>`;
  }

  private renderServer(field: string) {
    const values = this.server?.facets[field] ?? [];
    if (values.length === 0) return nothing;
    const total = Math.max(1, this.server?.total ?? values.reduce((n, v) => n + v.count, 0));
    return html`<div class="server-head muted" title=${this.server?.note ?? ''}>${icon('cloud')}<span>In the API</span></div>
      <ul role="list" class="server-values" aria-label=${`${columnLabel(field)}: counts in the API`}>
        ${values.map((v) => this.renderValue(field, v, total, true))}
      </ul>`;
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
      ${FACET_FIELDS.map((field) => {
        const values = this.facets[field] ?? [];
        // One source says nothing; the facet appears once a panel holds several (one timeline).
        if (field === 'source' && values.length < 2) return nothing;
        const open = !this._collapsed.has(field);
        return html`<section>
          <div
            class="head"
            role="button"
            tabindex="0"
            aria-expanded=${open ? 'true' : 'false'}
            @click=${() => this.toggle(field)}
            @keydown=${(e: KeyboardEvent) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), this.toggle(field))}
          >
            ${icon(open ? 'chevron-down' : 'chevron-right')}
            <span class="section-title">${columnLabel(field)}</span>
            <span class="n muted">${values.length ? formatCount(values.length) : ''}</span>
          </div>
          ${open
            ? html`${values.length === 0
                  ? html`<div class="empty muted">No values</div>`
                  : html`<ul role="list">
                      ${values.map((v) => this.renderValue(field, v, total, false))}
                    </ul>`}${this.renderServer(field)}`
            : nothing}
        </section>`;
      })}
      <div class="hint muted">Click a value to filter, Alt+click to exclude.</div>`;
  }
}

customElements.define('ae-facets', AeFacets);

declare global {
  interface HTMLElementTagNameMap {
    'ae-facets': AeFacets;
  }
}
