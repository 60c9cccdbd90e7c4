/**
 * Finds the byte span of every record in a JSON log without parsing it, so each record can keep
 * the exact bytes it arrived in and be parsed on its own: a broken record then costs only itself,
 * and a file larger than V8's string limit still loads.
 *
 * Shapes recognised, in any sequence (one value, or many as in JSON Lines):
 *   {"Records":[r, r, …]}   a wrapper object: each element of a wrapper key's array is a record
 *   [r, r, …]               a bare array: each element is a record
 *   {…}                     any other object: the object itself is one record
 *
 * It does not validate JSON: it tracks strings and bracket depth only, and reports what it can see
 * is wrong (a missing comma between records, a line break inside a string, a file that ends early)
 * while carrying on, so everything readable is still found.
 */

export interface SplitterSink {
  /** A complete value that is a record: bytes [start, end) of the buffer. */
  record(start: number, end: number): void;
  /** Something is wrong at `offset`; scanning goes on. */
  problem(message: string, offset: number): void;
}

const OBJ = 1;
const ARR = 2;
/** An array whose elements are records (a bare top-level array, or a wrapper key's array). */
const RECARR = 3;
/** A top-level object: a wrapper if it holds a wrapper key's array, else a record itself. */
const TOPOBJ = 4;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

/** Bytes that need no attention inside a string (anything but '"', '\\' and a line break). */
const STRING_PLAIN = new Uint8Array(256).fill(1);
STRING_PLAIN[QUOTE] = 0;
STRING_PLAIN[BACKSLASH] = 0;
STRING_PLAIN[NEWLINE] = 0;

/** Bytes that need no attention between tokens inside a record. */
const STRUCT_PLAIN = new Uint8Array(256).fill(1);
for (const b of [QUOTE, LBRACE, RBRACE, LBRACKET, RBRACKET, COMMA, NEWLINE]) STRUCT_PLAIN[b] = 0;

export const DEFAULT_WRAPPER_KEYS = ['Records', 'Events', 'QueryResultRows'] as const;

export class JsonRecordSplitter {
  private readonly stack = new Uint8Array(4096);
  private depth = 0;
  private inStr = false;
  /** Position of the next byte to look at. */
  private pos = 0;
  /** Start of the record being read, or -1. */
  private recStart = -1;
  /** Depth of the record's parent container. */
  private recDepth = -1;
  private topStart = -1;
  private topIsWrapper = false;
  private expectKey = false;
  private keyStart = -1;
  private lastKey = '';
  /** After a record in a record array, a ',' or ']' must come next. */
  private needSep = false;
  private strStart = -1;
  private recordsSeen = 0;
  private valuesSeen = 0;
  private brokenRecord = false;
  private skipToLineEnd = false;
  /** One value per line: a line break inside an unfinished value means that value is cut. */
  private jsonLines: boolean;
  /** A line break was seen inside a value: the input is pretty-printed, not JSON Lines. */
  private multiline = false;
  private readonly wrapperKeys: Set<string>;

  constructor(
    private readonly sink: SplitterSink,
    opts: {
      wrapperKeys?: readonly string[];
      jsonLines?: boolean;
      insideRecordsArray?: boolean;
      afterRecord?: boolean;
      /** Records already read by someone else, so messages number records as the file does. */
      recordsBefore?: number;
    } = {},
  ) {
    this.recordsSeen = opts.recordsBefore ?? 0;
    this.wrapperKeys = new Set(opts.wrapperKeys ?? DEFAULT_WRAPPER_KEYS);
    this.jsonLines = opts.jsonLines ?? false;
    if (opts.insideRecordsArray) {
      // Picking up mid-array, where a faster reader left off.
      this.stack[0] = RECARR;
      this.depth = 1;
      this.valuesSeen = 1;
      this.needSep = opts.afterRecord ?? false;
    }
  }

  /** Starts scanning at `offset` (e.g. past a byte-order mark). */
  skipTo(offset: number): void {
    this.pos = offset;
  }

  /** Scans buf[pos, end). */
  scan(buf: Uint8Array, end: number): void {
    let i = this.pos;
    let depth = this.depth;
    let inStr = this.inStr;
    const stack = this.stack;
    while (i < end) {
      if (inStr) {
        // Most bytes of a log are inside strings: skip the plain ones in a tight loop.
        let c = buf[i];
        while (STRING_PLAIN[c] === 1 && ++i < end) c = buf[i];
        if (i >= end) break;
        if (c === QUOTE) {
          inStr = false;
          this.depth = depth;
          this.endString(buf, i);
          depth = this.depth;
        } else if (c === BACKSLASH) {
          if (i + 1 >= end) break; // wait for the escaped byte
          i++;
        } else {
          // JSON strings cannot hold a raw line break: this record is cut or mangled here.
          inStr = false;
          this.depth = depth;
          this.lineBreakInString(i);
          depth = this.depth;
        }
        i++;
        continue;
      }
      let c = buf[i];
      if (depth > 1 && stack[depth - 1] !== RECARR) {
        // Inside a record, between strings: only brackets, commas, quotes and line breaks matter.
        while (STRUCT_PLAIN[c] === 1 && ++i < end) c = buf[i];
        if (i >= end) break;
      }
      if (this.skipToLineEnd) {
        if (c === NEWLINE) this.skipToLineEnd = false;
        i++;
        continue;
      }
      switch (c) {
        case 0x20:
        case 0x09:
        case 0x0d:
          break;
        case NEWLINE:
          if (depth > 0) {
            if (this.jsonLines) {
              this.depth = depth;
              this.cutAtLineBreak(i);
              depth = this.depth;
            } else {
              this.multiline = true;
            }
          }
          break;
        case QUOTE:
          if (depth > 0 && stack[depth - 1] === RECARR) this.elementStart(i, depth);
          else if (depth === 0) {
            this.unexpected(buf, i);
            break;
          }
          inStr = true;
          this.strStart = i;
          if (depth === 1 && stack[0] === TOPOBJ && this.expectKey) this.keyStart = i + 1;
          break;
        case LBRACE:
        case LBRACKET: {
          if (depth === 0) {
            this.valuesSeen++;
            if (c === LBRACE) {
              stack[0] = TOPOBJ;
              this.topStart = i;
              this.topIsWrapper = false;
              this.expectKey = true;
              this.lastKey = '';
            } else {
              stack[0] = RECARR;
              this.needSep = false;
            }
            depth = 1;
            break;
          }
          const parent = stack[depth - 1];
          if (parent === RECARR) this.elementStart(i, depth);
          if (depth >= stack.length) {
            this.depth = depth;
            this.tooDeep(i);
            depth = this.depth;
            break;
          }
          if (c === LBRACKET && parent === TOPOBJ && depth === 1 && this.wrapperKeys.has(this.lastKey)) {
            stack[depth] = RECARR;
            this.topIsWrapper = true;
            this.needSep = false;
          } else {
            stack[depth] = c === LBRACE ? OBJ : ARR;
          }
          depth++;
          break;
        }
        case RBRACE:
        case RBRACKET: {
          if (depth === 0) {
            this.unexpected(buf, i);
            break;
          }
          depth--;
          if (depth === 0) {
            if (stack[0] === TOPOBJ && !this.topIsWrapper) this.emit(this.topStart, i + 1);
            this.topStart = -1;
            this.topIsWrapper = false;
            this.expectKey = false;
            this.afterTopValue(buf, i + 1, end);
          } else if (depth === this.recDepth && this.recStart >= 0) {
            this.emit(this.recStart, i + 1);
            this.recStart = -1;
            this.recDepth = -1;
            this.needSep = true;
          } else if (stack[depth] === RECARR) {
            this.needSep = false;
          }
          break;
        }
        case COMMA:
          if (depth > 0) {
            const top = stack[depth - 1];
            if (top === RECARR) this.needSep = false;
            else if (depth === 1 && top === TOPOBJ) this.expectKey = true;
          } else {
            this.unexpected(buf, i);
          }
          break;
        default:
          if (depth === 0) {
            this.unexpected(buf, i);
          } else if (stack[depth - 1] === RECARR && (c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e)) {
            // A number, true, false or null where a record belongs: say so once per element.
            if (!this.needSep) this.sink.problem(`element ${this.recordsSeen + 1} is not an object`, i);
            this.needSep = true;
            while (i + 1 < end && buf[i + 1] !== COMMA && buf[i + 1] !== RBRACKET && buf[i + 1] !== NEWLINE) i++;
          }
          break;
      }
      i++;
    }
    this.pos = i;
    this.depth = depth;
    this.inStr = inStr;
  }

  /** No more input: report whatever was left unfinished. */
  finish(buf: Uint8Array, end: number): void {
    this.scan(buf, end);
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
    this.recStart = -1;
    this.depth = 0;
  }

  private emit(start: number, end: number): void {
    if (this.brokenRecord) {
      this.brokenRecord = false;
      return;
    }
    this.recordsSeen++;
    this.sink.record(start, end);
  }

  private elementStart(i: number, depth: number): void {
    if (this.needSep) this.sink.problem(`missing ',' between records ${this.recordsSeen} and ${this.recordsSeen + 1} (both were still read)`, i);
    this.needSep = false;
    this.recStart = i;
    this.recDepth = depth;
  }

  private endString(buf: Uint8Array, i: number): void {
    if (this.keyStart >= 0) {
      const len = i - this.keyStart;
      this.lastKey = len <= 32 ? String.fromCharCode(...buf.subarray(this.keyStart, i)) : '';
      this.keyStart = -1;
      this.expectKey = false;
    }
    // A string element of a record array (events serialised as JSON strings) is a record too.
    if (this.recStart === this.strStart && this.recDepth === this.depth) {
      this.emit(this.recStart, i + 1);
      this.recStart = -1;
      this.recDepth = -1;
      this.needSep = true;
    }
    this.strStart = -1;
  }

  private lineBreakInString(i: number): void {
    this.sink.problem('line break inside a string: the record is cut off or malformed here', i);
    this.keyStart = -1;
    this.strStart = -1;
    if (this.jsonLines) {
      this.dropValueAtLineBreak();
    } else if (this.recStart >= 0) {
      this.brokenRecord = true;
    }
  }

  private cutAtLineBreak(i: number): void {
    this.sink.problem('this line ends before its JSON value is complete: the line is cut off', i);
    this.dropValueAtLineBreak();
  }

  /** In JSON Lines every value ends on its own line: start afresh on the next one. */
  private dropValueAtLineBreak(): void {
    this.depth = 0;
    this.recStart = -1;
    this.recDepth = -1;
    this.topStart = -1;
    this.topIsWrapper = false;
    this.needSep = false;
    this.brokenRecord = false;
  }

  private tooDeep(i: number): void {
    this.sink.problem('JSON nested deeper than 4096 levels: skipped to the end of the line', i);
    this.dropValueAtLineBreak();
    this.skipToLineEnd = true;
  }

  private unexpected(buf: Uint8Array, i: number): void {
    const ch = buf[i];
    const shown = ch >= 0x20 && ch < 0x7f ? `'${String.fromCharCode(ch)}'` : `byte 0x${ch.toString(16).padStart(2, '0')}`;
    this.sink.problem(`unexpected ${shown} outside any JSON value: skipped to the end of the line`, i);
    this.skipToLineEnd = true;
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

const RECORDS_PREFIX = Buffer.from('{"Records":[');

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

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

/**
 * End (exclusive) of the JSON object starting at buf[start] === '{', or -1 if it does not close
 * before `limit`. The byte-level fallback when a record's end cannot be found the fast way.
 */
export function objectEnd(buf: Uint8Array, start: number, limit: number): number {
  let depth = 0;
  let i = start;
  while (i < limit) {
    let c = buf[i];
    if (c === QUOTE) {
      i++;
      while (i < limit) {
        c = buf[i];
        while (STRING_PLAIN[c] === 1 && ++i < limit) c = buf[i];
        if (i >= limit) return -1;
        if (c === BACKSLASH) i += 2;
        else if (c === QUOTE) break;
        else return -1; // a raw line break: not a well-formed string
      }
    } else if (c === LBRACE || c === LBRACKET) {
      depth++;
    } else if (c === RBRACE || c === RBRACKET) {
      if (--depth === 0) return i + 1;
    }
    i++;
  }
  return -1;
}
