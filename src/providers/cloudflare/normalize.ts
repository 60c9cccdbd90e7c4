// A Cloudforce One threat event → the normalized AuditEvent. providers/ never imports vscode.
//
// Threat events say who attacked what from where, not who changed what, so the mapping is:
// - action = `event` (the description, e.g. "An attacker registered the domain …"), actor = `attacker`
// - time = `date`, id = `uuid`, account = `datasetId` (the dataset is the unit a query selects;
//   the Cloudflare account is the same for every event of an account, so it would say nothing)
// - region = `attackerCountry`: the facet then answers "where do the attacks come from", which
//   is what region answers for audit logs (where the call came from). targetCountry stays a column.
// - service = `category` ("Domain Resolution", …), so the service facet groups by kind of threat
// - resources = [`indicator`] (the domain / IP / hash the event is about)
// - outcome 'unknown': a threat event has no success or failure.
// Extra columns are named as their raw paths, so `targetCountry:US` hits the column. `tags`,
// `mitreAttack` and `mitreCapec` are arrays and get no string column: as raw paths they are list
// columns already, so `tags:phishing` matches an event with several tags; a joined string would not.
import { parseIsoTime } from '../../core/time';
import type { AuditEvent } from '../../core/event';
import type { CfThreatEvent } from './schema';

function str(v: string | null | undefined): string | undefined {
  return v === null || v === undefined || v === '' ? undefined : v;
}

export function normalizeEvent(item: CfThreatEvent): AuditEvent {
  const t = item.date ? parseIsoTime(item.date) : NaN;
  const indicator = str(item.indicator);
  return {
    id: item.uuid ?? '',
    time: Number.isFinite(t) ? t : NaN,
    provider: 'cloudflare',
    account: item.datasetId ?? '',
    action: item.event ?? '',
    actor: item.attacker ?? '',
    service: str(item.category),
    region: str(item.attackerCountry),
    outcome: 'unknown',
    resources: indicator ? [indicator] : [],
    raw: item,
  };
}

/** Raw paths worth their own string column. */
export function extraFields(item: CfThreatEvent): Record<string, string | undefined> {
  return {
    category: str(item.category),
    attackerCountry: str(item.attackerCountry),
    targetCountry: str(item.targetCountry),
    targetIndustry: str(item.targetIndustry),
    indicator: str(item.indicator),
    indicatorType: str(item.indicatorType),
    tlp: str(item.tlp),
    killChain: item.killChain === null || item.killChain === undefined ? undefined : String(item.killChain),
  };
}
