/**
 * The Sigma engine under node: the bundled rules plus the user's folders, loaded on first use and
 * again after reload() (the settings changed). Kept out of the session so it bundles for a browser.
 */
import { detect } from '../core/sigma/match';
import type { CompiledRule, RuleProblem } from '../core/sigma/types';
import { loadRuleSet, type RuleSetRequest } from '../providers/detections/ruleFolders';
import type { Detector } from './io';

export interface NodeDetector extends Detector {
  /** Reads the rules again with `req` next time they are asked for. */
  reload(req: RuleSetRequest): void;
}

export function nodeDetector(req: RuleSetRequest = {}): NodeDetector {
  let current = req;
  let loading: Promise<{ rules: readonly CompiledRule[]; problems: readonly RuleProblem[] }> | undefined;
  return {
    rules() {
      // A missing user folder is a problem of that folder, not a reason to show no detections.
      loading ??= loadRuleSet(current).catch(async (e: unknown) => {
        const built = await loadRuleSet({ ...current, folders: [] });
        return { rules: built.rules, problems: [...built.problems, { file: (current.folders ?? []).join(', '), reason: e instanceof Error ? e.message : String(e) }] };
      });
      return loading;
    },
    detect: (store, rules, opts) => detect(store, rules, opts),
    reload(next) {
      current = next;
      loading = undefined;
    },
  };
}
