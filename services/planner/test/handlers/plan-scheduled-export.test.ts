import { describe, expect, it } from "@jest/globals";
import { defaultPolicy } from "@data-exporter/classification";
import type { DailyExportTriggered, ExportPlanned, UnloadTableCommand } from "@data-exporter/contracts";
import { exportWindowOf } from "../../src/domain/export-date.js";
import { PlannerError } from "../../src/errors.js";
import type { PlannerDeps } from "../../src/handlers/plan-requested-export.js";
import { planScheduledExport } from "../../src/handlers/plan-scheduled-export.js";
import { MemoryPlanStore } from "../support/memory-plan-store.js";

const trigger = (requestId: string, force = false): DailyExportTriggered => ({
  requestId,
  exportDate: "2024-04-07",
  timeZone: "Australia/Melbourne",
  ...exportWindowOf("2024-04-07"),
  force,
  triggeredAt: 1,
  triggeredBy: "operator",
});

/** The claim rule of scheduled_export_dates and the outbox, in memory. */
function fakeDeps(): { deps: PlannerDeps; planned: ExportPlanned[]; commands: UnloadTableCommand[] } {
  const store = new MemoryPlanStore();
  const deps: PlannerDeps = {
    loadConfig: () =>
      Promise.resolve({
        tables: [
          {
            table: "way",
            schema: "pm",
            enabled: true,
            onDemandEnabled: false,
            timeColumn: null,
            sourceColumn: null,
            metricColumn: null,
          },
        ],
        rules: { columns: [{ table: "way", column: "way_id", classification: "nr" }], sources: [], metrics: [] },
        loadedAt: 0,
      }),
    describeTable: () => Promise.resolve([{ name: "way_id", type: "bigint" }]),
    store,
    policy: defaultPolicy,
    bucket: "b",
    envName: "dev",
    now: () => 2,
  };
  return { deps, planned: store.plans, commands: store.commands };
}

describe("planScheduledExport", () => {
  it("plans every enabled table (on-demand flag or not) and the snapshot, under the date", async () => {
    const { deps, planned, commands } = fakeDeps();
    const outcome = await planScheduledExport(trigger("r1"), deps);
    expect(outcome.kind).toBe("planned");
    expect(planned.map((p) => p.tables.map((t) => t.outputPrefix))).toEqual([
      ["dev/2024/04/07/way/", "dev/2024/04/07/classifications/"],
    ]);
    expect(planned[0]).toMatchObject({ mode: "SCHEDULED", exportDate: "2024-04-07", ...exportWindowOf("2024-04-07") });
    expect(commands.map((c) => [c.table, c.mode, c.exportDate])).toEqual([
      ["way", "SCHEDULED", "2024-04-07"],
      ["classifications", "SCHEDULED", "2024-04-07"],
    ]);
  });

  it("publishes nothing for a second trigger of the date, and names the first request", async () => {
    const { deps, planned, commands } = fakeDeps();
    await planScheduledExport(trigger("r1"), deps);
    expect(await planScheduledExport(trigger("r2"), deps)).toEqual({
      kind: "duplicate",
      existingRequestId: "r1",
      existingTriggeredAt: 1,
    });
    expect(planned).toHaveLength(1);
    expect(commands.map((c) => c.requestId)).toEqual(["r1", "r1"]);
  });

  it("queues a redelivered trigger's plan once (same request), and plans a forced one", async () => {
    const { deps, planned } = fakeDeps();
    expect((await planScheduledExport(trigger("r1"), deps)).kind).toBe("planned");
    expect((await planScheduledExport(trigger("r1"), deps)).kind).toBe("planned");
    expect(await planScheduledExport(trigger("r3", true), deps)).toMatchObject({ kind: "planned", forcedCount: 1 });
    expect(planned.map((p) => p.requestId)).toEqual(["r1", "r3"]);
  });

  it("rejects a trigger whose window is not the date's Melbourne day", async () => {
    const { deps, planned } = fakeDeps();
    const wrong = { ...trigger("r1"), windowEnd: trigger("r1").windowStart + 24 * 3_600_000 };
    await expect(planScheduledExport(wrong, deps)).rejects.toThrow(PlannerError);
    await expect(planScheduledExport(wrong, deps)).rejects.toMatchObject({ retryable: false, code: "INVALID_TRIGGER" });
    expect(planned).toEqual([]);
  });
});
