/**
 * Finds the byte span of every record in a JSON log without building it, so each record can keep
 * the exact bytes it arrived in and be parsed on its own: a broken record then costs only itself,
 * and a file larger than V8's string limit still loads.
 *
 * Shapes recognised, in any sequence (one value, or many as in JSON Lines):
 *   {"Records":[r, r, …]}   a wrapper object: each element of a wrapper key's array is a record
 *   [r, r, …]               a bare array: each element is a record
 *   {…}                     any other object: the object itself is one record
 *
 * It checks the JSON grammar as it goes (strings and their escapes, literals, colons, commas,
 * brackets), so a record breaks where its bytes break, not where a quote count happens to end, and
 * is reported there. Reading then picks up again at the next record:
 *   - in a records array, at the next opening `{"<key>":` (any blanks allowed) that records of this
 *     file holding an event opened with (`{"eventVersion":`, CloudTrail's, is assumed from the
 *     start); when none is left and the records do not all open as CloudTrail's, at the next
 *     opening with any key that is not a key's value or an array's first element. A record
 *     opening as an element of an array inside a record ends that record (it was cut there).
 *   - at the top level, at the next line (JSON Lines) or the next line that starts with `{` or `[`.
 *
 * Resynchronising is linear in the input. The scan that broke was either outside strings at a later
 * opening `{"key":` (then that `{` opened a value nested in the broken record, and a fresh parse
 * from there would retrace the same bytes into the same error: skip it) or inside a string there
 * (then its `"` closed that string and the key's first letter broke the scan, so the error lies
 * inside that opening). So only openings that reach past the error are tried, each attempt reads
 * past its own opening, where no known opening is left is remembered, and no byte is read more
 * than a few times.
 *
 * Limits: a record nested deeper than MAX_RECORD_DEPTH is reported by the reader. Where records
 * open with keys never seen before, a record cut inside an array, or a stray '[' before the first
 * record, cannot be told from nesting: the records after it up to the array's end are taken as
 * part of it.
 */

export interface SplitterSink {
  /** A complete value that is a record: bytes [start, end) of the buffer. True if it held an event. */
  record(start: number, end: number): boolean;
  /** A record that cannot be read (`message` names it): it counts as a record of the file. */
  invalid(message: string, offset: number): void;
  /** Something else is wrong at `offset`; scanning goes on. */
  problem(message: string, offset: number): void;
}

export interface SplitterOptions {
  wrapperKeys?: readonly string[];
  jsonLines?: boolean;
  /** Start inside a records array (where a faster reader left off). */
  insideRecordsArray?: boolean;
  /** …right after a record, so a ',' or ']' comes next. */
  afterRecord?: boolean;
  /** Records already read by someone else, so messages number records as the file does. */
  recordsBefore?: number;
  /** Start inside the records array of a wrapper object opening at this offset, right after a record. */
  insideWrapper?: number;
  /** Stop at the first ',' that follows a record in the records array (to hand back to a faster reader). */
  stopAtSeparator?: boolean;
  /**
   * How records of this file begin, `{key` or `[key` (a row of single-key objects): the places to
   * pick up again after a broken record. Shared with the caller; what is learnt here is added.
   */
  recordKeys?: Set<string>;
}

/** Where and why `run` stopped. */
export interface SplitStop {
  at: number;
  /** 'separator': at a ',' after a record (`at` is past it); 'closed': the records array started in closed at `at`. */
  why: 'end' | 'separator' | 'closed';
}

/** Nesting a record may have; deeper ones are reported and skipped (V8's JSON.stringify and recursive readers overflow near 5,000). */
export const MAX_RECORD_DEPTH = 1000;

const OBJ = 1;
const ARR = 2;
/** An array whose elements are records (a bare top-level array, or a wrapper key's array). */
const RECARR = 3;
/** A top-level object: a wrapper if it holds a wrapper key's array, else a record itself. */
const TOPOBJ = 4;

// What the grammar allows next.
const X_VALUE = 0;
const X_VALUE_OR_CLOSE = 1;
const X_KEY = 2;
const X_KEY_OR_CLOSE = 3;
const X_COLON = 4;
const X_AFTER = 5;
const X_TOP = 6;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const NEWLINE = 0x0a;

/** Bytes that need no attention inside a string: anything but '"', '\\' and control characters. */
const STRING_PLAIN = new Uint8Array(256).fill(1);
STRING_PLAIN[QUOTE] = 0;
STRING_PLAIN[BACKSLASH] = 0;
for (let b = 0; b < 0x20; b++) STRING_PLAIN[b] = 0;

/** Characters a backslash may escape (`u` is checked apart). */
const ESCAPABLE = new Uint8Array(256);
for (const ch of '"\\/bfnrt') ESCAPABLE[ch.charCodeAt(0)] = 1;

const HEX = new Uint8Array(256);
for (const ch of '0123456789abcdefABCDEF') HEX[ch.charCodeAt(0)] = 1;

/** Bytes a number is made of (its exact form is left to JSON.parse: it cannot shift a boundary). */
const NUMBER = new Uint8Array(256);
for (const ch of '0123456789+-.eE') NUMBER[ch.charCodeAt(0)] = 1;

/** Bytes of a key that can mark where records begin (letters, digits and a few marks, no blanks). */
const KEY_CHAR = new Uint8Array(256);
for (const ch of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$@.-') KEY_CHAR[ch.charCodeAt(0)] = 1;

/** Bytes an opening `[ { "key" :` is made of, but for its final ':'. */
const SIGNATURE_BYTE = KEY_CHAR.slice();
for (const b of [0x20, 0x09, 0x0d, 0x0a, QUOTE, LBRACE, LBRACKET]) SIGNATURE_BYTE[b] = 1;

const LITERALS: Record<number, Uint8Array> = {
  0x74: Buffer.from('true'),
  0x66: Buffer.from('false'),
  0x6e: Buffer.from('null'),
};

/** Blanks allowed between the parts of a record's opening `{ "key" :` when looking for one. */
const MAX_SIGNATURE_BLANKS = 256;
const MAX_SIGNATURE_KEY = 64;
/** The longest `[ { "key" :` a resync looks for. */
const MAX_SIGNATURE = 3 * MAX_SIGNATURE_BLANKS + MAX_SIGNATURE_KEY + 6;
/** Record openings remembered per file: CloudTrail has one; sorted-key exports a handful. */
const MAX_RECORD_KEYS = 16;
/** How CloudTrail opens every record it writes: known before any record is read. */
const CLOUDTRAIL_OPENING = '{eventVersion';

export const DEFAULT_WRAPPER_KEYS = ['Records', 'Events', 'QueryResultRows'] as const;

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** A byte as a message shows it. */
function shown(c: number | undefined): string {
  if (c === undefined) return 'the end of the input';
  return c >= 0x20 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

export class JsonRecordSplitter {
  private stack = new Uint8Array(64);
  private depth = 0;
  private expect = X_TOP;
  /** Start of the record being read in a records array, or -1. */
  private recStart = -1;
  /** Depth of the records array holding that record. */
  private recDepth = -1;
  private topStart = -1;
  private topIsWrapper = false;
  /** The last key read directly in the top-level object (a wrapper key?). */
  private lastKey = '';
  private recordsSeen: number;
  private valuesSeen = 0;
  /** One value per line: a line break inside an unfinished value means that value is cut. */
  private jsonLines: boolean;
  /** A line break was seen inside a value: the input is pretty-printed, not JSON Lines. */
  private multiline = false;
  /** The rest of the input was passed over looking for a record: nothing more to say at its end. */
  private passedOver = false;
  /** How the current record opens, while that is still being read: 1 `{` (key next), 2 `[`, 3 `[{`. */
  private sigState = 0;
  /** Where the current record's first key lies (-1: none yet, or not one that can mark a record). */
  private sigFrom = -1;
  private sigTo = -1;
  private sigBracket = 0;
  /** The opening learnt last: most records open the same way, so it is compared, not rebuilt. */
  private lastOpening = '';
  /** Records here are rows of single-key objects (CloudTrail Lake): '{eventVersion' opens a column, not a record. */
  private rowRecords = false;
  /** No known opening lies from here on (while the known ones stay as many as noOpeningKeys). */
  private noOpeningFrom = Infinity;
  private noOpeningKeys = -1;
  private buf: Uint8Array = new Uint8Array(0);
  private readonly wrapperKeys: Set<string>;
  private readonly recordKeys: Set<string>;
  private readonly started: boolean;
  private readonly stopAtSeparator: boolean;
  private errorAt = -1;
  private errorWhy = '';
  /**
   * The last records array that closed, while the shape after it is unproven: a ']' among garbage
   * between records closes the array too early, and what breaks after it is read as that array's.
   */
  private closedArray: { at: number; depth: number; wrapper: boolean; topStart: number } | undefined;

  constructor(
    private readonly sink: SplitterSink,
    opts: SplitterOptions = {},
  ) {
    this.recordsSeen = opts.recordsBefore ?? 0;
    this.wrapperKeys = new Set(opts.wrapperKeys ?? DEFAULT_WRAPPER_KEYS);
    this.recordKeys = opts.recordKeys ?? new Set();
    for (const k of this.recordKeys) if (k.startsWith('[')) this.rowRecords = true;
    this.jsonLines = opts.jsonLines ?? false;
    this.stopAtSeparator = opts.stopAtSeparator ?? false;
    this.started = opts.insideRecordsArray ?? false;
    if (this.started) {
      this.stack[0] = RECARR;
      this.depth = 1;
      this.valuesSeen = 1;
      this.expect = opts.afterRecord ? X_AFTER : X_VALUE;
    } else if (opts.insideWrapper !== undefined) {
      this.stack[0] = TOPOBJ;
      this.stack[1] = RECARR;
      this.depth = 2;
      this.topStart = opts.insideWrapper;
      this.topIsWrapper = true;
      this.valuesSeen = 1;
      this.expect = X_AFTER;
    }
  }

  /** Splits buf[from, to) and reports whatever is left unfinished at `to`, unless it stopped early. */
  split(buf: Uint8Array, from: number, to: number): SplitStop {
    this.buf = buf;
    const stop = this.run(buf, from, to);
    if (stop.why === 'end') this.finish(to);
    return stop;
  }

  private run(buf: Uint8Array, from: number, to: number): SplitStop {
    let i = from;
    while (i < to) {
      const c = buf[i];
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        i++;
        continue;
      }
      if (c === NEWLINE) {
        i = this.lineBreak(buf, i, to);
        continue;
      }
      if (this.expect === X_TOP) {
        i = this.topLevel(buf, i, to);
        continue;
      }
      switch (c) {
        case QUOTE:
          i = this.stringToken(buf, i, to);
          break;
        case LBRACE:
        case LBRACKET:
          i = this.open(buf, i, to, c);
          break;
        case RBRACE:
        case RBRACKET: {
          const r = this.close(buf, i, to, c);
          if (r < 0) return { at: i, why: 'closed' };
          i = r;
          break;
        }
        case COMMA: {
          if (this.expect !== X_AFTER) {
            i = this.fail(buf, i, to, this.unexpected(c));
            break;
          }
          const top = this.stack[this.depth - 1];
          this.expect = top === OBJ || top === TOPOBJ ? X_KEY : X_VALUE;
          if (top === RECARR && this.stopAtSeparator) return { at: i + 1, why: 'separator' };
          i++;
          break;
        }
        case COLON:
          if (this.expect !== X_COLON) {
            i = this.fail(buf, i, to, this.unexpected(c));
            break;
          }
          this.expect = X_VALUE;
          i++;
          break;
        default:
          i = this.scalar(buf, i, to, c);
          break;
      }
    }
    return { at: to, why: 'end' };
  }

  /** No more input: report whatever was left unfinished. */
  private finish(end: number): void {
    if (this.passedOver) return;
    if (this.recStart >= 0) {
      this.sink.problem(
        `the file ends inside record ${this.recordsSeen + 1}: it is truncated, and that record is incomplete`,
        this.recStart,
      );
    } else if (this.depth > 0 && this.stack[0] === TOPOBJ && !this.topIsWrapper) {
      this.sink.problem('the file ends inside an unfinished JSON object: it is truncated', this.topStart);
    } else if (this.depth > 0) {
      this.sink.problem(
        `the file ends before its closing brackets: it is truncated after record ${this.recordsSeen}`,
        end,
      );
    }
  }

  private lineBreak(buf: Uint8Array, i: number, to: number): number {
    if (this.depth > 0) {
      if (this.jsonLines) {
        const message = 'this line ends before its JSON value is complete: the line is cut off';
        if (this.inRecord()) this.invalidRecord(message, i);
        else this.sink.problem(message, i);
        return this.resyncTop(buf, i, to);
      }
      this.multiline = true;
    }
    return i + 1;
  }

  private inRecord(): boolean {
    return this.recStart >= 0 || (this.depth > 0 && this.stack[0] === TOPOBJ && !this.topIsWrapper);
  }

  private topLevel(buf: Uint8Array, i: number, to: number): number {
    const c = buf[i];
    if (c === LBRACE) {
      this.valuesSeen++;
      this.stack[0] = TOPOBJ;
      this.depth = 1;
      this.topStart = i;
      this.topIsWrapper = false;
      this.lastKey = '';
      this.expect = X_KEY_OR_CLOSE;
      return i + 1;
    }
    if (c === LBRACKET) {
      this.valuesSeen++;
      this.closedArray = undefined;
      this.stack[0] = RECARR;
      this.depth = 1;
      this.expect = X_VALUE_OR_CLOSE;
      return i + 1;
    }
    if (this.closedArray && !this.jsonLines) return this.reopenArray(buf, i, to, `unexpected ${shown(c)}`);
    this.sink.problem(`unexpected ${shown(c)} outside any JSON value: skipped to the end of the line`, i);
    const nl = indexOfByte(buf, NEWLINE, i, to);
    return nl < 0 ? to : nl;
  }

  /** A value may begin here: in a records array, an object, array or string begins a record. */
  private valueStart(i: number, c: number): boolean {
    const x = this.expect;
    const inRecords = this.stack[this.depth - 1] === RECARR;
    if (x === X_AFTER && inRecords && this.recStart < 0 && (c === LBRACE || c === LBRACKET || c === QUOTE)) {
      // Two records with no comma between them: both are still whole.
      this.sink.problem(`missing ',' between records ${this.recordsSeen} and ${this.recordsSeen + 1} (both were still read)`, i);
    } else if (x !== X_VALUE && x !== X_VALUE_OR_CLOSE) {
      return false;
    }
    if (inRecords && (c === LBRACE || c === LBRACKET || c === QUOTE)) {
      this.recStart = i;
      this.recDepth = this.depth;
      this.sigState = c === LBRACE ? 1 : c === LBRACKET ? 2 : 0;
      this.sigFrom = -1;
    } else if (this.sigState === 2 && c === LBRACE) {
      this.sigState = 3;
    } else {
      this.sigState = 0;
    }
    return true;
  }

  private open(buf: Uint8Array, i: number, to: number, c: number): number {
    if (c === LBRACE && this.recStart >= 0 && this.stack[this.depth - 1] === ARR && this.signatureEnd(buf, i, to, false, buf[this.recStart] === LBRACE) > 0) {
      // A record opening as an array element inside a record: the record was cut inside an array
      // (or a stray '[' opened one) and the next one follows. Taking it as an element would
      // swallow every record after it. (In a row, `[{"eventVersion":…},…]`, such an object is a
      // column: there only an opening records of this file were seen to have counts.)
      this.invalidRecord(`record ${this.recordsSeen + 1} is cut off: the next record begins inside it`, i);
      this.depth = this.recDepth;
      this.recStart = -1;
      this.recDepth = -1;
      this.expect = X_VALUE;
      this.sigFrom = -1;
    }
    if (!this.valueStart(i, c)) return this.fail(buf, i, to, this.unexpected(c));
    let kind = c === LBRACE ? OBJ : ARR;
    if (c === LBRACKET && this.depth === 1 && this.stack[0] === TOPOBJ && this.wrapperKeys.has(this.lastKey)) {
      kind = RECARR;
      this.topIsWrapper = true;
      this.closedArray = undefined;
    }
    if (this.depth >= this.stack.length) {
      // Grows with the input, never past it: depth is checked per record once it is whole.
      const bigger = new Uint8Array(this.stack.length * 2);
      bigger.set(this.stack);
      this.stack = bigger;
    }
    this.stack[this.depth++] = kind;
    this.expect = c === LBRACE ? X_KEY_OR_CLOSE : X_VALUE_OR_CLOSE;
    return i + 1;
  }

  /** Returns the next position, or -1 when the records array the splitter started in closes. */
  private close(buf: Uint8Array, i: number, to: number, c: number): number {
    const top = this.stack[this.depth - 1];
    const ok =
      c === RBRACE
        ? (top === OBJ || top === TOPOBJ) && (this.expect === X_KEY_OR_CLOSE || this.expect === X_AFTER)
        : (top === ARR || top === RECARR) && (this.expect === X_VALUE_OR_CLOSE || this.expect === X_AFTER);
    if (!ok || this.depth === 0) return this.fail(buf, i, to, this.unexpected(c));
    this.sigState = 0;
    if (top === RECARR) this.closedArray = { at: i, depth: this.depth, wrapper: this.topIsWrapper, topStart: this.topStart };
    this.depth--;
    if (this.depth === 0) {
      if (top === RECARR && this.started) return -1;
      if (top === TOPOBJ && !this.topIsWrapper) this.emit(this.topStart, i + 1);
      this.topStart = -1;
      this.topIsWrapper = false;
      this.expect = X_TOP;
      this.afterTopValue(buf, i + 1, to);
      return i + 1;
    }
    this.valueEnd(i + 1);
    return i + 1;
  }

  private valueEnd(end: number): void {
    this.expect = X_AFTER;
    if (this.recStart >= 0 && this.depth === this.recDepth) {
      this.emit(this.recStart, end);
      this.recStart = -1;
      this.recDepth = -1;
    }
  }

  private stringToken(buf: Uint8Array, i: number, to: number): number {
    const isKey = this.expect === X_KEY || this.expect === X_KEY_OR_CLOSE;
    if (!isKey && !this.valueStart(i, QUOTE)) return this.fail(buf, i, to, this.unexpected(QUOTE));
    const end = this.scanString(buf, i + 1, to);
    if (end === -2) return to; // the input ends inside this string
    if (end === -1) return this.fail(buf, this.errorAt, to, this.errorWhy);
    if (isKey) {
      const top = this.stack[this.depth - 1];
      if (top === TOPOBJ && this.depth === 1) this.lastKey = end - i - 1 <= 32 ? latin1(buf, i + 1, end) : '';
      if (this.sigState === 1 || this.sigState === 3) {
        const ok = isSignatureKey(buf, i + 1, end);
        this.sigFrom = ok ? i + 1 : -1;
        this.sigTo = end;
        this.sigBracket = this.sigState === 1 ? LBRACE : LBRACKET;
      }
      this.sigState = 0;
      this.expect = X_COLON;
    } else {
      this.sigState = 0;
      this.valueEnd(end + 1);
    }
    return end + 1;
  }

  /** Index of the closing quote; -2 if the input ends first; -1 for a broken string (errorAt/errorWhy set). */
  private scanString(buf: Uint8Array, j: number, to: number): number {
    while (j < to) {
      // Most bytes of a log are inside strings: skip the plain ones in a tight loop.
      let c = buf[j];
      while (STRING_PLAIN[c] === 1 && ++j < to) c = buf[j];
      if (j >= to) return -2;
      if (c === QUOTE) return j;
      if (c === BACKSLASH) {
        if (j + 1 >= to) return -2;
        const e = buf[j + 1];
        if (e === 0x75) {
          if (j + 6 > to) return -2;
          if (!(HEX[buf[j + 2]] && HEX[buf[j + 3]] && HEX[buf[j + 4]] && HEX[buf[j + 5]])) return this.error(j, 'a \\u escape without four hex digits');
          j += 6;
        } else if (ESCAPABLE[e] === 1) {
          j += 2;
        } else {
          return this.error(j, `invalid escape '\\${e >= 0x20 && e < 0x7f ? String.fromCharCode(e) : '?'}' in a string`);
        }
        continue;
      }
      // JSON strings cannot hold a raw line break or control character: the record is cut or mangled here.
      return this.error(j, c === NEWLINE ? 'line break inside a string: the record is cut off or malformed here' : `control character ${shown(c)} inside a string`);
    }
    return -2;
  }

  /** What the grammar wanted here, and what came instead. */
  private unexpected(c: number, inLiteral = false): string {
    if (inLiteral) return `${shown(c)} inside true, false or null`;
    const top = this.stack[this.depth - 1];
    const closer = top === OBJ || top === TOPOBJ ? "'}'" : "']'";
    switch (this.expect) {
      case X_AFTER:
        return `expected ',' or ${closer} after a value, found ${shown(c)}`;
      case X_COLON:
        return `expected ':' after a key, found ${shown(c)}`;
      case X_KEY:
        return `expected a key in quotes, found ${shown(c)}`;
      case X_KEY_OR_CLOSE:
        return `expected a key in quotes or '}', found ${shown(c)}`;
      default:
        return `expected a value, found ${shown(c)}`;
    }
  }

  private error(at: number, why: string): number {
    this.errorAt = at;
    this.errorWhy = why;
    return -1;
  }

  /** A number, true, false or null. */
  private scalar(buf: Uint8Array, i: number, to: number, c: number): number {
    const literal = LITERALS[c];
    if (NUMBER[c] !== 1 && literal === undefined) return this.fail(buf, i, to, this.unexpected(c));
    const inRecords = this.stack[this.depth - 1] === RECARR;
    if (!this.valueStart(i, c)) return this.fail(buf, i, to, this.unexpected(c));
    let j = i;
    if (literal) {
      for (let k = 0; k < literal.length; k++, j++) {
        if (j >= to) return to;
        if (buf[j] !== literal[k]) return this.fail(buf, j, to, this.unexpected(buf[j], true));
      }
    } else {
      while (j < to && NUMBER[buf[j]] === 1) j++;
      if (j >= to) return to;
    }
    // A number, true, false or null where a record belongs.
    if (inRecords) this.sink.problem(`element ${this.recordsSeen + 1} is not an object`, i);
    this.sigState = 0;
    this.valueEnd(j);
    return j;
  }

  private emit(start: number, end: number): void {
    this.recordsSeen++;
    // Only a record that held an event teaches how records open: an object nested in a broken
    // record, taken for one while picking up, must not become a place to pick up at.
    if (this.sink.record(start, end)) this.learnOpening();
    this.sigFrom = -1;
  }

  /** Remembers how the record just read opens (`{key`), as a place to pick up after a broken one. */
  private learnOpening(): void {
    const from = this.sigFrom;
    if (from < 0) return;
    this.sigFrom = -1;
    const buf = this.buf;
    const last = this.lastOpening;
    let same = last.length === this.sigTo - from + 1 && last.charCodeAt(0) === this.sigBracket;
    for (let k = 1; same && k < last.length; k++) same = last.charCodeAt(k) === buf[from + k - 1];
    if (same) return;
    this.lastOpening = String.fromCharCode(this.sigBracket) + latin1(buf, from, this.sigTo);
    if (this.sigBracket === LBRACKET) this.rowRecords = true;
    if (this.recordKeys.size < MAX_RECORD_KEYS) this.recordKeys.add(this.lastOpening);
  }

  private invalidRecord(message: string, at: number): void {
    this.recordsSeen++;
    this.sink.invalid(message, at);
  }

  /** The JSON breaks at `at`: report it, and return where reading picks up again. */
  private fail(buf: Uint8Array, at: number, to: number, why: string): number {
    if (this.recStart >= 0) {
      const start = this.recStart;
      // With nothing learnt yet, the broken record's own opening is the best guess at the next one's.
      if (this.recordKeys.size === 0) this.learnOpening();
      this.invalidRecord(`record ${this.recordsSeen + 1} is not valid JSON: ${why}`, at);
      return this.resyncInArray(buf, this.recDepth, start, at, to);
    }
    if (this.depth > 0 && this.stack[this.depth - 1] === RECARR) {
      this.sink.problem(`not valid JSON after record ${this.recordsSeen} (${why}): skipped to the next record`, at);
      // A string that ran into the next record's opening ended inside it: look back from `at` too.
      return this.resyncInArray(buf, this.depth, -1, at, to);
    }
    if (this.inRecord()) {
      this.invalidRecord(`record ${this.recordsSeen + 1} is not valid JSON: ${why}`, at);
    } else if (this.closedArray && !this.jsonLines) {
      return this.reopenArray(buf, at, to, why);
    } else {
      this.sink.problem(`not valid JSON here (${why}): skipped to the next ${this.jsonLines ? 'line' : 'line that starts a value'}`, at);
    }
    return this.resyncTop(buf, at, to);
  }

  /** The records array closed at a stray ']' (broken right after it): read on as that array's. */
  private reopenArray(buf: Uint8Array, at: number, to: number, why: string): number {
    const a = this.closedArray as NonNullable<typeof this.closedArray>;
    this.sink.problem(`not valid JSON after record ${this.recordsSeen} (${why}): skipped to the next record`, at);
    this.stack[0] = a.depth === 1 ? RECARR : TOPOBJ;
    this.stack[a.depth - 1] = RECARR;
    this.topIsWrapper = a.wrapper;
    this.topStart = a.topStart;
    return this.resyncInArray(buf, a.depth, a.at, at, to);
  }

  /** Picks up at the next record of the records array at `arrDepth` (see the top of the file). */
  private resyncInArray(buf: Uint8Array, arrDepth: number, from: number, at: number, to: number): number {
    this.depth = arrDepth;
    this.recStart = -1;
    this.recDepth = -1;
    this.sigState = 0;
    this.sigFrom = -1;
    // Only an opening that reaches past `at` can be one the broken scan was inside: it lies in the
    // run of blanks, quotes, brackets and key letters that ends at `at`.
    const floor = Math.max(from + 1, at - MAX_SIGNATURE);
    let lo = at;
    while (lo > floor && SIGNATURE_BYTE[buf[lo - 1]] === 1) lo--;
    const keys = this.recordKeys.size;
    let j = -1;
    // Remembering where no known opening is left keeps repeated failures from searching to the end again.
    if (!(lo >= this.noOpeningFrom && keys === this.noOpeningKeys)) {
      j = this.nextOpening(buf, lo, at, to, false);
      if (j < 0) {
        this.noOpeningFrom = lo;
        this.noOpeningKeys = keys;
      }
    }
    // Unless the records all open as CloudTrail's do, the next one may open in a way not seen yet:
    // then take any opening not after a ':' or '[' (a key's value or an array's first element;
    // it may still be an object nested in the broken record: a few more problems, never an event
    // lost or made up).
    if (j < 0 && !(keys === 1 && this.recordKeys.has(CLOUDTRAIL_OPENING))) j = this.nextOpening(buf, lo, at, to, true, true);
    if (j >= 0) {
      this.expect = X_VALUE;
      return j;
    }
    this.passedOver = true;
    return to;
  }

  /** The first `{`/`[` from lo whose record opening reaches past `at`, or -1. */
  private nextOpening(buf: Uint8Array, lo: number, at: number, to: number, anyKey: boolean, notNested = false): number {
    for (let j = lo; j < to; j++) {
      const c = buf[j];
      if ((c === LBRACE || c === LBRACKET) && (!notNested || !nestedAt(buf, j, lo)) && this.signatureEnd(buf, j, to, anyKey) > at) return j;
    }
    return -1;
  }

  /** End of `{ "key" :` (or `[ { "key" :`) at j when the key opens this file's records, else -1. */
  private signatureEnd(buf: Uint8Array, j: number, to: number, anyKey: boolean, assumeCloudTrail = true): number {
    let k = j;
    const prefix = buf[k] === LBRACKET ? '[' : '{';
    if (prefix === '[') {
      if (anyKey) return -1;
      k = skipBlanks(buf, k + 1, to);
      if (k < 0 || buf[k] !== LBRACE) return -1;
    }
    k = skipBlanks(buf, k + 1, to);
    if (k < 0 || buf[k] !== QUOTE) return -1;
    const ks = k + 1;
    let ke = ks;
    while (ke < to && ke - ks <= MAX_SIGNATURE_KEY && KEY_CHAR[buf[ke]] === 1) ke++;
    if (ke === ks || ke >= to || buf[ke] !== QUOTE || !isSignatureKey(buf, ks, ke)) return -1;
    if (!anyKey) {
      const opening = prefix + latin1(buf, ks, ke);
      // CloudTrail's opening is assumed until rows (`[{…`) show the records are not objects.
      if (!this.recordKeys.has(opening) && (opening !== CLOUDTRAIL_OPENING || this.rowRecords || !assumeCloudTrail)) return -1;
    }
    k = skipBlanks(buf, ke + 1, to);
    if (k < 0 || buf[k] !== COLON) return -1;
    return k + 1;
  }

  /** Picks up at the next line (JSON Lines), or the next line that starts with `{` or `[`. */
  private resyncTop(buf: Uint8Array, at: number, to: number): number {
    this.depth = 0;
    this.expect = X_TOP;
    this.recStart = -1;
    this.recDepth = -1;
    this.topStart = -1;
    this.topIsWrapper = false;
    this.sigState = 0;
    this.sigFrom = -1;
    let nl = indexOfByte(buf, NEWLINE, at, to);
    while (nl >= 0 && !this.jsonLines && nl + 1 < to && buf[nl + 1] !== LBRACE && buf[nl + 1] !== LBRACKET) nl = indexOfByte(buf, NEWLINE, nl + 1, to);
    if (nl < 0 || nl + 1 >= to) {
      this.passedOver = true;
      return to;
    }
    return nl + 1;
  }

  /** The first value ended on one line: if nothing but blanks follow on that line, this is JSON Lines. */
  private afterTopValue(buf: Uint8Array, from: number, end: number): void {
    if (this.valuesSeen !== 1 || this.jsonLines || this.multiline) return;
    for (let j = from; j < end; j++) {
      const c = buf[j];
      if (c === NEWLINE) {
        this.jsonLines = true;
        return;
      }
      if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return;
    }
  }
}

/** A ':' or '[' comes before j (past blanks, not before lo): a value opening there is nested. */
function nestedAt(buf: Uint8Array, j: number, lo: number): boolean {
  let k = j - 1;
  while (k >= lo && isBlank(buf[k])) k--;
  return k >= lo && (buf[k] === COLON || buf[k] === LBRACKET);
}

function indexOfByte(buf: Uint8Array, b: number, from: number, to: number): number {
  const i = buf.indexOf(b, from);
  return i < 0 || i >= to ? -1 : i;
}

/** Past up to MAX_SIGNATURE_BLANKS blanks from k, or -1 (more blanks, or the end). */
function skipBlanks(buf: Uint8Array, k: number, to: number): number {
  const limit = Math.min(to, k + MAX_SIGNATURE_BLANKS + 1);
  while (k < limit && isBlank(buf[k])) k++;
  return k < limit ? k : -1;
}

/** A key that can mark where a record begins: a short word, not starting with a mark a scan could take as structure. */
function isSignatureKey(buf: Uint8Array, s: number, e: number): boolean {
  if (e <= s || e - s > MAX_SIGNATURE_KEY) return false;
  const first = buf[s];
  if (first === 0x2e || first === 0x2d) return false;
  for (let k = s; k < e; k++) if (KEY_CHAR[buf[k]] !== 1) return false;
  return true;
}

function latin1(buf: Uint8Array, s: number, e: number): string {
  return String.fromCharCode(...buf.subarray(s, e));
}

/** True when the parsed value nests objects and arrays more than `limit` deep (iterative: no stack to overflow). */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const values: unknown[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const v = values.pop();
    const d = depths.pop() as number;
    if (v === null || typeof v !== 'object') continue;
    if (d > limit) return true;
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const child of children) {
      if (child !== null && typeof child === 'object') {
        values.push(child);
        depths.push(d + 1);
      }
    }
  }
  return false;
}

const RECORDS_PREFIX = Buffer.from('{"Records":[');

/**
 * Where the records of a CloudTrail-written `{"Records":[…]}` file lie: from the first byte after
 * `[` to the `]` that closes the array. Undefined for any other shape.
 */
export function recordsArrayBounds(buf: Buffer, from: number, to = buf.length): { first: number; last: number } | undefined {
  let p = from;
  while (p < to && isBlank(buf[p])) p++;
  if (p + RECORDS_PREFIX.length > to) return undefined;
  if (buf.compare(RECORDS_PREFIX, 0, RECORDS_PREFIX.length, p, p + RECORDS_PREFIX.length) !== 0) return undefined;
  p += RECORDS_PREFIX.length;
  let end = to;
  while (end > p && isBlank(buf[end - 1])) end--;
  if (end - p < 2 || buf[end - 1] !== RBRACE || buf[end - 2] !== RBRACKET) return undefined;
  return { first: p, last: end - 2 };
}
