// The vendors' SQL grammars for the Athena tests: Trino's (Athena engine v3 is Trino) for the queries,
// Hive's for the DDL (Athena runs CREATE EXTERNAL TABLE / CREATE DATABASE as Hive DDL). Both are
// dt-sql-parser's ANTLR grammars, generated from the engines' own grammar files; esbuild.mjs bundles
// them into out/test/support/dtSqlParser.bundle.js (node cannot load the package's ES modules as
// published), so this module loads that file rather than importing the package.
//
// The grammar decides what parses; a few rules Trino applies after parsing (in its AstBuilder and
// JsonPathTokenizer) are checked here as documented:
// - U&'…' literals, https://trino.io/docs/current/language/types.html#varchar ("Unicode string with
//   default escape character: U&'Hello winter \2603 !'"): an escape is `\` followed by four hex
//   digits, `+` and six hex digits, or a second `\`; the code point must be valid and, in the
//   four-digit form, not a surrogate (trinodb/trino AstBuilder.decodeUnicodeLiteral).
// - integer literals are BIGINT (https://trino.io/docs/current/language/types.html#integer): a
//   longer one is "Invalid numeric literal" (LongLiteral); DECIMAL literals take at most 38 digits
//   (https://trino.io/docs/current/language/types.html#decimal).
// - JSON paths of json_extract_scalar, https://trino.io/docs/current/functions/json.html#json-extract
//   ("a JSONPath-like expression"): `$`, then `.key` (letters, digits, `_`, `:`) or `["key"]` (where
//   only `\"` and `\\` are escapes) or `[index]` (trinodb/trino JsonPathTokenizer).
import { createRequire } from 'node:module';
import type { HiveSQL as HiveSQLClass, TrinoSQL as TrinoSQLClass } from 'dt-sql-parser';
import type { TrinoSqlLexer as TrinoSqlLexerClass } from 'dt-sql-parser/dist/lib/trino/TrinoSqlLexer';

interface Grammars {
  TrinoSQL: typeof TrinoSQLClass;
  HiveSQL: typeof HiveSQLClass;
  TrinoSqlLexer: typeof TrinoSqlLexerClass;
}

const load = createRequire(__filename);
const grammars = load('./dtSqlParser.bundle.js') as Grammars;
const trino = new grammars.TrinoSQL();
const hive = new grammars.HiveSQL();
const T = grammars.TrinoSqlLexer;

function describeErrors(errors: ReadonlyArray<{ startLine: number; startColumn: number; message: string }>): string[] {
  return errors.map((e) => `${e.startLine}:${e.startColumn} ${e.message}`);
}

/** Syntax errors of the statement under Trino's grammar, plus one if it is not exactly one statement. */
export function trinoSyntaxErrors(sql: string): string[] {
  const errors = describeErrors(trino.validate(sql));
  // One statement: no `;` token (a lexer pass; splitting would parse the statement a second time).
  if (errors.length === 0 && trino.getAllTokens(sql).some((t) => t.text === ';')) errors.push('more than one statement (a ; outside literals)');
  return errors;
}

/** Syntax errors of the statement under Hive's grammar (Athena DDL). */
export function hiveSyntaxErrors(sql: string): string[] {
  const errors = describeErrors(hive.validate(sql));
  const statements = hive.splitSQLByStatement(sql) ?? [];
  if (errors.length === 0 && statements.length !== 1) errors.push(`${statements.length} statements, expected one`);
  return errors;
}

export interface TrinoLiteral {
  kind: 'string' | 'unicode';
  /** As written in the statement. */
  text: string;
  /** The value Trino reads from it. */
  value: string;
}

function isHex(ch: string): boolean {
  return /^[0-9A-Fa-f]$/.test(ch);
}

/**
 * The value of a U&'…' token (default escape `\`) as Trino decodes it; throws with Trino's reason
 * where Trino refuses the literal.
 */
export function decodeUnicodeLiteral(token: string): string {
  if (!token.startsWith("U&'") && !token.startsWith("u&'")) throw new Error(`not a Unicode literal: ${token}`);
  const raw = token.slice(3, -1).replace(/''/g, "'");
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = raw[i + 1];
    if (next === '\\') {
      out += '\\';
      i++;
      continue;
    }
    const six = next === '+';
    const digits = six ? raw.slice(i + 2, i + 8) : raw.slice(i + 1, i + 5);
    const want = six ? 6 : 4;
    if (next === undefined || (!six && !isHex(next))) throw new Error(`Invalid hexadecimal digit: ${next ?? '(end)'} in ${token}`);
    if (digits.length !== want || ![...digits].every(isHex)) throw new Error(`Incomplete escape sequence: ${digits} in ${token}`);
    const cp = parseInt(digits, 16);
    if (cp > 0x10ffff) throw new Error(`Invalid escaped character: ${digits} in ${token}`);
    if (!six && cp >= 0xd800 && cp <= 0xdfff) throw new Error(`Invalid escaped character: ${digits} (a surrogate) in ${token}`);
    out += String.fromCodePoint(cp);
    i += six ? 7 : 4;
  }
  return out;
}

/**
 * Every string literal of a statement, found by Trino's lexer and decoded as Trino decodes it; and
 * the problems Trino would report after parsing (bad escapes, numeric literals out of range).
 */
export function trinoLiterals(sql: string): { literals: TrinoLiteral[]; problems: string[] } {
  const literals: TrinoLiteral[] = [];
  const problems: string[] = [];
  for (const tok of trino.getAllTokens(sql)) {
    const text = tok.text ?? '';
    if (tok.type === T.STRING) literals.push({ kind: 'string', text, value: text.slice(1, -1).replace(/''/g, "'") });
    else if (tok.type === T.UNICODE_STRING) {
      try {
        literals.push({ kind: 'unicode', text, value: decodeUnicodeLiteral(text) });
      } catch (e) {
        problems.push((e as Error).message);
      }
    } else if (tok.type === T.INTEGER_VALUE) {
      const digits = text.replace(/_/g, '');
      if (/^\d+$/.test(digits) && BigInt(digits) > 9223372036854775807n) problems.push(`Invalid numeric literal: ${text} (beyond BIGINT)`);
    } else if (tok.type === T.DECIMAL_VALUE) {
      if (text.replace(/[^0-9]/g, '').replace(/^0+/, '').length > 38) problems.push(`DECIMAL literal ${text} has more than 38 digits`);
    }
  }
  return { literals, problems };
}

/**
 * The keys of a json_extract_scalar path, read by Trino's rules (JsonPathTokenizer); throws
 * "Invalid JSON path" where Trino does.
 */
export function trinoJsonPathKeys(path: string): string[] {
  const bad = (why: string) => new Error(`Invalid JSON path: '${path}' (${why})`);
  if (!path.startsWith('$')) throw bad('no leading $');
  const keys: string[] = [];
  let i = 1;
  const unquoted = (c: string, colon: boolean) => c === '_' || (colon && c === ':') || /^[\p{L}\p{Nd}]$/u.test(c);
  while (i < path.length) {
    if (path[i] === '.') {
      i++;
      let key = '';
      while (i < path.length && unquoted(path[i], true)) key += path[i++];
      if (key === '') throw bad(`empty key at ${i}`);
      keys.push(key);
    } else if (path[i] === '[') {
      i++;
      let key = '';
      if (path[i] === '"') {
        i++;
        for (;;) {
          if (i >= path.length) throw bad('unterminated quoted key');
          const c = path[i];
          if (c === '"') break;
          if (c === '\\') {
            const n = path[i + 1];
            if (n !== '"' && n !== '\\') throw bad(`escape \\${n ?? ''} in a quoted key`);
            key += n;
            i += 2;
            continue;
          }
          key += c;
          i++;
        }
        i++;
      } else {
        while (i < path.length && unquoted(path[i], false)) key += path[i++];
        if (key === '') throw bad(`empty subscript at ${i}`);
      }
      if (path[i] !== ']') throw bad(`expected ] at ${i}`);
      i++;
      keys.push(key);
    } else {
      throw bad(`unexpected ${JSON.stringify(path[i])} at ${i}`);
    }
  }
  return keys;
}
