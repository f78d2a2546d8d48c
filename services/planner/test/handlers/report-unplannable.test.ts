import { describe, expect, it } from "@jest/globals";
import { ConfigStoreError } from "@data-exporter/config-store";
import type { ExportPlanned } from "@data-exporter/contracts";
import { planOrReportUnplannable } from "../../src/handlers/report-unplannable.js";
import { MemoryPlanStore } from "../support/memory-plan-store.js";

const intent = { requestId: "r1", mode: "ON_DEMAND" as const, exportDate: null, windowStart: 1, windowEnd: 2 };

function deps(): { published: ExportPlanned[]; deps: { store: MemoryPlanStore; bucket: string; now: () => number } } {
  const store = new MemoryPlanStore();
  return { published: store.plans, deps: { store, bucket: "b", now: () => 7 } };
}

describe("planOrReportUnplannable", () => {
  it("passes a plan through", async () => {
    const { published, deps: d } = deps();
    expect(await planOrReportUnplannable(intent, () => Promise.resolve("plan"), d)).toEqual({ planned: "plan" });
    expect(published).toEqual([]);
  });

  it("turns an unreadable configuration into an empty plan that names the problem", async () => {
    const { published, deps: d } = deps();
    const error = new ConfigStoreError(
      "CONFIG_ITEM_INVALID",
      "export_tables item {table_name=way}: enabled must be a boolean",
    );
    const result = await planOrReportUnplannable(intent, () => Promise.reject(error), d);
    expect(result).toEqual({ unplannable: error });
    expect(published).toEqual([
      expect.objectContaining({
        requestId: "r1",
        tables: [],
        skippedTables: [
          { table: "(configuration)", reason: expect.stringContaining("enabled must be a boolean") as unknown },
        ],
        plannedAt: 7,
      }),
    ]);
  });

  it("rethrows outages so the consumer retries them", async () => {
    const { published, deps: d } = deps();
    const outage = new ConfigStoreError("CONFIG_STORE_REQUEST_FAILED", "DynamoDB unreachable", { retryable: true });
    await expect(planOrReportUnplannable(intent, () => Promise.reject(outage), d)).rejects.toBe(outage);
    await expect(planOrReportUnplannable(intent, () => Promise.reject(new Error("bug")), d)).rejects.toThrow("bug");
    expect(published).toEqual([]);
  });
});
