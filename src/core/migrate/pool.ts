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
