import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { figure, median, percentile, ratio } from "../figures.js";
import { assembleResults } from "../results.js";
import type { SectionReport } from "../section.js";

describe("figures", () => {
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });

  it("reports a percentile that was observed, by nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(() => percentile(values, 0)).toThrow(RangeError);
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 1 }), fc.double({ min: 0.01, max: 100, noNaN: true }), (v, p) =>
        v.includes(percentile(v, p)),
      ),
    );
  });

  it("summarises runs with their median and spread, and ratios of medians", () => {
    const f = figure([2, 1.9, 2.1], "s");
    expect(f).toMatchObject({ unit: "s", median: 2, min: 1.9, max: 2.1, spreadPct: 10, runs: [2, 1.9, 2.1] });
    expect(ratio(figure([3], "s"), f)).toBe(1.5);
  });
});

describe("assembleResults", () => {
  it("puts every section's keys at the top level and its figures, runs and targets under its name", () => {
    const report: SectionReport = {
      keys: { export_vs_floor: 0.8 },
      figures: { export_s: figure([1], "s") },
      targets: [{ key: "export_vs_floor", description: "0.8", met: true }],
      table: [],
    };
    const machine = {
      cores: 2,
      cpuModel: "x",
      memoryGiB: 1,
      kernel: "k",
      node: "v20",
      postgres: "15",
      kafka: "4",
      duckdb: "1.5.5",
      loadAverageAtStart: 0,
    };
    const results = assembleResults({ measuredAt: new Date(0), commit: "abc", quick: false, runs: 3, machine }, [
      { name: "export", runs: 3, report },
    ]);
    expect(results["export_vs_floor"]).toBe(0.8);
    expect(results["sections"]).toEqual({
      export: { runs: 3, figures: report.figures, details: {}, targets: report.targets },
    });
  });
});
