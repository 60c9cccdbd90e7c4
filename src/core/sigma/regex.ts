/**
 * Regular expressions for Sigma's `re` modifier, in linear time. Rules come from folders anyone can
 * point the extension at, and JavaScript's own engine backtracks: `(a+)+$` against forty `a`s
 * freezes the extension host. V8 ships a second engine that runs in time linear in the input
 * (`/…/l`, behind --enable-experimental-regexp-engine, which only makes the flag available and
 * changes no other regex), so a pattern is compiled there or not at all; patterns that engine
 * refuses (backreferences, lookaround, case-insensitive matching, `u`) are reported as
 * unsupported, never run on the backtracking engine. If the runtime ever drops the flag, every
 * `re` rule is reported unsupported rather than run unbounded.
 *
 * The spec's `re|i` is rewritten into explicit classes (`a` → `[aA]`), which the linear engine
 * takes, instead of the `i` flag, which it does not.
 */
import { setFlagsFromString } from 'node:v8';

/** Longest pattern accepted: a rule is a few lines of YAML, not a megabyte of regex. */
export const MAX_PATTERN_LENGTH = 4_096;

let linearAvailable: boolean | undefined;

function linearEngine(): boolean {
  if (linearAvailable !== undefined) return linearAvailable;
  try {
    setFlagsFromString('--enable-experimental-regexp-engine');
    const linearFlag = 'l';
    new RegExp('a', linearFlag);
    linearAvailable = true;
  } catch {
    linearAvailable = false;
  }
  return linearAvailable;
}

export interface RegexFlags {
  i?: boolean;
  m?: boolean;
  s?: boolean;
}

/** A compiled test, or the reason the pattern cannot run in linear time. */
export type LinearRegex = { ok: true; test: (v: string) => boolean } | { ok: false; reason: string };

export function compileLinearRegex(pattern: string, flags: RegexFlags = {}): LinearRegex {
  if (pattern.length > MAX_PATTERN_LENGTH) return { ok: false, reason: `regular expression longer than ${MAX_PATTERN_LENGTH} characters` };
  if (!linearEngine()) return { ok: false, reason: 'no linear-time regular expression engine in this runtime' };
  const source = flags.i ? caseFold(pattern) : pattern;
  let re: RegExp;
  try {
    re = new RegExp(source, 'l' + (flags.m ? 'm' : '') + (flags.s ? 's' : ''));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, reason: /linear time/.test(msg) ? `regular expression cannot run in linear time (backreferences, lookaround, large counted repeats need backtracking): /${short(pattern)}/` : `invalid regular expression /${short(pattern)}/` };
  }
  return { ok: true, test: (v) => re.test(v) };
}

function short(p: string): string {
  return p.length > 60 ? p.slice(0, 59) + '…' : p;
}

/**
 * `a` → `[aA]` outside classes; inside a class every ASCII letter and letter range gains its other
 * case. Escapes are copied whole, so `\w`, `\.` and `\x41` keep their meaning.
 */
export function caseFold(p: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\' && i + 1 < p.length) {
      out += c + p[++i];
      continue;
    }
    if (inClass) {
      if (c === ']') {
        inClass = false;
        out += c;
        continue;
      }
      if (p[i + 1] === '-' && i + 2 < p.length && p[i + 2] !== ']' && isAsciiLetter(c) && isAsciiLetter(p[i + 2])) {
        const a = c;
        const b = p[i + 2];
        out += `${a}-${b}`;
        if (isLower(a) === isLower(b)) out += `${swap(a)}-${swap(b)}`;
        i += 2;
        continue;
      }
      out += isAsciiLetter(c) ? c + swap(c) : c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (p[i + 1] === '^') out += p[++i];
      if (p[i + 1] === ']') out += p[++i];
      continue;
    }
    out += isAsciiLetter(c) ? `[${c}${swap(c)}]` : c;
  }
  return out;
}

function isAsciiLetter(c: string): boolean {
  return /^[A-Za-z]$/.test(c);
}

function isLower(c: string): boolean {
  return c >= 'a' && c <= 'z';
}

function swap(c: string): string {
  return isLower(c) ? c.toUpperCase() : c.toLowerCase();
}
