/**
 * ae-detections: the Sigma detections over the panel's events (issue 16). Hits by level, most
 * severe first, then every rule with a hit: its level, title, count, author and a link to the rule
 * (DRL 1.1 asks every shown match to name its author and link the rule). Click a level: its events
 * and worse (`level:>=high`); click a rule: its events (`rule:<id>`).
 *
 * Rule texts come from rule files (a user's folder can hold anything): text bindings only, and a
 * link only for an https URL (VS Code asks before opening it); a file path is shown as text.
 */
import * as l10n from '@vscode/l10n';
import { LitElement, css, html, nothing } from 'lit';
import { DETECTION_LEVELS, type DetectionLevel, type DetectionsSummary } from '../../src/protocol';
import { formatCount } from '../format';
import { baseStyles, emit, shownText, shownTitle } from './shared';

export type DetectionPickDetail = { rule: string } | { level: DetectionLevel };

/** Most severe first, as the section lists them. */
const SHOWN_LEVELS = [...DETECTION_LEVELS].reverse();

export function safeRuleLink(link: string): string | undefined {
  return /^https:\/\/[^\s]+$/.test(link) ? link : undefined;
}

export class AeDetections extends LitElement {
  static override properties = { summary: { attribute: false } };
  declare summary: DetectionsSummary | undefined;

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        overflow: auto;
        padding: 6px 10px;
        flex: 1;
        min-height: 0;
      }
      .levels {
        display: flex;
        gap: 6px;
        flex-wrap: wrap;
        margin: 4px 0 10px;
      }
      button.level,
      button.rule-title {
        font: inherit;
        color: inherit;
        background: none;
        border: 1px solid var(--vscode-panel-border);
        border-radius: 3px;
        padding: 2px 6px;
        cursor: pointer;
      }
      button.rule-title {
        border: none;
        padding: 0;
        text-align: left;
        color: var(--vscode-textLink-foreground);
      }
      button:disabled {
        opacity: 0.5;
        cursor: default;
      }
      table {
        border-collapse: collapse;
        width: 100%;
      }
      th,
      td {
        text-align: left;
        padding: 2px 6px;
        vertical-align: top;
      }
      td.n {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      .lvl {
        text-transform: uppercase;
        font-size: 0.85em;
        font-weight: 600;
      }
      .lvl-critical {
        color: var(--vscode-errorForeground);
      }
      .lvl-high {
        color: var(--vscode-editorWarning-foreground);
      }
      .note {
        opacity: 0.8;
        margin: 6px 0;
      }
    `,
  ];

  override render() {
    const s = this.summary;
    if (!s || s.state === 'unavailable') return html`<p class="note">${l10n.t('Detections are not available here.')}</p>`;
    const running =
      s.state === 'running'
        ? html`<p class="note running">${s.pending !== undefined ? l10n.t('Running the Sigma rules over {0} events…', formatCount(s.pending)) : l10n.t('Running the Sigma rules…')}</p>`
        : s.state === 'cancelled'
          ? html`<p class="note cancelled">${l10n.t('Cancelled: the rules did not run over {0} events (they run again when more events load).', formatCount(s.pending ?? 0))}</p>`
          : nothing;
    if (s.state === 'idle' && s.rules.length === 0) return html`<p class="note">${l10n.t('No detections yet: they run when events are loaded.')}</p>`;
    return html`${running}
      <p class="note totals">${l10n.t('{0} of {1} events matched a Sigma rule.', formatCount(s.eventsWithHits), formatCount(s.events))}</p>
      <div class="levels" role="group" aria-label=${l10n.t('Hits by level')}>
        ${SHOWN_LEVELS.map(
          (l) =>
            html`<button class="level lvl-btn-${l}" ?disabled=${s.byLevel[l] === 0} title=${l10n.t('Show the events with a {0} hit or worse', l)} @click=${() => emit<DetectionPickDetail>(this, 'ae-detection-pick', { level: l })}>
              <span class="lvl lvl-${l}">${l}</span> ${formatCount(s.byLevel[l])}
            </button>`,
        )}
      </div>
      ${s.rules.length === 0
        ? html`<p class="note">${l10n.t('No rule matched.')}</p>`
        : html`<table>
            <thead>
              <tr><th>${l10n.t('Level')}</th><th>${l10n.t('Rule')}</th><th>${l10n.t('Hits')}</th><th>${l10n.t('Author')}</th></tr>
            </thead>
            <tbody>
              ${s.rules.map((r) => {
                const link = safeRuleLink(r.link);
                return html`<tr class="rule" data-rule=${r.id}>
                  <td><span class="lvl lvl-${r.level}">${r.level}</span></td>
                  <td>
                    <button class="rule-title" title=${shownTitle(r.description || r.title)} @click=${() => emit<DetectionPickDetail>(this, 'ae-detection-pick', { rule: r.id })}>${shownText(r.title)}</button>
                    ${link ? html` <a class="rule-link" href=${link} title=${shownTitle(link)}>rule</a>` : html` <span class="rule-file" title=${shownTitle(r.link)}>${shownText(r.link)}</span>`}
                  </td>
                  <td class="n">${formatCount(r.hits)}</td>
                  <td>${shownText(r.author)}</td>
                </tr>`;
              })}
            </tbody>
          </table>`}
      ${s.problems > 0 ? html`<p class="note">${s.problems === 1 ? l10n.t('1 rule file could not be evaluated (see the log).') : l10n.t('{0} rule files could not be evaluated (see the log).', formatCount(s.problems))}</p>` : nothing}
      <p class="note">${l10n.t('Rules: SigmaHQ (Detection Rule License 1.1) and your rule folders.')}</p>`;
  }
}

customElements.define('ae-detections', AeDetections);

declare global {
  interface HTMLElementTagNameMap {
    'ae-detections': AeDetections;
  }
}
