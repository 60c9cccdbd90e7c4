import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** Every file below `dir`, in a stable order. */
export function walkFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walkFiles(p, out);
    else out.push(p);
  }
  return out;
}
