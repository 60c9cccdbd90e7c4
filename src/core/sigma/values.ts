/**
 * One detection item (`field|mod|mod: value or list`) → a SigmaNode. Plain values match the whole
 * value case-insensitively with `*`/`?` wildcards (`\*`, `\?`, `\\` literal, any other backslash
 * literal too), through the filter language's linear-time glob (core/glob.ts): never a regex.
 */
import { compileGlob, matchGlob } from '../glob';
import { cidrTest } from './cidr';
import { compileLinearRegex } from './regex';
import { SigmaError, type SigmaNode, type ValueTest } from './types';

const MATCH_MODS = ['contains', 'startswith', 'endswith'] as const;
const ENCODING_MODS = ['base64', 'base64offset', 'wide', 'utf16le', 'utf16be', 'utf16'] as const;
const NUMERIC_MODS = ['lt', 'lte', 'gt', 'gte'] as const;
const KNOWN = new Set<string>([...MATCH_MODS, ...ENCODING_MODS, ...NUMERIC_MODS, 'all', 're', 'i', 'm', 's', 'cidr', 'exists', 'fieldref', 'windash', 'cased', 'neq']);
const UNSUPPORTED: Readonly<Record<string, string>> = {
  expand: 'placeholders (`expand`) need a processing pipeline',
  minute: 'time modifiers are not supported',
  hour: 'time modifiers are not supported',
  day: 'time modifiers are not supported',
  week: 'time modifiers are not supported',
  month: 'time modifiers are not supported',
  year: 'time modifiers are not supported',
};
const MAX_VALUES = 1_000;
const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];
const MAX_DASHES = 4;

/** Sigma value text → canonical glob source (core/query.ts): only `\*`, `\?`, `\\` are escapes there. */
export function sigmaToGlob(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') {
      const n = value[i + 1];
      if (n === '*' || n === '?' || n === '\\') {
        out += '\\' + n;
        i++;
      } else out += '\\\\';
      continue;
    }
    out += c;
  }
  return out;
}

function literalGlob(text: string): string {
  return text.replace(/[\\*?]/g, '\\$&');
}

/** A test of the whole value against glob source, case-insensitive unless `cased`. */
export function globTest(source: string, cased: boolean): ValueTest {
  if (!cased) {
    const g = compileGlob(source);
    return (v) => matchGlob(g, v);
  }
  // Case-sensitive: the same glob, written as a regex for the linear-time engine.
  let re = '^';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\' && i + 1 < source.length) re += escapeRe(source[++i]);
    else if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else re += escapeRe(c);
  }
  const compiled = compileLinearRegex(re + '$');
  if (!compiled.ok) throw new SigmaError(`cased match: ${compiled.reason}`);
  return compiled.test;
}

function escapeRe(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? '\\' + c : c;
}

function scalarText(v: unknown, field: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new SigmaError(`value of ${field || 'keyword'} is not a string, number or boolean`);
}

function encode(texts: string[], mods: string[]): string[] {
  let bytes: Buffer[] = texts.map((t) => Buffer.from(t, 'utf8'));
  for (const m of mods) {
    if (m === 'wide' || m === 'utf16le') bytes = texts.map((t) => Buffer.from(t, 'utf16le'));
    else if (m === 'utf16be') bytes = texts.map((t) => Buffer.from(t, 'utf16le').swap16());
    else if (m === 'utf16') bytes = texts.map((t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]));
  }
  if (mods.includes('base64offset')) {
    const out: string[] = [];
    const starts = [0, 2, 3];
    const ends = [0, -3, -2];
    for (const b of bytes) {
      for (let i = 0; i < 3; i++) {
        const enc = Buffer.concat([Buffer.alloc(i, 0x20), b]).toString('base64');
        const end = ends[(b.length + i) % 3];
        out.push(enc.slice(starts[i], end === 0 ? undefined : end));
      }
    }
    return out;
  }
  if (mods.includes('base64')) return bytes.map((b) => b.toString('base64'));
  return bytes.map((b) => b.toString('latin1'));
}

function windash(text: string): string[] {
  const at: number[] = [];
  for (let i = 0; i < text.length; i++) if (DASHES.includes(text[i])) at.push(i);
  if (at.length === 0) return [text];
  if (at.length > MAX_DASHES) throw new SigmaError(`windash on a value with more than ${MAX_DASHES} dashes`);
  let out = [''];
  let last = 0;
  for (const i of at) {
    const head = text.slice(last, i);
    out = out.flatMap((p) => DASHES.map((d) => p + head + d));
    last = i + 1;
  }
  return out.map((p) => p + text.slice(last));
}

function numberTest(op: (typeof NUMERIC_MODS)[number], n: number): ValueTest {
  return (v) => {
    const t = v.trim();
    if (t === '') return false;
    const x = Number(t);
    if (Number.isNaN(x)) return false;
    return op === 'lt' ? x < n : op === 'lte' ? x <= n : op === 'gt' ? x > n : x >= n;
  };
}

function anyOf(nodes: SigmaNode[]): SigmaNode {
  return nodes.length === 1 ? nodes[0] : { type: 'or', children: nodes };
}

/** Compiles `key: value` of a detection map (key = field|modifiers). */
export function compileItem(key: string, value: unknown): SigmaNode {
  const [field, ...mods] = key.split('|');
  for (const m of mods) {
    if (UNSUPPORTED[m]) throw new SigmaError(`modifier "${m}" on ${field}: ${UNSUPPORTED[m]}`);
    if (!KNOWN.has(m)) throw new SigmaError(`unknown modifier "${m}" on ${field || 'keywords'}`);
  }
  const has = (m: string): boolean => mods.includes(m);
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  if (values.length > MAX_VALUES) throw new SigmaError(`more than ${MAX_VALUES} values for ${field}`);
  if (values.length === 0) return { type: 'const', value: false };
  const matchMods = MATCH_MODS.filter((m) => has(m));
  if (matchMods.length > 1) throw new SigmaError(`${field}: ${matchMods.join(' and ')} cannot be combined`);
  const cased = has('cased');
  const nodes: SigmaNode[] = values.map((v) => compileValue(field, mods, v, matchMods[0], cased));
  const combined: SigmaNode = has('all') ? (nodes.length === 1 ? nodes[0] : { type: 'and', children: nodes }) : anyOf(nodes);
  return has('neq') ? { type: 'not', child: combined } : combined;
}

function compileValue(field: string, mods: string[], v: unknown, match: (typeof MATCH_MODS)[number] | undefined, cased: boolean): SigmaNode {
  const has = (m: string): boolean => mods.includes(m);
  const leaf = (test: ValueTest, label: string): SigmaNode => (field === '' ? { type: 'keyword', test, label } : { type: 'value', field, test, label });
  if (has('exists')) {
    if (typeof v !== 'boolean') throw new SigmaError(`${field}|exists needs true or false`);
    const absent: SigmaNode = { type: 'absent', field };
    return v ? { type: 'not', child: absent } : absent;
  }
  if (v === null) {
    if (field === '') throw new SigmaError('null keyword');
    return { type: 'absent', field };
  }
  if (has('fieldref')) {
    const other = scalarText(v, field);
    return { type: 'fieldref', field, other, mode: match ?? 'equals', cased };
  }
  const numeric = NUMERIC_MODS.find((m) => has(m));
  if (numeric) {
    const n = typeof v === 'number' ? v : Number(scalarText(v, field));
    if (!Number.isFinite(n)) throw new SigmaError(`${field}|${numeric} needs a number`);
    return leaf(numberTest(numeric, n), `${numeric} ${n}`);
  }
  const text = scalarText(v, field);
  if (has('re')) {
    const r = compileLinearRegex(text, { i: has('i'), m: has('m'), s: has('s') });
    if (!r.ok) throw new SigmaError(`${field}|re: ${r.reason}`);
    return leaf(r.test, `re ${text}`);
  }
  if (has('cidr')) {
    const t = cidrTest(text);
    if (!t) throw new SigmaError(`${field}|cidr: "${text}" is not a network`);
    return leaf(t, `cidr ${text}`);
  }
  let alternatives = has('windash') ? windash(text) : [text];
  const encoded = ENCODING_MODS.some((m) => has(m));
  if (encoded) alternatives = encode(alternatives, mods);
  // A bare keyword is found anywhere in the event, as Sigma's keyword lists mean.
  if (field === '' && !match) match = 'contains';
  const nodes = alternatives.map((alt) => {
    // An encoded value is bytes, not a pattern: its `*` and `?` are literal.
    const body = encoded ? literalGlob(alt) : sigmaToGlob(alt);
    const source = match === 'contains' ? `*${body}*` : match === 'startswith' ? `${body}*` : match === 'endswith' ? `*${body}` : body;
    return leaf(globTest(source, cased), (match ?? 'is') + ' ' + alt);
  });
  return anyOf(nodes);
}
