import { describe, expect, it } from "@jest/globals";
import { mapConcurrently } from "../../scale/concurrency.js";

describe("mapConcurrently", () => {
  it("keeps at most `limit` tasks in flight and returns results in the items' order, failures included", async () => {
    let running = 0;
    let peak = 0;
    const results = await mapConcurrently([5, 1, 4, 2, 3, 0], 2, async (n, i) => {
      peak = Math.max(peak, ++running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running--;
      if (n === 4) throw new Error("refused");
      return `${i}:${n}`;
    });
    expect(peak).toBe(2);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([
      "0:5",
      "1:1",
      "refused",
      "3:2",
      "4:3",
      "5:0",
    ]);
  });

  it("refuses a limit below one", async () => {
    await expect(mapConcurrently([1], 0, () => Promise.resolve(1))).rejects.toThrow(RangeError);
  });
});
