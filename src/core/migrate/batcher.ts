/**
 * Collects items and hands them to `flush` in batches: when `maxItems` have gathered, or
 * `maxDelayMs` after the first item of a batch arrived, whichever comes first.
 *
 * Batches never overlap: a flush starts only after the previous one ended, so two flushes
 * can never interleave their writes to the same note. Items added while a flush runs go
 * into the next batch.
 *
 * Why batches at all: rewriting a note after every single upload would save (and, in
 * Obsidian, re-render and sync) a long note once per image; rewriting only at the very end
 * leaves nothing rewritten when a long run is interrupted.
 */
/** Calls `fn` once after `ms` milliseconds unless the returned function is called first. */
export type SetTimer = (fn: () => void, ms: number) => () => void;

export class Batcher<T> {
  private pending: T[] = [];
  private cancelTimer: (() => void) | undefined;
  private chain: Promise<void> = Promise.resolve();
  private error: { error: unknown } | undefined;

  /**
   * @param setTimer starts a timer and returns its cancel function; without one, batches are
   *   flushed by count and by `drain` only. Injected because core runs both in Obsidian
   *   (`window.setTimeout`) and in Node.
   */
  constructor(
    private readonly flushFn: (items: T[]) => Promise<void>,
    private readonly maxItems: number,
    private readonly maxDelayMs: number,
    private readonly setTimer?: SetTimer,
  ) {}

  /** Queues an item; may start a flush. */
  add(item: T): void {
    this.pending.push(item);
    if (this.pending.length >= Math.max(1, this.maxItems)) {
      this.flush();
    } else if (this.cancelTimer === undefined && this.setTimer && this.maxDelayMs > 0 && Number.isFinite(this.maxDelayMs)) {
      this.cancelTimer = this.setTimer(() => this.flush(), this.maxDelayMs);
    }
  }

  /**
   * Flushes whatever is pending and resolves once every flush has ended. Rethrows the
   * first error a flush threw (flushes after it still ran).
   */
  async drain(): Promise<void> {
    this.flush();
    await this.chain;
    if (this.error) throw this.error.error;
  }

  /** Starts a flush of whatever is pending now, after the flushes before it; does not wait for it. */
  flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.start(batch);
  }

  /**
   * Starts a flush of what `split` says is ready of each pending item; the rest of it stays
   * pending, for a later flush or the timer already running. Does not wait.
   */
  flushReady(split: (item: T) => { ready?: T; rest?: T }): void {
    const batch: T[] = [];
    const rest: T[] = [];
    for (const item of this.pending) {
      const parts = split(item);
      if (parts.ready !== undefined) batch.push(parts.ready);
      if (parts.rest !== undefined) rest.push(parts.rest);
    }
    this.pending = rest;
    if (rest.length === 0) {
      this.cancelTimer?.();
      this.cancelTimer = undefined;
    }
    if (batch.length > 0) this.start(batch);
  }

  private start(batch: T[]): void {
    this.chain = this.chain.then(() =>
      this.flushFn(batch).catch((error: unknown) => {
        this.error ??= { error };
      }),
    );
  }
}
