/**
 * What a file's bytes are before they are read as JSON or CSV: a compressed or archived container
 * the reader does not open (told apart by magic bytes, so a `.json.gz` holding bzip2 is one clear
 * problem instead of lines of "unexpected byte"), and text in UTF-16 (what Windows PowerShell 5.1
 * writes with `>`), which is turned into UTF-8 so offsets and parsing work as for any other file.
 */

export type Container = 'gzip' | 'bzip2' | 'xz' | 'zstd' | 'zip' | 'tar' | '7z' | 'lz4' | 'lzip';

const TOOL: Readonly<Record<Container, string>> = {
  gzip: 'decompress it first (gunzip)',
  bzip2: 'decompress it first (bunzip2)',
  xz: 'decompress it first (unxz)',
  zstd: 'decompress it first (unzstd)',
  lz4: 'decompress it first (unlz4)',
  lzip: 'decompress it first (lzip -d)',
  zip: 'extract it first and open the extracted files',
  tar: 'extract it first (tar -xf) and open the extracted folder',
  '7z': 'extract it first and open the extracted files',
};

function startsWith(b: Uint8Array, at: number, bytes: readonly number[]): boolean {
  if (b.length < at + bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (b[at + i] !== bytes[i]) return false;
  return true;
}

/** A container format recognised by its magic bytes (gzip is not one: the reader opens it). */
export function sniffContainer(b: Uint8Array): Container | undefined {
  if (startsWith(b, 0, [0x42, 0x5a, 0x68]) && b.length > 3 && b[3] >= 0x31 && b[3] <= 0x39) return 'bzip2'; // "BZh1".."BZh9"
  if (startsWith(b, 0, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz';
  if (startsWith(b, 0, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd';
  if (startsWith(b, 0, [0x50, 0x4b]) && b.length >= 4 && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6) || (b[2] === 7 && b[3] === 8))) return 'zip';
  if (startsWith(b, 0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return '7z';
  if (startsWith(b, 0, [0x04, 0x22, 0x4d, 0x18])) return 'lz4';
  if (startsWith(b, 0, [0x4c, 0x5a, 0x49, 0x50])) return 'lzip'; // "LZIP"
  if (startsWith(b, 257, [0x75, 0x73, 0x74, 0x61, 0x72])) return 'tar'; // "ustar" in the first header
  return undefined;
}

/** The one problem a container file is: what it is, and what to do. */
export function containerProblem(kind: Container, insideGzip: boolean): string {
  const what = kind === 'tar' ? 'a tar archive' : kind === 'zip' ? 'a zip archive' : kind === '7z' ? 'a 7z archive' : `${kind} data`;
  return `this is ${what}${insideGzip ? ' inside gzip' : ''}, not JSON/gzip: ${TOOL[kind]}`;
}

export interface DecodedText {
  /** UTF-8 bytes (a UTF-8 byte-order mark is left in place). */
  text: Buffer;
  /** How the bytes were decoded, when it was not UTF-8. */
  encoding?: 'utf-16le' | 'utf-16be';
  problem?: string;
}

const SLICE = 16 * 1024 * 1024;

/**
 * UTF-16 (by its byte-order mark, or by the NUL after each ASCII character that JSON and CSV text
 * begins with) becomes UTF-8 without its byte-order mark. Anything else is left as it is.
 */
export function decodeText(b: Buffer): DecodedText {
  // A UTF-8 byte-order mark stays: the readers step over it, and cutting it off would copy the file.
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { text: b };
  let le: boolean | undefined;
  let from = 0;
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) {
    le = true;
    from = 2;
  } else if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
    le = false;
    from = 2;
  } else if (b.length >= 4 && b[0] !== 0 && b[1] === 0 && b[2] !== 0 && b[3] === 0 && b[0] < 0x80 && b[2] < 0x80) {
    le = true;
  } else if (b.length >= 4 && b[0] === 0 && b[1] !== 0 && b[2] === 0 && b[3] !== 0 && b[1] < 0x80 && b[3] < 0x80) {
    le = false;
  }
  if (le === undefined) return { text: b };
  return utf16ToUtf8(b, from, le);
}

/** Slice by slice, so a file bigger than one JS string can hold is still converted. */
function utf16ToUtf8(b: Buffer, from: number, le: boolean): DecodedText {
  const odd = (b.length - from) % 2 === 1;
  const end = b.length - (odd ? 1 : 0);
  const parts: Buffer[] = [];
  let total = 0;
  let swapped: Buffer | undefined;
  for (let a = from; a < end; ) {
    let z = Math.min(end, a + SLICE);
    // A surrogate pair must not be split between slices.
    if (z < end) {
      const last = le ? b[z - 1] : b[z - 2];
      if (last >= 0xd8 && last <= 0xdb) z -= 2;
    }
    let slice = b.subarray(a, z);
    if (!le) {
      swapped = Buffer.from(slice);
      swapped.swap16();
      slice = swapped;
    }
    const utf8 = Buffer.from(slice.toString('utf16le'), 'utf8');
    parts.push(utf8);
    total += utf8.length;
    a = z;
  }
  const text = parts.length === 1 ? parts[0] : Buffer.concat(parts, total);
  const encoding = le ? 'utf-16le' : 'utf-16be';
  return odd ? { text, encoding, problem: `the ${encoding.toUpperCase()} text ends with half a character (an odd number of bytes): the last byte was not read` } : { text, encoding };
}
