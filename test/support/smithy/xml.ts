// A minimal, bounded XML reader for the S3 fake's answers: elements, attributes, text, the five
// predefined entities and numeric character references, an XML declaration. What S3 never sends
// (DOCTYPE, processing instructions, CDATA, comments) is refused as a problem, never expanded, so
// a hostile document cannot make it loop or grow. Not a general XML parser.
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (concatenated, entities decoded). */
  text: string;
}

export const XML_MAX_DEPTH = 64;
export const XML_MAX_ELEMENTS = 100_000;
export const XML_MAX_BYTES = 8 * 1024 * 1024;

const NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?/;

function decode(s: string): string | undefined {
  let bad = false;
  const out = s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);|&/g, (m, ref: string | undefined) => {
    if (!ref) {
      bad = true;
      return m;
    }
    if (ref.startsWith('#')) {
      const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!(cp >= 0 && cp <= 0x10ffff) || (cp >= 0xd800 && cp <= 0xdfff)) {
        bad = true;
        return m;
      }
      return String.fromCodePoint(cp);
    }
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[ref as 'amp'];
  });
  return bad ? undefined : out;
}

/** The document's root element, or a problem message. */
export function parseXml(text: string): { root?: XmlElement; error?: string } {
  if (text.length > XML_MAX_BYTES) return { error: `document over ${XML_MAX_BYTES} characters` };
  let i = 0;
  const fail = (why: string) => ({ error: `${why} at offset ${i}` });
  if (text.startsWith('\ufeff')) i = 1;
  if (text.startsWith('<?xml', i)) {
    const end = text.indexOf('?>', i);
    if (end < 0) return fail('unterminated XML declaration');
    i = end + 2;
  }
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let count = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    if (chunk) {
      if (stack.length === 0) {
        if (chunk.trim()) return fail('text outside the root element');
      } else {
        const decoded = decode(chunk);
        if (decoded === undefined) return fail('a bad entity or bare &');
        stack[stack.length - 1].text += decoded;
      }
    }
    if (lt < 0) break;
    i = lt;
    if (text.startsWith('<!', i) || text.startsWith('<?', i)) return fail('DOCTYPE, comments, CDATA and processing instructions are not expected from S3');
    if (text.startsWith('</', i)) {
      const m = NAME.exec(text.slice(i + 2, i + 2 + 256));
      const close = text.indexOf('>', i);
      if (!m || close < 0 || text.slice(i + 2 + m[0].length, close).trim() !== '') return fail('a bad closing tag');
      const open = stack.pop();
      if (!open || open.name !== m[0]) return fail(`</${m[0]}> does not close <${open?.name ?? '(nothing)'}>`);
      i = close + 1;
      continue;
    }
    const m = NAME.exec(text.slice(i + 1, i + 1 + 256));
    if (!m) return fail('a bad tag');
    const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
    if (++count > XML_MAX_ELEMENTS) return fail(`more than ${XML_MAX_ELEMENTS} elements`);
    i += 1 + m[0].length;
    // Attributes.
    for (;;) {
      const ws = /^\s*/.exec(text.slice(i, i + 4096));
      i += ws ? ws[0].length : 0;
      if (text.startsWith('/>', i) || text.startsWith('>', i)) break;
      const a = /^([A-Za-z_][\w.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(text.slice(i, i + 65536));
      if (!a) return fail('a bad attribute');
      const v = decode(a[3] ?? a[4] ?? '');
      if (v === undefined) return fail('a bad entity in an attribute');
      el.attrs[a[1]] = v;
      i += a[0].length;
    }
    if (stack.length) stack[stack.length - 1].children.push(el);
    else if (root) return fail('a second root element');
    else root = el;
    if (text.startsWith('/>', i)) {
      i += 2;
      continue;
    }
    i += 1;
    stack.push(el);
    if (stack.length > XML_MAX_DEPTH) return fail(`nested deeper than ${XML_MAX_DEPTH}`);
  }
  if (stack.length) return { error: `<${stack[stack.length - 1].name}> is not closed` };
  if (!root) return { error: 'no root element' };
  return { root };
}
