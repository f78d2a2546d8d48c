import { describe, expect, it } from "@jest/globals";
import type { DailyExportTriggered } from "@data-exporter/contracts";
import { applyRequested, type ExportRequestState } from "@data-exporter/status-store";
import { recordScheduledTrigger } from "../../src/handlers/record-trigger.js";

const trigger = (requestId: string, force = false): DailyExportTriggered => ({
  requestId,
  exportDate: "2024-04-07",
  timeZone: "Australia/Melbourne",
  windowStart: 10,
  windowEnd: 20,
  force,
  triggeredAt: 5,
  triggeredBy: "operator",
});

function fakeStore(): { deps: Parameters<typeof recordScheduledTrigger>[1]; rows: Map<string, ExportRequestState> } {
  const rows = new Map<string, ExportRequestState>();
  return {
    rows,
    deps: {
      findScheduled: (date) =>
        Promise.resolve(
          [...rows.values()]
            .reverse()
            .find((r) => r.mode === "SCHEDULED" && r.exportDate === date && r.requestRecorded),
        ),
      recordRequested: (state) => {
        const { changed, state: next } = applyRequested(rows.get(state.requestId), state);
        if (changed) rows.set(state.requestId, next);
        return Promise.resolve();
      },
    },
  };
}

describe("recordScheduledTrigger", () => {
  it("records a scheduled request with its date and window", async () => {
    const { deps, rows } = fakeStore();
    expect(await recordScheduledTrigger(trigger("r1"), deps)).toEqual({ recorded: true });
    expect(rows.get("r1")).toMatchObject({
      mode: "SCHEDULED",
      exportDate: "2024-04-07",
      windowStart: 10,
      windowEnd: 20,
      status: "REQUESTED",
      requestedAt: 5,
    });
  });

  it("does not record a trigger the planner ignores, but does a forced one and a redelivery", async () => {
    const { deps, rows } = fakeStore();
    await recordScheduledTrigger(trigger("r1"), deps);
    expect(await recordScheduledTrigger(trigger("r2"), deps)).toEqual({ recorded: false, existingRequestId: "r1" });
    expect(await recordScheduledTrigger(trigger("r1"), deps)).toEqual({ recorded: true });
    expect(await recordScheduledTrigger(trigger("r3", true), deps)).toEqual({ recorded: true });
    expect([...rows.keys()]).toEqual(["r1", "r3"]);
  });
});
