// A small validator of values against Smithy shapes, for the AWS fakes' contract checks. No npm
// package validates Smithy shapes in JavaScript (the Smithy validators are the Java build tools; the
// SDK's own serde is lenient by design), and these models use few features: structures, lists,
// maps, enums, the simple types and @required, @length, @range, @pattern, @sparse,
// @timestampFormat. Everything the models use is checked; anything they do not use fails loudly.
//
// Bounded for hostile input: a depth limit, a budget of visited values, and at most MAX_PROBLEMS
// messages; strings are only matched against a pattern after their @length passed. Nothing throws
// for any input: every failure is a message.
import type { SmithyModel, SmithyShape, SmithyTraits } from './model';

export const MAX_DEPTH = 64;
export const MAX_NODES = 200_000;
export const MAX_PROBLEMS = 20;
/** Longest string shown back in a message. */
const SHOWN = 80;

export class Problems {
  readonly list: string[] = [];
  nodes = 0;
  /** Set once a bound was hit: the walk stops. */
  stopped = false;

  add(where: string, what: string): void {
    if (this.list.length < MAX_PROBLEMS) this.list.push(`${where || '(body)'}: ${what}`);
    else this.stopped = true;
  }

  get ok(): boolean {
    return this.list.length === 0;
  }
}

export function show(v: unknown): string {
  let text: string;
  try {
    text = typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' && v !== null ? (Array.isArray(v) ? 'an array' : 'an object') : String(v);
  } catch {
    text = typeof v;
  }
  return text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text;
}

const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Length as Smithy counts it: Unicode scalar values for strings. */
function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

const patternCache = new Map<string, RegExp | undefined>();
/**
 * Smithy's @pattern is an ECMA-262 regex, but AWS's models also carry Java's inline flags (CloudTrail's
 * QueryStatement is `^(?s)`): those become RegExp flags.
 */
export function compilePattern(pattern: string): RegExp | undefined {
  if (!patternCache.has(pattern)) {
    let flags = '';
    const source = pattern.replace(/\(\?([ims]+)\)/g, (_m, f: string) => {
      for (const c of f) if (!flags.includes(c)) flags += c;
      return '';
    });
    let re: RegExp | undefined;
    try {
      re = new RegExp(source, `${flags}u`);
    } catch {
      try {
        re = new RegExp(source, flags);
      } catch {
        re = undefined;
      }
    }
    patternCache.set(pattern, re);
  }
  return patternCache.get(pattern);
}

interface LengthTrait {
  min?: number;
  max?: number;
}

function checkLength(n: number, t: SmithyTraits, where: string, p: Problems, unit: string): boolean {
  const len = t['smithy.api#length'] as LengthTrait | undefined;
  if (!len) return true;
  if (len.min !== undefined && n < len.min) {
    p.add(where, `${n} ${unit}, fewer than @length min ${len.min}`);
    return false;
  }
  if (len.max !== undefined && n > len.max) {
    p.add(where, `${n} ${unit}, more than @length max ${len.max}`);
    return false;
  }
  return true;
}

function checkRange(n: number, t: SmithyTraits, where: string, p: Problems): void {
  const r = t['smithy.api#range'] as { min?: number; max?: number } | undefined;
  if (!r) return;
  if (r.min !== undefined && n < r.min) p.add(where, `${n} is below @range min ${r.min}`);
  if (r.max !== undefined && n > r.max) p.add(where, `${n} is above @range max ${r.max}`);
}

/** The allowed values of an enum shape (Smithy 2 `enum`, or a string with the 1.0 @enum trait). */
export function enumValues(shape: SmithyShape): string[] | undefined {
  if (shape.type === 'enum') {
    return Object.entries(shape.members ?? {}).map(([name, m]) => {
      const v = m.traits?.['smithy.api#enumValue'];
      return typeof v === 'string' ? v : name;
    });
  }
  const old = shape.traits?.['smithy.api#enum'];
  if (Array.isArray(old)) return old.map((e) => String((e as { value?: unknown }).value));
  return undefined;
}

const INT_BOUNDS: Record<string, [number, number]> = {
  byte: [-128, 127],
  short: [-32768, 32767],
  integer: [-2147483648, 2147483647],
  long: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** A string value against a string or enum shape (also used for XML text, headers and query values). */
export function checkString(s: string, shape: SmithyShape, traits: SmithyTraits, where: string, p: Problems): void {
  const values = enumValues(shape);
  if (values) {
    if (!values.includes(s)) p.add(where, `${show(s)} is not one of the enum's values (${values.slice(0, 8).join(', ')}${values.length > 8 ? ', …' : ''})`);
    return;
  }
  if (!checkLength(codePoints(s), traits, where, p, 'characters')) return;
  const pattern = traits['smithy.api#pattern'];
  if (typeof pattern === 'string') {
    const re = compilePattern(pattern);
    if (!re) p.add(where, `the model's @pattern ${show(pattern)} does not compile`);
    else if (!re.test(s)) p.add(where, `${show(s)} does not match @pattern ${pattern}`);
  }
}

/** A number value against a numeric shape. */
export function checkNumber(n: number, shape: SmithyShape, traits: SmithyTraits, where: string, p: Problems): void {
  const bounds = INT_BOUNDS[shape.type];
  if (bounds) {
    if (!Number.isInteger(n)) return p.add(where, `${show(n)} is not an integer (${shape.type})`);
    if (n < bounds[0] || n > bounds[1]) return p.add(where, `${n} is out of the ${shape.type} range`);
  } else if (!Number.isFinite(n) && !['float', 'double'].includes(shape.type)) {
    return p.add(where, `${show(n)} is not a finite number`);
  }
  checkRange(n, traits, where, p);
}

/** Merged traits: the target shape's, overridden by the member's (as Smithy applies them). */
export function traitsOf(shape: SmithyShape, memberTraits?: SmithyTraits): SmithyTraits {
  return { ...(shape.traits ?? {}), ...(memberTraits ?? {}) };
}

export type TimestampFormat = 'epoch-seconds' | 'date-time' | 'http-date';

export interface JsonOptions {
  /** The protocol's default for timestamps (awsJson: epoch-seconds). */
  timestamps: TimestampFormat;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** A timestamp written as text in `format` (XML, headers, query strings, or a JSON string). */
export function checkTimestampText(s: string, format: TimestampFormat, where: string, p: Problems): void {
  const ok = format === 'date-time' ? DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)) : format === 'http-date' ? HTTP_DATE.test(s) && !Number.isNaN(Date.parse(s)) : /^-?\d+(\.\d+)?$/.test(s);
  if (!ok) p.add(where, `${show(s)} is not a ${format} timestamp`);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * A JSON value (as JSON.parse gives it) against a shape, as the AWS JSON protocols serialize it:
 * structures as objects keyed by member name, timestamps as epoch seconds (unless @timestampFormat),
 * blobs as base64, nulls only in @sparse collections.
 */
export function checkJson(model: SmithyModel, shapeId: string, value: unknown, where: string, p: Problems, opts: JsonOptions, memberTraits?: SmithyTraits, depth = 0): void {
  if (p.stopped) return;
  if (++p.nodes > MAX_NODES) {
    p.add(where, `more than ${MAX_NODES} values: not checked further`);
    p.stopped = true;
    return;
  }
  if (depth > MAX_DEPTH) {
    p.add(where, `nested deeper than ${MAX_DEPTH}: not checked further`);
    p.stopped = true;
    return;
  }
  const shape = model.shape(shapeId);
  const traits = traitsOf(shape, memberTraits);
  switch (shape.type) {
    case 'structure':
    case 'union': {
      if (!isPlainObject(value)) return p.add(where, `expected an object (${shapeId.split('#')[1]}), got ${show(value)}`);
      const members = shape.members ?? {};
      let set = 0;
      for (const key of Object.keys(value)) {
        if (p.stopped) return;
        const at = where ? `${where}.${key}` : key;
        if (!has(members, key)) {
          p.add(at, `not a member of ${shapeId.split('#')[1]}`);
          continue;
        }
        const v = value[key];
        if (v === null) continue;
        set++;
        checkJson(model, members[key].target, v, at, p, opts, members[key].traits, depth + 1);
      }
      if (shape.type === 'union' && set !== 1) p.add(where, `a union must set exactly one member, not ${set}`);
      for (const [name, m] of Object.entries(members)) {
        if (m.traits && 'smithy.api#required' in m.traits && (!has(value, name) || value[name] === null)) p.add(where ? `${where}.${name}` : name, 'required member missing');
      }
      return;
    }
    case 'list':
    case 'set': {
      if (!Array.isArray(value)) return p.add(where, `expected a list, got ${show(value)}`);
      checkLength(value.length, traits, where, p, 'items');
      const sparse = 'smithy.api#sparse' in traits;
      const member = shape.member;
      if (!member) return p.add(where, 'list without a member in the model');
      for (let i = 0; i < value.length && !p.stopped; i++) {
        if (value[i] === null) {
          if (!sparse) p.add(`${where}[${i}]`, 'null in a list that is not @sparse');
          continue;
        }
        checkJson(model, member.target, value[i], `${where}[${i}]`, p, opts, member.traits, depth + 1);
      }
      return;
    }
    case 'map': {
      if (!isPlainObject(value)) return p.add(where, `expected an object (map), got ${show(value)}`);
      const keys = Object.keys(value);
      checkLength(keys.length, traits, where, p, 'entries');
      const sparse = 'smithy.api#sparse' in traits;
      if (!shape.key || !shape.value) return p.add(where, 'map without key or value in the model');
      for (const k of keys) {
        if (p.stopped) return;
        const keyShape = model.shape(shape.key.target);
        checkString(k, keyShape, traitsOf(keyShape, shape.key.traits), `${where}{key ${show(k)}}`, p);
        if (value[k] === null) {
          if (!sparse) p.add(`${where}[${show(k)}]`, 'null in a map that is not @sparse');
          continue;
        }
        checkJson(model, shape.value.target, value[k], `${where}[${show(k)}]`, p, opts, shape.value.traits, depth + 1);
      }
      return;
    }
    case 'string':
    case 'enum':
      if (typeof value !== 'string') return p.add(where, `expected a string, got ${show(value)}`);
      return checkString(value, shape, traits, where, p);
    case 'boolean':
      if (typeof value !== 'boolean') p.add(where, `expected a boolean, got ${show(value)}`);
      return;
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'intEnum':
    case 'bigInteger':
      if (typeof value !== 'number') return p.add(where, `expected a number (${shape.type}), got ${show(value)}`);
      if (shape.type === 'intEnum') {
        const vals = Object.values(shape.members ?? {}).map((m) => m.traits?.['smithy.api#enumValue']);
        if (!vals.includes(value)) p.add(where, `${value} is not one of the intEnum's values`);
        return;
      }
      return checkNumber(value, shape, traits, where, p);
    case 'float':
    case 'double':
    case 'bigDecimal':
      // The JSON protocols write NaN and the infinities as strings.
      if (typeof value === 'string' && ['NaN', 'Infinity', '-Infinity'].includes(value)) return;
      if (typeof value !== 'number') return p.add(where, `expected a number (${shape.type}), got ${show(value)}`);
      return checkNumber(value, shape, traits, where, p);
    case 'timestamp': {
      const format = (traits['smithy.api#timestampFormat'] as TimestampFormat | undefined) ?? opts.timestamps;
      if (format === 'epoch-seconds') {
        if (typeof value !== 'number' || !Number.isFinite(value)) p.add(where, `expected a timestamp in epoch seconds, got ${show(value)}`);
        return;
      }
      if (typeof value !== 'string') return p.add(where, `expected a ${format} timestamp string, got ${show(value)}`);
      return checkTimestampText(value, format, where, p);
    }
    case 'blob':
      if (typeof value !== 'string' || !BASE64.test(value)) p.add(where, `expected base64 text (blob), got ${show(value)}`);
      return;
    case 'document':
      // Any JSON value: not walked.
      return;
    default:
      p.add(where, `shape type ${shape.type} (${shapeId}) is not handled by the contract checks`);
  }
}
