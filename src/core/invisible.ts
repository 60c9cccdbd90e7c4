/**
 * Characters that change how text reads without showing themselves: C0 and C1 controls and DEL
 * (terminal escapes, NUL), the bidi controls that reorder what follows them (a U+202E before `gpj.exe` makes
 * `invoice-` + RLO + `gpj.exe` read as `invoice-exe.jpg`), and the zero-width characters that make two
 * different names look the same (`ad\u200bmin`). One definition for every place that shows event
 * data: the CLI's table (core/formats.ts terminalSafe) and the panel's grid, facets and detail pane
 * (webview/components/shared.ts), which show each one as a visible escape instead.
 */

/** The set, as a regex character class (BMP only, so no `u` flag is needed). */
const CLASS =
  // C0, DEL, C1
  '\\u0000-\\u001f\\u007f-\\u009f' +
  // Arabic letter mark
  '\\u061c' +
  // zero width space, non-joiner, joiner; left-to-right and right-to-left marks
  '\\u200b-\\u200f' +
  // line and paragraph separators; embeddings and overrides (LRE, RLE, PDF, LRO, RLO)
  '\\u2028-\\u202e' +
  // word joiner and the invisible operators (function application, times, separator, plus)
  '\\u2060-\\u2064' +
  // isolates (LRI, RLI, FSI, PDI)
  '\\u2066-\\u2069' +
  // byte order mark / zero width no-break space
  '\\ufeff';

/** Matches one hidden character; global, so reset `lastIndex` or use it through the helpers below. */
export const HIDDEN_CHARS = new RegExp(`[${CLASS}]`, 'g');
const HIDDEN_TEST = new RegExp(`[${CLASS}]`);

export function hasHiddenChars(text: string): boolean {
  return HIDDEN_TEST.test(text);
}

/** The visible form of one hidden character: `\u202e`, as the JSON and JavaScript escape reads. */
export function hiddenCharEscape(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** The text with every hidden character replaced by its escape. */
export function escapeHiddenChars(text: string): string {
  return hasHiddenChars(text) ? text.replace(HIDDEN_CHARS, hiddenCharEscape) : text;
}

const NAMES: Record<number, string> = {
  0x00: 'NULL',
  0x07: 'BELL',
  0x08: 'BACKSPACE',
  0x09: 'TAB',
  0x0a: 'LINE FEED',
  0x0d: 'CARRIAGE RETURN',
  0x1b: 'ESCAPE',
  0x7f: 'DELETE',
  0x9b: 'CONTROL SEQUENCE INTRODUCER',
  0x061c: 'ARABIC LETTER MARK',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2061: 'FUNCTION APPLICATION',
  0x2062: 'INVISIBLE TIMES',
  0x2063: 'INVISIBLE SEPARATOR',
  0x2064: 'INVISIBLE PLUS',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
};

/** `U+202E RIGHT-TO-LEFT OVERRIDE`, for a tooltip on the escape. */
export function hiddenCharName(ch: string): string {
  const code = ch.charCodeAt(0);
  const hex = code.toString(16).toUpperCase().padStart(4, '0');
  const name = NAMES[code] ?? (code < 0x20 || (code >= 0x7f && code <= 0x9f) ? 'CONTROL CHARACTER' : 'FORMAT CHARACTER');
  return `U+${hex} ${name}`;
}
