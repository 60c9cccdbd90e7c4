/**
 * ae-grid: the events table. Our own windowing, because vscode-table renders every row and does
 * not sort (PEERS.md, part 2 (d)):
 *
 * - Fixed 22 px rows; only the rows in view (plus a few) are in the DOM.
 * - Rows live in the extension host and are fetched by window (RowsRequest) in blocks of 200,
 *   throttled while scrolling, kept in a small cache; answers for another query or another column
 *   set are dropped. A query's result carries the block it shows first (`seed`): that one is drawn
 *   without asking.
 * - Scaled scrolling: the spacer is never taller than 15M px (Chromium caps element heights near
 *   33.5M px, Firefox near 17.9M px), and past that the scrollbar is mapped onto the row range
 *   (format.ts ScrollMap), so a million rows scroll end to end.
 * - Sticky header with sort and resize; keyboard navigation; a context menu per cell.
 *
 * Every cell is a text binding: event data never becomes markup.
 */
import * as l10n from '@vscode/l10n';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { styleProps } from './style-props';
import { keyed } from 'lit/directives/keyed.js';
import '@vscode-elements/elements/dist/vscode-context-menu/index.js';
import type { VscContextMenuSelectEvent } from '@vscode-elements/elements/dist/vscode-context-menu/vscode-context-menu.js';
import type { QueryResult, RowDto, RowsParams, RowsResult, Sort } from '../../src/protocol';
import { GRID_BLOCK, LIMITS, gridColumns } from '../../src/protocol';
import { markOnce } from '../marks';
import { ScrollMap, formatTime, isoTime } from '../format';
import { baseStyles, codicons, columnLabel, defaultWidth, emit, endMatters, icon, isTimeColumn, shownText, shownTitle } from './shared';
import type { GridPosition } from '../state';

export const ROW_HEIGHT = 22;
const HEADER_HEIGHT = 24;
const BLOCK = GRID_BLOCK;
const OVERSCAN = 6;
const MAX_BLOCKS = 60;
const FETCH_THROTTLE_MS = 50;

export interface CellActionDetail {
  action: 'filter' | 'exclude' | 'copy' | 'copy-event';
  field: string;
  value: string;
  row: number;
}

export interface SelectDetail {
  index: number;
  row: number | undefined;
  /** A click opens a closed detail pane; moving with the keyboard does not. */
  open?: boolean;
}

interface MenuState {
  x: number;
  y: number;
  field: string;
  value: string;
  row: number;
  seq: number;
}

const OUTCOMES = new Set(['success', 'failure', 'unknown']);

export class AeGrid extends LitElement {
  static override properties = {
    queryId: { type: Number },
    queryGen: { type: Number },
    version: { type: Number },
    count: { type: Number },
    columns: { attribute: false },
    widths: { attribute: false },
    sort: { attribute: false },
    selectedIndex: { attribute: false },
    selectedRow: { attribute: false },
    fetchRows: { attribute: false },
    seed: { attribute: false },
    restore: { attribute: false },
    emptyText: { attribute: false },
    _contentTop: { state: true },
    _viewHeight: { state: true },
    _live: { state: true },
    _menu: { state: true },
    _tick: { state: true },
  };

  declare queryId: number | undefined;
  declare queryGen: number;
  /** Bumps when the host answers again for the same query (new events): cached rows are stale. */
  declare version: number;
  declare count: number;
  declare columns: string[];
  declare widths: Record<string, number>;
  declare sort: Sort;
  declare selectedIndex: number | undefined;
  /** Store row of the selected event: the highlight follows it when a refresh moves it. */
  declare selectedRow: number | undefined;
  declare fetchRows: ((p: RowsParams) => Promise<RowsResult>) | undefined;
  /** The rows the shown result came with (QueryResult.rows): its first block, needing no request. */
  declare seed: QueryResult['rows'];
  declare restore: GridPosition | undefined;
  declare emptyText: string;
  declare _contentTop: number;
  declare _viewHeight: number;
  /** Widths while a header edge is dragged. */
  declare _live: Record<string, number> | undefined;
  declare _menu: MenuState | undefined;
  declare _tick: number;

  private cache = new Map<number, RowDto[] | 'pending'>();
  /**
   * While events stream in, the host answers the same query again every few hundred ms: the rows
   * of the previous answer stay on screen until this answer's arrive, so the grid fills instead of
   * blinking empty at every update.
   */
  private stale = new Map<number, RowDto[]>();
  private gen = 0;
  private columnsKey = '';
  private fetchTimer?: ReturnType<typeof setTimeout>;
  private positionTimer?: ReturnType<typeof setTimeout>;
  /** scrollTop we set and the contentTop we meant by it (scaled scrolling rounds). */
  private pinned?: { scrollTop: number; contentTop: number };
  /** Selected by keyboard before its row arrived: announce the row id once it does. */
  private awaitingRow?: number;
  private resizeObserver?: ResizeObserver;
  private menuSeq = 0;
  private pendingScroll?: number;
  /** A column just added: scrolled into view once it is drawn. */
  private pendingReveal?: string;
  /** A seeded block may hold the row a restored selection waits for. */
  private seeded = false;

  constructor() {
    super();
    this.queryId = undefined;
    this.queryGen = 0;
    this.version = 0;
    this.count = 0;
    this.columns = [];
    this.widths = {};
    this.sort = { field: 'time', dir: 'desc' };
    this.selectedIndex = undefined;
    this.selectedRow = undefined;
    this.fetchRows = undefined;
    this.seed = undefined;
    this.restore = undefined;
    this.emptyText = l10n.t('No events');
    this._contentTop = 0;
    this._viewHeight = 0;
    this._live = undefined;
    this._menu = undefined;
    this._tick = 0;
  }

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        position: relative;
        min-width: 0;
        min-height: 0;
        overflow: hidden;
        --row-height: 22px;
        --header-height: 24px;
        --grid-border: var(--vscode-tree-tableColumnsBorder, var(--vscode-contrastBorder, transparent));
      }
      .viewport {
        position: absolute;
        inset: 0;
        overflow: auto;
        outline: none;
        overscroll-behavior: contain;
      }
      .viewport:focus-visible {
        outline: 1px solid var(--vscode-focusBorder, currentColor);
        outline-offset: -1px;
      }
      .canvas {
        position: relative;
        min-width: 100%;
      }
      .header {
        position: sticky;
        top: 0;
        z-index: 2;
        height: var(--header-height);
        display: grid;
        grid-template-columns: var(--cols);
        background: var(--vscode-keybindingTable-headerBackground, var(--vscode-editorGroupHeader-tabsBackground, transparent));
        border-bottom: 1px solid var(--vscode-editorGroup-border, var(--vscode-panel-border, currentColor));
        user-select: none;
      }
      .hcell {
        position: relative;
        display: flex;
        align-items: center;
        gap: 4px;
        padding: 0 8px;
        min-width: 0;
        font-weight: 600;
        cursor: pointer;
        white-space: nowrap;
        overflow: hidden;
        color: var(--vscode-foreground);
      }
      .hcell:hover {
        background: var(--vscode-list-hoverBackground, transparent);
      }
      .hcell .label {
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .hcell .sort {
        flex: none;
        opacity: 0.9;
      }
      .hcell .codicon[class*='codicon-'] {
        font-size: 14px;
      }
      .resizer {
        position: absolute;
        top: 0;
        right: -3px;
        width: 7px;
        height: 100%;
        cursor: col-resize;
        z-index: 3;
      }
      .resizer::after {
        content: '';
        position: absolute;
        left: 3px;
        top: 4px;
        bottom: 4px;
        width: 1px;
        background: var(--grid-border);
      }
      .resizer:hover::after,
      .resizer.active::after {
        top: 0;
        bottom: 0;
        background: var(--vscode-sash-hoverBorder, var(--vscode-focusBorder, currentColor));
        width: 2px;
      }
      .layer {
        position: sticky;
        top: var(--header-height);
        overflow: hidden;
        z-index: 1;
      }
      .rows {
        position: absolute;
        left: 0;
        right: 0;
        top: 0;
        will-change: transform;
      }
      .row {
        display: grid;
        grid-template-columns: var(--cols);
        height: var(--row-height);
        line-height: var(--row-height);
        cursor: default;
      }
      .row.odd {
        background: var(--vscode-keybindingTable-rowsBackground, transparent);
      }
      /* A Sigma hit: a bar in the row's first pixels, coloured by its highest level. */
      .row.hit {
        box-shadow: inset 3px 0 0 var(--vscode-editorInfo-foreground);
      }
      .row.hit-medium {
        box-shadow: inset 3px 0 0 var(--vscode-editorWarning-foreground);
      }
      .row.hit-high,
      .row.hit-critical {
        box-shadow: inset 3px 0 0 var(--vscode-errorForeground);
      }
      .row:hover {
        background: var(--vscode-list-hoverBackground, transparent);
        color: var(--vscode-list-hoverForeground, inherit);
      }
      .row.selected {
        background: var(--vscode-list-inactiveSelectionBackground, transparent);
        color: var(--vscode-list-inactiveSelectionForeground, inherit);
      }
      .viewport:focus-within .row.selected {
        background: var(--vscode-list-activeSelectionBackground, transparent);
        color: var(--vscode-list-activeSelectionForeground, currentColor);
        outline: 1px solid var(--vscode-list-focusOutline, var(--vscode-focusBorder, currentColor));
        outline-offset: -1px;
      }
      :host-context(.vscode-high-contrast) .row:hover {
        outline: 1px dashed var(--vscode-contrastActiveBorder, currentColor);
        outline-offset: -1px;
      }
      :host-context(.vscode-high-contrast) .row.selected {
        outline: 1px solid var(--vscode-contrastActiveBorder, currentColor);
        outline-offset: -1px;
      }
      .cell {
        padding: 0 8px;
        min-width: 0;
        overflow: hidden;
        white-space: nowrap;
        text-overflow: ellipsis;
        border-right: 1px solid var(--grid-border);
      }
      .cell.time {
        font-variant-numeric: tabular-nums;
      }
      /*
       * Ellipsis at the start: the cell runs right to left so the overflow (and the "…") is on the
       * left, while the value inside stays an isolated left-to-right run.
       */
      .cell.tail {
        direction: rtl;
        text-align: left;
      }
      .cell.tail > .v {
        direction: ltr;
      }
      .cell.num {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      .filler {
        min-width: 0;
      }
      .row.loading .cell:first-child::before {
        content: '';
        display: inline-block;
        width: 60%;
        height: 6px;
        border-radius: 3px;
        vertical-align: middle;
        background: var(--vscode-editorWidget-border, currentColor);
        opacity: 0.5;
      }
      .oc {
        display: inline-block;
        width: 8px;
        height: 8px;
        margin-right: 6px;
        border-radius: 50%;
        vertical-align: 0;
        background: var(--vscode-disabledForeground, currentColor);
      }
      .oc.success {
        background: var(--vscode-testing-iconPassed, currentColor);
      }
      .oc.failure {
        background: var(--vscode-testing-iconFailed, var(--vscode-errorForeground, currentColor));
      }
      .cell.failure {
        color: var(--vscode-errorForeground, currentColor);
      }
      .viewport:focus-within .row.selected .cell.failure {
        color: inherit;
      }
      .empty {
        position: absolute;
        left: 0;
        right: 0;
        top: 24px;
        text-align: center;
        color: var(--vscode-descriptionForeground, currentColor);
      }
      .menu {
        position: fixed;
        z-index: 50;
        min-width: 200px;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    this.resizeObserver = new ResizeObserver(() => this.measure());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    clearTimeout(this.fetchTimer);
    clearTimeout(this.positionTimer);
  }

  protected override firstUpdated(): void {
    const vp = this.viewport;
    if (vp) this.resizeObserver?.observe(vp);
    this.measure();
  }

  private get viewport(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.viewport');
  }

  private measure(): void {
    const vp = this.viewport;
    if (!vp) return;
    const h = Math.max(0, vp.clientHeight - HEADER_HEIGHT);
    if (h !== this._viewHeight) {
      this._viewHeight = h;
      this.onScroll();
    }
  }

  private get map(): ScrollMap {
    return new ScrollMap(this.count, ROW_HEIGHT, this._viewHeight);
  }

  /** Public for tests and the app: the geometry the grid is using now. */
  get geometry(): { spacerHeight: number; scaled: boolean; contentTop: number; firstVisible: number } {
    const m = this.map;
    return { spacerHeight: m.spacerHeight, scaled: m.scaled, contentTop: this._contentTop, firstVisible: Math.floor(this._contentTop / ROW_HEIGHT) };
  }

  // ---- data ---------------------------------------------------------------------------------------

  protected override willUpdate(changed: PropertyValues<this>): void {
    const before = changed.get('columns');
    if (before && before.length > 0) {
      const added = this.columns.filter((c) => !before.includes(c));
      if (added.length > 0) this.pendingReveal = added[added.length - 1];
    }
    const key = this.columns.join('\u0000');
    if (changed.has('queryId') || key !== this.columnsKey || changed.has('count') || changed.has('version')) {
      const sameQuery = !changed.has('queryId') && key === this.columnsKey;
      const stale = new Map<number, RowDto[]>();
      if (sameQuery) {
        for (const [b, rows] of this.stale) if (!Array.isArray(this.cache.get(b))) stale.set(b, rows);
        for (const [b, rows] of this.cache) if (Array.isArray(rows)) stale.set(b, rows);
        for (const b of stale.keys()) if (stale.size > MAX_BLOCKS) stale.delete(b);
      }
      this.stale = stale;
      this.columnsKey = key;
      this.gen++;
      this.cache.clear();
    }
    if (changed.has('seed')) this.applySeed();
    if (changed.has('widths')) this._live = undefined;
    if (changed.has('queryGen') && this.queryGen > 0) {
      // A query the user asked for starts at the top (or where the panel was before it was hidden).
      const r = this.restore;
      this._contentTop = r ? Math.min(r.topIndex * ROW_HEIGHT, this.map.maxContentTop) : 0;
      this.pendingScroll = this._contentTop;
      this.awaitingRow = r?.selectedIndex;
      if (r) emit(this, 'ae-restored', null);
    } else if (changed.has('count')) {
      this._contentTop = Math.min(this._contentTop, this.map.maxContentTop);
    }
  }

  /** The result's own block, when it is of the query and the columns shown (else it is asked for as usual). */
  private applySeed(): void {
    const s = this.seed;
    if (!s || s.queryId !== this.queryId || s.offset % BLOCK !== 0 || s.offset >= this.count) return;
    if (s.columns.join('\u0000') !== gridColumns(this.columns).join('\u0000')) return;
    if (s.rows.length !== Math.min(BLOCK, this.count - s.offset)) return;
    const b = s.offset / BLOCK;
    if (Array.isArray(this.cache.get(b))) return;
    this.cache.set(b, s.rows);
    this.stale.delete(b);
    this.seeded = true;
  }

  protected override updated(): void {
    if (this.seeded) {
      this.seeded = false;
      this.announceAwaited();
    }
    if (this.pendingReveal !== undefined) {
      this.revealColumn(this.pendingReveal);
      this.pendingReveal = undefined;
    }
    if (this.pendingScroll !== undefined) {
      const c = this.pendingScroll;
      this.pendingScroll = undefined;
      this.scrollToContent(c);
    }
    this.scheduleFetch();
  }

  private scheduleFetch(): void {
    if (this.fetchTimer !== undefined) return;
    this.fetchTimer = setTimeout(() => {
      this.fetchTimer = undefined;
      this.fetchVisible();
    }, FETCH_THROTTLE_MS);
  }

  private renderRange(): [number, number] {
    const top = this._contentTop;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.count, Math.ceil((top + this._viewHeight) / ROW_HEIGHT) + OVERSCAN);
    return [first, last];
  }

  private fetchVisible(): void {
    const fetch = this.fetchRows;
    const queryId = this.queryId;
    if (!fetch || queryId === undefined || this.count === 0 || this.columns.length === 0) return;
    const [first, last] = this.renderRange();
    if (last <= first) return;
    const gen = this.gen;
    const columns = gridColumns(this.columns);
    for (let b = Math.floor(first / BLOCK); b <= Math.floor((last - 1) / BLOCK); b++) {
      if (this.cache.has(b)) continue;
      this.cache.set(b, 'pending');
      const offset = b * BLOCK;
      const limit = Math.min(BLOCK, this.count - offset);
      fetch({ queryId, offset, limit, columns }).then(
        (res) => {
          if (gen !== this.gen || res.queryId !== this.queryId) return; // stale answer
          this.cache.set(b, res.rows);
          this.stale.delete(b);
          this.evict(b);
          this._tick++;
          this.announceAwaited();
        },
        () => {
          if (gen === this.gen) this.cache.delete(b);
        },
      );
    }
  }

  private evict(keep: number): void {
    if (this.cache.size <= MAX_BLOCKS) return;
    const blocks = [...this.cache.keys()].sort((a, b) => Math.abs(b - keep) - Math.abs(a - keep));
    for (const b of blocks) {
      if (this.cache.size <= MAX_BLOCKS) break;
      if (this.cache.get(b) !== 'pending') this.cache.delete(b);
    }
  }

  rowAt(index: number): RowDto | undefined {
    const block = this.cache.get(Math.floor(index / BLOCK));
    return Array.isArray(block) ? block[index % BLOCK] : undefined;
  }

  private announceAwaited(): void {
    const i = this.awaitingRow;
    if (i === undefined) return;
    const r = this.rowAt(i);
    if (!r) return;
    this.awaitingRow = undefined;
    if (this.selectedIndex === i) emit<SelectDetail>(this, 'ae-select', { index: i, row: r.row });
  }

  // ---- scrolling ------------------------------------------------------------------------------------

  private onScroll = (): void => {
    const vp = this.viewport;
    if (!vp) return;
    const st = vp.scrollTop;
    const p = this.pinned;
    let top: number;
    if (p && Math.abs(st - p.scrollTop) < 1) top = p.contentTop;
    else {
      this.pinned = undefined;
      top = this.map.contentTop(st);
    }
    if (top !== this._contentTop) {
      this._contentTop = top;
      this.scheduleFetch();
    }
    if (this._menu) this._menu = undefined;
    clearTimeout(this.positionTimer);
    this.positionTimer = setTimeout(() => {
      emit<GridPosition>(this, 'ae-position', { topIndex: Math.floor(this._contentTop / ROW_HEIGHT) });
    }, 300);
  };

  /**
   * In scaled mode one scrollbar pixel is several content pixels, so the wheel would jump: wheel
   * and trackpad deltas are applied in content pixels instead, at their natural speed.
   */
  private onWheel = (e: WheelEvent): void => {
    if (!this.map.scaled || e.ctrlKey || Math.abs(e.deltaY) <= Math.abs(e.deltaX)) return;
    e.preventDefault();
    const dy = e.deltaMode === 1 ? e.deltaY * ROW_HEIGHT : e.deltaMode === 2 ? e.deltaY * this._viewHeight : e.deltaY;
    this.scrollToContent(this._contentTop + dy);
  };

  private scrollToContent(contentTop: number): void {
    const vp = this.viewport;
    const m = this.map;
    const c = Math.min(Math.max(0, contentTop), m.maxContentTop);
    this._contentTop = c;
    if (!vp) return;
    vp.scrollTop = m.scrollTop(c);
    this.pinned = { scrollTop: vp.scrollTop, contentTop: c };
  }

  /** Scrolls sideways the least needed to show a column whole (its left edge if it is wider than the view). */
  revealColumn(field: string): void {
    const vp = this.viewport;
    const i = this.columns.indexOf(field);
    if (!vp || i < 0) return;
    let left = 0;
    for (let k = 0; k < i; k++) left += this.widthOf(this.columns[k]);
    const right = left + this.widthOf(field);
    if (right > vp.scrollLeft + vp.clientWidth) vp.scrollLeft = right - vp.clientWidth;
    if (left < vp.scrollLeft) vp.scrollLeft = left;
  }

  /** Scrolls the least needed to show row `index` whole. */
  scrollToIndex(index: number): void {
    const rowTop = index * ROW_HEIGHT;
    const top = this._contentTop;
    if (rowTop < top) this.scrollToContent(rowTop);
    else if (rowTop + ROW_HEIGHT > top + this._viewHeight) this.scrollToContent(rowTop + ROW_HEIGHT - this._viewHeight);
  }

  override focus(): void {
    this.viewport?.focus();
  }

  // ---- selection and keys ---------------------------------------------------------------------------

  /** Moves the selection by `delta` rows (the first row when none is selected), as ↓/↑ do. */
  moveSelection(delta: number): void {
    const cur = this.selectedIndex;
    this.selectIndex(cur === undefined ? 0 : cur + delta);
  }

  /** Opens the selected event's detail (the first row's when none is selected), as Enter does. */
  openSelected(): void {
    if (this.count === 0) return;
    if (this.selectedIndex === undefined) return this.selectIndex(0, true);
    emit(this, 'ae-open', { index: this.selectedIndex, row: this.rowAt(this.selectedIndex)?.row });
  }

  private selectIndex(index: number, open = false): void {
    if (this.count === 0) return;
    const i = Math.min(this.count - 1, Math.max(0, index));
    this.scrollToIndex(i);
    const row = this.rowAt(i);
    this.awaitingRow = row ? undefined : i;
    this.selectedIndex = i;
    this.selectedRow = row?.row;
    emit<SelectDetail>(this, 'ae-select', { index: i, row: row?.row, open });
    this.scheduleFetch();
  }

  private onKeyDown = (e: KeyboardEvent): void => {
    // Alt+↑/↓/Enter are the panel's VS Code keybindings (previous/next event, open the detail),
    // which reach the host from here too: moving here as well would move twice.
    if (e.altKey) return;
    const page = Math.max(1, Math.floor(this._viewHeight / ROW_HEIGHT) - 1);
    const cur = this.selectedIndex ?? -1;
    let next: number | undefined;
    switch (e.key) {
      case 'ArrowDown':
        next = cur + 1;
        break;
      case 'ArrowUp':
        next = cur < 0 ? 0 : cur - 1;
        break;
      case 'PageDown':
        next = cur + page;
        break;
      case 'PageUp':
        next = cur - page;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = this.count - 1;
        break;
      case 'Enter':
        if (this.selectedIndex !== undefined) {
          const r = this.rowAt(this.selectedIndex);
          emit(this, 'ae-open', { index: this.selectedIndex, row: r?.row });
          e.preventDefault();
        }
        return;
      case 'ContextMenu':
      case 'F10':
        if (e.key === 'F10' && !e.shiftKey) return;
        if (this.selectedIndex !== undefined) {
          const rowEl = this.renderRoot.querySelector<HTMLElement>(`.row[data-index="${this.selectedIndex}"] .cell`);
          const r = rowEl?.getBoundingClientRect();
          if (r) this.openMenu(this.selectedIndex, 0, r.left + 8, r.bottom);
          e.preventDefault();
        }
        return;
      default:
        return;
    }
    e.preventDefault();
    this.selectIndex(next);
  };

  private hit(e: Event): { index: number; col: number } | undefined {
    for (const t of e.composedPath()) {
      if (!(t instanceof HTMLElement)) continue;
      if (t.classList.contains('row')) {
        const index = Number(t.dataset.index);
        const cellEl = e.composedPath().find((x) => x instanceof HTMLElement && x.classList.contains('cell')) as HTMLElement | undefined;
        const col = cellEl ? Number(cellEl.dataset.col) : 0;
        return Number.isFinite(index) ? { index, col: Number.isFinite(col) ? col : 0 } : undefined;
      }
      if (t.classList.contains('viewport')) return undefined;
    }
    return undefined;
  }

  private onRowsClick = (e: MouseEvent): void => {
    const h = this.hit(e);
    if (h) this.selectIndex(h.index, true);
  };

  private onRowsDblClick = (e: MouseEvent): void => {
    const h = this.hit(e);
    if (!h) return;
    emit(this, 'ae-open', { index: h.index, row: this.rowAt(h.index)?.row });
  };

  private onContextMenu = (e: MouseEvent): void => {
    const h = this.hit(e);
    if (!h) return;
    e.preventDefault();
    this.selectIndex(h.index);
    this.openMenu(h.index, h.col, e.clientX, e.clientY);
  };

  private openMenu(index: number, col: number, x: number, y: number): void {
    const r = this.rowAt(index);
    if (!r) return;
    const field = this.columns[col] ?? this.columns[0];
    const value = this.cellFilterValue(field, r.cells[col]);
    this._menu = {
      x: Math.max(0, Math.min(x, window.innerWidth - 230)),
      y: Math.max(0, Math.min(y, window.innerHeight - 150)),
      field,
      value,
      row: r.row,
      seq: ++this.menuSeq,
    };
  }

  private cellFilterValue(field: string, v: string | number | null | undefined): string {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number' && isTimeColumn(field)) return isoTime(v);
    return String(v);
  }

  private onMenuSelect = (e: VscContextMenuSelectEvent): void => {
    const m = this._menu;
    this._menu = undefined;
    if (!m) return;
    const action = e.detail.value as CellActionDetail['action'];
    emit<CellActionDetail>(this, 'ae-cell-action', { action, field: m.field, value: m.value, row: m.row });
    this.focus();
  };

  // ---- header: sort and resize ------------------------------------------------------------------------

  private widthOf(field: string): number {
    return this._live?.[field] ?? this.widths[field] ?? defaultWidth(field);
  }

  private onHeaderClick(field: string): void {
    const dir: Sort['dir'] = this.sort.field === field ? (this.sort.dir === 'asc' ? 'desc' : 'asc') : isTimeColumn(field) ? 'desc' : 'asc';
    emit<Sort>(this, 'ae-sort', { field, dir });
  }

  private onResizeStart(e: PointerEvent, field: string): void {
    e.preventDefault();
    e.stopPropagation();
    const el = e.currentTarget as HTMLElement;
    el.setPointerCapture(e.pointerId);
    el.classList.add('active');
    const startX = e.clientX;
    const startW = this.widthOf(field);
    const move = (ev: PointerEvent): void => {
      const w = Math.min(LIMITS.widthMax, Math.max(LIMITS.widthMin, Math.round(startW + ev.clientX - startX)));
      this._live = { ...(this._live ?? {}), [field]: w };
    };
    const up = (): void => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
      el.removeEventListener('pointercancel', up);
      el.classList.remove('active');
      const w = this._live?.[field];
      if (w !== undefined && w !== startW) emit(this, 'ae-widths', { [field]: w });
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
    el.addEventListener('pointercancel', up);
  }

  private onResizeReset(e: MouseEvent, field: string): void {
    e.stopPropagation();
    emit(this, 'ae-widths', { [field]: defaultWidth(field) });
  }

  // ---- render ----------------------------------------------------------------------------------------

  /** The ARN behind a row's principal: its own column if shown, else the extra cell fetched for it. */
  private actorOf(r: RowDto): string {
    const at = this.columns.indexOf('actor');
    const v = r.cells[at >= 0 ? at : this.columns.length];
    return typeof v === 'string' ? v : '';
  }

  private renderCell(field: string, v: string | number | null | undefined, col: number, hover?: string) {
    if (v === null || v === undefined || v === '') return html`<div class="cell" data-col=${col} role="gridcell"></div>`;
    if (isTimeColumn(field) && typeof v === 'number') {
      return html`<div class="cell time" data-col=${col} role="gridcell">${formatTime(v)}</div>`;
    }
    const text = String(v);
    if (field === 'outcome') {
      const oc = OUTCOMES.has(text) ? text : 'unknown';
      return html`<div class="cell ${oc}" data-col=${col} role="gridcell" title=${shownTitle(text)}><span class="oc ${oc}"></span><span class="v">${shownText(text)}</span></div>`;
    }
    if (typeof v === 'number') return html`<div class="cell num" data-col=${col} role="gridcell">${text}</div>`;
    const cut = (t: string) => shownTitle(t.length > 2000 ? t.slice(0, 2000) : t);
    const title = hover && hover !== text ? `${cut(text)}\n${cut(hover)}` : cut(text);
    // ARNs and paths end in what tells them apart (the role and session, the file): cut at the start.
    if (endMatters(field, text)) {
      return html`<div class="cell tail" data-col=${col} role="gridcell" title=${title}><span class="v">${shownText(text)}</span></div>`;
    }
    return html`<div class="cell" data-col=${col} role="gridcell" title=${title}><span class="v">${shownText(text)}</span></div>`;
  }

  private renderRows() {
    const [first, last] = this.renderRange();
    const out = [];
    for (let i = first; i < last; i++) {
      const fresh = this.rowAt(i);
      if (fresh) markOnce('ale:rows');
      const r = fresh ?? this.stale.get(Math.floor(i / BLOCK))?.[i % BLOCK];
      const selected = r && this.selectedRow !== undefined ? r.row === this.selectedRow : i === this.selectedIndex;
      const cls = `row${i % 2 ? ' odd' : ''}${selected ? ' selected' : ''}${i === this.selectedIndex ? ' cursor' : ''}${r ? '' : ' loading'}${r && !fresh ? ' stale' : ''}${r?.level ? ` hit hit-${r.level}` : ''}`;
      out.push(html`<div class=${cls} data-index=${i} data-row=${r ? r.row : ''} data-level=${r?.level ?? ''} title=${r?.level ? l10n.t('Matched a {0} Sigma rule', r.level) : ''} role="row" aria-rowindex=${i + 2} aria-selected=${selected ? 'true' : 'false'}>
        ${r ? this.columns.map((c, ci) => this.renderCell(c, r.cells[ci], ci, c === 'principal' ? this.actorOf(r) : undefined)) : this.columns.map((_c, ci) => html`<div class="cell" data-col=${ci}></div>`)}
        <div class="filler"></div>
      </div>`);
    }
    return { first, rows: out };
  }

  override render() {
    const m = this.map;
    const widths = this.columns.map((c) => this.widthOf(c));
    const total = widths.reduce((a, b) => a + b, 0);
    const colsVar = `${widths.map((w) => `${w}px`).join(' ')} minmax(0, 1fr)`;
    const { first, rows } = this.renderRows();
    const offset = first * ROW_HEIGHT - this._contentTop;
    const canvasHeight = HEADER_HEIGHT + Math.max(m.spacerHeight, this._viewHeight);
    const menu = this._menu;
    return html`${codicons()}
      <div
        class="viewport"
        tabindex="0"
        role="grid"
        aria-rowcount=${this.count + 1}
        aria-colcount=${this.columns.length}
        aria-label=${l10n.t('Events')}
        @scroll=${this.onScroll}
        @wheel=${this.onWheel}
        @keydown=${this.onKeyDown}
      >
        <div class="canvas" ${styleProps({ width: `${total}px`, height: `${canvasHeight}px`, '--cols': colsVar })}>
          <div class="header" role="row" aria-rowindex="1">
            ${this.columns.map((c) => {
              const sorted = this.sort.field === c;
              return html`<div
                class="hcell"
                role="columnheader"
                aria-sort=${sorted ? (this.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                title=${l10n.t('Sort by {0}', shownTitle(columnLabel(c)))}
                @click=${() => this.onHeaderClick(c)}
              >
                <span class="label v">${shownText(columnLabel(c))}</span>
                ${sorted ? icon(this.sort.dir === 'asc' ? 'arrow-up' : 'arrow-down', 'sort') : nothing}
                <div
                  class="resizer"
                  title=${l10n.t('Drag to resize; double-click to reset')}
                  @pointerdown=${(e: PointerEvent) => this.onResizeStart(e, c)}
                  @click=${(e: MouseEvent) => e.stopPropagation()}
                  @dblclick=${(e: MouseEvent) => this.onResizeReset(e, c)}
                ></div>
              </div>`;
            })}
            <div class="hcell filler"></div>
          </div>
          <div class="layer" ${styleProps({ height: `${this._viewHeight}px` })}>
            <div
              class="rows"
              ${styleProps({ transform: `translateY(${offset}px)` })}
              @click=${this.onRowsClick}
              @dblclick=${this.onRowsDblClick}
              @contextmenu=${this.onContextMenu}
            >
              ${rows}
            </div>
            ${this.count === 0 ? html`<div class="empty">${this.emptyText}</div>` : nothing}
          </div>
        </div>
      </div>
      ${menu
        ? keyed(
            menu.seq,
            html`<vscode-context-menu
              class="menu"
              ${styleProps({ left: `${menu.x}px`, top: `${menu.y}px` })}
              .data=${[
                { label: l10n.t('Filter on This Value'), value: 'filter' },
                { label: l10n.t('Exclude This Value'), value: 'exclude' },
                { separator: true },
                { label: l10n.t('Copy Value'), value: 'copy' },
                { label: l10n.t('Copy Event JSON'), value: 'copy-event' },
              ]}
              .show=${true}
              @vsc-context-menu-select=${this.onMenuSelect}
            ></vscode-context-menu>`,
          )
        : nothing}`;
  }
}

customElements.define('ae-grid', AeGrid);

declare global {
  interface HTMLElementTagNameMap {
    'ae-grid': AeGrid;
  }
}
