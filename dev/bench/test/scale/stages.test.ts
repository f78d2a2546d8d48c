import { describe, expect, it } from "@jest/globals";
import { peakOverlap, summariseStages } from "../../scale/stages.js";

describe("peakOverlap", () => {
  it("counts the most intervals covering one moment, an end before a start at the same time", () => {
    expect(peakOverlap([])).toBe(0);
    expect(
      peakOverlap([
        [0, 10],
        [5, 15],
        [10, 20],
        [12, 13],
      ]),
    ).toBe(3);
    expect(
      peakOverlap([
        [0, 5],
        [5, 10],
      ]),
    ).toBe(1);
  });
});

describe("summariseStages", () => {
  it("summarises planning delays, unload times, concurrency and rate", () => {
    const summary = summariseStages([
      {
        requestedAt: 0,
        plannedAt: 1000,
        tables: [
          { startedAt: 1000, finishedAt: 3000 },
          { startedAt: 2000, finishedAt: 3000 },
        ],
      },
      { requestedAt: 500, plannedAt: 3500, tables: [{ startedAt: 3000, finishedAt: 5000 }] },
      { requestedAt: 600, plannedAt: null, tables: [{ startedAt: 4000, finishedAt: null }] },
    ]);
    expect(summary).toEqual({
      planningS: { p50: 1, p95: 3, max: 3 },
      tableUnloadS: { p50: 2, p95: 2, max: 2 },
      peakConcurrentUnloads: 2,
      tablesPerS: 0.75,
    });
  });

  it("has no spreads when nothing was planned or unloaded", () => {
    expect(summariseStages([{ requestedAt: 0, plannedAt: null, tables: [] }])).toEqual({
      planningS: null,
      tableUnloadS: null,
      peakConcurrentUnloads: 0,
      tablesPerS: null,
    });
  });
});
