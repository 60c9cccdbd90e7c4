/**
 * The SourceSet's 'progress' and 'loaded' events, typed, without node:events: the panel session
 * also runs in a browser (the webview's dev harness bundles it).
 */
type Listener<A extends unknown[]> = (...args: A) => void;

export class Emitter<Events extends { [K in keyof Events]: unknown[] }> {
  private readonly listeners = new Map<keyof Events, Array<{ fn: Listener<never[]>; once: boolean }>>();

  on<K extends keyof Events>(event: K, fn: Listener<Events[K]>): this {
    return this.add(event, fn, false);
  }

  once<K extends keyof Events>(event: K, fn: Listener<Events[K]>): this {
    return this.add(event, fn, true);
  }

  off<K extends keyof Events>(event: K, fn: Listener<Events[K]>): this {
    const list = this.listeners.get(event);
    const i = list?.findIndex((l) => l.fn === (fn as unknown as Listener<never[]>)) ?? -1;
    if (list && i >= 0) list.splice(i, 1);
    return this;
  }

  /** Calls the listeners in the order they were added; a listener added meanwhile waits for the next emit. */
  emit<K extends keyof Events>(event: K, ...args: Events[K]): boolean {
    const list = this.listeners.get(event);
    if (!list || list.length === 0) return false;
    for (const l of [...list]) {
      if (l.once) this.off(event, l.fn as unknown as Listener<Events[K]>);
      (l.fn as unknown as Listener<Events[K]>)(...args);
    }
    return true;
  }

  removeAllListeners(): this {
    this.listeners.clear();
    return this;
  }

  private add<K extends keyof Events>(event: K, fn: Listener<Events[K]>, once: boolean): this {
    const list = this.listeners.get(event) ?? [];
    list.push({ fn: fn as unknown as Listener<never[]>, once });
    this.listeners.set(event, list);
    return this;
  }
}
