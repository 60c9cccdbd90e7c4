/**
 * Text from outside (an API's error body, a file name, an event value) on its way into a VS Code
 * notification. VS Code turns `[label](command:…)`, `[label](https://…)` and `[label](file:…)` in a
 * notification's message into links that run the command or open the target when clicked; it parses
 * them with one regular expression (src/vs/base/common/linkedText.ts) and knows no escapes, so a
 * backslash would not help. What does: no `]` directly followed by `(`; a space between them keeps the
 * text readable and can never form a link. Control, bidi and zero-width characters become visible
 * escapes so a message cannot hide or reorder its own text.
 * core/ never imports vscode.
 */
import { terminalSafe } from './formats';

export function notificationSafe(text: string): string {
  // VS Code turns line breaks into spaces itself; here they would only become \u000a escapes.
  return terminalSafe(text.replace(/\r\n|\r|\n/g, ' ')).replace(/\]\(/g, '] (');
}
