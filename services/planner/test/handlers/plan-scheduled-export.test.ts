import { describe, expect, it } from "@jest/globals";
import { defaultPolicy } from "@data-exporter/classification";
import type { DailyExportTriggered, ExportPlanned, UnloadTableCommand } from "@data-exporter/contracts";
import type { ClaimInput, DateClaim } from "../../src/adapters/planner-state.js";
import { exportWindowOf } from "../../src/domain/export-date.js";
import { PlannerError } from "../../src/errors.js";
import { planScheduledExport, type ScheduledPlannerDeps } from "../../src/handlers/plan-scheduled-export.js";

const trigger = (requestId: string, force = false): DailyExportTriggered => ({
  requestId,
  exportDate: "2024-04-07",
  timeZone: "Australia/Melbourne",
  ...exportWindowOf("2024-04-07"),
  force,
  triggeredAt: 1,
  triggeredBy: "operator",
});

/** The claim rule of scheduled_export_dates, in memory. */
function fakeDeps(): {
  deps: ScheduledPlannerDeps;
  planned: ExportPlanned[];
  commands: UnloadTableCommand[];
} {
  const owners = new Map<string, string>();
  const planned: ExportPlanned[] = [];
  const commands: UnloadTableCommand[] = [];
  const deps: ScheduledPlannerDeps = {
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
    publishPlanned: (event) => Promise.resolve(void planned.push(event)),
    publishCommand: (command) => Promise.resolve(void commands.push(command)),
    policy: defaultPolicy,
    bucket: "b",
    envName: "dev",
    now: () => 2,
    claimDate: (input: ClaimInput): Promise<DateClaim> => {
      const owner = owners.get(input.exportDate);
      if (owner === undefined || owner === input.requestId || input.force) {
        owners.set(input.exportDate, input.requestId);
        return Promise.resolve({ claimed: true, forcedCount: 0 });
      }
      return Promise.resolve({ claimed: false, existingRequestId: owner, existingTriggeredAt: 1 });
    },
  };
  return { deps, planned, commands };
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

  it("plans a redelivered trigger again (same request), and a forced one", async () => {
    const { deps, planned } = fakeDeps();
    await planScheduledExport(trigger("r1"), deps);
    await planScheduledExport(trigger("r1"), deps);
    await planScheduledExport(trigger("r3", true), deps);
    expect(planned.map((p) => p.requestId)).toEqual(["r1", "r1", "r3"]);
  });

  it("rejects a trigger whose window is not the date's Melbourne day", async () => {
    const { deps, planned } = fakeDeps();
    const wrong = { ...trigger("r1"), windowEnd: trigger("r1").windowStart + 24 * 3_600_000 };
    await expect(planScheduledExport(wrong, deps)).rejects.toThrow(PlannerError);
    await expect(planScheduledExport(wrong, deps)).rejects.toMatchObject({ retryable: false, code: "INVALID_TRIGGER" });
    expect(planned).toEqual([]);
  });
});
