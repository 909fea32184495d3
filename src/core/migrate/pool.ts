/**
 * A small promise pool: runs `worker` over `items` with at most `concurrency` calls in
 * flight, starting each item only when a slot frees up. Items are started in order.
 *
 * Why not `Promise.all(items.map(worker))`: that starts every call at once, so a vault with
 * 2,000 images would read 2,000 files into memory and open 2,000 connections together.
 *
 * A worker's rejection does not stop the pool (workers are expected to turn their own
 * failures into values); it is rethrown once every started call has settled. When `signal`
 * aborts, no further item is started and the pool resolves after the calls in flight end.
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const limit = Math.max(1, Math.floor(concurrency) || 1);
  let next = 0;
  let firstError: { error: unknown } | undefined;

  const lane = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) {
      const index = next++;
      try {
        await worker(items[index], index);
      } catch (error) {
        firstError ??= { error };
      }
    }
  };

  const lanes: Promise<void>[] = [];
  for (let i = 0; i < Math.min(limit, items.length); i++) lanes.push(lane());
  await Promise.all(lanes);
  if (firstError) throw firstError.error;
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

  /** The next item; waits while the feed is open and empty; undefined once it is exhausted. */
  async take(): Promise<T | undefined> {
    while (this.next >= this.items.length) {
      if (this.closed) return undefined;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.items[this.next++];
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/**
 * `runPool` over a `Feed`: at most `concurrency` calls in flight, each item started in the
 * order pushed, as soon as it is pushed and a slot is free. Resolves once the feed is
 * exhausted (or `signal` aborted) and every started call has settled; a worker's rejection
 * is rethrown then, as in `runPool`.
 */
export async function runFeed<T>(feed: Feed<T>, concurrency: number, worker: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  const limit = Math.max(1, Math.floor(concurrency) || 1);
  let firstError: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (!signal?.aborted) {
      const item = await feed.take();
      // An item taken after the stop is left unstarted, like those never taken.
      if (item === undefined || signal?.aborted) return;
      try {
        await worker(item);
      } catch (error) {
        firstError ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: limit }, lane));
  if (firstError) throw firstError.error;
}
