/**
 * Sigma rules as the engine holds them: what a rule is called and who wrote it (DRL 1.1 asks every
 * shown match to carry the author and a link), and its detection compiled to a tree the store
 * evaluator narrows candidate rows with (match.ts).
 */

import type { SigmaLevel } from './levels';

export { LEVELS, levelRank, type SigmaLevel } from './levels';

/** A test of one value as text (a field's value, or one element of a list field). */
export type ValueTest = (v: string) => boolean;

export type SigmaNode =
  | { type: 'and'; children: SigmaNode[] }
  | { type: 'or'; children: SigmaNode[] }
  | { type: 'not'; child: SigmaNode }
  | { type: 'const'; value: boolean }
  /** Some value of the field passes the test (a list field: any element). */
  | { type: 'value'; field: string; test: ValueTest; label: string }
  /** The field has no value (absent or JSON null): Sigma's `null`, `|exists: false`. */
  | { type: 'absent'; field: string }
  /** Compares two fields of the same event (`fieldref`). */
  | { type: 'fieldref'; field: string; other: string; mode: 'equals' | 'contains' | 'startswith' | 'endswith'; cased: boolean }
  /** A keyword anywhere in the event's text. */
  | { type: 'keyword'; test: ValueTest; label: string };

export interface RuleInfo {
  id: string;
  title: string;
  level: SigmaLevel;
  /** As written in the rule (DRL 1.1: kept and shown wherever a match is). */
  author: string;
  status: string;
  description: string;
  /** Where to read more (the rule's `references`). */
  references: string[];
  /** When a match is expected and harmless (the rule's `falsepositives`). */
  falsePositives: string[];
  /** Where the rule can be read: its upstream URL for bundled rules, the file's path otherwise. */
  link: string;
  /** The file it was read from. */
  file: string;
  /** Which rule set it came from ('SigmaHQ aws-cloudtrail', or the folder a user added). */
  origin: string;
  /** Why the bundled rule differs from upstream (overrides.yml), when it does. */
  overrideNote?: string;
}

export interface CompiledRule extends RuleInfo {
  node: SigmaNode;
}

/** A rule that is not evaluated, and why: never dropped silently. */
export interface RuleProblem {
  file: string;
  id?: string;
  title?: string;
  reason: string;
}

export interface RuleSet {
  rules: CompiledRule[];
  problems: RuleProblem[];
}

/** A rule (or part of one) the engine does not evaluate: unsupported or invalid, with why. */
export class SigmaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigmaError';
  }
}
