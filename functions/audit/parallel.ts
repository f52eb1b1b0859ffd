/** Requests in flight at once: a day of a large portfolio is thousands of borrowers and chains. */
const PARALLEL = 16;

/** `fn` over every item, at most PARALLEL at a time, results in the items' order. */
export async function inBatches<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += PARALLEL)
    results.push(...(await Promise.all(items.slice(i, i + PARALLEL).map(fn))));
  return results;
}
