import { describe, expect, it } from "@jest/globals";
import type { ExportPlanned, TableUnloadFailed } from "@data-exporter/contracts";
import { sweep, type OverdueRequest, type StuckJob, type SweepDeps } from "../../src/handlers/sweep.js";

const stuckJob: StuckJob = {
  requestId: "r1",
  table: "way",
  attempts: 2,
  run: 0,
  worker: "unloader-7",
  lastProgressAt: Date.UTC(2026, 0, 1, 10),
  leaseUntil: Date.UTC(2026, 0, 1, 10, 5),
};
const overdue = (planned: boolean, unfinished: string[]): OverdueRequest => ({
  requestId: planned ? "r2" : "r3",
  mode: "ON_DEMAND",
  exportDate: null,
  windowStart: 1,
  windowEnd: 2,
  requestedAt: Date.UTC(2026, 0, 1),
  run: 0,
  deadlineFrom: Date.UTC(2026, 0, 1),
  planned,
  unfinished,
});

function deps(stuck: StuckJob[], late: OverdueRequest[]) {
  const failed: TableUnloadFailed[] = [];
  const plans: ExportPlanned[] = [];
  const d: SweepDeps = {
    stuckJobs: () => Promise.resolve(stuck),
    overdueRequests: () => Promise.resolve(late),
    publishFailed: (event) => Promise.resolve(void failed.push(event)),
    publishPlanned: (event) => Promise.resolve(void plans.push(event)),
    stuckAfterMs: 300_000,
    deadlineMs: 93_600_000,
    now: () => 99,
    log: { warn: () => undefined },
  };
  return { d, failed, plans };
}

describe("sweep", () => {
  it("fails a stuck table for good, saying which run stalled, since when and why its result would not count", async () => {
    const { d, failed } = deps([stuckJob], []);
    expect(await sweep(d)).toEqual({ stuck: 1, overdue: 0 });
    expect(failed).toEqual([
      {
        requestId: "r1",
        table: "way",
        attempt: 2,
        run: 0,
        errorKind: "TIMEOUT",
        errorMessage: expect.stringMatching(
          /^stuck: attempt 2 \(worker unloader-7\) showed no sign of life since 2026-01-01T10:00:00.000Z and its lease lapsed at 2026-01-01T10:05:00.000Z \(STUCK_AFTER_MS=300000\)/,
        ) as unknown,
        retryable: false,
        finalAttempt: true,
        failedAt: 99,
        cancelled: false,
        cancelledBy: null,
      },
    ]);
  });

  it("fails every unfinished table of an overdue export", async () => {
    const { d, failed, plans } = deps([], [overdue(true, ["cctv", "way"])]);
    await sweep(d);
    expect(plans).toEqual([]);
    expect(failed.map((e) => [e.requestId, e.table, e.finalAttempt])).toEqual([
      ["r2", "cctv", true],
      ["r2", "way", true],
    ]);
    expect(failed[0]?.errorMessage).toMatch(/^deadline: not finished within REQUEST_DEADLINE_MS=93600000/);
  });

  it("gives an export that was never planned an empty plan naming the deadline, so it ends FAILED", async () => {
    const { d, failed, plans } = deps([], [overdue(false, [])]);
    await sweep(d);
    expect(failed).toEqual([]);
    expect(plans).toEqual([
      expect.objectContaining({
        requestId: "r3",
        tables: [],
        skippedTables: [{ table: "(request)", reason: expect.stringMatching(/^deadline:/) as unknown }],
      }),
    ]);
  });
});
