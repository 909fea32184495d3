/**
 * A small promise pool: runs `worker` over `items` with at most `concurrency` calls in
 * flight, starting each item only when a slot frees up. Items are started in order.
 *
 * Why not `Promise.all(items.map(worker))`: that starts every call at once, so a vault with
 * 2,000 images would read 2,000 files into memory and open 2,000 connections together.
 *
 * With a `budget`, the items in flight also weigh together no more than `budget.limit`
 * (bytes of images, say): the next item waits until enough of the weight in flight is done.
 * An item heavier than the whole budget still runs, alone, so nothing waits forever. Sixteen
 * uploads of 20 MB images would otherwise hold 320 MB at once, too much for a phone.
 *
 * A worker's rejection does not stop the pool (workers are expected to turn their own
 * failures into values); it is rethrown once every started call has settled. When `signal`
 * aborts, no further item is started and the pool resolves after the calls in flight end.
 */
export interface PoolBudget<T> {
  /** Most weight in flight at once. */
  limit: number;
  /** An item's weight; read once, just before the item starts. */
  weight(item: T): number;
}

export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
  budget?: PoolBudget<T>,
): Promise<void> {
  const feed = new Feed<{ item: T; index: number }>();
  items.forEach((item, index) => feed.push({ item, index }));
  feed.close();
  await runFeed(
    feed,
    Math.min(Math.max(1, Math.floor(concurrency) || 1), Math.max(1, items.length)),
    ({ item, index }) => worker(item, index),
    signal,
    budget && { limit: budget.limit, weight: ({ item }) => budget.weight(item) },
  );
}

/**
 * Items that arrive over time, for `runFeed`: pushed as they are found, closed once no more
 * will come. The migration engine pushes each file as its note is scanned, so uploads start
 * while later notes are still being read.
 */
export class Feed<T> {
  private readonly items: T[] = [];
  private next = 0;
  private closed = false;
  private waiters: (() => void)[] = [];

  push(item: T): void {
    if (this.closed) throw new Error("push after close");
    this.items.push(item);
    this.wake();
  }

  /** No more items will come; lanes waiting for one end once the rest are taken. */
  close(): void {
    this.closed = true;
    this.wake();
  }

  /** Closed, and every item taken: nothing is left to start. */
  get exhausted(): boolean {
    return this.closed && this.next >= this.items.length;
  }

  /** The next item if one is waiting, without waiting; undefined otherwise. */
  tryTake(): T | undefined {
    return this.next < this.items.length ? this.items[this.next++] : undefined;
  }

  /** Resolves once an item is waiting or the feed is closed (at once if either holds now). */
  arrival(): Promise<void> {
    if (this.closed || this.next < this.items.length) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/**
 * `runPool` over a `Feed`: at most `concurrency` calls in flight, each item started in the
 * order pushed, as soon as it is pushed and a slot (and, with a `budget`, room in it) is free.
 * Resolves once the feed is exhausted (or `signal` aborted) and every started call has
 * settled; a worker's rejection is rethrown then, as in `runPool`.
 */
export async function runFeed<T>(
  feed: Feed<T>,
  concurrency: number,
  worker: (item: T) => Promise<void>,
  signal?: AbortSignal,
  budget?: PoolBudget<T>,
): Promise<void> {
  const limit = Math.max(1, Math.floor(concurrency) || 1);
  let firstError: { error: unknown } | undefined;
  let inFlight = 0;
  let weightInFlight = 0;
  let wake: (() => void) | undefined;
  let woken: Promise<void> | undefined;
  const released = (): Promise<void> => (woken ??= new Promise<void>((resolve) => (wake = resolve)));

  // The next item, taken from the feed and waiting at the head of the line until there is room
  // for it: items start in the order pushed, and a heavy one is not overtaken by lighter ones.
  let head: { item: T; weight: number } | undefined;

  const lane = async (): Promise<void> => {
    while (!signal?.aborted) {
      if (head === undefined) {
        const item = feed.tryTake();
        if (item === undefined) {
          if (feed.exhausted) return;
          await feed.arrival();
          continue;
        }
        head = { item, weight: budget ? weightOf(budget, item) : 0 };
      }
      if (budget && inFlight > 0 && weightInFlight + head.weight > budget.limit) {
        await released();
        continue;
      }
      // An item taken but not started when the run stops is left unstarted, like those never taken.
      const { item, weight } = head;
      head = undefined;
      inFlight++;
      weightInFlight += weight;
      try {
        await worker(item);
      } catch (error) {
        firstError ??= { error };
      } finally {
        inFlight--;
        weightInFlight -= weight;
        const w = wake;
        woken = wake = undefined;
        w?.();
      }
    }
  };
  await Promise.all(Array.from({ length: limit }, lane));
  if (firstError) throw firstError.error;
}

/** An item's weight; one that cannot be weighed counts as nothing (its worker reports why). */
function weightOf<T>(budget: PoolBudget<T>, item: T): number {
  try {
    return Math.max(0, budget.weight(item) || 0);
  } catch {
    return 0;
  }
}
