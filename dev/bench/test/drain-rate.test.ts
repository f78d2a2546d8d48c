import { describe, expect, it } from "@jest/globals";
import { committedEvents, drainRate } from "../tracker/drain-rate.js";

describe("the tracker bench's drain rate", () => {
  it("counts events committed after the first commit seen, over the time until all were", () => {
    const samples = [
      { at: 0, committed: 0 },
      { at: 1_000, committed: 0 },
      { at: 1_500, committed: 100 },
      { at: 2_500, committed: 600 },
      { at: 3_500, committed: 1_100 },
      { at: 4_000, committed: 1_100 },
    ];
    expect(drainRate(samples, 1_100)).toEqual({ eventsPerSecond: 500, drainSeconds: 2, committedAtFirstSample: 100 });
  });

  it("refuses a drain that did not finish, or finished between two samples", () => {
    expect(() => drainRate([{ at: 0, committed: 5 }], 10)).toThrow(/did not finish: 5 of 10/);
    expect(() =>
      drainRate(
        [
          { at: 0, committed: 0 },
          { at: 1, committed: 10 },
        ],
        10,
      ),
    ).toThrow(/between two samples/);
  });

  it("sums committed offsets per partition, none committed counting zero and never past the end", () => {
    const ends = new Map([
      ["a/0", 10],
      ["a/1", 20],
      ["b/0", 5],
    ]);
    const committed = new Map([
      ["a/0", 10],
      ["a/1", -1],
      ["b/0", 7],
    ]);
    expect(committedEvents(ends, committed)).toBe(15);
  });
});
