/**
 * Sigma rule text → a checked rule object. Rule files come from any folder a user names, so the
 * text is hostile until shown otherwise: size and nesting are capped, YAML aliases are capped (a
 * "billion laughs" file expands nothing), and the shape is checked with zod before anything reads it.
 */
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { LEVELS, SigmaError } from './types';

export const MAX_RULE_BYTES = 256 * 1024;
export const MAX_DEPTH = 32;
const MAX_ALIASES = 64;

const text = z.string();
const stringList = z.union([z.string(), z.array(z.unknown())]);

export const RuleSchema = z.looseObject({
  title: z.string().min(1).max(512),
  id: z.string().max(128).optional(),
  status: z.string().optional(),
  description: z.string().optional(),
  author: z.string().optional(),
  references: z.array(z.unknown()).optional(),
  falsepositives: z.unknown().optional(),
  logsource: z.looseObject({ product: text.optional(), service: text.optional(), category: text.optional() }),
  detection: z.looseObject({ condition: stringList }).refine((d) => Object.keys(d).length > 1, 'detection has a condition but no search identifiers'),
  level: z.enum(LEVELS).optional(),
  tags: z.array(z.unknown()).optional(),
});

export type SigmaRuleDoc = z.infer<typeof RuleSchema>;

/**
 * Parses one rule file. Throws SigmaError naming what is wrong (a correlation rule, YAML errors,
 * a missing title…); the caller turns that into a reported problem.
 */
export function parseRule(source: string): SigmaRuleDoc {
  if (source.length > MAX_RULE_BYTES) throw new SigmaError(`rule file larger than ${MAX_RULE_BYTES / 1024} KB`);
  if (source.includes('\u0000') || source.includes('\uFFFD')) throw new SigmaError('not UTF-8 text');
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(source, { uniqueKeys: true, prettyErrors: false, strict: true });
  } catch (e) {
    // The parser recurses: very deep nesting ends here (a RangeError), never as a crash.
    throw new SigmaError(`YAML error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  if (!Array.isArray(docs)) throw new SigmaError('not a YAML document');
  const real = docs.filter((d) => d.contents !== null);
  if (real.length === 0) throw new SigmaError('empty rule file');
  if (real.length > 1) throw new SigmaError('multi-document rule collections are not supported (one rule per file)');
  const doc = real[0];
  if (doc.errors.length > 0) throw new SigmaError(`YAML error: ${doc.errors[0].message.split('\n')[0]}`);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    throw new SigmaError(`YAML error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  checkDepth(value, 0);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if ('correlation' in o) throw new SigmaError('correlation rules are not supported');
    if (o.action === 'global' || o.action === 'repeat') throw new SigmaError('rule collections (action: global/repeat) are not supported');
  }
  const parsed = RuleSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SigmaError(`not a Sigma rule: ${issue.path.join('.') || 'rule'}: ${issue.message}`);
  }
  return parsed.data;
}

function checkDepth(v: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new SigmaError(`nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(v)) for (const x of v) checkDepth(x, depth + 1);
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) checkDepth(x, depth + 1);
}
