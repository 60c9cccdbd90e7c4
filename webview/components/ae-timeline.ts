/**
 * ae-timeline: the result's time histogram as SVG bars (Lit `svg` templates, no canvas, no
 * markup strings). Drag across it to pick a time range; a click picks one bucket. Times are UTC.
 *
 * With a live source whose API counts for itself, "Fetched | In the API" switches to the API's
 * histogram over everything it holds for the query (its own bar color, and the API's note as the
 * legend's tooltip), so it is not read as the fetched events'.
 */
import * as l10n from '@vscode/l10n';
import { LitElement, css, html, nothing, svg } from 'lit';
import type { HistogramDto, TimeRange } from '../../src/protocol';
import { formatCount, formatDuration, formatTime, tickLabel } from '../format';
import { baseStyles, emit } from './shared';

const HEIGHT = 80;
const SVG_HEIGHT = 56;
const BAR_TOP = 2;
const BAR_BOTTOM = 38;
const MIN_TICK_PX = 120;

export class AeTimeline extends LitElement {
  static override properties = {
    histogram: { attribute: false },
    server: { attribute: false },
    timeRange: { attribute: false },
    _width: { state: true },
    _drag: { state: true },
    _mode: { state: true },
  };

  declare histogram: HistogramDto | undefined;
  declare server: { histogram: HistogramDto; note: string } | undefined;
  declare _mode: 'fetched' | 'server';
  declare timeRange: TimeRange | undefined;
  declare _width: number;
  declare _drag: { x0: number; x1: number } | undefined;

  private ro?: ResizeObserver;

  constructor() {
    super();
    this.histogram = undefined;
    this.server = undefined;
    this._mode = 'fetched';
    this.timeRange = undefined;
    this._width = 0;
    this._drag = undefined;
  }

  static override styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        height: ${HEIGHT}px;
        user-select: none;
        border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-editorGroup-border, currentColor));
      }
      .head {
        flex: none;
        display: flex;
        align-items: center;
        gap: 8px;
        height: 22px;
        padding: 2px 12px 0;
        font-size: 11px;
      }
      .head .legend {
        margin-left: auto;
        white-space: nowrap;
      }
      .plot {
        position: relative;
        flex: 1;
        min-height: 0;
        margin: 0 12px;
      }
      svg {
        display: block;
        width: 100%;
        height: ${SVG_HEIGHT}px;
        cursor: crosshair;
        overflow: visible;
      }
      rect.bar {
        fill: var(--vscode-charts-blue, currentColor);
        opacity: 0.75;
      }
      rect.bar:hover {
        opacity: 1;
      }
      rect.hit {
        fill: transparent;
      }
      g.bucket:hover rect.bar {
        opacity: 1;
      }
      g.bucket:hover rect.hit {
        fill: var(--vscode-list-hoverBackground, transparent);
      }
      rect.sel {
        fill: var(--vscode-editor-selectionBackground, transparent);
        opacity: 0.45;
        stroke: var(--vscode-focusBorder, currentColor);
        stroke-width: 1;
      }
      line.axis {
        stroke: var(--vscode-editorWidget-border, currentColor);
        stroke-width: 1;
      }
      line.tick {
        stroke: var(--vscode-editorWidget-border, currentColor);
      }
      text {
        fill: var(--vscode-descriptionForeground, currentColor);
        font-size: 10px;
        font-family: var(--vscode-font-family, sans-serif);
      }
      rect.bar.server {
        fill: var(--vscode-charts-purple, currentColor);
      }
      .modes {
        display: inline-flex;
        border: 1px solid var(--vscode-widget-border, currentColor);
        border-radius: 3px;
        overflow: hidden;
      }
      .modes button {
        border: none;
        padding: 0 6px;
        height: 16px;
        font: inherit;
        font-size: 11px;
        color: var(--vscode-foreground);
        background: transparent;
        cursor: pointer;
      }
      .modes button[aria-pressed='true'] {
        background: var(--vscode-inputOption-activeBackground, transparent);
        color: var(--vscode-inputOption-activeForeground, inherit);
      }
      .modes button:focus-visible {
        outline: 1px solid var(--vscode-focusBorder, currentColor);
        outline-offset: -1px;
      }
      .empty {
        display: flex;
        align-items: center;
        justify-content: center;
        height: 100%;
        font-size: 12px;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    this.ro = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (w !== this._width) this._width = w;
    });
  }

  protected override firstUpdated(): void {
    const plot = this.renderRoot.querySelector('.plot');
    if (plot) this.ro?.observe(plot);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.ro?.disconnect();
  }

  /** The histogram on screen: the fetched events', or the API's when that is chosen and there. */
  private get shown(): HistogramDto | undefined {
    return this._mode === 'server' && this.server ? this.server.histogram : this.histogram;
  }

  private xToTime(x: number): number {
    const h = this.shown;
    if (!h || h.counts.length === 0 || this._width <= 0) return 0;
    const span = h.counts.length * h.bucketMs;
    return h.start + (Math.min(Math.max(0, x), this._width) / this._width) * span;
  }

  private localX(e: PointerEvent): number {
    const r = (e.currentTarget as Element).getBoundingClientRect();
    return e.clientX - r.left;
  }

  private onPointerDown = (e: PointerEvent): void => {
    if (e.button !== 0 || !this.shown?.counts.length) return;
    (e.currentTarget as Element).setPointerCapture(e.pointerId);
    const x = this.localX(e);
    this._drag = { x0: x, x1: x };
  };

  private onPointerMove = (e: PointerEvent): void => {
    if (!this._drag) return;
    this._drag = { ...this._drag, x1: this.localX(e) };
  };

  private onPointerUp = (e: PointerEvent): void => {
    const d = this._drag;
    this._drag = undefined;
    const h = this.shown;
    if (!d || !h || h.counts.length === 0) return;
    d.x1 = this.localX(e);
    const b = h.bucketMs;
    let from: number;
    let to: number;
    if (Math.abs(d.x1 - d.x0) < 4) {
      // A click: that one bucket.
      from = Math.floor((this.xToTime(d.x0) - h.start) / b) * b + h.start;
      to = from + b;
    } else {
      const t0 = this.xToTime(Math.min(d.x0, d.x1));
      const t1 = this.xToTime(Math.max(d.x0, d.x1));
      from = Math.floor((t0 - h.start) / b) * b + h.start;
      to = Math.ceil((t1 - h.start) / b) * b + h.start;
    }
    if (to <= from) return;
    emit<TimeRange>(this, 'ae-range', { from, to });
  };

  override render() {
    const server = this._mode === 'server' && this.server ? this.server : undefined;
    const h = this.shown;
    const mode = (m: 'fetched' | 'server', label: string, title: string) =>
      html`<button class="mode-${m}" aria-pressed=${(server ? 'server' : 'fetched') === m ? 'true' : 'false'} title=${title} @click=${() => (this._mode = m)}>${label}</button>`;
    return html`<div class="head">
        <span class="section-title">${l10n.t('Timeline')}</span>
        ${this.server
          ? html`<span class="modes" role="group" aria-label=${l10n.t('Which events the timeline counts')}
              >${mode('fetched', l10n.t('Fetched'), l10n.t('The events fetched into this panel that match the filter'))}${mode('server', l10n.t('In the API'), this.server.note)}</span
            >`
          : nothing}
        <span class="legend muted" title=${server?.note ?? ''}>${h && h.counts.length > 0 ? this.legend(h, server !== undefined) : ''}</span>
      </div>
      <div class="plot">${this.renderPlot(h, server !== undefined)}</div>`;
  }

  private legend(h: HistogramDto, server: boolean): string {
    const max = Math.max(0, ...h.counts);
    const untimed = h.untimed > 0 ? ` · ${l10n.t('{0} without a time', formatCount(h.untimed))}` : '';
    const what = server ? `${l10n.t('In the API (not all fetched): {0} events', formatCount(h.counts.reduce((n, c) => n + c, 0)))} · ` : '';
    return `${what}${l10n.t('{0} per bar · peak {1}', formatDuration(h.bucketMs), formatCount(max))}${untimed} · ${l10n.t('UTC · drag to zoom')}`;
  }

  private renderPlot(h: HistogramDto | undefined, server: boolean) {
    const w = this._width;
    if (!h || h.counts.length === 0) {
      return html`<div class="empty muted">${h && h.untimed > 0 ? l10n.t('{0} events without a time', formatCount(h.untimed)) : l10n.t('No events in time')}</div>`;
    }
    const n = h.counts.length;
    const max = Math.max(1, ...h.counts);
    const bw = w / n;
    const gap = bw > 4 ? 1 : 0;
    const barH = BAR_BOTTOM - BAR_TOP;
    const span = n * h.bucketMs;
    const bars = [];
    for (let i = 0; i < n; i++) {
      const c = h.counts[i];
      const x = i * bw;
      const t0 = h.start + i * h.bucketMs;
      const label = `${formatTime(t0)} – ${formatTime(t0 + h.bucketMs)} UTC: ${formatCount(c)} event${c === 1 ? '' : 's'}${server ? ' in the API' : ''}`;
      const bh = c > 0 ? Math.max(1.5, (c / max) * barH) : 0;
      bars.push(svg`<g class="bucket"><title>${label}</title>
        <rect class="hit" x=${x} y=${BAR_TOP} width=${Math.max(1, bw)} height=${barH}></rect>
        <rect class="bar ${server ? 'server' : ''}" x=${x + gap / 2} y=${BAR_BOTTOM - bh} width=${Math.max(0.5, bw - gap)} height=${bh}></rect></g>`);
    }
    // Ticks every k buckets, k chosen so labels do not collide.
    const k = Math.max(1, Math.ceil(MIN_TICK_PX / Math.max(bw, 0.0001)));
    const ticks = [];
    let prev: number | undefined;
    for (let i = 0; i < n; i += k) {
      const x = i * bw;
      if (x > w - 60) break;
      const t = h.start + i * h.bucketMs;
      ticks.push(svg`<line class="tick" x1=${x} x2=${x} y1=${BAR_BOTTOM} y2=${BAR_BOTTOM + 4}></line>
        <text x=${x} y=${BAR_BOTTOM + 15}>${tickLabel(t, h.bucketMs * k, prev)}</text>`);
      prev = t;
    }
    let sel: unknown = nothing;
    const d = this._drag;
    if (d) {
      sel = svg`<rect class="sel" x=${Math.min(d.x0, d.x1)} y=${BAR_TOP - 2} width=${Math.abs(d.x1 - d.x0)} height=${barH + 2}></rect>`;
    } else if (this.timeRange) {
      const from = this.timeRange.from ?? h.start;
      const to = this.timeRange.to ?? h.start + span;
      const x0 = ((Math.max(from, h.start) - h.start) / span) * w;
      const x1 = ((Math.min(to, h.start + span) - h.start) / span) * w;
      if (x1 > x0 && !(x0 <= 0 && x1 >= w)) {
        sel = svg`<rect class="sel" x=${x0} y=${BAR_TOP - 2} width=${x1 - x0} height=${barH + 2}></rect>`;
      }
    }
    return html`<svg
      viewBox="0 0 ${Math.max(1, w)} ${SVG_HEIGHT}"
      preserveAspectRatio="none"
      role="img"
      aria-label=${server ? l10n.t('Events in the API over time') : l10n.t('Events over time')}
      @pointerdown=${this.onPointerDown}
      @pointermove=${this.onPointerMove}
      @pointerup=${this.onPointerUp}
      @pointercancel=${() => (this._drag = undefined)}
    >
      ${bars}
      <line class="axis" x1="0" x2=${w} y1=${BAR_BOTTOM + 0.5} y2=${BAR_BOTTOM + 0.5}></line>
      ${ticks} ${sel}
    </svg>`;
  }
}

customElements.define('ae-timeline', AeTimeline);

declare global {
  interface HTMLElementTagNameMap {
    'ae-timeline': AeTimeline;
  }
}
