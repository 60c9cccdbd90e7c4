/**
 * Sigma condition text → a tree: `and`, `or`, `not`, parentheses, `1 of x*`, `all of x*`,
 * `1 of them`, `all of them` (`any of` is read as `1 of`). Precedence, tightest first: not, and, or.
 * Aggregations (`| count() > 5`) and `near` belong to correlation and are refused by name.
 */
import { SigmaError } from './types';

export type Condition =
  | { type: 'and' | 'or'; children: Condition[] }
  | { type: 'not'; child: Condition }
  | { type: 'ref'; name: string }
  | { type: 'of'; quantifier: 'one' | 'all'; pattern: string };

const MAX_CONDITION = 4_096;
const MAX_NESTING = 64;

type Token = { kind: 'word'; text: string } | { kind: '(' | ')' };

function tokenize(text: string): Token[] {
  if (text.length > MAX_CONDITION) throw new SigmaError(`condition longer than ${MAX_CONDITION} characters`);
  if (text.includes('|')) throw new SigmaError('aggregation in the condition (`| count() …`) is not supported');
  const out: Token[] = [];
  const re = /\s*(?:([()])|([^\s()]+))/y;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) {
      if (/^\s*$/.test(text.slice(pos))) break;
      throw new SigmaError(`cannot read condition at "${text.slice(pos, pos + 20)}"`);
    }
    pos = re.lastIndex;
    if (m[1]) out.push({ kind: m[1] as '(' | ')' });
    else if (m[2]) out.push({ kind: 'word', text: m[2] });
  }
  return out;
}

export function parseCondition(text: string): Condition {
  const toks = tokenize(text);
  let i = 0;
  let depth = 0;
  const peekWord = (): string | undefined => {
    const t = toks[i];
    return t && t.kind === 'word' ? t.text.toLowerCase() : undefined;
  };
  const parseOr = (): Condition => {
    const children = [parseAnd()];
    while (peekWord() === 'or') {
      i++;
      children.push(parseAnd());
    }
    return children.length === 1 ? children[0] : { type: 'or', children };
  };
  const parseAnd = (): Condition => {
    const children = [parseNot()];
    while (peekWord() === 'and') {
      i++;
      children.push(parseNot());
    }
    return children.length === 1 ? children[0] : { type: 'and', children };
  };
  const parseNot = (): Condition => {
    if (peekWord() === 'not') {
      i++;
      if (++depth > MAX_NESTING) throw new SigmaError('condition nested too deeply');
      const child = parseNot();
      depth--;
      return { type: 'not', child };
    }
    return parsePrimary();
  };
  const parsePrimary = (): Condition => {
    const t = toks[i];
    if (!t) throw new SigmaError('condition ends early');
    if (t.kind === '(') {
      i++;
      if (++depth > MAX_NESTING) throw new SigmaError('condition nested too deeply');
      const inner = parseOr();
      depth--;
      if (toks[i]?.kind !== ')') throw new SigmaError('missing ) in condition');
      i++;
      return inner;
    }
    if (t.kind !== 'word') throw new SigmaError('unexpected ) in condition');
    const w = t.text.toLowerCase();
    if (w === 'near') throw new SigmaError('`near` is not supported');
    if (w === 'and' || w === 'or') throw new SigmaError(`unexpected "${t.text}" in condition`);
    i++;
    const next = peekWord();
    if ((w === '1' || w === 'all' || w === 'any') && next === 'of') {
      i++;
      const target = toks[i];
      if (!target || target.kind !== 'word') throw new SigmaError(`"${t.text} of" needs a name pattern or "them"`);
      i++;
      return { type: 'of', quantifier: w === 'all' ? 'all' : 'one', pattern: target.text };
    }
    if (/^\d+$/.test(w) && next === 'of') throw new SigmaError(`"${t.text} of" is not supported (only 1 of / all of)`);
    return { type: 'ref', name: t.text };
  };
  const tree = parseOr();
  if (i < toks.length) {
    const t = toks[i];
    throw new SigmaError(`unexpected "${t.kind === 'word' ? t.text : t.kind}" in condition`);
  }
  return tree;
}
