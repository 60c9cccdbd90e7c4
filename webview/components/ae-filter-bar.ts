/**
 * ae-filter-bar: the filter language in one line. Enter runs, Escape clears, ↑/↓ walk the history
 * (also in a dropdown). A parse error shows its message under the bar and the query text split
 * into three text spans around the offending range (never markup). A chip shows the timeline's
 * time range.
 */
import * as l10n from '@vscode/l10n';
import { LitElement, css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { QueryErrorDto, TimeRange } from '../../src/protocol';
import { acceptCompletion, fieldCompletion, formatTime, replaceField, type FieldCompletion } from '../format';
import { baseStyles, codicons, emit, icon, shownText, withParts } from './shared';

const WINDOW = 120;

export class AeFilterBar extends LitElement {
  static override properties = {
    draft: { attribute: false },
    error: { attribute: false },
    history: { attribute: false },
    timeRange: { attribute: false },
    fields: { attribute: false },
    missing: { attribute: false },
    _historyOpen: { state: true },
    _completion: { state: true },
    _active: { state: true },
  };

  declare draft: string;
  declare error: { error: QueryErrorDto; filter: string } | undefined;
  declare history: string[];
  declare timeRange: TimeRange | undefined;
  declare _historyOpen: boolean;
  /** Field names the host knows (normalized fields, aliases, raw paths seen in the data), for completion. */
  declare fields: string[];
  /** Fields of the shown filter that no event has, with the closest known one. */
  declare missing: Array<{ field: string; suggestion?: string }> | undefined;
  declare _completion: FieldCompletion | undefined;
  /** Option picked with ↑/↓ (-1: none yet, so Enter still runs the filter). */
  declare _active: number;

  /** -1 while editing; otherwise the history entry shown. */
  private historyIndex = -1;
  private stash = '';

  constructor() {
    super();
    this.draft = '';
    this.error = undefined;
    this.history = [];
    this.timeRange = undefined;
    this._historyOpen = false;
    this.fields = [];
    this.missing = undefined;
    this._completion = undefined;
    this._active = -1;
  }

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        position: relative;
      }
      .row {
        display: flex;
        align-items: center;
        gap: 6px;
      }
      vscode-textfield {
        flex: 1;
        min-width: 0;
        width: 100%;
        font-family: var(--vscode-editor-font-family, ui-monospace, Menlo, Consolas, monospace);
      }
      vscode-textfield .codicon[class*='codicon-'] {
        margin: 0 2px;
      }
      .slot-btn {
        display: inline-flex;
        align-items: center;
        justify-content: center;
        width: 20px;
        height: 20px;
        margin: 0 1px;
        border: 0;
        padding: 0;
        border-radius: 3px;
        background: transparent;
        color: var(--vscode-icon-foreground, currentColor);
        cursor: pointer;
      }
      .slot-btn:hover {
        background: var(--vscode-toolbar-hoverBackground, transparent);
      }
      .lead {
        display: inline-flex;
        align-items: center;
        padding-left: 4px;
        color: var(--vscode-input-placeholderForeground, currentColor);
      }
      .chips {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
        margin-top: 6px;
      }
      .chips:empty {
        display: none;
      }
      .chip {
        display: inline-flex;
        align-items: center;
        gap: 4px;
        height: 22px;
        padding: 0 2px 0 8px;
        border-radius: 11px;
        font-size: 12px;
        background: var(--vscode-badge-background, transparent);
        color: var(--vscode-badge-foreground, currentColor);
        border: 1px solid var(--vscode-contrastBorder, transparent);
      }
      .chip .slot-btn {
        color: inherit;
        width: 18px;
        height: 18px;
        border-radius: 9px;
      }
      .chip .codicon[class*='codicon-'] {
        font-size: 14px;
      }
      .error {
        margin-top: 6px;
        padding: 4px 8px 6px;
        border: 1px solid var(--vscode-inputValidation-errorBorder, currentColor);
        background: var(--vscode-inputValidation-errorBackground, transparent);
        color: var(--vscode-inputValidation-errorForeground, var(--vscode-foreground));
        border-radius: 2px;
      }
      .error .msg {
        display: flex;
        align-items: flex-start;
        gap: 6px;
        line-height: 18px;
        overflow-wrap: anywhere;
      }
      .error .msg .codicon {
        color: var(--vscode-errorForeground, currentColor);
        margin-top: 1px;
      }
      .query {
        margin-top: 4px;
        padding-left: 22px;
        font-family: var(--vscode-editor-font-family, ui-monospace, Menlo, Consolas, monospace);
        font-size: var(--vscode-editor-font-size, 13px);
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        line-height: 20px;
      }
      .query .bad {
        text-decoration: underline wavy var(--vscode-editorError-foreground, currentColor);
        text-decoration-skip-ink: none;
        text-underline-offset: 3px;
        background: color-mix(in srgb, var(--vscode-editorError-foreground, currentColor) 22%, transparent);
        border-radius: 2px;
      }
      .query .bad.empty {
        display: inline-block;
        width: 0.6em;
        height: 1.1em;
        vertical-align: text-bottom;
      }
      .history {
        position: absolute;
        z-index: 40;
        left: 0;
        right: 0;
        top: 30px;
        max-height: 320px;
        overflow-y: auto;
        padding: 4px 0;
        border: 1px solid var(--vscode-menu-border, var(--vscode-widget-border, currentColor));
        border-radius: 5px;
        background: var(--vscode-menu-background, var(--vscode-editorWidget-background, transparent));
        color: var(--vscode-menu-foreground, var(--vscode-foreground));
        box-shadow: 0 2px 8px var(--vscode-widget-shadow, transparent);
      }
      .history .item,
      .completion .option {
        font-family: var(--vscode-editor-font-family, ui-monospace, Menlo, Consolas, monospace);
        font-size: var(--vscode-editor-font-size, 13px);
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
        cursor: pointer;
      }
      .history .item {
        display: block;
        width: 100%;
        text-align: left;
        border: 0;
        background: transparent;
        color: inherit;
        padding: 0 12px;
        height: 24px;
        line-height: 24px;
      }
      .history .item:hover,
      .history .item:focus {
        background: var(--vscode-menu-selectionBackground, var(--vscode-list-activeSelectionBackground, transparent));
        color: var(--vscode-menu-selectionForeground, var(--vscode-list-activeSelectionForeground, currentColor));
        outline: none;
      }
      .history .empty {
        padding: 4px 12px;
      }
      .completion {
        position: absolute;
        z-index: 41;
        left: 24px;
        top: 30px;
        min-width: 240px;
        max-width: min(480px, 100%);
        max-height: 300px;
        overflow-y: auto;
        padding: 4px 0;
        border: 1px solid var(--vscode-editorSuggestWidget-border, var(--vscode-widget-border, currentColor));
        border-radius: 3px;
        background: var(--vscode-editorSuggestWidget-background, var(--vscode-editorWidget-background, var(--vscode-editor-background, transparent)));
        color: var(--vscode-editorSuggestWidget-foreground, var(--vscode-foreground));
        box-shadow: 0 2px 8px var(--vscode-widget-shadow, transparent);
      }
      .completion .option {
        padding: 0 10px;
        height: 22px;
        line-height: 22px;
      }
      .completion .option:hover {
        background: var(--vscode-list-hoverBackground, transparent);
      }
      .completion .option.active {
        background: var(--vscode-editorSuggestWidget-selectedBackground, var(--vscode-list-activeSelectionBackground, transparent));
        color: var(--vscode-editorSuggestWidget-selectedForeground, var(--vscode-list-activeSelectionForeground, inherit));
        outline: 1px solid var(--vscode-contrastActiveBorder, transparent);
        outline-offset: -1px;
      }
      .completion-hint {
        padding: 2px 10px 0;
        font-size: 11px;
      }
      .sr-only {
        position: absolute;
        width: 1px;
        height: 1px;
        overflow: hidden;
        clip-path: inset(50%);
        white-space: nowrap;
      }
      .warning {
        margin-top: 6px;
        padding: 4px 8px;
        border: 1px solid var(--vscode-inputValidation-warningBorder, var(--vscode-editorWarning-foreground, currentColor));
        background: var(--vscode-inputValidation-warningBackground, transparent);
        color: var(--vscode-inputValidation-warningForeground, var(--vscode-foreground));
        border-radius: 2px;
      }
      .warning .msg {
        display: flex;
        align-items: flex-start;
        gap: 6px;
        line-height: 18px;
        overflow-wrap: anywhere;
      }
      .warning .msg .codicon {
        color: var(--vscode-editorWarning-foreground, currentColor);
        margin-top: 1px;
      }
      .warning code {
        font-family: var(--vscode-editor-font-family, ui-monospace, Menlo, Consolas, monospace);
      }
      .warning button.link {
        margin-left: auto;
        flex: none;
        border: 0;
        padding: 0;
        background: transparent;
        font: inherit;
        color: var(--vscode-textLink-foreground, inherit);
        text-decoration: underline;
        cursor: pointer;
      }
    `,
  ];

  private get field(): VscodeTextfield | null {
    return this.renderRoot.querySelector('vscode-textfield');
  }

  override focus(): void {
    this.field?.focus();
  }

  private onInput = (e: Event): void => {
    const v = (e.target as VscodeTextfield).value;
    this.historyIndex = -1;
    // Kept here too: the bar re-renders for its own lists while the app has not passed the draft back.
    this.draft = v;
    emit(this, 'ae-draft', v);
    this.complete(v);
  };

  /** Offers field names for the word at the caret. */
  private complete(text: string): void {
    const caret = this.field?.wrappedElement?.selectionStart ?? text.length;
    this._completion = fieldCompletion(text, caret, this.fields);
    this._active = -1;
  }

  private closeCompletion(): void {
    this._completion = undefined;
    this._active = -1;
  }

  private accept(field: string): void {
    const c = this._completion;
    const f = this.field;
    if (!c || !f) return;
    const next = acceptCompletion(f.value, c, field);
    this.setText(next.text);
    this.closeCompletion();
    void this.updateComplete.then(() => {
      const input = this.field?.wrappedElement;
      input?.focus();
      input?.setSelectionRange(next.caret, next.caret);
    });
  }

  /** Keys for the open completion list; true when the key was used. */
  private completionKey(e: KeyboardEvent): boolean {
    const c = this._completion;
    if (!c) return false;
    const n = c.options.length;
    switch (e.key) {
      case 'ArrowDown':
        this._active = (this._active + 1) % n;
        break;
      case 'ArrowUp':
        this._active = this._active <= 0 ? n - 1 : this._active - 1;
        break;
      case 'Tab':
        if (e.shiftKey) return false;
        this.accept(c.options[Math.max(0, this._active)]);
        break;
      case 'Enter':
        if (this._active < 0) {
          this.closeCompletion();
          return false;
        }
        this.accept(c.options[this._active]);
        break;
      case 'Escape':
        this.closeCompletion();
        break;
      default:
        return false;
    }
    e.preventDefault();
    return true;
  }

  private setText(text: string): void {
    const f = this.field;
    if (f) f.value = text;
    this.draft = text;
    emit(this, 'ae-draft', text);
  }

  private run(text: string): void {
    this.historyIndex = -1;
    this._historyOpen = false;
    emit(this, 'ae-run', text);
  }

  private onKeyDown = (e: KeyboardEvent): void => {
    // Alt+↑/↓/Enter are the panel's VS Code keybindings (previous/next event, open the detail),
    // which reach the host from here too: not the history, the completions or a run.
    if (e.altKey) return;
    if (this.completionKey(e)) return;
    const f = this.field;
    const text = f?.value ?? this.draft;
    switch (e.key) {
      case 'Enter':
        e.preventDefault();
        this.run(text);
        return;
      case 'Escape':
        e.preventDefault();
        if (this._historyOpen) {
          this._historyOpen = false;
          return;
        }
        this.historyIndex = -1;
        this.setText('');
        emit(this, 'ae-escape', null);
        return;
      case 'ArrowUp':
      case 'ArrowDown': {
        const h = this.history;
        if (h.length === 0) return;
        e.preventDefault();
        if (this.historyIndex === -1) this.stash = text;
        const next = this.historyIndex + (e.key === 'ArrowUp' ? 1 : -1);
        if (next < -1 || next >= h.length) return;
        this.historyIndex = next;
        this.setText(next === -1 ? this.stash : h[next]);
        return;
      }
    }
  };

  private toggleHistory = (e: Event): void => {
    e.stopPropagation();
    this._historyOpen = !this._historyOpen;
    if (this._historyOpen) {
      document.addEventListener('pointerdown', this.onOutside, true);
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.history .item')?.focus());
    }
  };

  private onOutside = (ev: Event): void => {
    if (!this._historyOpen) return void document.removeEventListener('pointerdown', this.onOutside, true);
    if (ev.composedPath().includes(this)) return;
    this._historyOpen = false;
    document.removeEventListener('pointerdown', this.onOutside, true);
  };

  private onHistoryKey = (e: KeyboardEvent): void => {
    const items = Array.from(this.renderRoot.querySelectorAll<HTMLElement>('.history .item'));
    const i = items.indexOf(e.target as HTMLElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      items[Math.min(items.length - 1, Math.max(0, i + (e.key === 'ArrowDown' ? 1 : -1)))]?.focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      this._historyOpen = false;
      this.focus();
    }
  };

  private pickHistory(h: string): void {
    this.setText(h);
    this.run(h);
    this.focus();
  }

  private renderCompletion() {
    const c = this._completion;
    if (!c) return nothing;
    const active = this._active;
    return html`<div class="completion" role="listbox" aria-label=${l10n.t('Field names')}>
        ${c.options.map(
          (f, i) => html`<div
            class="option ${i === active ? 'active' : ''}"
            role="option"
            aria-selected=${i === active ? 'true' : 'false'}
            @pointerdown=${(e: PointerEvent) => e.preventDefault()}
            @click=${() => this.accept(f)}
          >${shownText(f)}</div>`,
        )}
        <div class="completion-hint muted">${l10n.t('Tab or ↑/↓ and Enter: insert the field · Esc: close')}</div>
      </div>
      <span class="sr-only" aria-live="polite">${active >= 0 ? l10n.t('{0}, {1} of {2}', c.options[active] ?? '', active + 1, c.options.length) : l10n.t('{0} field names', c.options.length)}</span>`;
  }

  private renderMissing() {
    const missing = this.missing;
    if (!missing || missing.length === 0) return nothing;
    return html`<div class="warning" role="status">
      ${missing.map(
        (m) => html`<div class="msg">
          ${icon('warning')}<span class="message"
            >${m.suggestion
              ? withParts(l10n.t('No event has the field {0} — did you mean {1}?'), html`<code>${shownText(m.field)}</code>`, html`<code>${shownText(m.suggestion)}</code>`)
              : withParts(l10n.t('No event has the field {0}.'), html`<code>${shownText(m.field)}</code>`)}</span
          >${m.suggestion
            ? html`<button class="link use-field" @click=${() => this.useField(m.field, m.suggestion as string)}>${withParts(l10n.t('Use {0}'), shownText(m.suggestion))}</button>`
            : nothing}
        </div>`,
      )}
    </div>`;
  }

  private useField(from: string, to: string): void {
    const text = replaceField(this.field?.value ?? this.draft, from, to);
    this.setText(text);
    this.run(text);
  }

  private renderError() {
    const err = this.error;
    if (!err) return nothing;
    const { message } = err.error;
    const text = err.filter;
    const start = Math.min(Math.max(0, err.error.start), text.length);
    const end = Math.min(Math.max(start, err.error.end), text.length);
    // Long queries: a window around the offending token.
    let from = 0;
    let to = text.length;
    if (to > WINDOW) {
      from = Math.max(0, start - 40);
      to = Math.min(text.length, from + WINDOW);
      from = Math.max(0, Math.min(from, to - WINDOW));
    }
    const before = (from > 0 ? '…' : '') + text.slice(from, start);
    const bad = text.slice(start, Math.min(end, Math.max(to, start)));
    const after = text.slice(Math.min(end, to), to) + (to < text.length ? '…' : '');
    return html`<div class="error" role="alert">
      <div class="msg">${icon('error')}<span class="message">${message}</span></div>
      ${text.length > 0
        ? html`<div class="query" aria-hidden="true"
            ><span class="before">${before}</span
            ><span class="bad ${bad === '' ? 'empty' : ''}" title=${err.error.token}>${bad}</span
            ><span class="after">${after}</span></div
          >`
        : nothing}
    </div>`;
  }

  override render() {
    const tr = this.timeRange;
    const invalid = !!this.error && this.error.filter === this.draft;
    return html`${codicons()}
      <div class="row">
        <vscode-textfield
          .value=${live(this.draft)}
          ?invalid=${invalid}
          placeholder=${l10n.t('Filter: eventName:Delete* -userIdentity.type:AWSService region:eu-* errorCode:* "AccessDenied"')}
          aria-label=${l10n.t('Filter events')}
          @input=${this.onInput}
          @keydown=${this.onKeyDown}
          @focusout=${() => this.closeCompletion()}
        >
          <span slot="content-before" class="lead">${icon('filter')}</span>
          ${this.draft
            ? html`<button slot="content-after" class="slot-btn" title=${l10n.t('Clear (Escape)')} aria-label=${l10n.t('Clear filter')} @click=${() => (this.setText(''), emit(this, 'ae-escape', null), this.focus())}>
                ${icon('close')}
              </button>`
            : nothing}
          <button slot="content-after" class="slot-btn history-btn" title=${l10n.t('Filter History (↑/↓)')} aria-label=${l10n.t('Filter history')} aria-expanded=${this._historyOpen ? 'true' : 'false'} @click=${this.toggleHistory}>
            ${icon('history')}
          </button>
          <button slot="content-after" class="slot-btn run-btn" title=${l10n.t('Run (Enter)')} aria-label=${l10n.t('Run filter')} @click=${() => this.run(this.field?.value ?? this.draft)}>
            ${icon('arrow-right')}
          </button>
        </vscode-textfield>
      </div>
      ${this.renderCompletion()}
      ${this._historyOpen
        ? html`<div class="history" role="listbox" aria-label=${l10n.t('Filter history')} @keydown=${this.onHistoryKey}>
            ${this.history.length === 0
              ? html`<div class="empty muted">${l10n.t('No filters run yet')}</div>`
              : this.history.map((h) => html`<button class="item" role="option" title=${h} @click=${() => this.pickHistory(h)}>${h}</button>`)}
          </div>`
        : nothing}
      <div class="chips">${tr
        ? html`<span class="chip" title=${l10n.t('Time range from the timeline (UTC)')}
            >${icon('watch')}<span class="range">${tr.from !== undefined ? formatTime(tr.from) : '…'} → ${tr.to !== undefined ? formatTime(tr.to) : '…'} UTC</span
            ><button class="slot-btn" title=${l10n.t('Clear Time Range')} aria-label=${l10n.t('Clear time range')} @click=${() => emit(this, 'ae-clear-range', null)}>${icon('close')}</button></span
          >`
        : nothing}</div>
      ${this.renderError()} ${this.renderMissing()}`;
  }
}

customElements.define('ae-filter-bar', AeFilterBar);

declare global {
  interface HTMLElementTagNameMap {
    'ae-filter-bar': AeFilterBar;
  }
}
