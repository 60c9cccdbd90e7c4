/**
 * Rule files (already read by whoever has the disk) → a RuleSet: every rule compiled, or reported
 * with its reason; overrides merged with their note; disabled ids left out and listed.
 */
import { parse } from 'yaml';
import { z } from 'zod';
import { compileRule } from './compile';
import { parseRule } from './parse';
import { SigmaError, type CompiledRule, type RuleProblem } from './types';

export interface RuleFile {
  /** Path (or name) shown in problems and hits. */
  file: string;
  text: string;
  /** Where a person reads the rule (DRL 1.1: a link to the rule). */
  link: string;
  origin: string;
}

const OverridesSchema = z.object({
  overrides: z.array(
    z.object({
      id: z.string().min(1),
      title: z.string().optional(),
      note: z.string().min(1),
      detection: z.record(z.string(), z.unknown()),
    }),
  ),
});

export type Override = z.infer<typeof OverridesSchema>['overrides'][number];

export function parseOverrides(text: string): Override[] {
  let value: unknown;
  try {
    value = parse(text, { maxAliasCount: 64, uniqueKeys: true });
  } catch (e) {
    throw new SigmaError(`overrides: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const r = OverridesSchema.safeParse(value);
  if (!r.success) throw new SigmaError(`overrides: ${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`);
  return r.data.overrides;
}

export interface RuleSetOptions {
  overrides?: readonly Override[];
  /** Rule ids not to evaluate (setting auditLogs.detections.disabledRules, CLI --disable). */
  disabled?: ReadonlySet<string>;
}

export interface BuiltRuleSet {
  rules: CompiledRule[];
  problems: RuleProblem[];
  /** Ids that were found and left out because the user disabled them. */
  disabled: string[];
}

export function buildRuleSet(files: readonly RuleFile[], opts: RuleSetOptions = {}): BuiltRuleSet {
  const overrides = new Map((opts.overrides ?? []).map((o) => [o.id, o]));
  const rules: CompiledRule[] = [];
  const problems: RuleProblem[] = [];
  const disabled: string[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    let id: string | undefined;
    let title: string | undefined;
    try {
      const doc = parseRule(f.text);
      id = doc.id;
      title = doc.title;
      const ruleId = doc.id ?? f.file;
      if (opts.disabled?.has(ruleId)) {
        disabled.push(ruleId);
        continue;
      }
      const prior = seen.get(ruleId);
      if (prior) throw new SigmaError(`duplicate rule id (also in ${prior})`);
      const o = overrides.get(ruleId);
      const detection = o ? { ...doc.detection, ...o.detection } : doc.detection;
      rules.push(compileRule(doc, { file: f.file, link: f.link, origin: f.origin, ...(o ? { overrideNote: o.note } : {}) }, detection));
      seen.set(ruleId, f.file);
    } catch (e) {
      const reason = e instanceof SigmaError ? e.message : `unexpected error: ${e instanceof Error ? e.message : String(e)}`;
      problems.push({ file: f.file, ...(id ? { id } : {}), ...(title ? { title } : {}), reason });
    }
  }
  return { rules, problems, disabled };
}
