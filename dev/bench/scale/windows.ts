/**
 * `count` distinct export windows of `widthS` seconds inside [start, end) (epoch seconds), spread evenly: each
 * request of the scale run is a different export (request-api may answer a repeated window with the earlier
 * request), and each is small.
 */
export function distinctWindows(start: number, end: number, count: number, widthS: number): [number, number][] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  if (!Number.isInteger(widthS) || widthS < 1) throw new RangeError(`widthS must be a positive integer, got ${widthS}`);
  const room = end - start - widthS;
  // Starts a whole second apart at least, so no two windows are equal.
  if (room < count - 1) throw new RangeError(`[${start}, ${end}) cannot hold ${count} distinct windows of ${widthS} s`);
  const step = count === 1 ? 0 : Math.floor(room / (count - 1));
  return Array.from({ length: count }, (_, i) => [start + i * step, start + i * step + widthS]);
}
