/**
 * The panel's own words in the display language (issue 18): the host puts VS Code's bundle for it
 * (vscode.l10n.bundle, '{}' in English) in the page's `<meta name="ale-l10n">`, and this module,
 * imported first by main.ts, hands it to @vscode/l10n before any component renders. Only our
 * strings are looked up; event data is never translated. A missing or malformed bundle leaves English.
 */
import * as l10n from '@vscode/l10n';

function pageBundle(): Record<string, string> | undefined {
  const text = document.querySelector('meta[name="ale-l10n"]')?.getAttribute('content');
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

const bundle = pageBundle();
if (bundle && Object.keys(bundle).length > 0) l10n.config({ contents: bundle });
