/**
 * ae-detail: the selected event. "Tree" is a collapsible JSON tree built from JSON.parse(raw)
 * (keys and values are text bindings, colored by CSS class); "Raw" is the exact text in a <pre>.
 * Per node: copy value, copy path (`userIdentity.sessionContext.sessionIssuer.userName`, array
 * indices as `.0`), filter on / exclude the value.
 *
 * An event of a live source whose API can say more shows "Load from API": each section the API
 * answers becomes one more tab, its JSON as text in a <pre>. The provider's actions on the event
 * (tagging, …) are buttons next to it; the host asks for input and confirmation before any runs.
 */
import * as l10n from '@vscode/l10n';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { styleProps } from './style-props';
import { keyed } from 'lit/directives/keyed.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-context-menu/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { VscContextMenuSelectEvent } from '@vscode-elements/elements/dist/vscode-context-menu/vscode-context-menu.js';
import type { VscTabsSelectEvent } from '@vscode-elements/elements/dist/vscode-tabs/vscode-tabs.js';
import type { DetailResult, DetailSectionDto, WhereDto } from '../../src/protocol';
import { dottedPath, filterFieldForPath, formatCount, leafText, rawRuns, type PathSegment } from '../format';
import { baseStyles, codicons, emit, icon, shownText, shownTitle } from './shared';
import { detectionListStyles, renderDetectionList } from './detection-list';

type Kind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

interface Line {
  depth: number;
  key: PathSegment | undefined;
  path: PathSegment[];
  id: string;
  kind: Kind;
  value: unknown;
  size: number;
  open: boolean;
}

export interface DetailActionDetail {
  action: 'copy' | 'filter' | 'exclude';
  /** Text to copy, or the filter field. */
  text: string;
  value?: string;
  what?: string;
}

/** AppState.expand: the API's sections for one event, while loading or once answered. */
export interface ExpandState {
  row: number;
  loading: boolean;
  sections?: DetailSectionDto[];
  error?: string;
}

/** Tree and Raw come first; the API's sections follow. */
const FIXED_TABS = 2;

/** Nodes with more children than this start collapsed, and so do nodes this deep. */
const AUTO_OPEN_DEPTH = 3;
const AUTO_OPEN_SIZE = 100;
/** A tree of a huge event stops here; the Raw tab always has everything. */
const MAX_LINES = 20_000;

function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 && i < path.length - 1 ? path.slice(i + 1) : path;
}

function kindOf(v: unknown): Kind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'object':
      return 'object';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'string';
  }
}

export class AeDetail extends LitElement {
  static override properties = {
    detail: { attribute: false },
    loading: { type: Boolean },
    error: { attribute: false },
    expand: { attribute: false },
    gone: { type: Boolean },
    _tab: { state: true },
    _mode: { state: true },
    _toggled: { state: true },
    _active: { state: true },
    _menu: { state: true },
  };

  declare detail: DetailResult | undefined;
  declare loading: boolean;
  declare error: string | undefined;
  declare expand: ExpandState | undefined;
  /** The event is not in the current results: the filter changed after it was picked. */
  declare gone: boolean;
  declare _tab: number;
  declare _mode: 'auto' | 'all' | 'none';
  declare _toggled: Map<string, boolean>;
  declare _active: number | undefined;
  declare _menu: { x: number; y: number; line: number; seq: number } | undefined;

  private parsed?: { raw: string; ok: true; value: unknown } | { raw: string; ok: false; message: string };
  private lines: Line[] = [];
  private truncated = false;
  private menuSeq = 0;

  constructor() {
    super();
    this.detail = undefined;
    this.loading = false;
    this.error = undefined;
    this.expand = undefined;
    this.gone = false;
    this._tab = 0;
    this._mode = 'auto';
    this._toggled = new Map();
    this._active = undefined;
    this._menu = undefined;
  }

  static override styles = [
    baseStyles,
    detectionListStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-width: 0;
        min-height: 0;
        overflow: hidden;
      }
      .title {
        display: flex;
        align-items: center;
        gap: 6px;
        height: 35px;
        padding: 0 8px 0 12px;
        flex: none;
      }
      .title .section-title {
        flex: none;
      }
      .title .source {
        flex: 1;
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        font-size: 12px;
      }
      .actions {
        display: flex;
        gap: 2px;
        flex: none;
      }
      vscode-tabs {
        flex: 1;
        min-height: 0;
        display: flex;
        flex-direction: column;
        --vscode-panel-background: transparent;
      }
      vscode-tab-panel {
        flex: 1;
        min-height: 0;
        overflow: auto;
      }
      vscode-tab-panel[hidden] {
        display: none;
      }
      .tree {
        position: relative;
        padding: 4px 0 12px;
        outline: none;
        font-family: var(--vscode-editor-font-family, ui-monospace, Menlo, Consolas, monospace);
        font-size: var(--vscode-editor-font-size, 13px);
        line-height: 20px;
      }
      .line {
        position: relative;
        display: flex;
        align-items: flex-start;
        min-height: 20px;
        padding-left: calc(6px + var(--depth, 0) * 14px);
        padding-right: 8px;
        cursor: default;
      }
      .line:hover,
      .line.active {
        background: var(--vscode-list-hoverBackground, transparent);
      }
      .tree:focus-visible .line.active {
        outline: 1px solid var(--vscode-list-focusOutline, var(--vscode-focusBorder, currentColor));
        outline-offset: -1px;
      }
      .twisty {
        flex: none;
        width: 16px;
        height: 20px;
        display: inline-flex;
        align-items: center;
        justify-content: center;
        cursor: pointer;
      }
      .kv {
        flex: 1;
        min-width: 0;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        word-break: break-word;
      }
      .key {
        color: var(--vscode-debugTokenExpression-name, currentColor);
      }
      .key.index {
        color: var(--vscode-debugTokenExpression-name, currentColor);
        opacity: 0.8;
      }
      .string {
        color: var(--vscode-debugTokenExpression-string, currentColor);
      }
      .number {
        color: var(--vscode-debugTokenExpression-number, currentColor);
      }
      .boolean {
        color: var(--vscode-debugTokenExpression-boolean, currentColor);
      }
      .null {
        color: var(--vscode-debugTokenExpression-value, currentColor);
        font-style: italic;
      }
      .summary {
        color: var(--vscode-descriptionForeground, currentColor);
      }
      .line-actions[hidden] {
        display: none;
      }
      .line-actions {
        position: absolute;
        right: 4px;
        top: 0;
        z-index: 1;
        display: flex;
        gap: 1px;
        padding-left: 4px;
        background: var(--vscode-list-hoverBackground, transparent);
        border-radius: 3px;
      }
      .line-actions button.icon-btn {
        width: 20px;
        height: 20px;
        padding: 2px;
      }
      .where {
        padding: 2px 8px 4px;
        font-size: 12px;
      }
      .where-text {
        margin-left: 4px;
      }
      .where-source {
        font-size: 11px;
      }
      pre.raw {
        margin: 0;
        padding: 8px 12px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        font-family: var(--vscode-editor-font-family, ui-monospace, Menlo, Consolas, monospace);
        font-size: var(--vscode-editor-font-size, 13px);
        line-height: 1.45;
        user-select: text;
      }
      .placeholder {
        padding: 16px 12px;
        line-height: 1.5;
      }
      .notice {
        padding: 6px 12px;
        font-size: 12px;
        color: var(--vscode-editorWarning-foreground, currentColor);
      }
      .gone {
        display: flex;
        align-items: flex-start;
        gap: 6px;
        margin: 0 8px 6px 12px;
        padding: 4px 8px;
        font-size: 12px;
        line-height: 16px;
        border: 1px solid var(--vscode-inputValidation-infoBorder, var(--vscode-focusBorder, currentColor));
        background: var(--vscode-inputValidation-infoBackground, transparent);
        border-radius: 2px;
        flex: none;
      }
      .chain {
        margin: 0 8px 6px 12px;
        font-size: 12px;
        line-height: 18px;
        flex: none;
      }
      .chain-title {
        font-weight: 600;
      }
      .chain ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 0 4px;
      }
      .chain li {
        display: inline-flex;
        gap: 4px;
        min-width: 0;
        overflow-wrap: anywhere;
      }
      .chain button.step-link {
        background: none;
        border: none;
        padding: 0;
        font: inherit;
        color: var(--vscode-textLink-foreground);
        cursor: pointer;
        text-align: left;
        overflow-wrap: anywhere;
      }
      .chain button.step-link:hover {
        text-decoration: underline;
      }
      .chain button.step-link:focus-visible {
        outline: 1px solid var(--vscode-focusBorder);
      }
      .chain .outside,
      .chain .omitted {
        color: var(--vscode-descriptionForeground);
      }
      .menu {
        position: fixed;
        z-index: 50;
        min-width: 200px;
      }
      .api {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 6px;
        padding: 0 8px 6px 12px;
        flex: none;
      }
      .api vscode-button {
        --vscode-font-size: 12px;
      }
      .api-error {
        color: var(--vscode-errorForeground, currentColor);
        overflow-wrap: anywhere;
        flex-basis: 100%;
      }
      .section-bar {
        display: flex;
        justify-content: flex-end;
        padding: 4px 8px 0;
        position: sticky;
        top: 0;
        background: var(--vscode-sideBar-background, var(--vscode-editor-background, transparent));
      }
    `,
  ];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('expand')) {
      const before = changed.get('expand');
      // The API's first tab is what "Load from API" was clicked for; a new event starts on the tree.
      if (this.expand?.sections?.length && !before?.sections && this.expand.row === this.detail?.row) this._tab = FIXED_TABS;
    }
    if (changed.has('detail')) {
      const raw = this.detail?.raw;
      if (raw === undefined) this.parsed = undefined;
      else if (this.parsed?.raw !== raw) {
        try {
          this.parsed = { raw, ok: true, value: JSON.parse(raw) as unknown };
        } catch (e) {
          this.parsed = { raw, ok: false, message: e instanceof Error ? e.message : String(e) };
        }
        this._active = undefined;
        this._menu = undefined;
      }
    }
    this.lines = this.parsed?.ok ? this.flatten(this.parsed.value) : [];
  }

  private isOpen(id: string, depth: number, size: number): boolean {
    const t = this._toggled.get(id);
    if (t !== undefined) return t;
    if (this._mode === 'all') return true;
    if (this._mode === 'none') return false;
    return depth < AUTO_OPEN_DEPTH && size <= AUTO_OPEN_SIZE;
  }

  private flatten(root: unknown): Line[] {
    const out: Line[] = [];
    this.truncated = false;
    const visit = (value: unknown, key: PathSegment | undefined, path: PathSegment[], depth: number): void => {
      if (out.length >= MAX_LINES) {
        this.truncated = true;
        return;
      }
      const kind = kindOf(value);
      const entries: Array<[PathSegment, unknown]> =
        kind === 'array' ? (value as unknown[]).map((v, i) => [i, v]) : kind === 'object' ? Object.entries(value as object) : [];
      const id = JSON.stringify(path);
      const open = entries.length > 0 && this.isOpen(id, depth, entries.length);
      out.push({ depth, key, path, id, kind, value, size: entries.length, open });
      if (open) for (const [k, v] of entries) visit(v, k, [...path, k], depth + 1);
    };
    const kind = kindOf(root);
    if (kind === 'object' || kind === 'array') {
      const entries: Array<[PathSegment, unknown]> =
        kind === 'array' ? (root as unknown[]).map((v, i) => [i, v]) : Object.entries(root as object);
      for (const [k, v] of entries) visit(v, k, [k], 0);
    } else {
      visit(root, undefined, [], 0);
    }
    return out;
  }

  // ---- actions --------------------------------------------------------------------------------------

  expandAll(): void {
    this._toggled = new Map();
    this._mode = 'all';
  }

  collapseAll(): void {
    this._toggled = new Map();
    this._mode = 'none';
  }

  private toggle(line: Line): void {
    if (line.size === 0) return;
    const m = new Map(this._toggled);
    m.set(line.id, !line.open);
    this._toggled = m;
  }

  private copyValue(line: Line): void {
    const text = line.kind === 'string' ? String(line.value) : JSON.stringify(line.value, null, 2);
    emit<DetailActionDetail>(this, 'ae-detail-action', { action: 'copy', text, what: l10n.t('Value') });
  }

  private copyPath(line: Line): void {
    emit<DetailActionDetail>(this, 'ae-detail-action', { action: 'copy', text: dottedPath(line.path), what: l10n.t('Path') });
  }

  private filter(line: Line, exclude: boolean): void {
    if (line.kind === 'object' || line.kind === 'array' || line.kind === 'null') return;
    const field = filterFieldForPath(line.path);
    emit<DetailActionDetail>(this, 'ae-detail-action', {
      action: exclude ? 'exclude' : 'filter',
      text: field ?? '',
      value: leafText(line.value),
    });
  }

  private canFilter(line: Line): boolean {
    return line.kind !== 'object' && line.kind !== 'array' && line.kind !== 'null';
  }

  private lineIndex(e: Event): number | undefined {
    for (const t of e.composedPath()) {
      if (t instanceof HTMLElement && t.classList.contains('line')) return Number(t.dataset.i);
    }
    return undefined;
  }

  /** Line the floating action bar sits on (hover or keyboard), without re-rendering the tree. */
  private barLine?: number;

  private placeBar(i: number | undefined): void {
    const bar = this.renderRoot.querySelector<HTMLElement>('.line-actions');
    if (!bar) return;
    const lineEl = i === undefined ? null : this.renderRoot.querySelector<HTMLElement>(`.line[data-i="${i}"]`);
    const line = i === undefined ? undefined : this.lines[i];
    if (!lineEl || !line) {
      bar.hidden = true;
      this.barLine = undefined;
      return;
    }
    this.barLine = i;
    bar.hidden = false;
    bar.style.setProperty('top', `${lineEl.offsetTop}px`);
    const filter = bar.querySelector<HTMLElement>('.filter');
    if (filter) filter.hidden = !this.canFilter(line);
  }

  private barAction(fn: (line: Line) => void): void {
    const line = this.barLine === undefined ? undefined : this.lines[this.barLine];
    if (line) fn(line);
  }

  private onTreeOver = (e: MouseEvent): void => {
    const i = this.lineIndex(e);
    if (i !== undefined && i !== this.barLine) this.placeBar(i);
  };

  protected override updated(): void {
    this.placeBar(this._active ?? this.barLine);
  }

  private onTreeContextMenu = (e: MouseEvent): void => {
    const i = this.lineIndex(e);
    if (i === undefined) return;
    e.preventDefault();
    this._active = i;
    this._menu = {
      x: Math.max(0, Math.min(e.clientX, window.innerWidth - 230)),
      y: Math.max(0, Math.min(e.clientY, window.innerHeight - 150)),
      line: i,
      seq: ++this.menuSeq,
    };
  };

  private onMenuSelect = (e: VscContextMenuSelectEvent): void => {
    const m = this._menu;
    this._menu = undefined;
    const line = m ? this.lines[m.line] : undefined;
    if (!line) return;
    switch (e.detail.value) {
      case 'copy':
        return this.copyValue(line);
      case 'path':
        return this.copyPath(line);
      case 'filter':
        return this.filter(line, false);
      case 'exclude':
        return this.filter(line, true);
    }
  };

  private onTreeKey = (e: KeyboardEvent): void => {
    const n = this.lines.length;
    if (n === 0) return;
    const cur = this._active ?? -1;
    const line = cur >= 0 ? this.lines[cur] : undefined;
    switch (e.key) {
      case 'ArrowDown':
        this._active = Math.min(n - 1, cur + 1);
        break;
      case 'ArrowUp':
        this._active = Math.max(0, cur - 1);
        break;
      case 'Home':
        this._active = 0;
        break;
      case 'End':
        this._active = n - 1;
        break;
      case 'ArrowRight':
        if (line && line.size > 0 && !line.open) this.toggle(line);
        break;
      case 'ArrowLeft':
        if (line && line.open) this.toggle(line);
        else if (line && line.depth > 0) {
          for (let i = cur - 1; i >= 0; i--) {
            if (this.lines[i].depth < line.depth) {
              this._active = i;
              break;
            }
          }
        }
        break;
      case 'Enter':
      case ' ':
        if (line) this.toggle(line);
        break;
      default:
        if ((e.ctrlKey || e.metaKey) && e.key === 'c' && line) {
          this.copyValue(line);
          break;
        }
        return;
    }
    e.preventDefault();
    void this.updateComplete.then(() => {
      this.renderRoot.querySelector('.line.active')?.scrollIntoView({ block: 'nearest' });
    });
  };

  // ---- render ---------------------------------------------------------------------------------------

  private renderValue(line: Line) {
    switch (line.kind) {
      case 'object':
        return html`<span class="summary">{…} ${line.size === 1 ? l10n.t('1 key') : l10n.t('{0} keys', formatCount(line.size))}</span>`;
      case 'array':
        return html`<span class="summary">[…] ${line.size === 1 ? l10n.t('1 item') : l10n.t('{0} items', formatCount(line.size))}</span>`;
      case 'string':
        return html`<span class="string v">"${shownText(String(line.value))}"</span>`;
      case 'null':
        return html`<span class="null">null</span>`;
      default:
        return html`<span class="${line.kind} v">${shownText(String(line.value))}</span>`;
    }
  }

  private renderLine(line: Line, i: number) {
    const active = i === this._active;
    const key =
      line.key === undefined
        ? nothing
        : typeof line.key === 'number'
          ? html`<span class="key index">${line.key}</span>: `
          : html`<span class="key v">${shownText(line.key)}</span>: `;
    return html`<div
      class="line ${active ? 'active' : ''}"
      data-i=${i}
      role="treeitem"
      aria-level=${line.depth + 1}
      aria-expanded=${line.size > 0 ? (line.open ? 'true' : 'false') : nothing}
      ${styleProps({ '--depth': String(line.depth) })}
      title=${shownTitle(dottedPath(line.path))}
    >
      <span class="twisty" @click=${() => this.toggle(line)}>${line.size > 0 ? icon(line.open ? 'chevron-down' : 'chevron-right') : nothing}</span>
      <span class="kv" @dblclick=${() => this.toggle(line)}>${key}${this.renderValue(line)}</span>
    </div>`;
  }

  private renderTree() {
    const p = this.parsed;
    if (!p) return nothing;
    if (!p.ok) return html`<div class="notice">${l10n.t('This event is not valid JSON ({0}); the Raw tab shows it as it arrived.', p.message)}</div>`;
    return html`<div
        class="tree"
        role="tree"
        tabindex="0"
        aria-label=${l10n.t('Event JSON')}
        @mouseover=${this.onTreeOver}
        @mouseleave=${() => this._active === undefined && this.placeBar(undefined)}
        @contextmenu=${this.onTreeContextMenu}
        @keydown=${this.onTreeKey}
      >
        ${this.lines.map((l, i) => this.renderLine(l, i))}
        <span class="line-actions" hidden>
          <button class="icon-btn" title=${l10n.t('Copy Value')} aria-label=${l10n.t('Copy value')} @click=${() => this.barAction((l) => this.copyValue(l))}>${icon('copy')}</button>
          <button class="icon-btn" title=${l10n.t('Copy Path')} aria-label=${l10n.t('Copy path')} @click=${() => this.barAction((l) => this.copyPath(l))}>${icon('symbol-field')}</button>
          <button class="icon-btn filter" title=${l10n.t('Filter on This Value (Alt+click: exclude)')} aria-label=${l10n.t('Filter on this value')} @click=${(e: MouseEvent) => this.barAction((l) => this.filter(l, e.altKey))}>${icon('filter')}</button>
        </span>
      </div>
      ${this.truncated ? html`<div class="notice">${l10n.t('The tree stops at {0} lines; the Raw tab has the whole event.', formatCount(MAX_LINES))}</div>` : nothing}`;
  }

  /** Raw JSON as text: each string literal an isolated run, hidden characters as escapes. */
  private renderRaw(raw: string) {
    let runs = this.rawMemo.get(raw);
    if (!runs) {
      runs = rawRuns(raw).map((r) => (r.string ? html`<span class="v">${shownText(r.text)}</span>` : shownText(r.text, true)));
      // The event and its API sections render together; a few entries cover them.
      if (this.rawMemo.size >= 8) this.rawMemo.clear();
      this.rawMemo.set(raw, runs);
    }
    return runs;
  }

  private readonly rawMemo = new Map<string, unknown[]>();

  /** The API's sections when they belong to the event shown. */
  private apiSections(): DetailSectionDto[] {
    const e = this.expand;
    return e && this.detail && e.row === this.detail.row ? (e.sections ?? []) : [];
  }

  private renderApi(d: DetailResult) {
    const live = d.live;
    if (!live || (!live.expandable && live.actions.length === 0)) return nothing;
    const e = this.expand?.row === d.row ? this.expand : undefined;
    return html`<div class="api">
      ${live.expandable
        ? html`<vscode-button
            secondary
            class="load-api"
            icon=${e?.loading ? 'loading' : 'cloud-download'}
            ?icon-spin=${e?.loading ?? false}
            ?disabled=${e?.loading ?? false}
            title=${l10n.t('Ask the API for more of this event (read by id, raw data, relations)')}
            @click=${() => !e?.loading && emit(this, 'ae-api-load', d.row)}
            >${e?.loading ? l10n.t('Loading from API…') : e?.sections ? l10n.t('Load from API Again') : l10n.t('Load from API')}</vscode-button
          >`
        : nothing}
      ${live.actions.map(
        (a) => html`<vscode-button
          secondary
          class="event-action"
          data-action=${a.id}
          title=${l10n.t('{0} (asks for confirmation before anything changes)', a.title)}
          @click=${() => emit(this, 'ae-api-action', a.id)}
          >${a.title}</vscode-button
        >`,
      )}
      ${e?.error ? html`<div class="api-error" role="alert">${l10n.t('Could not load from the API: {0}', e.error)}</div>` : nothing}
    </div>`;
  }

  /** Country and AS of the event's sourceIp, with the data's date and attribution (its licence asks for them). */
  private renderWhere(w: WhereDto) {
    const parts = w.ipClass === 'public' ? [w.country, w.asn ? `AS${w.asn}` : '', w.asOrg].filter((p) => p !== '') : [];
    const said = parts.length > 0 ? parts.join(' · ') : w.ipClass === 'public' ? 'not in the IP data' : w.classText;
    const source = `${l10n.t('IP data of {0}.', w.dataDate || l10n.t('unknown date (the table could not be loaded)'))} ${w.attribution}`;
    return html`<div class="where" title=${shownTitle(`${w.ip}: ${w.classText}. ${source}`)}>
      ${icon('globe')}<span class="where-text">${shownText(said)}</span>
      <div class="where-source muted">${shownText(source)}</div>
    </div>`;
  }

  /** Who is behind the event: its session chain, origin first, each step a link to its event. */
  private renderChain(d: DetailResult) {
    const c = d.chain;
    if (!c) return nothing;
    const step = (label: string, row: number) =>
      row >= 0 && row !== d.row
        ? html`<button class="step-link" data-row=${row} title=${l10n.t('Show this event: {0}', shownTitle(label))} @click=${() => emit(this, 'ae-chain-select', row)}>${shownText(label)}</button>`
        : html`<span class="step-text" title=${shownTitle(label)}>${shownText(label)}</span>`;
    return html`<div class="chain" role="navigation" aria-label=${l10n.t('Session chain')}>
      <div class="chain-title">${l10n.t('Who is behind it')}</div>
      <ol>
        ${c.steps.map(
          (s, i) => html`<li class="step ${s.kind}" data-kind=${s.kind}>${i > 0 ? html`<span aria-hidden="true">→</span> ` : nothing}${step(s.label, s.row)}</li>`,
        )}
      </ol>
      ${c.omitted > 0 ? html`<div class="omitted">${l10n.t('{0} steps in the middle of this chain are not shown.', formatCount(c.omitted))}</div>` : nothing}
      ${c.end === 'outside'
        ? html`<div class="outside" role="note">
            The chain leaves the loaded data: ${c.outsideKey ? html`key <code>${shownText(c.outsideKey)}</code> was` : 'its first credentials were'} minted before (or
            outside) the loaded events, so who is behind it is not known here. Load earlier logs to follow it.
          </div>`
        : nothing}
    </div>`;
  }

  override render() {
    const d = this.detail;
    const sections = this.apiSections();
    const tab = this._tab < FIXED_TABS + sections.length ? this._tab : 0;
    const menu = this._menu;
    const menuLine = menu ? this.lines[menu.line] : undefined;
    return html`${codicons()}
      <div class="title">
        <span class="section-title">${l10n.t('Event')}</span>
        <span class="source muted" title=${shownTitle(d?.source ?? '')}>${d ? shownText(baseName(d.source)) : ''}</span>
        <span class="actions">
          <button class="icon-btn" title=${l10n.t('Expand All')} aria-label=${l10n.t('Expand all')} @click=${() => this.expandAll()}>${icon('expand-all')}</button>
          <button class="icon-btn" title=${l10n.t('Collapse All')} aria-label=${l10n.t('Collapse all')} @click=${() => this.collapseAll()}>${icon('collapse-all')}</button>
          <button class="icon-btn" title=${l10n.t('Copy Event JSON')} aria-label=${l10n.t('Copy event JSON')} ?disabled=${!d} @click=${() => d && emit<DetailActionDetail>(this, 'ae-detail-action', { action: 'copy', text: d.raw, what: l10n.t('Event JSON') })}>${icon('json')}</button>
          <button class="icon-btn" title=${l10n.t('Close')} aria-label=${l10n.t('Close detail')} @click=${() => emit(this, 'ae-detail-close', null)}>${icon('close')}</button>
        </span>
      </div>
      ${d && this.gone && !this.error
        ? html`<div class="gone" role="status">${icon('info')}<span>${l10n.t('Not in the current results: the filter changed after this event was picked.')}</span></div>`
        : nothing}
      ${this.error
        ? html`<div class="placeholder muted">${l10n.t('Could not load the event: {0}', this.error)}</div>`
        : !d
          ? html`<div class="placeholder muted">${this.loading ? l10n.t('Loading…') : l10n.t('Select an event to see all of its fields.')}</div>`
          : html`${this.renderChain(d)}${this.renderApi(d)}${d.where ? this.renderWhere(d.where) : nothing}${renderDetectionList(d.detections)}<vscode-tabs selected-index=${tab} @vsc-tabs-select=${(e: VscTabsSelectEvent) => (this._tab = e.detail.selectedIndex)}>
              <vscode-tab-header slot="header">${l10n.t('Tree')}</vscode-tab-header>
              <vscode-tab-panel>${this.renderTree()}</vscode-tab-panel>
              <vscode-tab-header slot="header">${l10n.t('Raw')}</vscode-tab-header>
              <vscode-tab-panel><pre class="raw">${this.renderRaw(d.raw)}</pre></vscode-tab-panel>
              ${sections.map(
                (s) => html`<vscode-tab-header slot="header" class="api-tab" title=${l10n.t('{0} (from the API)', s.title)}>${s.title}</vscode-tab-header>
                  <vscode-tab-panel class="api-panel">
                    <div class="section-bar">
                      <button class="icon-btn" title=${l10n.t('Copy')} aria-label=${l10n.t('Copy {0}', s.title)} @click=${() => emit<DetailActionDetail>(this, 'ae-detail-action', { action: 'copy', text: s.text, what: s.title })}>${icon('copy')}</button>
                    </div>
                    <pre class="raw api-text">${this.renderRaw(s.text)}</pre>
                  </vscode-tab-panel>`,
              )}
            </vscode-tabs>`}
      ${menu && menuLine
        ? keyed(
            menu.seq,
            html`<vscode-context-menu
              class="menu"
              ${styleProps({ left: `${menu.x}px`, top: `${menu.y}px` })}
              .data=${[
                { label: l10n.t('Copy Value'), value: 'copy' },
                { label: l10n.t('Copy Path'), value: 'path' },
                ...(this.canFilter(menuLine)
                  ? [{ separator: true }, { label: l10n.t('Filter on This Value'), value: 'filter' }, { label: l10n.t('Exclude This Value'), value: 'exclude' }]
                  : []),
              ]}
              .show=${true}
              @vsc-context-menu-select=${this.onMenuSelect}
            ></vscode-context-menu>`,
          )
        : nothing}`;
  }
}

customElements.define('ae-detail', AeDetail);

declare global {
  interface HTMLElementTagNameMap {
    'ae-detail': AeDetail;
  }
}
