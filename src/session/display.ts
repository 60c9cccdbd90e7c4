/** How the session writes numbers and paths in what it says (progress lines, messages, titles). */
export const fmt = (n: number): string => n.toLocaleString('en-US');

export const mb = (n: number): string => `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`;

export function baseName(p: string): string {
  const parts = p.replace(/[\\/]+$/, '').split(/[\\/]/);
  return parts[parts.length - 1] || p;
}
