import { describe, expect, it } from "@jest/globals";
import {
  dataSpanOf,
  describePlan,
  planCampaign,
  planRun,
  PlanError,
  type PlanOptions,
  type PlannedExport,
  type PlannedFault,
} from "../../chaos/plan.js";
import { allFaults, defaultReplicas, defaultTiming, defaultTunables, processFaults } from "../../chaos/settings.js";

/** 14 Melbourne days from 2024-03-30 (AEDT until 2024-04-07, which has 25 hours). */
const data = dataSpanOf({
  params: { startDate: "2024-03-30", days: 14 },
  window: { start: new Date("2024-03-29T13:00:00Z"), end: new Date("2024-04-12T14:00:00Z") },
});

const options = (overrides: Partial<PlanOptions> = {}): PlanOptions => ({
  seed: 42,
  runs: 20,
  concurrency: 20,
  data,
  replicas: defaultReplicas,
  faultKinds: allFaults,
  faultsPerRun: 3,
  timing: defaultTiming(defaultTunables),
  ...overrides,
});

const onDemand = (exports: readonly PlannedExport[]) =>
  exports.filter((e): e is Extract<PlannedExport, { kind: "on-demand" }> => e.kind === "on-demand");
const scheduled = (exports: readonly PlannedExport[]) =>
  exports.filter((e): e is Extract<PlannedExport, { kind: "scheduled" }> => e.kind === "scheduled");

describe("dataSpanOf", () => {
  it("lists every Melbourne date of the seed and its instants in epoch seconds", () => {
    expect(data.dates).toHaveLength(14);
    expect(data.dates[0]).toBe("2024-03-30");
    expect(data.dates[13]).toBe("2024-04-12");
    expect(data.start).toBe(Date.parse("2024-03-29T13:00:00Z") / 1000);
    expect(data.end).toBe(Date.parse("2024-04-12T14:00:00Z") / 1000);
  });
});

describe("planCampaign", () => {
  it("is reproducible: the same options give the same plan, another seed another one", () => {
    expect(planCampaign(options())).toEqual(planCampaign(options()));
    expect(planCampaign(options({ seed: 43 })).runs[0]).not.toEqual(planCampaign(options()).runs[0]);
  });

  it("plans a run the same alone as within the campaign, whatever the number of runs", () => {
    const campaign = planCampaign(options());
    expect(planRun(options(), 7)).toEqual(campaign.runs[6]);
    expect(planRun(options({ runs: 7 }), 7)).toEqual(campaign.runs[6]);
    expect(new Set(campaign.runs.map((run) => run.seed)).size).toBe(20);
  });

  it("rejects a run outside the campaign", () => {
    expect(() => planRun(options({ runs: 2 }), 3)).toThrow(PlanError);
    expect(() => planRun(options(), 0)).toThrow(PlanError);
  });

  it("names every problem of the options at once", () => {
    const bad = options({
      runs: 0,
      concurrency: 1.5,
      seed: -1,
      faultsPerRun: 20,
      timing: { ...defaultTiming(defaultTunables), stopMs: [5, 1] },
    });
    expect(() => planCampaign(bad)).toThrow(PlanError);
    try {
      planCampaign(bad);
    } catch (error) {
      expect((error as PlanError).problems).toEqual([
        "runs must be a positive integer, got 0",
        "concurrency must be a positive integer, got 1.5",
        "seed must be an integer in [0, 2^32), got -1",
        expect.stringContaining("20 faults 6000 ms apart do not fit"),
        "stopMs must be an integer range [min, max], got [5, 1]",
      ]);
    }
  });
});

describe("a run's exports", () => {
  // Invariants over many seeds: what the checks rely on (no two exports of a run share an output prefix).
  const runs = Array.from({ length: 60 }, (_, i) => planRun(options({ seed: i, runs: 1 }), 1));

  it("are as many as the concurrency, half scheduled at most one per date, the rest on demand", () => {
    for (const run of runs) {
      expect(run.exports).toHaveLength(20);
      expect(scheduled(run.exports)).toHaveLength(10);
      expect(onDemand(run.exports)).toHaveLength(10);
      expect(run.exports.map((e) => e.id)).toEqual(
        Array.from({ length: 20 }, (_, i) => `e${String(i + 1).padStart(2, "0")}`),
      );
    }
    const small = planRun(options({ concurrency: 4, runs: 1 }), 1);
    expect(scheduled(small.exports)).toHaveLength(2);
    expect(onDemand(planRun(options({ concurrency: 1, runs: 1 }), 1).exports)).toHaveLength(1);
    expect(scheduled(planRun(options({ concurrency: 40, runs: 1 }), 1).exports)).toHaveLength(14);
  });

  it("export distinct dates with data", () => {
    for (const run of runs) {
      const dates = scheduled(run.exports).map((e) => e.exportDate);
      expect(new Set(dates).size).toBe(dates.length);
      for (const date of dates) expect(data.dates).toContain(date);
    }
  });

  it("ask for windows inside the data, 1 to 24 hours on quarter hours, each starting at its own instant", () => {
    for (const run of runs) {
      const windows = onDemand(run.exports);
      expect(new Set(windows.map((e) => e.startTime)).size).toBe(windows.length);
      for (const { startTime, endTime } of windows) {
        expect(startTime % 900).toBe(0);
        expect(startTime).toBeGreaterThanOrEqual(data.start);
        expect(endTime).toBeLessThanOrEqual(data.end);
        expect(endTime - startTime).toBeGreaterThanOrEqual(3600);
        expect(endTime - startTime).toBeLessThanOrEqual(86_400);
      }
    }
  });

  it("are submitted within the spread", () => {
    for (const run of runs)
      for (const e of run.exports) {
        expect(e.submitAtMs).toBeGreaterThanOrEqual(0);
        expect(e.submitAtMs).toBeLessThanOrEqual(defaultTiming(defaultTunables).submitSpreadMs);
      }
  });
});

describe("a run's faults", () => {
  const timing = defaultTiming(defaultTunables);
  const runs = Array.from({ length: 60 }, (_, i) => planRun(options({ seed: i, runs: 1, faultsPerRun: 4 }), 1));

  it("fall inside the fault window in order, at least minFaultGapMs apart", () => {
    for (const run of runs) {
      expect(run.faults).toHaveLength(4);
      const times = run.faults.map((f) => f.atMs);
      expect(times[0]).toBeGreaterThanOrEqual(timing.faultStartMs);
      expect(times.at(-1)).toBeLessThanOrEqual(timing.faultEndMs);
      for (let i = 1; i < times.length; i++)
        expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(timing.minFaultGapMs);
    }
  });

  it("deal the kinds in turn from a shuffle of the list, so a run gets as many different ones as it can", () => {
    for (const run of runs) {
      const kinds = run.faults.map((f) => f.kind);
      // 4 of kill, kill, stop, kafka, postgres: at least one kill, and no kind more often than the list has it.
      expect(kinds.filter((k) => k === "kill").length).toBeGreaterThanOrEqual(1);
      expect(kinds.filter((k) => k === "kill").length).toBeLessThanOrEqual(2);
      for (const kind of ["stop", "kafka", "postgres"])
        expect(kinds.filter((k) => k === kind).length).toBeLessThanOrEqual(1);
    }
    const ci = planRun(options({ seed: 5, runs: 1, faultKinds: processFaults, faultsPerRun: 2 }), 1);
    expect(ci.faults.map((f) => f.kind).sort()).toEqual(["kill", "stop"]);
  });

  it("pick existing replicas, stop them longer than STUCK_AFTER_MS, and keep components down a few seconds", () => {
    const all: PlannedFault[] = runs.flatMap((run) => run.faults);
    const victims = new Set<string>();
    for (const fault of all) {
      if (!("service" in fault)) {
        expect(fault.downMs).toBeGreaterThanOrEqual(timing.downMs[0]);
        expect(fault.downMs).toBeLessThanOrEqual(timing.downMs[1]);
        continue;
      }
      expect(fault.replica).toBeLessThan(defaultReplicas[fault.service]);
      victims.add(`${fault.service}#${fault.replica}`);
      if (fault.kind === "stop") {
        expect(fault.durationMs).toBeGreaterThan(defaultTunables.stuckAfterMs);
        expect(fault.durationMs).toBeLessThanOrEqual(timing.stopMs[1]);
      }
    }
    // Every one of the eleven processes is a victim somewhere.
    expect(victims.size).toBe(11);
  });

  it("are none when faultsPerRun is 0", () => {
    expect(planRun(options({ faultsPerRun: 0 }), 1).faults).toEqual([]);
  });
});

describe("describePlan", () => {
  it("lists exports and faults in time order", () => {
    const lines = describePlan({
      run: 1,
      seed: 1,
      exports: [
        { id: "e01", kind: "scheduled", exportDate: "2024-04-07", submitAtMs: 5_000 },
        { id: "e02", kind: "on-demand", startTime: 1712322000, endTime: 1712325600, submitAtMs: 1_000 },
      ],
      faults: [
        { kind: "stop", service: "unloader", replica: 1, atMs: 3_000, durationMs: 17_000 },
        { kind: "kafka", atMs: 9_000, downMs: 2_000 },
      ],
    });
    expect(lines).toEqual([
      "+1.0s e02 on-demand 2024-04-05T13:00Z..2024-04-05T14:00Z",
      "+3.0s SIGSTOP unloader#1 for 17.0s",
      "+5.0s e01 scheduled 2024-04-07",
      "+9.0s restart kafka (down 2.0s)",
    ]);
  });
});
