/**
 * Detections as people read them: one line per (event, rule) hit, and the totals. Every hit carries
 * the rule's title, level, author and link (DRL 1.1 asks that of every message based on a match),
 * and its override note when the rule differs from upstream.
 */
import { findDerived } from '../derived';
import { formatTime, type EventStore } from '../store';
import type { Detections } from './match';
import { levelRank, type CompiledRule, type SigmaLevel } from './types';

export interface Hit {
  row: number;
  time: string;
  level: SigmaLevel;
  rule: CompiledRule;
  principal: string;
  action: string;
  sourceIp: string;
  eventId: string;
}

/** Who did it: the derived `principal` field where the store has one, else the normalized actor. */
export function principalReader(store: EventStore): (row: number) => string {
  const field = findDerived(store.derivedFields, 'principal') ? 'principal' : 'actor';
  const read = store.cellReader(field);
  return (row) => String(read(row));
}

/** Hits in time order (then most severe first), of rules at `minLevel` or above. */
export function hitsOf(store: EventStore, d: Detections, minLevel: SigmaLevel = 'informational'): Hit[] {
  const min = levelRank(minLevel);
  const principal = principalReader(store);
  const action = store.cellReader('action');
  const ip = store.cellReader('sourceIp');
  const hits: Hit[] = [];
  for (const row of d.hitRows) {
    for (const rule of d.rulesOf(row)) {
      if (levelRank(rule.level) < min) continue;
      const t = store.time[row];
      hits.push({
        row,
        time: Number.isFinite(t) ? formatTime(t) : '',
        level: rule.level,
        rule,
        principal: principal(row),
        action: String(action(row)),
        sourceIp: String(ip(row)),
        eventId: store.idOf(row),
      });
    }
  }
  const time = store.time;
  hits.sort((a, b) => (time[a.row] || 0) - (time[b.row] || 0) || a.row - b.row || levelRank(b.level) - levelRank(a.level));
  return hits;
}

export interface DetectionSummary {
  events: number;
  eventsWithHits: number;
  /** eventsWithHits / events, 0 for an empty store. */
  share: number;
  hits: number;
  byLevel: Record<SigmaLevel, number>;
  byRule: Array<{ id: string; title: string; level: SigmaLevel; author: string; link: string; hits: number }>;
  /** The days (UTC) with the most hits, most first. */
  busiestDays: Array<{ day: string; hits: number }>;
}

export function summarize(store: EventStore, hits: readonly Hit[], topDays = 10): DetectionSummary {
  const byLevel: Record<SigmaLevel, number> = { informational: 0, low: 0, medium: 0, high: 0, critical: 0 };
  const byRule = new Map<CompiledRule, number>();
  const days = new Map<string, number>();
  const rows = new Set<number>();
  for (const h of hits) {
    byLevel[h.level]++;
    byRule.set(h.rule, (byRule.get(h.rule) ?? 0) + 1);
    rows.add(h.row);
    const day = h.time.slice(0, 10) || '(no time)';
    days.set(day, (days.get(day) ?? 0) + 1);
  }
  return {
    events: store.size,
    eventsWithHits: rows.size,
    share: store.size === 0 ? 0 : rows.size / store.size,
    hits: hits.length,
    byLevel,
    byRule: [...byRule]
      .map(([r, n]) => ({ id: r.id, title: r.title, level: r.level, author: r.author, link: r.link, hits: n }))
      .sort((a, b) => levelRank(b.level) - levelRank(a.level) || b.hits - a.hits || (a.title < b.title ? -1 : 1)),
    busiestDays: [...days]
      .map(([day, n]) => ({ day, hits: n }))
      .sort((a, b) => b.hits - a.hits || (a.day < b.day ? -1 : 1))
      .slice(0, topDays),
  };
}
