/**
 * A parsed Sigma rule → a CompiledRule: search identifiers become trees of SigmaNodes (maps AND
 * their items, lists OR their maps or keywords), and the condition picks among them. Anything the
 * engine cannot evaluate exactly throws SigmaError with the reason; nothing is dropped or guessed.
 */
import { parseCondition, type Condition } from './condition';
import type { SigmaRuleDoc } from './parse';
import { SigmaError, type CompiledRule, type RuleInfo, type SigmaLevel, type SigmaNode } from './types';
import { compileItem } from './values';

function compileIdentifier(name: string, value: unknown): SigmaNode {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const items = Object.entries(value as Record<string, unknown>).map(([k, v]) => compileItem(k, v));
    if (items.length === 0) throw new SigmaError(`search identifier ${name} is empty`);
    return items.length === 1 ? items[0] : { type: 'and', children: items };
  }
  if (Array.isArray(value)) {
    if (value.length === 0) throw new SigmaError(`search identifier ${name} is an empty list`);
    const maps = value.filter((v) => v !== null && typeof v === 'object' && !Array.isArray(v));
    if (maps.length === value.length) {
      const alts = maps.map((m, i) => compileIdentifier(`${name}[${i}]`, m));
      return alts.length === 1 ? alts[0] : { type: 'or', children: alts };
    }
    if (maps.length > 0) throw new SigmaError(`search identifier ${name} mixes maps and keywords`);
    return compileItem('', value);
  }
  if (typeof value === 'string' || typeof value === 'number') return compileItem('', [value]);
  throw new SigmaError(`search identifier ${name} is neither a map nor a list`);
}

function patternTest(pattern: string): (name: string) => boolean {
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*') + '$');
  return (name) => re.test(name);
}

function resolve(cond: Condition, ids: ReadonlyMap<string, SigmaNode>): SigmaNode {
  switch (cond.type) {
    case 'and':
    case 'or':
      return { type: cond.type, children: cond.children.map((c) => resolve(c, ids)) };
    case 'not':
      return { type: 'not', child: resolve(cond.child, ids) };
    case 'ref': {
      const node = ids.get(cond.name);
      if (!node) throw new SigmaError(`condition names "${cond.name}", which the detection does not define`);
      return node;
    }
    case 'of': {
      const names = [...ids.keys()].filter(cond.pattern === 'them' ? (n) => !n.startsWith('_') : patternTest(cond.pattern));
      if (names.length === 0) throw new SigmaError(`"${cond.quantifier === 'all' ? 'all' : '1'} of ${cond.pattern}" matches no search identifier`);
      const children = names.map((n) => ids.get(n) as SigmaNode);
      return children.length === 1 ? children[0] : { type: cond.quantifier === 'all' ? 'and' : 'or', children };
    }
  }
}

/** Compiles the detection of a parsed rule (after any override was merged into it). */
export function compileDetection(detection: Record<string, unknown>): SigmaNode {
  const ids = new Map<string, SigmaNode>();
  for (const [name, value] of Object.entries(detection)) {
    if (name === 'condition') continue;
    if (name === 'timeframe') throw new SigmaError('timeframe (aggregation over time) is not supported');
    ids.set(name, compileIdentifier(name, value));
  }
  const cond = detection.condition;
  const texts = Array.isArray(cond) ? cond : [cond];
  if (texts.length === 0 || texts.some((t) => typeof t !== 'string')) throw new SigmaError('condition must be text or a list of texts');
  const nodes = (texts as string[]).map((t) => resolve(parseCondition(t), ids));
  return nodes.length === 1 ? nodes[0] : { type: 'or', children: nodes };
}

/** Rules for other log sources (Windows, Azure…) would never match CloudTrail: say so. */
export function checkLogsource(doc: SigmaRuleDoc): void {
  const { product, service } = doc.logsource;
  if (product?.toLowerCase() !== 'aws' || (service !== undefined && service.toLowerCase() !== 'cloudtrail')) {
    throw new SigmaError(`log source ${[product, service, doc.logsource.category].filter(Boolean).join('/') || '(none)'} is not AWS CloudTrail`);
  }
}

export interface RuleOrigin {
  file: string;
  link: string;
  origin: string;
  overrideNote?: string;
}

/** A rule's list of texts (references, false positives), strings only: anything else in it is not shown. */
function textsOf(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function compileRule(doc: SigmaRuleDoc, where: RuleOrigin, detection: Record<string, unknown> = doc.detection): CompiledRule {
  checkLogsource(doc);
  const info: RuleInfo = {
    id: doc.id ?? where.file,
    title: doc.title,
    level: (doc.level ?? 'informational') as SigmaLevel,
    author: doc.author ?? '',
    status: doc.status ?? '',
    description: doc.description ?? '',
    references: textsOf(doc.references),
    falsePositives: textsOf(doc.falsepositives),
    link: where.link,
    file: where.file,
    origin: where.origin,
  };
  if (where.overrideNote) info.overrideNote = where.overrideNote;
  return { ...info, node: compileDetection(detection) };
}
