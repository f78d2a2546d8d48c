import { describe, expect, it } from "@jest/globals";
import { PeakTracker } from "../../scale/peaks.js";

describe("PeakTracker", () => {
  it("keeps the busiest sample's total and parts, and each part's own peak", () => {
    const tracker = new PeakTracker();
    tracker.observe({ planner: 2, unloader: 6 });
    tracker.observe({ planner: 4, unloader: 1 });
    tracker.observe({ planner: 3, unloader: 6, notifier: 1 });
    tracker.observe({});
    expect(tracker.summary()).toEqual({
      peakTotal: 10,
      atPeak: { planner: 3, unloader: 6, notifier: 1 },
      peakByPart: { notifier: 1, planner: 4, unloader: 6 },
      samples: 4,
    });
  });

  it("reports zero before any connection was seen", () => {
    const tracker = new PeakTracker();
    expect(tracker.summary()).toEqual({ peakTotal: 0, atPeak: {}, peakByPart: {}, samples: 0 });
    tracker.observe({});
    expect(tracker.summary().peakTotal).toBe(0);
  });

  it("refuses a count that is not a non-negative number", () => {
    expect(() => new PeakTracker().observe({ broker: -1 })).toThrow(RangeError);
    expect(() => new PeakTracker().observe({ broker: Number.NaN })).toThrow(RangeError);
  });
});
