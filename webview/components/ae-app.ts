/**
 * ae-app: the events panel. Toolbar and filter bar on top, load progress and problems, the
 * timeline, then facets | grid | detail with draggable sashes, and a status line.
 */
import * as l10n from '@vscode/l10n';
import { LitElement, css, html, nothing } from 'lit';
import { styleProps } from './style-props';
import { keyed } from 'lit/directives/keyed.js';
import '@vscode-elements/elements/dist/vscode-toolbar-container/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-context-menu/index.js';
import type { VscContextMenuSelectEvent } from '@vscode-elements/elements/dist/vscode-context-menu/vscode-context-menu.js';
import './ae-filter-bar';
import './ae-timeline';
import './ae-facets';
import './ae-grid';
import './ae-detail';
import './ae-columns';
import './ae-summary';
import './ae-detections';
import type { DetectionPickDetail } from './ae-detections';
import type { SummaryPickDetail } from './ae-summary';
import type { AeGrid, CellActionDetail, SelectDetail } from './ae-grid';
import type { AeFilterBar } from './ae-filter-bar';
import type { FacetPickDetail } from './ae-facets';
import type { DetailActionDetail } from './ae-detail';
import type { AppState, GridPosition, Layout } from '../state';
import type { DetectionsSummary, PanelCommand, Sort, TimeRange } from '../../src/protocol';
import { RESERVED_FIELDS, formatCount } from '../format';
import { summaryParts } from '../../src/session/loadSummary';
import { baseStyles, codicons, icon, shownText, shownTitle } from './shared';
import { markOnce, marked } from '../marks';

type Popup = { kind: 'columns' } | { kind: 'export'; x: number; y: number; seq: number };

export class AeApp extends LitElement {
  /** Set by main.ts before the element upgrades. */
  static defaultState: AppState | undefined;

  static override properties = {
    state: { attribute: false },
    _popup: { state: true },
    _problemsOpen: { state: true },
    _sourcesOpen: { state: true },
    _skippedOpen: { state: true },
  };

  declare state: AppState | undefined;
  declare _popup: Popup | undefined;
  declare _problemsOpen: boolean;
  /** The summary line's per-source counts, in a panel of several sources. */
  declare _sourcesOpen: boolean;
  /** The summary line's list of skipped files. */
  declare _skippedOpen: boolean;

  private popupSeq = 0;
  private fieldsMemo?: { from: string[] | undefined; names: string[] };

  /** Names the filter bar completes: normalized fields and their aliases, then the raw paths the host saw. */
  private fieldNames(available: string[] | undefined): string[] {
    const memo = this.fieldsMemo;
    if (memo && memo.from === available) return memo.names;
    const names = [...new Set([...RESERVED_FIELDS, ...(available ?? [])])];
    this.fieldsMemo = { from: available, names };
    return names;
  }
  private readonly onChange = (): void => this.requestUpdate();

  constructor() {
    super();
    this.state = undefined;
    this._popup = undefined;
    this._problemsOpen = false;
    this._sourcesOpen = false;
    this._skippedOpen = false;
  }

  static override styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        height: 100%;
        min-height: 0;
        overflow: hidden;
        background: var(--vscode-editor-background, transparent);
      }
      .top {
        position: relative;
        flex: none;
        padding: 6px 8px 8px 12px;
        border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-editorGroup-border, currentColor));
      }
      .titlebar {
        display: flex;
        align-items: center;
        gap: 8px;
        height: 28px;
        margin-bottom: 4px;
      }
      .title {
        font-weight: 600;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
        min-width: 0;
      }
      .sources {
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
        min-width: 0;
        font-size: 12px;
      }
      vscode-toolbar-container {
        margin-left: auto;
        flex: none;
      }
      vscode-toolbar-button[disabled] {
        opacity: 0.4;
        pointer-events: none;
      }
      .sep {
        width: 1px;
        height: 16px;
        margin: 0 4px;
        background: var(--vscode-menu-separatorBackground, var(--vscode-widget-border, transparent));
      }
      .busy {
        position: absolute;
        left: 0;
        right: 0;
        bottom: -1px;
        opacity: 0;
        animation: appear 0.01s linear 0.25s forwards;
        pointer-events: none;
      }
      @keyframes appear {
        to {
          opacity: 1;
        }
      }
      .strip {
        flex: none;
        display: flex;
        align-items: center;
        gap: 8px;
        min-height: 28px;
        padding: 2px 8px 2px 12px;
        border-bottom: 1px solid var(--vscode-panel-border, currentColor);
        font-size: 12px;
      }
      .load {
        flex: none;
        position: relative;
      }
      .load vscode-progress-bar {
        position: absolute;
        left: 0;
        right: 0;
        top: -1px;
      }
      .load .strip {
        min-height: 32px;
      }
      .load vscode-button {
        --vscode-font-size: 12px;
      }
      .strip.live {
        flex-wrap: wrap;
        row-gap: 2px;
      }
      .strip.live code {
        font-family: var(--vscode-editor-font-family);
        background: var(--vscode-textCodeBlock-background);
        padding: 0 3px;
        border-radius: 3px;
        overflow-wrap: anywhere;
      }
      .live-server {
        cursor: help;
      }
      .live-server .codicon {
        vertical-align: text-bottom;
      }
      .live-server-error {
        overflow-wrap: anywhere;
      }
      .strip.problems {
        background: color-mix(in srgb, var(--vscode-editorWarning-foreground, currentColor) 10%, transparent);
        cursor: pointer;
      }
      .strip.problems .codicon-warning {
        color: var(--vscode-editorWarning-foreground, currentColor);
      }
      .strip .grow {
        flex: 1;
      }
      .strip.summary {
        font-variant-numeric: tabular-nums;
      }
      .strip.summary .codicon-pass {
        color: var(--vscode-testing-iconPassed, var(--vscode-charts-green, currentColor));
      }
      .strip.summary .codicon-warning {
        color: var(--vscode-editorWarning-foreground, currentColor);
      }
      .summary-problems,
      .summary-skipped,
      .summary-sources-toggle {
        color: var(--vscode-textLink-foreground, currentColor);
        cursor: pointer;
        text-decoration: underline;
      }
      .summary-problems:focus-visible,
      .summary-skipped:focus-visible,
      .summary-sources-toggle:focus-visible {
        outline: 1px solid var(--vscode-focusBorder, currentColor);
      }
      .summary-skipped-list .path {
        font-family: var(--vscode-editor-font-family, monospace);
      }
      .summary-sources,
      .summary-skipped-list,
      .problems-list {
        flex: none;
        max-height: 160px;
        overflow: auto;
        margin: 0;
        padding: 4px 12px 6px 34px;
        list-style: none;
        font-size: 12px;
        border-bottom: 1px solid var(--vscode-panel-border, currentColor);
      }
      .summary-sources li,
      .summary-skipped-list li {
        line-height: 20px;
        overflow-wrap: anywhere;
      }
      .problems-list li {
        line-height: 20px;
        overflow-wrap: anywhere;
      }
      .problems-list .path {
        font-family: var(--vscode-editor-font-family, monospace);
      }
      ae-timeline {
        flex: none;
      }
      .main {
        flex: 1;
        min-height: 0;
        display: flex;
      }
      ae-facets {
        flex: none;
        max-width: 35%;
      }
      .centre {
        flex: 1;
        min-width: 120px;
        min-height: 0;
        display: flex;
        flex-direction: column;
      }
      .tabs {
        flex: none;
        display: flex;
        gap: 2px;
        padding: 0 8px;
        border-bottom: 1px solid var(--vscode-panel-border, currentColor);
      }
      .tab {
        border: 0;
        border-bottom: 1px solid transparent;
        margin-bottom: -1px;
        padding: 4px 10px;
        background: transparent;
        font: inherit;
        font-size: 11px;
        text-transform: uppercase;
        letter-spacing: 0.04em;
        color: var(--vscode-panelTitle-inactiveForeground, var(--vscode-descriptionForeground, currentColor));
        cursor: pointer;
      }
      .tab[aria-selected='true'] {
        color: var(--vscode-panelTitle-activeForeground, var(--vscode-foreground, currentColor));
        border-bottom-color: var(--vscode-panelTitle-activeBorder, var(--vscode-focusBorder, currentColor));
      }
      .tab:focus-visible {
        outline: 1px solid var(--vscode-focusBorder, currentColor);
        outline-offset: -1px;
      }
      ae-grid,
      ae-summary {
        flex: 1;
        min-width: 120px;
        min-height: 0;
      }
      ae-detail {
        flex: none;
        max-width: 55%;
        border-left: 1px solid var(--vscode-panel-border, currentColor);
        background: var(--vscode-sideBar-background, transparent);
      }
      .sash {
        flex: none;
        width: 4px;
        margin: 0 -2px;
        z-index: 5;
        position: relative;
        cursor: ew-resize;
        transition: background-color 0.1s ease-out 0.3s;
      }
      .sash.left {
        border-left: 1px solid var(--vscode-panel-border, currentColor);
        margin-left: 0;
      }
      .sash:hover,
      .sash.active {
        background: var(--vscode-sash-hoverBorder, var(--vscode-focusBorder, currentColor));
      }
      .status {
        flex: none;
        display: flex;
        align-items: center;
        gap: 10px;
        height: 22px;
        padding: 0 12px;
        font-size: 12px;
        border-top: 1px solid var(--vscode-panel-border, currentColor);
        color: var(--vscode-descriptionForeground, currentColor);
        white-space: nowrap;
        overflow: hidden;
      }
      .status .count {
        color: var(--vscode-foreground);
        font-variant-numeric: tabular-nums;
      }
      .status .grow {
        flex: 1;
      }
      .status .notice {
        color: var(--vscode-foreground);
      }
      .status .request-error {
        display: flex;
        align-items: center;
        gap: 4px;
        min-width: 0;
        color: var(--vscode-errorForeground, currentColor);
      }
      .status .request-error .text {
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .status .request-error button {
        flex: none;
        padding: 0 4px;
        border: none;
        background: none;
        color: inherit;
        cursor: pointer;
      }
      .popup {
        position: absolute;
        z-index: 30;
        right: 8px;
        top: 36px;
      }
      .menu {
        position: fixed;
        z-index: 50;
        min-width: 180px;
      }
    `,
  ];

  protected override firstUpdated(): void {
    markOnce('ale:first-render');
  }

  protected override updated(): void {
    // The final state drawn: the end of the bench's "final count".
    if (marked('ale:final-state')) markOnce('ale:final-drawn');
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.state ??= AeApp.defaultState;
    this.state?.addEventListener('change', this.onChange);
    this.state?.addEventListener('panel-command', this.onPanelCommand);
    this.addEventListener('keydown', this.onGlobalKey);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.state?.removeEventListener('change', this.onChange);
    this.state?.removeEventListener('panel-command', this.onPanelCommand);
    this.removeEventListener('keydown', this.onGlobalKey);
  }

  private onGlobalKey = (e: KeyboardEvent): void => {
    if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && (e.key === 'f' || e.key === 'l')) {
      e.preventDefault();
      this.renderRoot.querySelector<AeFilterBar>('ae-filter-bar')?.focus();
    }
  };

  /** A VS Code panel command (keybinding or palette, src/vscode/panelKeys.ts): what the panel's own keys and buttons do. */
  private onPanelCommand = (e: Event): void => {
    const command = (e as CustomEvent<PanelCommand>).detail;
    const s = this.state;
    if (!s) return;
    switch (command) {
      case 'focusFilter':
        this.renderRoot.querySelector<AeFilterBar>('ae-filter-bar')?.focus();
        return;
      case 'clearFilter':
        this.onEscape();
        return;
      case 'nextEvent':
      case 'previousEvent':
      case 'openDetail':
        // The rows are in the Events tab: show it first (from the Principals or Detections tab).
        s.showEvents();
        void this.updateComplete.then(() => {
          const grid = this.renderRoot.querySelector<AeGrid>('ae-grid');
          if (!grid) return;
          if (command === 'openDetail') grid.openSelected();
          else grid.moveSelection(command === 'nextEvent' ? 1 : -1);
          grid.focus();
        });
    }
  };

  // ---- sashes ---------------------------------------------------------------------------------------

  private onSashDown(e: PointerEvent, pane: 'facets' | 'detail'): void {
    const s = this.state;
    if (!s) return;
    e.preventDefault();
    const el = e.currentTarget as HTMLElement;
    el.setPointerCapture(e.pointerId);
    el.classList.add('active');
    const startX = e.clientX;
    const startW = pane === 'facets' ? s.layout.facetsWidth : s.layout.detailWidth;
    const move = (ev: PointerEvent): void => {
      const dx = ev.clientX - startX;
      const max = Math.max(160, this.clientWidth - 320);
      const w = Math.min(max, Math.max(140, startW + (pane === 'facets' ? dx : -dx)));
      s.setLayout(pane === 'facets' ? { facetsWidth: w } : { detailWidth: w });
    };
    const up = (): void => {
      el.classList.remove('active');
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
      el.removeEventListener('pointercancel', up);
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
    el.addEventListener('pointercancel', up);
  }

  // ---- popups ---------------------------------------------------------------------------------------

  private toggleColumns = (): void => {
    this._popup = this._popup?.kind === 'columns' ? undefined : { kind: 'columns' };
    if (this._popup) document.addEventListener('pointerdown', this.onOutside, true);
  };

  private onOutside = (e: Event): void => {
    if (this._popup?.kind !== 'columns') return void document.removeEventListener('pointerdown', this.onOutside, true);
    const path = e.composedPath();
    if (path.some((t) => t instanceof HTMLElement && (t.tagName === 'AE-COLUMNS' || t.id === 'columns-btn'))) return;
    this._popup = undefined;
    document.removeEventListener('pointerdown', this.onOutside, true);
  };

  private openExport = (e: Event): void => {
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    this._popup = { kind: 'export', x: Math.max(0, Math.min(r.right - 200, window.innerWidth - 210)), y: r.bottom + 2, seq: ++this.popupSeq };
  };

  private onExportSelect = (e: VscContextMenuSelectEvent): void => {
    this._popup = undefined;
    const f = e.detail.value;
    if (f === 'csv' || f === 'json' || f === 'jsonl') this.state?.exportAs(f);
  };

  // ---- child events ---------------------------------------------------------------------------------

  private onCellAction(d: CellActionDetail): void {
    const s = this.state;
    if (!s) return;
    switch (d.action) {
      case 'filter':
      case 'exclude':
        return s.addFilter(d.field, d.value, d.action === 'exclude');
      case 'copy':
        return s.copy(d.value);
      case 'copy-event':
        void s.copyEventOf(d.row);
    }
  }

  private onDetailAction(d: DetailActionDetail): void {
    const s = this.state;
    if (!s) return;
    if (d.action === 'copy') return s.copy(d.text, d.what);
    s.addFilter(d.text, d.value ?? '', d.action === 'exclude');
  }

  /** A summary row: filter to its value and show its events; Alt+click excludes it and keeps the summary. */
  private onSummaryPick(d: SummaryPickDetail): void {
    const s = this.state;
    if (!s) return;
    s.addFilter(d.field, d.value, d.exclude);
    if (!d.exclude) s.showEvents();
  }

  private onEscape(): void {
    const s = this.state;
    if (!s) return;
    s.setDraft('');
    if (s.view.filter !== '' || s.error) s.runQuery('');
  }

  // ---- render ---------------------------------------------------------------------------------------

  private renderTop(s: AppState) {
    const p = s.panel;
    const sources = p?.sources ?? [];
    const srcText =
      sources.length === 0
        ? ''
        : sources.length === 1
          ? sources[0].label
          : `${sources.length} sources`;
    const layout = s.layout;
    const toggle = (k: keyof Layout & ('facets' | 'detail' | 'timeline')) => () => s.setLayout({ [k]: !layout[k] });
    return html`<div class="top">
      <div class="titlebar">
        <span class="title" title=${p?.title ?? ''}>${p?.title ?? l10n.t('Audit Log Explorer')}</span>
        <span class="sources muted" title=${sources.map((x) => x.path).join('\n')}>${srcText}</span>
        <vscode-toolbar-container>
          <vscode-toolbar-button icon="refresh" label=${l10n.t('Run Again')} title=${l10n.t('Run Again')} @click=${() => s.runQuery(s.draft)}></vscode-toolbar-button>
          <vscode-toolbar-button id="add-source-btn" icon="add" label=${l10n.t('Add Source')} title=${l10n.t('Add Files, Folders or an Account to This Timeline…')} @click=${() => s.addSource()}></vscode-toolbar-button>
          <vscode-toolbar-button id="columns-btn" icon="list-selection" label=${l10n.t('Choose Columns')} title=${l10n.t('Choose Columns')} @click=${this.toggleColumns}></vscode-toolbar-button>
          <vscode-toolbar-button icon="json" label=${l10n.t('Copy Event JSON')} title=${l10n.t('Copy Event JSON of the Selected Row')} ?disabled=${s.selectedRow === undefined} @click=${() => void s.copySelectedEvent()}></vscode-toolbar-button>
          <vscode-toolbar-button id="export-btn" icon="export" label=${l10n.t('Export')} title=${l10n.t('Export Matching Events…')} @click=${this.openExport}></vscode-toolbar-button>
          <span class="sep"></span>
          <vscode-toolbar-button icon=${layout.facets ? 'layout-sidebar-left' : 'layout-sidebar-left-off'} label=${layout.facets ? l10n.t('Hide Facets') : l10n.t('Show Facets')} title=${layout.facets ? l10n.t('Hide Facets') : l10n.t('Show Facets')} @click=${toggle('facets')}></vscode-toolbar-button>
          <vscode-toolbar-button icon="graph" label=${layout.timeline ? l10n.t('Hide Timeline') : l10n.t('Show Timeline')} title=${layout.timeline ? l10n.t('Hide Timeline') : l10n.t('Show Timeline')} toggleable .checked=${layout.timeline} @click=${toggle('timeline')}></vscode-toolbar-button>
          <vscode-toolbar-button icon=${layout.detail ? 'layout-sidebar-right' : 'layout-sidebar-right-off'} label=${layout.detail ? l10n.t('Hide Event Detail') : l10n.t('Show Event Detail')} title=${layout.detail ? l10n.t('Hide Event Detail') : l10n.t('Show Event Detail')} @click=${toggle('detail')}></vscode-toolbar-button>
        </vscode-toolbar-container>
      </div>
      <ae-filter-bar
        .draft=${s.draft}
        .error=${s.error}
        .history=${s.view.history ?? []}
        .timeRange=${s.view.timeRange}
        .fields=${this.fieldNames(s.panel?.availableColumns)}
        .missing=${s.result?.missingFields}
        @ae-run=${(e: CustomEvent<string>) => s.runQuery(e.detail)}
        @ae-draft=${(e: CustomEvent<string>) => s.setDraft(e.detail)}
        @ae-escape=${() => this.onEscape()}
        @ae-clear-range=${() => s.setTimeRange(undefined)}
      ></ae-filter-bar>
      ${s.pending ? html`<vscode-progress-bar class="busy" indeterminate aria-label=${l10n.t('Running the query')}></vscode-progress-bar>` : nothing}
      ${this._popup?.kind === 'columns'
        ? html`<ae-columns
            class="popup"
            .columns=${s.view.columns}
            .available=${p?.availableColumns ?? []}
            @ae-columns=${(e: CustomEvent<string[]>) => s.setColumns(e.detail)}
            @ae-close=${() => (this._popup = undefined)}
          ></ae-columns>`
        : nothing}
    </div>`;
  }

  private renderLoad(s: AppState) {
    const l = s.load;
    if (!l || l.done || l.cancelled) return nothing;
    const mb = (n: number) => (n / 1e6).toFixed(n < 1e7 ? 1 : 0);
    const files =
      l.filesTotal <= 0
        ? l10n.t('Reading…')
        : l.bytesTotal
          ? l10n.t('Reading {0} of {1} files ({2} of {3} MB)…', formatCount(l.files), formatCount(l.filesTotal), mb(l.bytes ?? 0), mb(l.bytesTotal))
          : l10n.t('Reading {0} of {1} files…', formatCount(l.files), formatCount(l.filesTotal));
    return html`<div class="load" role="status">
      <vscode-progress-bar .value=${l.filesTotal > 0 ? l.files : undefined} .max=${Math.max(1, l.filesTotal)} aria-label=${l10n.t('Loading')}></vscode-progress-bar>
      <div class="strip">
        ${icon('loading', 'codicon-modifier-spin')}
        <span class="load-text">${files} ${l10n.t('{0} events', formatCount(s.loadedEvents))}</span>
        <span class="grow"></span>
        <vscode-button secondary class="cancel" @click=${() => s.cancelLoad()}>${l10n.t('Cancel')}</vscode-button>
      </div>
    </div>`;
  }

  /**
   * After a load: "23,981 events · 6,496 duplicates merged · 17 files skipped · 0 problems · 6.5 s"
   * (issue 12 item 22). "N problems" opens the problem list; in a panel of several sources each
   * source's counts are one click away. Everything here is text (labels and paths are data).
   */
  private renderSummary(s: AppState) {
    const p = s.panel;
    const sum = p?.summary;
    const l = s.load ?? p?.load;
    if (!p || !sum || p.sources.length === 0 || (l && !l.done && !l.cancelled)) return nothing;
    const open = this._problemsOpen;
    const toggleProblems = () => (this._problemsOpen = !open);
    const parts = summaryParts(sum).map((part, i) => {
      const sep = i > 0 ? html`<span class="sep-dot" aria-hidden="true"> · </span>` : nothing;
      if (part.key === 'problems' && sum.problems > 0) {
        return html`${sep}<a
            class="summary-problems"
            role="button"
            tabindex="0"
            aria-expanded=${open ? 'true' : 'false'}
            title=${open ? l10n.t('Hide the problems') : l10n.t('Show the problems: file, line and column of each')}
            @click=${toggleProblems}
            @keydown=${(e: KeyboardEvent) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), toggleProblems())}
            >${part.text}</a
          >`;
      }
      const skippedFiles = p.skippedFiles ?? [];
      if (part.key === 'skipped' && skippedFiles.length > 0) {
        const toggle = () => (this._skippedOpen = !this._skippedOpen);
        return html`${sep}<a
            class="summary-skipped"
            role="button"
            tabindex="0"
            aria-expanded=${this._skippedOpen ? 'true' : 'false'}
            title=${this._skippedOpen ? l10n.t('Hide the skipped files') : l10n.t('Show which files were skipped, and why')}
            @click=${toggle}
            @keydown=${(e: KeyboardEvent) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), toggle())}
            >${part.text}</a
          >`;
      }
      return html`${sep}<span class=${`summary-${part.key}`}>${part.text}</span>`;
    });
    const skipped = this._skippedOpen ? (p.skippedFiles ?? []) : [];
    const many = p.sources.length > 1;
    const sourcesOpen = this._sourcesOpen;
    return html`<div class="strip summary" role="status" data-cancelled=${sum.cancelled ? 'true' : 'false'}>
        ${icon(sum.problems > 0 ? 'warning' : 'pass')}
        <span class="summary-text">${parts}${sum.cancelled ? html`<span class="muted"> ${l10n.t('(cancelled)')}</span>` : nothing}</span>
        <span class="grow"></span>
        ${many
          ? html`<a
              class="summary-sources-toggle muted"
              role="button"
              tabindex="0"
              aria-expanded=${sourcesOpen ? 'true' : 'false'}
              @click=${() => (this._sourcesOpen = !sourcesOpen)}
              @keydown=${(e: KeyboardEvent) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), (this._sourcesOpen = !sourcesOpen))}
              >${sourcesOpen ? l10n.t('Hide ({0})', formatCount(p.sources.length)) : l10n.t('Per source ({0})', formatCount(p.sources.length))}</a
            >`
          : nothing}
      </div>
      ${skipped.length
        ? html`<ul class="summary-skipped-list">
            ${skipped.map((f) => html`<li><span class="path">${f.path}</span><span class="muted"> — </span><span class="reason">${f.reason}</span></li>`)}
            ${sum.skipped > skipped.length ? html`<li class="muted">${l10n.t('…and {0} more (all of them are in the Audit Logs output)', formatCount(sum.skipped - skipped.length))}</li>` : nothing}
          </ul>`
        : nothing}
      ${many && sourcesOpen
        ? html`<ul class="summary-sources">
            ${p.sources.map(
              (src) => html`<li>
                <span class="summary-source-label" title=${src.path}>${src.label}</span><span class="muted">: </span
                ><span class="summary-source-counts">${summaryParts({ events: src.live ? src.live.events : src.events, duplicates: src.duplicates, skipped: src.skipped, problems: src.errors, ms: src.ms })
                  .map((x) => x.text)
                  .join(' · ')}</span>
              </li>`,
            )}
          </ul>`
        : nothing}`;
  }

  private renderProblems(s: AppState) {
    const problems = s.panel?.problems ?? [];
    if (problems.length === 0) return nothing;
    const files = new Set(problems.map((p) => p.path)).size;
    const open = this._problemsOpen;
    // The list holds at most 500; the summary has the real number.
    const total = Math.max(problems.length, s.panel?.summary?.problems ?? 0);
    const summary =
      problems.length === files && total === problems.length
        ? files === 1
          ? l10n.t('1 file had problems')
          : l10n.t('{0} files had problems', formatCount(files))
        : files === 1
          ? l10n.t('{0} problems in {1} file', formatCount(total), `${formatCount(files)}${total > problems.length ? '+' : ''}`)
          : l10n.t('{0} problems in {1} files', formatCount(total), `${formatCount(files)}${total > problems.length ? '+' : ''}`);
    return html`<div
        class="strip problems"
        role="button"
        tabindex="0"
        aria-expanded=${open ? 'true' : 'false'}
        @click=${() => (this._problemsOpen = !open)}
        @keydown=${(e: KeyboardEvent) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), (this._problemsOpen = !open))}
      >
        ${icon(open ? 'chevron-down' : 'chevron-right')}${icon('warning')}
        <span class="problems-summary">${summary}; everything readable was kept.</span>
        <vscode-badge variant="counter">${formatCount(total)}</vscode-badge>
        <span class="grow"></span>
        <span class="muted">${open ? l10n.t('Hide') : l10n.t('Show')}</span>
      </div>
      ${open
        ? html`<ul class="problems-list">
            ${problems.slice(0, 500).map(
              (p) => html`<li>
                <span class="path">${p.path}${p.line !== undefined ? `:${p.line}${p.column !== undefined ? `:${p.column}` : ''}` : ''}</span>
                <span class="muted"> — </span><span class="message">${p.message}</span>
              </li>`,
            )}
            ${total > problems.length ? html`<li class="muted">${l10n.t('…and {0} more (all of them are in the Audit Logs output)', formatCount(total - problems.length))}</li>` : nothing}
          </ul>`
        : nothing}`;
  }

  /**
   * One line per live source: what was fetched, which part of the filter the API applied and which
   * this panel applies, and a way to fetch again once the filter in the bar has changed.
   */
  private renderLive(s: AppState) {
    const live = (s.panel?.sources ?? []).filter((x) => x.live);
    if (live.length === 0) return nothing;
    return html`${live.map((src) => {
      const l = src.live!;
      const changed = l.refetchable && s.draft.trim() !== l.filter.trim();
      const sent = l.sentToApi.length ? l.sentToApi.join(', ') : 'nothing the API can filter on';
      return html`<div class="strip live" role="status" data-source=${src.path}>
        ${icon(l.fetching ? 'loading' : 'cloud', l.fetching ? 'codicon-modifier-spin' : '')}
        <span class="live-what"
          ><b>${l.provider} · ${src.label}</b>:
          ${l.fetching
            ? // The fetch's own numbers come when it ends; meanwhile the status line counts (one count).
              'fetching…'
            : `${formatCount(l.pages)} page${l.pages === 1 ? '' : 's'}, ${formatCount(l.events)} events`}${l.cancelled && !l.fetching ? ' (cancelled)' : ''}${l.stoppedBy && !l.fetching ? ' (stopped early)' : ''}</span
        >
        <span class="live-sent" title=${l10n.t('Filtered by the API')}>${l10n.t('Sent to the API:')} <code>${sent}</code></span>
        <span class="live-local" title=${l10n.t('Filtered in this panel over the fetched events')}>${l10n.t('Applied here:')} <code>${l.localFilter || 'nothing more'}</code></span>
        ${l.server
          ? html`<span class="live-server muted" title=${l.server.note}
              >${icon('info')} In the API: ${l.server.total !== undefined ? `${formatCount(l.server.total)} events` : 'more events'} by its own count, not
              all fetched (“In the API” in the facets and timeline; hover for what it covers)</span
            >`
          : nothing}
        ${l.serverError ? html`<span class="live-server-error muted" title=${l.serverError}>${l10n.t('No counts from the API: {0}', l.serverError)}</span>` : nothing}
        <span class="grow"></span>
        ${changed && !l.fetching
          ? html`<vscode-button secondary class="refetch" title=${l10n.t('Fetch from the API again with the filter in the bar')} @click=${() => s.refetchLive()}
              >${l10n.t('Fetch with This Filter')}</vscode-button
            >`
          : nothing}
        ${l.actions.map(
          (a) => html`<vscode-button
            secondary
            class="query-action"
            data-action=${a.id}
            ?disabled=${l.fetching}
            title=${l10n.t('{0} with the filter in the bar (asks for confirmation before anything changes)', a.title)}
            @click=${() => !l.fetching && s.runQueryAction(src.path, a.id)}
            >${a.title}</vscode-button
          >`,
        )}
      </div>`;
    })}`;
  }

  private renderStatus(s: AppState) {
    const r = s.result;
    const l = s.load;
    let loadNote: string | typeof nothing = nothing;
    if (l?.cancelled) loadNote = l10n.t('Loading cancelled: {0} of {1} files read', formatCount(l.files), formatCount(l.filesTotal));
    const sel = s.selectedIndex !== undefined && r ? l10n.t('Row {0}', formatCount(s.selectedIndex + 1)) : '';
    return html`<div class="status" role="status" aria-live="polite">
      <span class="count">${r ? l10n.t('{0} of {1} events · {2} ms', formatCount(r.count), formatCount(r.total), formatCount(Math.round(r.ms))) : s.pending ? l10n.t('Running…') : ''}</span>
      ${s.pending && r ? html`<span>${l10n.t('Running…')}</span>` : nothing}
      ${loadNote !== nothing ? html`<span>${loadNote}</span>` : nothing}
      ${s.requestError
        ? html`<span class="request-error" role="alert"
            ><span class="text" title=${shownTitle(s.requestError)}>${shownText(s.requestError)}</span
            ><button title=${l10n.t('Dismiss')} aria-label=${l10n.t('Dismiss')} @click=${() => s.dismissRequestError()}>×</button></span
          >`
        : nothing}
      <span class="grow"></span>
      ${s.notice ? html`<span class="notice">${s.notice}</span>` : nothing}
      ${sel ? html`<span>${sel}</span>` : nothing}
    </div>`;
  }

  override render() {
    const s = this.state;
    if (!s) return html`<div class="status">${l10n.t('Starting…')}</div>`;
    const r = s.result;
    const layout = s.layout;
    const emptyText = r ? (r.total === 0 ? l10n.t('No events loaded yet') : l10n.t('No events match the filter')) : s.error ? l10n.t('Fix the filter to see events') : l10n.t('Loading…');
    const popup = this._popup;
    const server = s.server;
    return html`${codicons()}
      ${this.renderTop(s)} ${this.renderLoad(s)} ${this.renderLive(s)} ${this.renderSummary(s)} ${this.renderProblems(s)}
      ${layout.timeline
        ? html`<ae-timeline
            .histogram=${r?.histogram}
            .server=${server?.timeline}
            .timeRange=${s.view.timeRange}
            @ae-range=${(e: CustomEvent<TimeRange>) => s.setTimeRange(e.detail)}
          ></ae-timeline>`
        : nothing}
      <div class="main">
        ${layout.facets
          ? html`<ae-facets
                ${styleProps({ width: `${layout.facetsWidth}px` })}
                .facets=${r?.facets ?? {}}
                .distinct=${r?.facetDistinct ?? {}}
                .queryId=${s.shown?.queryId}
                .version=${s.resultVersion}
                .fetchFacet=${s.fetchFacet}
                .total=${r?.count ?? 0}
                .server=${server?.aggregate}
                @ae-facet=${(e: CustomEvent<FacetPickDetail>) => s.addFilter(e.detail.field, e.detail.value, e.detail.exclude)}
                @ae-facet-table=${(e: CustomEvent<string>) => s.showSummary(e.detail)}
              ></ae-facets
              ><div class="sash left" title=${l10n.t('Drag to resize')} @pointerdown=${(e: PointerEvent) => this.onSashDown(e, 'facets')}></div>`
          : nothing}
        <div class="centre">
          <div class="tabs" role="tablist" aria-label=${l10n.t('What the panel shows')}>
            <button class="tab tab-events" role="tab" aria-selected=${s.centre === 'events' ? 'true' : 'false'} @click=${() => s.showEvents()}>${l10n.t('Events')}</button>
            <button
              class="tab tab-summary"
              role="tab"
              aria-selected=${s.centre === 'summary' ? 'true' : 'false'}
              title=${l10n.t('The matching events grouped by who acted (or by source IP, access key, account, origin), with what each did')}
              @click=${() => s.showSummary()}
            >
              ${l10n.t('Principals')}
            </button>
            ${s.detections && s.detections.state !== 'unavailable'
              ? html`<button
                  class="tab tab-detections"
                  role="tab"
                  aria-selected=${s.centre === 'detections' ? 'true' : 'false'}
                  title=${l10n.t('The Sigma rules the events matched, by level')}
                  @click=${() => s.showDetections()}
                >
                  Detections${detectionBadge(s.detections)}
                </button>`
              : nothing}
          </div>
          ${s.centre === 'detections'
            ? html`<ae-detections .summary=${s.detections} @ae-detection-pick=${(e: CustomEvent<DetectionPickDetail>) => s.filterDetections(e.detail)}></ae-detections>`
            : s.centre === 'summary'
            ? html`<ae-summary
                .field=${s.summaryField}
                .auto=${s.summaryAuto}
                .queryId=${s.shown?.queryId}
                .version=${s.resultVersion}
                .fetchSummary=${s.fetchSummary}
                @ae-summary-field=${(e: CustomEvent<string>) => s.showSummary(e.detail)}
                @ae-summary-pick=${(e: CustomEvent<SummaryPickDetail>) => this.onSummaryPick(e.detail)}
              ></ae-summary>`
            : html`<ae-grid
          .queryId=${s.shown?.queryId}
          .queryGen=${s.userQueryGen}
          .version=${s.resultVersion}
          .count=${r?.count ?? 0}
          .columns=${s.view.columns}
          .widths=${s.view.widths ?? {}}
          .sort=${s.view.sort}
          .selectedIndex=${s.selectedIndex}
          .selectedRow=${s.selectedRow}
          .fetchRows=${s.fetchRows}
          .seed=${r?.rows}
          .restore=${s.restorePos}
          .emptyText=${emptyText}
          @ae-select=${(e: CustomEvent<SelectDetail>) => s.select(e.detail.index, e.detail.row, e.detail.open ?? false)}
          @ae-open=${(e: CustomEvent<SelectDetail>) => (s.setLayout({ detail: true }), s.select(e.detail.index, e.detail.row))}
          @ae-sort=${(e: CustomEvent<Sort>) => s.setSort(e.detail)}
          @ae-widths=${(e: CustomEvent<Record<string, number>>) => s.setWidths(e.detail)}
          @ae-cell-action=${(e: CustomEvent<CellActionDetail>) => this.onCellAction(e.detail)}
          @ae-position=${(e: CustomEvent<GridPosition>) => s.setPosition(e.detail)}
          @ae-restored=${() => s.restoreDone()}
        ></ae-grid>`}
        </div>
        ${layout.detail
          ? html`<div class="sash" title=${l10n.t('Drag to resize')} @pointerdown=${(e: PointerEvent) => this.onSashDown(e, 'detail')}></div>
              <ae-detail
                ${styleProps({ width: `${layout.detailWidth}px` })}
                .detail=${s.detail}
                .loading=${s.detailLoading}
                .error=${s.detailError}
                .expand=${s.expand}
                .gone=${s.detailGone}
                @ae-api-load=${() => void s.loadFromApi()}
                @ae-api-action=${(e: CustomEvent<string>) => s.runEventAction(e.detail)}
                @ae-detail-action=${(e: CustomEvent<DetailActionDetail>) => this.onDetailAction(e.detail)}
                @ae-detail-close=${() => s.setLayout({ detail: false })}
                @ae-chain-select=${(e: CustomEvent<number>) => s.select(undefined, e.detail, true)}
              ></ae-detail>`
          : nothing}
      </div>
      ${this.renderStatus(s)}
      ${popup?.kind === 'export'
        ? keyed(
            popup.seq,
            html`<vscode-context-menu
              class="menu"
              ${styleProps({ left: `${popup.x}px`, top: `${popup.y}px` })}
              .data=${[
                { label: l10n.t('Export as CSV…'), value: 'csv' },
                { label: l10n.t('Export as JSON…'), value: 'json' },
                { label: l10n.t('Export as JSON Lines…'), value: 'jsonl' },
              ]}
              .show=${true}
              @vsc-context-menu-select=${this.onExportSelect}
            ></vscode-context-menu>`,
          )
        : nothing}`;
  }
}

/** The tab's count: events with a high or critical hit, when there are any. */
function detectionBadge(d: DetectionsSummary): string {
  const n = d.byLevel.high + d.byLevel.critical;
  return n > 0 ? ` (${formatCount(n)} high+)` : '';
}

customElements.define('ae-app', AeApp);

declare global {
  interface HTMLElementTagNameMap {
    'ae-app': AeApp;
  }
}
