/**
 * At most `limit` runs at once; the others wait their turn in arrival order. requestData holds a pooled connection
 * for its caller's advisory lock while its reads and its insert take other connections of the same pool: if every
 * connection of the pool were held by a lock, those reads would wait for a connection none of them frees (a
 * deadlock until the pool's acquire timeout). Admitting fewer lock holders than the pool has connections keeps the
 * rest for the work inside the lock.
 */
export function admission(limit: number): <T>(run: () => Promise<T>) => Promise<T> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`admission limit must be a positive integer: ${limit}`);
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(run: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await run();
    } finally {
      // The place passes to the next in line (running unchanged), or is freed.
      const next = waiting.shift();
      if (next === undefined) running--;
      else next();
    }
  };
}
