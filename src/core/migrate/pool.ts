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
  const limit = Math.max(1, Math.floor(concurrency) || 1);
  let next = 0;
  let firstError: { error: unknown } | undefined;
  let inFlight = 0;
  let weightInFlight = 0;
  // The weight of the next item, read once: it waits at the head of the line until it fits.
  let headWeight: number | undefined;
  let wake: (() => void) | undefined;
  let woken: Promise<void> | undefined;
  const released = (): Promise<void> => (woken ??= new Promise<void>((resolve) => (wake = resolve)));

  const lane = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) {
      let weight = 0;
      if (budget) {
        headWeight ??= weightOf(budget, items[next]);
        if (inFlight > 0 && weightInFlight + headWeight > budget.limit) {
          await released();
          continue;
        }
        weight = headWeight;
        headWeight = undefined;
      }
      const index = next++;
      inFlight++;
      weightInFlight += weight;
      try {
        await worker(items[index], index);
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

  const lanes: Promise<void>[] = [];
  for (let i = 0; i < Math.min(limit, items.length); i++) lanes.push(lane());
  await Promise.all(lanes);
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
