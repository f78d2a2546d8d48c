import { describe, expect, it } from "@jest/globals";
import type { ObservedRequest, RunObservation } from "../../chaos/checks.js";
import { emptyFaultTally } from "../../chaos/faults.js";
import { crashSignature, formatRun, formatTotals, summarizeRun, totalsOf } from "../../chaos/report.js";

const tracked = (status: string): NonNullable<ObservedRequest["tracked"]> => ({
  mode: "ON_DEMAND",
  exportDate: null,
  status,
  windowStart: 0,
  windowEnd: 1,
  planned: true,
  skipped: [],
});

const table = (name: string, status: string, error: string | null = null) => ({
  table: name,
  status,
  errorKind: error === null ? null : "TIMEOUT",
  error,
  outputPrefix: `p/${name}/`,
  rows: 1,
  files: [],
  manifestKey: null,
});

const observation: RunObservation = {
  submissions: [
    {
      export: { id: "e01", kind: "on-demand", startTime: 0, endTime: 3600, submitAtMs: 0 },
      requestIds: ["a"],
      attempts: 2,
      errors: ["attempt 1: fetch failed"],
      accepted: true,
    },
    {
      export: { id: "e02", kind: "scheduled", exportDate: "2024-04-07", submitAtMs: 0 },
      requestIds: ["b"],
      attempts: 1,
      errors: [],
      accepted: true,
    },
  ],
  requests: [
    {
      requestId: "a",
      exportId: "e01",
      status: "Completed",
      tracked: tracked("COMPLETED"),
      tables: [table("way", "COMPLETED")],
    },
    {
      requestId: "b",
      exportId: "e02",
      status: "Partially Completed",
      tracked: tracked("PARTIAL-SUCCESS"),
      tables: [table("way", "COMPLETED"), table("cctv", "FAILED", "stuck: attempt 1 (worker unloader#0.1) …")],
    },
    { requestId: "c", status: "In Progress", tracked: tracked("IN-PROGRESS"), tables: [table("way", "IN-PROGRESS")] },
  ],
  objects: [],
  completedEvents: [],
  notifications: [],
  deadLetters: [],
  settle: { settled: true, pending: [] },
};

const run = summarizeRun({
  plan: {
    run: 2,
    seed: 99,
    exports: observation.submissions.map((s) => s.export),
    faults: [],
  },
  logDir: ".local/chaos/s1-r02",
  durationMs: 95_000,
  deployment: { topicNamespace: "t-c2-x.", bucket: "de-c2-x", statusSchema: "de_x" },
  observation,
  violations: [{ kind: "not-terminal", requestId: "c", message: "requestStatus says In Progress" }],
  faults: { ...emptyFaultTally(), kills: { unloader: 2 }, stops: { planner: 1 }, kafkaRestarts: 1 },
  restarts: { unloader: 2 },
  crashes: {},
  probeRestarts: {},
});

describe("summarizeRun", () => {
  it("counts submissions, exports by outcome, tables and the explained failures", () => {
    expect(run.submissions).toEqual({ planned: 2, onDemand: 1, scheduled: 1, accepted: 2, failedAttempts: 1 });
    expect(run.requests).toBe(3);
    expect(run.exports).toEqual({ completed: 1, failed: 0, partial: 1, unfinished: 1 });
    expect(run.tables).toEqual({ completed: 2, failed: 1 });
    expect(run.failures).toEqual([
      {
        requestId: "b",
        exportId: "e02",
        table: "cctv",
        errorKind: "TIMEOUT",
        error: "stuck: attempt 1 (worker unloader#0.1) …",
      },
    ]);
  });

  it("prints the run in a few lines with each violation", () => {
    const lines = formatRun(run, 20);
    expect(lines[0]).toBe("run 2/20 (seed 99, 1 min 35 s, logs .local/chaos/s1-r02)");
    expect(lines).toContain("  faults: kill -9 unloader 2; SIGSTOP planner 1; kafka restarts 1; postgres restarts 0");
    expect(lines).toContain("  failed table ×1: cctv: TIMEOUT stuck: attempt 1 (worker unloader#0.1) …");
    expect(lines.at(-1)).toBe("  ✗ not-terminal c: requestStatus says In Progress");
  });
});

describe("totalsOf", () => {
  it("adds the runs up, per service and per violation kind", () => {
    const totals = totalsOf([run, { ...run, violations: [] }]);
    expect(totals).toMatchObject({
      runs: 2,
      runsWithViolations: 1,
      exportsPlanned: 4,
      completed: 2,
      partial: 2,
      kills: { unloader: 4 },
      stops: { planner: 2 },
      kafkaRestarts: 2,
      violations: 1,
      violationsByKind: { "not-terminal": 1 },
      durationMs: 190_000,
    });
    expect(formatTotals(7, totals)[0]).toBe("campaign seed 7: 2 runs in 3 min 10 s, 1 with violations");
  });
});

describe("crashSignature", () => {
  it("names an uncaught error and the emitter Node reports", () => {
    const lines = [
      '{"level":30,"msg":"unload started"}',
      '{"level":50,"msg":"kafka hiccup"}',
      "node:events:502",
      "      throw er; // Unhandled 'error' event",
      "error: terminating connection due to administrator command",
      "    at parseErrorMessage (/x/pg-protocol/src/parser.ts:395:9)",
      "Emitted 'error' event on BoundPool instance at:",
      "    at Client.idleListener (/x/pg-pool/index.js:62:10)",
      "  code: '57P01',",
      "Node.js v20.20.2",
    ];
    expect(crashSignature(lines)).toBe(
      "error: terminating connection due to administrator command — Emitted 'error' event on BoundPool instance at:",
    );
  });

  it("else takes the last fatal log record, then the last error record, then the last line", () => {
    expect(
      crashSignature([
        '{"level":50,"msg":"retrying"}',
        '{"level":60,"msg":"failed to start","err":{"message":"connect ECONNREFUSED 127.0.0.1:5432"}}',
        '{"level":30,"msg":"stopped"}',
      ]),
    ).toBe("failed to start: connect ECONNREFUSED 127.0.0.1:5432");
    expect(crashSignature(['{"level":50,"msg":"gave up"}', "bye"])).toBe("gave up");
    expect(crashSignature(["just text", ""])).toBe("just text");
    expect(crashSignature([])).toBe("(no output)");
  });
});
