import { describe, expect, it } from "@jest/globals";
import { distinctWindows } from "../../scale/windows.js";

describe("distinctWindows", () => {
  it("spreads distinct windows of the given width evenly inside the range", () => {
    const windows = distinctWindows(1000, 1000 + 86_400, 1000, 600);
    expect(windows).toHaveLength(1000);
    expect(new Set(windows.map(([s, e]) => `${s}-${e}`)).size).toBe(1000);
    for (const [start, end] of windows) {
      expect(end - start).toBe(600);
      expect(start).toBeGreaterThanOrEqual(1000);
      expect(end).toBeLessThanOrEqual(1000 + 86_400);
    }
    expect(windows[0]).toEqual([1000, 1600]);
  });

  it("gives one window at the start", () => {
    expect(distinctWindows(0, 100, 1, 10)).toEqual([[0, 10]]);
  });

  it("refuses a range too short for that many distinct windows, and nonsense counts", () => {
    expect(() => distinctWindows(0, 100, 100, 10)).toThrow(RangeError);
    expect(distinctWindows(0, 100, 91, 10)).toHaveLength(91);
    expect(() => distinctWindows(0, 100, 0, 10)).toThrow(RangeError);
    expect(() => distinctWindows(0, 100, 2, 0)).toThrow(RangeError);
  });
});
