/**
 * Obsidian's `Events` and `Component`: an event emitter whose subscriptions are `EventRef`s,
 * and the load/unload lifecycle that cleans registered things up.
 */

/** What `Events.on` returns; `Component.registerEvent` detaches it on unload. */
export interface EventRef {
  e: Events;
  name: string;
  fn: (...data: unknown[]) => unknown;
  ctx?: unknown;
}

export class Events {
  private handlers = new Map<string, EventRef[]>();

  on(name: string, callback: (...data: any[]) => unknown, ctx?: unknown): EventRef {
    const ref: EventRef = { e: this, name, fn: callback, ctx };
    const list = this.handlers.get(name) ?? [];
    list.push(ref);
    this.handlers.set(name, list);
    return ref;
  }

  off(name: string, callback: (...data: any[]) => unknown): void {
    const list = this.handlers.get(name);
    if (list)
      this.handlers.set(
        name,
        list.filter((r) => r.fn !== callback),
      );
  }

  offref(ref: EventRef): void {
    const list = this.handlers.get(ref.name);
    if (list)
      this.handlers.set(
        ref.name,
        list.filter((r) => r !== ref),
      );
  }

  trigger(name: string, ...data: unknown[]): void {
    // A copy, so a handler that unsubscribes does not skip its neighbour.
    for (const ref of [...(this.handlers.get(name) ?? [])]) this.tryTrigger(ref, data);
  }

  tryTrigger(ref: EventRef, args: unknown[]): void {
    // Obsidian isolates handlers: one that throws is logged and the others still run (BEHAVIOURS.md P4).
    try {
      ref.fn.apply(ref.ctx, args);
    } catch (e) {
      console.error(e);
    }
  }

  /** Test helper, not in Obsidian's API: how many handlers listen to `name`. */
  listenerCount(name: string): number {
    return this.handlers.get(name)?.length ?? 0;
  }
}

export class Component {
  private loaded = false;
  private children: Component[] = [];
  private cleanups: (() => unknown)[] = [];

  /**
   * Returns what `onload` returned so a test can await an async `onload`, as Obsidian's
   * plugin loader does.
   */
  load(): void | Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    const result = this.onload();
    for (const c of this.children) void c.load();
    return result;
  }

  onload(): void | Promise<void> {}

  unload(): void {
    if (!this.loaded) return;
    this.loaded = false;
    for (const c of this.children.splice(0)) c.unload();
    for (const cb of this.cleanups.splice(0).reverse()) cb();
    this.onunload();
  }

  onunload(): void {}

  addChild<T extends Component>(component: T): T {
    this.children.push(component);
    if (this.loaded) void component.load();
    return component;
  }

  register(cb: () => unknown): void {
    this.cleanups.push(cb);
  }

  registerEvent(ref: EventRef): void {
    this.register(() => ref.e.offref(ref));
  }
}
