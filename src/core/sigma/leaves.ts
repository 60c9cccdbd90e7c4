/**
 * A Sigma field can name an object (`requestParameters|contains: 'Suspended'`) or a string holding
 * JSON (`policyDocument`). Such a value matches as its JSON text and also through each leaf value
 * inside it, so a rule written against flattened fields (`"Allow"` in a policy document that
 * CloudTrail stores as an escaped string) finds what it was written for. Bounded: at most two
 * levels of JSON-in-a-string, 1 MB of text and 10,000 leaves per value.
 */
import type { ValueTest } from './types';

const MAX_TEXT = 1 << 20;
const MAX_LEAVES = 10_000;
const MAX_STRING_LEVELS = 2;

function looksLikeJson(v: string): boolean {
  const c = v.charCodeAt(0);
  return (c === 123 /* { */ || c === 91) /* [ */ && v.length <= MAX_TEXT;
}

export function jsonLeaves(text: string, levels = MAX_STRING_LEVELS): string[] {
  if (!looksLikeJson(text)) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0 && out.length < MAX_LEAVES) {
    const v = stack.pop();
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) stack.push(...v);
    else if (typeof v === 'object') stack.push(...Object.values(v as Record<string, unknown>));
    else {
      const s = String(v);
      out.push(s);
      if (typeof v === 'string' && levels > 1 && looksLikeJson(s)) out.push(...jsonLeaves(s, levels - 1));
    }
  }
  return out;
}

/** The test, also passed by a JSON value whose leaves pass it. */
export function withJsonLeaves(test: ValueTest): ValueTest {
  return (v) => test(v) || (looksLikeJson(v) && jsonLeaves(v).some(test));
}
