/**
 * ae-columns: the column chooser. Shown columns can be moved up/down and removed; any of
 * PanelState.availableColumns (normalized fields, then raw paths seen in the data) can be added.
 */
import * as l10n from '@vscode/l10n';
import { LitElement, css, html, nothing } from 'lit';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import { DEFAULT_COLUMNS, LIMITS } from '../../src/protocol';
import { isFilterField } from '../format';
import { baseStyles, codicons, columnLabel, emit, icon, shownText, shownTitle } from './shared';

const MAX_LISTED = 300;

export class AeColumns extends LitElement {
  static override properties = {
    columns: { attribute: false },
    available: { attribute: false },
    _query: { state: true },
  };

  declare columns: string[];
  declare available: string[];
  declare _query: string;

  constructor() {
    super();
    this.columns = [];
    this.available = [];
    this._query = '';
  }

  static override styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        width: 320px;
        max-height: min(560px, calc(100vh - 80px));
        border: 1px solid var(--vscode-menu-border, var(--vscode-widget-border, currentColor));
        border-radius: 5px;
        background: var(--vscode-menu-background, var(--vscode-editorWidget-background, transparent));
        color: var(--vscode-menu-foreground, var(--vscode-foreground));
        box-shadow: 0 2px 8px var(--vscode-widget-shadow, transparent);
        overflow: hidden;
      }
      .head {
        display: flex;
        align-items: center;
        padding: 6px 6px 4px 10px;
        gap: 4px;
      }
      .head .section-title {
        flex: 1;
      }
      .list {
        overflow-y: auto;
        min-height: 0;
      }
      .current {
        flex: none;
        max-height: 45%;
        border-bottom: 1px solid var(--vscode-menu-separatorBackground, var(--vscode-widget-border, currentColor));
        padding-bottom: 4px;
      }
      .avail {
        flex: 1;
      }
      .item {
        display: flex;
        align-items: center;
        gap: 4px;
        height: 24px;
        padding: 0 6px 0 10px;
      }
      .item:hover {
        background: var(--vscode-list-hoverBackground, transparent);
      }
      .item .name {
        flex: 1;
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .item .path {
        font-size: 11px;
        margin-left: 6px;
      }
      .item button.icon-btn {
        width: 20px;
        height: 20px;
        padding: 2px;
      }
      .item.add {
        cursor: pointer;
      }
      .item.add:focus-visible {
        outline: 1px solid var(--vscode-focusBorder, currentColor);
        outline-offset: -1px;
      }
      .search {
        padding: 6px 8px;
      }
      vscode-textfield {
        width: 100%;
      }
      .more {
        padding: 4px 10px;
        font-size: 12px;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.updateComplete.then(() => this.renderRoot.querySelector<VscodeTextfield>('vscode-textfield')?.focus());
  }

  private set(cols: string[]): void {
    if (cols.length === 0) return;
    emit(this, 'ae-columns', cols.slice(0, LIMITS.columns));
  }

  private move(i: number, d: number): void {
    const c = [...this.columns];
    const j = i + d;
    if (j < 0 || j >= c.length) return;
    [c[i], c[j]] = [c[j], c[i]];
    this.set(c);
  }

  override render() {
    const shown = new Set(this.columns);
    const q = this._query.trim().toLowerCase();
    const candidates = this.available.filter((c) => !shown.has(c) && (q === '' || c.toLowerCase().includes(q) || columnLabel(c).toLowerCase().includes(q)));
    const full = this.columns.length >= LIMITS.columns;
    return html`${codicons()}
      <div class="head">
        <span class="section-title">${l10n.t('Columns')}</span>
        <button class="icon-btn" title=${l10n.t('Reset to Default Columns')} aria-label=${l10n.t('Reset columns')} @click=${() => this.set([...DEFAULT_COLUMNS])}>${icon('discard')}</button>
        <button class="icon-btn" title=${l10n.t('Close')} aria-label=${l10n.t('Close')} @click=${() => emit(this, 'ae-close', null)}>${icon('close')}</button>
      </div>
      <div class="list current" role="list" aria-label=${l10n.t('Shown columns')}>
        ${this.columns.map(
          (c, i) => html`<div class="item" role="listitem">
            <span class="name" title=${shownTitle(c)}>${shownText(columnLabel(c))}${columnLabel(c) !== c ? html`<span class="path muted">${shownText(c)}</span>` : nothing}</span>
            <button class="icon-btn" title=${l10n.t('Move Up')} aria-label=${l10n.t('Move up')} ?disabled=${i === 0} @click=${() => this.move(i, -1)}>${icon('arrow-up')}</button>
            <button class="icon-btn" title=${l10n.t('Move Down')} aria-label=${l10n.t('Move down')} ?disabled=${i === this.columns.length - 1} @click=${() => this.move(i, 1)}>${icon('arrow-down')}</button>
            <button class="icon-btn" title=${l10n.t('Remove Column')} aria-label=${l10n.t('Remove column')} ?disabled=${this.columns.length === 1} @click=${() => this.set(this.columns.filter((x) => x !== c))}>${icon('close')}</button>
          </div>`,
        )}
      </div>
      <div class="search">
        <vscode-textfield
          placeholder=${l10n.t('Add a column: type a field or raw path')}
          aria-label=${l10n.t('Find a column to add')}
          @input=${(e: Event) => (this._query = (e.target as VscodeTextfield).value)}
          @keydown=${(e: KeyboardEvent) => {
            if (e.key === 'Escape') emit(this, 'ae-close', null);
            if (e.key !== 'Enter' || full) return;
            const typed = this._query.trim();
            const pick = candidates[0] ?? (isFilterField(typed) && !shown.has(typed) ? typed : undefined);
            if (pick) this.set([...this.columns, pick]);
          }}
        ></vscode-textfield>
      </div>
      <div class="list avail" role="list" aria-label=${l10n.t('Columns to add')}>
        ${candidates.slice(0, MAX_LISTED).map(
          (c) => html`<div
            class="item add"
            role="listitem"
            tabindex="0"
            title=${full ? `At most ${LIMITS.columns} columns` : `Add ${shownTitle(c)}`}
            @click=${() => !full && this.set([...this.columns, c])}
            @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && !full && this.set([...this.columns, c])}
          >
            ${icon('add')}<span class="name">${shownText(columnLabel(c))}${columnLabel(c) !== c ? html`<span class="path muted">${shownText(c)}</span>` : nothing}</span>
          </div>`,
        )}
        ${candidates.length > MAX_LISTED ? html`<div class="more muted">${l10n.t('{0} more: type to narrow', candidates.length - MAX_LISTED)}</div>` : nothing}
        ${candidates.length === 0 ? html`<div class="more muted">${q ? l10n.t('No other columns match') : l10n.t('No other columns')}</div>` : nothing}
      </div>`;
  }
}

customElements.define('ae-columns', AeColumns);

declare global {
  interface HTMLElementTagNameMap {
    'ae-columns': AeColumns;
  }
}
