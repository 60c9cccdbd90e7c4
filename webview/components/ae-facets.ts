/**
 * ae-facets: top values per facet field with counts. Click adds `field:"value"` to the filter and
 * runs it; Alt+click adds `-field:"value"`. Values are text bindings; the empty value is "(none)".
 */
import { LitElement, css, html, nothing } from 'lit';
import { styleProps } from './style-props';
import type { FacetValue } from '../protocol';
import { FACET_FIELDS } from '../protocol';
import { formatCount } from '../format';
import { baseStyles, codicons, columnLabel, emit, icon } from './shared';

export interface FacetPickDetail {
  field: string;
  value: string;
  exclude: boolean;
}

export class AeFacets extends LitElement {
  static override properties = {
    facets: { attribute: false },
    total: { type: Number },
    _collapsed: { state: true },
  };

  declare facets: Record<string, FacetValue[]>;
  declare total: number;
  declare _collapsed: Set<string>;

  constructor() {
    super();
    this.facets = {};
    this.total = 0;
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
        background: var(--vscode-list-hoverBackground, #2a2d2e);
      }
      .head:focus-visible,
      .value:focus-visible {
        outline: 1px solid var(--vscode-focusBorder, #0078d4);
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
        background: var(--vscode-list-hoverBackground, #2a2d2e);
      }
      .bar {
        position: absolute;
        left: 16px;
        top: 2px;
        bottom: 2px;
        border-radius: 2px;
        background: var(--vscode-charts-blue, #3794ff);
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
      .text.none {
        font-style: italic;
        color: var(--vscode-descriptionForeground, #9d9d9d);
      }
      .count {
        flex: none;
        font-size: 11px;
        font-variant-numeric: tabular-nums;
        color: var(--vscode-descriptionForeground, #9d9d9d);
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

  override render() {
    const total = Math.max(1, this.total);
    return html`${codicons()}
      ${FACET_FIELDS.map((field) => {
        const values = this.facets[field] ?? [];
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
            ? values.length === 0
              ? html`<div class="empty muted">No values</div>`
              : html`<ul role="list">
                  ${values.map(
                    (v) => html`<li
                      class="value"
                      role="button"
                      tabindex="0"
                      title=${`${v.value === '' ? '(none)' : v.value}\n${formatCount(v.count)} events\nClick: filter to this value · Alt+click: exclude it`}
                      @click=${(e: MouseEvent) => this.pick(e, field, v.value)}
                      @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this.pick(e, field, v.value)}
                    >
                      <span class="text ${v.value === '' ? 'none' : ''}">${v.value === '' ? '(none)' : v.value}</span>
                      <span class="count">${formatCount(v.count)}</span>
                      <span class="bar" ${styleProps({ width: `${Math.max(1, Math.round((v.count / total) * 100))}%` })}></span>
                    </li>`,
                  )}
                </ul>`
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
