import { runPool } from "../../../../src/core/migrate/pool";

/** Runs `sizes` through the pool; each worker waits a few turns. Returns the most weight and count seen in flight, and the start order. */
async function run(sizes: number[], concurrency: number, limit?: number) {
  let weight = 0;
  let count = 0;
  let maxWeight = 0;
  let maxCount = 0;
  const order: number[] = [];
  await runPool(
    sizes,
    concurrency,
    async (size, i) => {
      order.push(i);
      weight += size;
      count++;
      maxWeight = Math.max(maxWeight, weight);
      maxCount = Math.max(maxCount, count);
      for (let t = 0; t < 3 + (i % 4); t++) await Promise.resolve();
      weight -= size;
      count--;
    },
    undefined,
    limit === undefined ? undefined : { limit, weight: (size) => size },
  );
  return { maxWeight, maxCount, order };
}

describe("runPool with a byte budget", () => {
  test("sixteen 20 MB images under a 64 MB budget: never more than 64 MB in flight, every image runs, in order", async () => {
    const sizes = Array.from({ length: 16 }, () => 20);
    const r = await run(sizes, 16, 64);
    expect(r.maxWeight).toBe(60);
    expect(r.maxCount).toBe(3);
    expect(r.order).toEqual(sizes.map((_, i) => i));
  });

  test("without a budget only the count bounds what is in flight", async () => {
    const r = await run(
      Array.from({ length: 16 }, () => 20),
      16,
    );
    expect(r.maxCount).toBe(16);
    expect(r.maxWeight).toBe(320);
  });

  test("small images are bounded by the count, not the budget", async () => {
    const r = await run(
      Array.from({ length: 40 }, () => 1),
      8,
      64,
    );
    expect(r.maxCount).toBe(8);
  });

  test("an image larger than the whole budget still runs, alone", async () => {
    const r = await run([10, 100, 10, 10], 4, 64);
    expect(r.order).toEqual([0, 1, 2, 3]);
    expect(r.maxWeight).toBe(100);
    const alone: number[][] = [];
    let inFlight: number[] = [];
    await runPool(
      [10, 100, 10],
      4,
      async (size) => {
        inFlight.push(size);
        alone.push([...inFlight]);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight = inFlight.filter((s, i) => i !== inFlight.indexOf(size) || s !== size);
      },
      undefined,
      { limit: 64, weight: (s) => s },
    );
    expect(alone.find((a) => a.includes(100))).toEqual([100]);
  });

  test("a weight that cannot be read counts as nothing and the item still runs", async () => {
    const seen: number[] = [];
    await runPool(
      [1, 2, 3],
      2,
      async (n) => {
        seen.push(n);
      },
      undefined,
      {
        limit: 1,
        weight: (n) => {
          if (n === 2) throw new Error("gone");
          return n;
        },
      },
    );
    expect(seen).toEqual([1, 2, 3]);
  });

  test("an abort while an item waits for room starts nothing more", async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    await runPool(
      [50, 50, 50],
      3,
      async (n, i) => {
        seen.push(i);
        await new Promise((resolve) => setTimeout(resolve, 5));
        controller.abort();
      },
      controller.signal,
      { limit: 64, weight: (n) => n },
    );
    expect(seen).toEqual([0]);
  });
});
