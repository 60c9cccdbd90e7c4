/**
 * Bits shared by the components: the codicon stylesheet inside shadow roots, common CSS, and
 * column labels.
 */
import * as l10n from '@vscode/l10n';
import { css, html, nothing, type TemplateResult } from 'lit';
import { HIDDEN_CHARS, escapeHiddenChars, hasHiddenChars, hiddenCharEscape, hiddenCharName } from '../../src/core/invisible';

let codiconHref: string | null | undefined;

/**
 * Codicons inside a shadow root: the page's `<link id="vscode-codicon-stylesheet">` declares the
 * font (an @font-face only works in the document), and the same stylesheet linked inside the
 * shadow root gives the `.codicon-*` classes there (what vscode-icon does per icon, once per
 * component here so a grid of icons stays cheap).
 */
export function codicons(): TemplateResult | typeof nothing {
  if (codiconHref === undefined) {
    codiconHref = document.getElementById('vscode-codicon-stylesheet')?.getAttribute('href') ?? null;
  }
  return codiconHref ? html`<link rel="stylesheet" href=${codiconHref} />` : nothing;
}

export function icon(name: string, extra = ''): TemplateResult {
  return html`<span class="codicon codicon-${name} ${extra}" aria-hidden="true"></span>`;
}

export const baseStyles = css`
  :host {
    box-sizing: border-box;
    font-family: var(--vscode-font-family, system-ui, sans-serif);
    font-size: var(--vscode-font-size, 13px);
    color: var(--vscode-foreground, currentColor);
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  .codicon[class*='codicon-'] {
    font-size: 16px;
    line-height: 16px;
  }
  button.icon-btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    width: 22px;
    height: 22px;
    padding: 3px;
    border: 1px solid transparent;
    border-radius: 5px;
    background: transparent;
    color: var(--vscode-icon-foreground, currentColor);
    cursor: pointer;
    flex: none;
  }
  button.icon-btn:hover {
    background: var(--vscode-toolbar-hoverBackground, transparent);
  }
  button.icon-btn:active {
    background: var(--vscode-toolbar-activeBackground, transparent);
  }
  button.icon-btn:disabled {
    opacity: 0.4;
    cursor: default;
    background: transparent;
  }
  button.icon-btn:focus-visible {
    outline: 1px solid var(--vscode-focusBorder, currentColor);
    outline-offset: -1px;
  }
  :host-context(.vscode-high-contrast) button.icon-btn:hover {
    border: 1px dashed var(--vscode-contrastActiveBorder, currentColor);
    background: transparent;
  }
  .muted {
    color: var(--vscode-descriptionForeground, currentColor);
  }
  /* A button that reads as a link (Show all, Show more): an action, never an event's URL. */
  button.link {
    border: 0;
    padding: 0;
    background: transparent;
    font: inherit;
    color: var(--vscode-textLink-foreground, inherit);
    cursor: pointer;
  }
  button.link:hover {
    text-decoration: underline;
  }
  /* Document-level scrollbar styles do not reach into shadow roots: the same look here. */
  ::-webkit-scrollbar {
    width: 10px;
    height: 10px;
  }
  ::-webkit-scrollbar-corner {
    background-color: transparent;
  }
  ::-webkit-scrollbar-thumb {
    background-color: var(--vscode-scrollbarSlider-background, transparent);
  }
  ::-webkit-scrollbar-thumb:hover {
    background-color: var(--vscode-scrollbarSlider-hoverBackground, transparent);
  }
  ::-webkit-scrollbar-thumb:active {
    background-color: var(--vscode-scrollbarSlider-activeBackground, transparent);
  }
  /*
   * Event text: every value is its own bidi island (a right-to-left value cannot reorder the key or
   * the next value), and hidden characters show as escapes (see shownText).
   */
  .v,
  .esc {
    unicode-bidi: isolate;
  }
  .esc {
    direction: ltr;
    padding: 0 2px;
    margin: 0 1px;
    border-radius: 3px;
    font-family: var(--vscode-editor-font-family, ui-monospace, monospace);
    font-size: 0.9em;
    font-style: normal;
    color: var(--vscode-editorWarning-foreground, currentColor);
    outline: 1px solid currentColor;
    outline-offset: -1px;
  }
  .section-title {
    font-size: 11px;
    font-weight: 700;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--vscode-sideBarSectionHeader-foreground, var(--vscode-foreground));
  }
`;

/** Built on first use, after l10nSetup.ts gave @vscode/l10n the page's translations. */
let labels: Record<string, string> | undefined;
const LABELS = (): Record<string, string> =>
  (labels ??= {
    time: l10n.t('Time'),
    id: l10n.t('Event ID'),
    provider: l10n.t('Provider'),
    account: l10n.t('Account'),
    action: l10n.t('Action'),
    actor: l10n.t('Actor'),
    service: l10n.t('Service'),
    region: l10n.t('Region'),
    sourceIp: l10n.t('Source IP'),
    country: l10n.t('Country'),
    asn: l10n.t('AS'),
    asOrg: l10n.t('AS organization'),
    ipClass: l10n.t('IP class'),
    userAgent: l10n.t('User agent'),
    outcome: l10n.t('Outcome'),
    error: l10n.t('Error'),
    source: l10n.t('Source'),
    resources: l10n.t('Resources'),
    principal: l10n.t('Principal'),
    origin: l10n.t('Origin'),
    session: l10n.t('Session'),
  });

/**
 * A translated template with markup in its placeholders: `l10n.t('Use {0}')` (no arguments, so the
 * {n} stay) split at each {n}, each replaced by `parts[n]` (a TemplateResult or text, bound as such:
 * never parsed as HTML). The translation decides the word order around the markup.
 */
export function withParts(template: string, ...parts: Array<string | TemplateResult>): TemplateResult {
  const pieces = template.split(/\{(\d+)\}/);
  return html`${pieces.map((p, i) => (i % 2 === 0 ? p : (parts[Number(p)] ?? `{${p}}`)))}`;
}

/** Header text for a column: normalized fields get a label, raw paths show as typed. */
export function columnLabel(field: string): string {
  return LABELS()[field] ?? field;
}

/**
 * Sized so the default columns (time, principal, action, source IP, outcome, error, account) fit the
 * grid of a 1600 px panel with facets and detail open.
 */
const DEFAULT_WIDTHS: Record<string, number> = {
  time: 166,
  principal: 200,
  origin: 190,
  action: 145,
  // ARNs ellipsize at the start, so the role and session name still show.
  actor: 230,
  sourceIp: 110,
  country: 80,
  asn: 80,
  asOrg: 200,
  ipClass: 110,
  region: 110,
  service: 170,
  outcome: 85,
  error: 125,
  account: 110,
  id: 270,
  userAgent: 260,
  provider: 100,
  source: 200,
};

export function defaultWidth(field: string): number {
  return DEFAULT_WIDTHS[field] ?? 160;
}

/** Values whose end tells them apart (ARNs, file paths): shown with the ellipsis at the start. */
export function endMatters(field: string, value: string): boolean {
  return value.startsWith('arn:') || field === 'source';
}

export function isTimeColumn(field: string): boolean {
  const f = field.toLowerCase();
  return f === 'time' || f === 'eventtime';
}

/** Fires a bubbling, composed CustomEvent from `el`. */
export function emit<T>(el: HTMLElement, type: string, detail: T): void {
  el.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }));
}

/** Most styled escapes in one piece of text; past that they are plain text (a value of a million NULs stays one text node). */
const MAX_ESCAPE_SPANS = 2_000;

/**
 * Event text for a text binding: control characters, bidi controls and zero-width characters
 * (src/core/invisible.ts, the set the CLI escapes) become visible `\u202e` tokens, so a hostile
 * value can neither reorder what follows it nor hide inside a name. Plain text comes back as the
 * same string; never markup.
 */
export function shownText(text: string, keepLayout = false): string | TemplateResult {
  if (!hasHiddenChars(text)) return text;
  const out: Array<string | TemplateResult> = [];
  let last = 0;
  for (const m of text.matchAll(HIDDEN_CHARS)) {
    if (out.length >= 2 * MAX_ESCAPE_SPANS) break;
    const i = m.index;
    if (keepLayout && isLayout(m[0])) continue;
    if (i > last) out.push(text.slice(last, i));
    out.push(html`<span class="esc" title=${l10n.t('{0} (hidden character, shown as an escape)', hiddenCharName(m[0]))}>${hiddenCharEscape(m[0])}</span>`);
    last = i + 1;
  }
  if (last < text.length) {
    const rest = text.slice(last);
    out.push(keepLayout ? rest.replace(HIDDEN_CHARS, (ch) => (isLayout(ch) ? ch : hiddenCharEscape(ch))) : escapeHiddenChars(rest));
  }
  return html`${out}`;
}

/**
 * Line breaks and tabs between the tokens of pretty-printed JSON are its layout, not hidden text
 * (JSON strings cannot hold them unescaped), so the raw view keeps them.
 */
function isLayout(ch: string): boolean {
  return ch === '\n' || ch === '\r' || ch === '\t';
}

/** Event text for an attribute (a tooltip): the same escapes, as plain text. */
export function shownTitle(text: string): string {
  return escapeHiddenChars(text);
}
