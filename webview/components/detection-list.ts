/**
 * The Sigma rules one event matched, for the detail pane: level, title, author and a link to the
 * rule (DRL 1.1), the description, references and false-positive notes. Text bindings only; links
 * only for https URLs (VS Code asks before opening them).
 */
import * as l10n from '@vscode/l10n';
import { css, html, nothing } from 'lit';
import type { DetectionRuleDto } from '../../src/protocol';
import { safeRuleLink } from './ae-detections';
import { icon, shownText, shownTitle } from './shared';

export const detectionListStyles = css`
  .detections {
    padding: 2px 8px 4px;
    font-size: 12px;
  }
  .detection {
    margin: 2px 0 6px;
  }
  .detection .lvl {
    text-transform: uppercase;
    font-size: 0.85em;
    font-weight: 600;
    margin: 0 4px;
  }
  .detection .lvl-critical {
    color: var(--vscode-errorForeground);
  }
  .detection .lvl-high {
    color: var(--vscode-editorWarning-foreground);
  }
  .detection ul {
    margin: 2px 0;
    padding-left: 18px;
  }
`;

function linkOrText(text: string) {
  const link = safeRuleLink(text);
  return link ? html`<a href=${link} title=${shownTitle(link)}>${shownText(link)}</a>` : shownText(text);
}

export function renderDetectionList(rules: readonly DetectionRuleDto[] | undefined) {
  if (!rules || rules.length === 0) return nothing;
  return html`<div class="detections" aria-label=${l10n.t('Sigma detections')}>
    ${rules.map(
      (r) => html`<div class="detection" data-rule=${r.id}>
        ${icon('shield')}<span class="lvl lvl-${r.level}">${r.level}</span><strong class="detection-title">${shownText(r.title)}</strong>
        <span class="muted">${l10n.t('by')} ${shownText(r.author || l10n.t('unknown author'))}</span> · ${safeRuleLink(r.link) ? html`<a class="rule-link" href=${r.link}>rule</a>` : html`<span title=${shownTitle(r.link)}>${shownText(r.link)}</span>`}
        ${r.description ? html`<div class="detection-description">${shownText(r.description)}</div>` : nothing}
        ${r.falsePositives.length > 0 ? html`<div class="muted">${l10n.t('False positives:')} ${shownText(r.falsePositives.join('; '))}</div>` : nothing}
        ${r.references.length > 0 ? html`<ul class="references">${r.references.map((ref) => html`<li>${linkOrText(ref)}</li>`)}</ul>` : nothing}
        ${r.overrideNote ? html`<div class="muted">${l10n.t('Differs from upstream:')} ${shownText(r.overrideNote)}</div>` : nothing}
      </div>`,
    )}
  </div>`;
}
