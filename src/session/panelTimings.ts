/**
 * When the host did what for one panel, in epoch ms (Date.now(), the clock the webview's
 * performance marks and the bench's click share): the open command, the panel created, the webview
 * ready, the first result sent; for each load, the last batch merged, the load's end, the final
 * query and the final state sent. Sent to the webview (DidTimeNotification), which turns them into
 * performance marks, so the panel's start and the tail of a load can be read phase by phase.
 */
export class PanelTimings {
  private readonly marks = new Map<string, number>();
  private readonly spent = new Map<string, { count: number; ms: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Sets `name` to now (again: a later load's phase replaces the last one's). */
  mark(name: string, at = this.now()): void {
    this.marks.set(name, at);
  }

  /** Sets `name` to now unless it is set: the panel's start happens once. */
  markOnce(name: string, at = this.now()): void {
    if (!this.marks.has(name)) this.marks.set(name, at);
  }

  /** Adds `ms` to what `name` has cost so far (the reruns while loading: how often, how long). */
  spend(name: string, ms: number): void {
    const s = this.spent.get(name) ?? { count: 0, ms: 0 };
    s.count++;
    s.ms += ms;
    this.spent.set(name, s);
  }

  get spentList(): Array<{ name: string; count: number; ms: number }> {
    return [...this.spent].map(([name, s]) => ({ name, count: s.count, ms: Math.round(s.ms) }));
  }

  has(name: string): boolean {
    return this.marks.has(name);
  }

  get list(): Array<{ name: string; at: number }> {
    return [...this.marks].map(([name, at]) => ({ name, at }));
  }
}
