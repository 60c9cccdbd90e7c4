/**
 * Reads Sigma rule folders from disk (the bundled SigmaHQ set and any folder a user adds) into the
 * RuleFiles core compiles. Disk access lives here, not in core; everything read is treated as
 * hostile: files too big, not UTF-8, or unreadable become reported problems, folder walks are
 * bounded in depth and count and never follow symlinked folders.
 */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { MAX_RULE_BYTES } from '../../core/sigma/parse';
import { buildRuleSet, parseOverrides, type BuiltRuleSet, type Override, type RuleFile } from '../../core/sigma/ruleSet';
import type { RuleProblem } from '../../core/sigma/types';

export const BUNDLED_ORIGIN = 'SigmaHQ aws-cloudtrail';
const BUNDLED_DIR = path.join('rules', 'sigma', 'aws-cloudtrail');
const MAX_FILES = 10_000;
const MAX_DEPTH = 16;

/** A rule folder that cannot be read at all (missing, not a folder): a usage error, not a rule problem. */
export class RuleFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleFolderError';
  }
}

const SourceSchema = z.object({
  repository: z.string().url(),
  commit: z.string().regex(/^[0-9a-f]{40}$/),
  date: z.union([z.string(), z.date()]).optional(),
  path: z.string().min(1),
});

/**
 * The bundled rules' folder: next to dist/ in the installed extension and the CLI, next to out/ in
 * tests, at the repository root when run from source.
 */
export function bundledRulesDir(from: string = __dirname): string | undefined {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, BUNDLED_DIR);
    if (existsSync(path.join(candidate, 'SOURCE'))) return candidate;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

export interface LoadedRules {
  files: RuleFile[];
  problems: RuleProblem[];
}

async function readRuleText(file: string): Promise<string> {
  const st = await fs.stat(file);
  if (st.size > MAX_RULE_BYTES) throw new Error(`rule file larger than ${MAX_RULE_BYTES / 1024} KB`);
  const bytes = await fs.readFile(file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error('not UTF-8 text');
  }
}

/** Every .yml/.yaml file under `dir`, sorted, so hits and problems come out in the same order each time. */
async function ruleFilesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH || out.length >= MAX_FILES) return;
    const entries = await fs.readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (out.length >= MAX_FILES) return;
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p, depth + 1);
      else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(p);
    }
  };
  await walk(dir, 0);
  return out;
}

async function readFolder(dir: string, origin: string, linkOf: (file: string) => string): Promise<LoadedRules> {
  let st;
  try {
    st = await fs.stat(dir);
  } catch {
    throw new RuleFolderError(`rule folder not found: ${dir}`);
  }
  if (!st.isDirectory()) throw new RuleFolderError(`not a folder: ${dir}`);
  let names: string[];
  try {
    names = await ruleFilesUnder(dir);
  } catch (e) {
    throw new RuleFolderError(`cannot read rule folder ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const files: RuleFile[] = [];
  const problems: RuleProblem[] = [];
  for (const file of names) {
    try {
      files.push({ file, text: await readRuleText(file), link: linkOf(file), origin });
    } catch (e) {
      problems.push({ file, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return { files, problems };
}

/** The bundled SigmaHQ CloudTrail rules, each linked to its file upstream at the pinned commit. */
export async function loadBundledRules(dir: string | undefined = bundledRulesDir()): Promise<LoadedRules & { overrides: Override[] }> {
  if (!dir) throw new RuleFolderError('the bundled Sigma rules are missing from this installation');
  const source = SourceSchema.parse(parse(await fs.readFile(path.join(dir, 'SOURCE'), 'utf8')));
  const base = `${source.repository}/blob/${source.commit}/${source.path}/`;
  const loaded = await readFolder(path.join(dir, 'rules'), BUNDLED_ORIGIN, (f) => base + path.basename(f));
  const overrides = parseOverrides(await fs.readFile(path.join(dir, 'overrides.yml'), 'utf8'));
  return { ...loaded, overrides };
}

/** A folder a user added (setting auditLogs.detections.ruleFolders, CLI --rules). */
export function loadUserRules(dir: string): Promise<LoadedRules> {
  const abs = path.resolve(dir);
  return readFolder(abs, abs, (f) => f);
}

export interface RuleSetRequest {
  folders?: readonly string[];
  disabled?: readonly string[];
  /** False to leave the bundled rules out (tests of a user folder alone). */
  bundled?: boolean;
}

/** Bundled rules plus user folders, compiled, with every file that did not make it reported. */
export async function loadRuleSet(req: RuleSetRequest = {}): Promise<BuiltRuleSet> {
  const files: RuleFile[] = [];
  const problems: RuleProblem[] = [];
  let overrides: Override[] = [];
  if (req.bundled !== false) {
    const b = await loadBundledRules();
    files.push(...b.files);
    problems.push(...b.problems);
    overrides = b.overrides;
  }
  for (const dir of req.folders ?? []) {
    const u = await loadUserRules(dir);
    files.push(...u.files);
    problems.push(...u.problems);
  }
  const built = buildRuleSet(files, { overrides, disabled: new Set(req.disabled ?? []) });
  return { ...built, problems: [...problems, ...built.problems] };
}
