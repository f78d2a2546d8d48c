import { describe, expect, it } from "@jest/globals";
import { defaultPolicy } from "@data-exporter/classification";
import { ConfigStoreError } from "@data-exporter/config-store";
import type { DailyExportTriggered, ExportRequested, ExportRetryRequested } from "@data-exporter/contracts";
import { exportWindowOf } from "../../src/domain/export-date.js";
import {
  handleDailyExportTriggered,
  handleExportRequested,
  handleRequestTopicEvent,
  type PlannerEventDeps,
} from "../../src/handlers/handle-planner-events.js";
import { MemoryPlanStore } from "../support/memory-plan-store.js";

const requested: ExportRequested = {
  requestId: "7d8f5b8e-3c1a-4c55-9d59-5f1a2b3c4d5e",
  windowStart: Date.UTC(2024, 3, 5, 13),
  windowEnd: Date.UTC(2024, 3, 6, 13),
  requestedAt: 1,
  requestedBy: null,
};
const trigger = (requestId: string): DailyExportTriggered => ({
  requestId,
  exportDate: "2024-04-07",
  timeZone: "Australia/Melbourne",
  ...exportWindowOf("2024-04-07"),
  force: false,
  triggeredAt: 1,
  triggeredBy: "operator",
});

/** planned_requests, scheduled_export_dates and the topics, in memory; the planning itself is the real one. */
function fake(options: { unreadable?: boolean } = {}) {
  const store = new MemoryPlanStore();
  const logs: string[] = [];
  let relayed = 0;
  const deps: PlannerEventDeps = {
    loadConfig: () =>
      options.unreadable
        ? Promise.reject(new ConfigStoreError("CONFIG_ITEM_INVALID", "export_tables item: enabled must be a boolean"))
        : Promise.resolve({
            tables: [
              {
                table: "way",
                schema: "pm",
                enabled: true,
                onDemandEnabled: true,
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
    relay: () => Promise.resolve(void relayed++),
    policy: defaultPolicy,
    bucket: "b",
    envName: "dev",
    now: () => 2,
    deadlineMs: 60_000,
    log: {
      info: (_context: unknown, message?: string) => void logs.push(message ?? ""),
      error: (_context: unknown, message?: string) => void logs.push(message ?? ""),
      warn: (_context: unknown, message?: string) => void logs.push(message ?? ""),
    } as PlannerEventDeps["log"],
  };
  return {
    deps,
    planned: store.plans,
    commands: store.commands,
    records: store.records,
    logs,
    relayed: () => relayed,
  };
}

describe("handleExportRequested", () => {
  it("records the plan with its events in one step, then has them relayed", async () => {
    const { deps, planned, commands, records, logs, relayed } = fake();
    await handleExportRequested(requested, deps);
    expect(planned.map((p) => p.requestId)).toEqual([requested.requestId]);
    expect(commands.map((c) => c.table)).toEqual(["way"]);
    expect(records.get(requested.requestId)).toBe(1);
    expect(relayed()).toBe(1);
    expect(logs).toEqual(["export planned"]);
  });

  it("ignores a redelivery of a request whose plan was recorded", async () => {
    const { deps, planned, logs } = fake();
    await handleExportRequested(requested, deps);
    await handleExportRequested(requested, deps);
    expect(planned).toHaveLength(1);
    expect(logs.at(-1)).toBe("request already planned; redelivery ignored");
  });

  it("records and publishes an empty plan naming an unreadable configuration (a redelivery is then ignored)", async () => {
    const { deps, planned, records, logs } = fake({ unreadable: true });
    await handleExportRequested(requested, deps);
    expect(planned[0]?.skippedTables[0]?.reason).toMatch(/enabled must be a boolean/);
    expect([...records]).toEqual([[requested.requestId, 0]]);
    expect(logs).toEqual(["export cannot be planned: configuration unreadable"]);
  });
});

describe("handleDailyExportTriggered", () => {
  it("plans the date once: a second request for it publishes nothing and is not recorded", async () => {
    const { deps, planned, commands, records, logs } = fake();
    await handleDailyExportTriggered(trigger("r1"), deps);
    await handleDailyExportTriggered(trigger("r2"), deps);
    expect(planned.map((p) => p.requestId)).toEqual(["r1"]);
    expect(commands.map((c) => c.table)).toEqual(["way", "classifications"]);
    expect([...records]).toEqual([["r1", 2]]);
    expect(logs).toEqual([
      "scheduled export planned",
      "date already exported or being exported; nothing published (trigger with --force to export it again)",
    ]);
  });

  it("ignores a redelivered trigger whose plan was recorded", async () => {
    const { deps, planned, logs } = fake();
    await handleDailyExportTriggered(trigger("r1"), deps);
    await handleDailyExportTriggered(trigger("r1"), deps);
    expect(planned).toHaveLength(1);
    expect(logs.at(-1)).toBe("scheduled request already planned; redelivery ignored");
  });

  it("reports an unreadable configuration as an empty plan", async () => {
    const { deps, planned, records } = fake({ unreadable: true });
    await handleDailyExportTriggered(trigger("r1"), deps);
    expect(planned.map((p) => [p.requestId, p.tables.length, p.mode])).toEqual([["r1", 0, "SCHEDULED"]]);
    expect([...records]).toEqual([["r1", 0]]);
  });
});

describe("requests past REQUEST_DEADLINE_MS", () => {
  it("are not planned: the status tracker fails them, and a late plan would only leave orphan files", async () => {
    const { deps, planned, commands, records, logs } = fake();
    const late = { ...deps, now: () => requested.requestedAt + 60_001 };
    await handleExportRequested(requested, late);
    await handleDailyExportTriggered({ ...trigger("r1"), triggeredAt: requested.requestedAt }, late);
    expect([planned, commands, [...records]]).toEqual([[], [], []]);
    expect(logs).toEqual(["request past its deadline; not planned", "request past its deadline; not planned"]);
  });
});

describe("handleRequestTopicEvent: retries and cancellations", () => {
  const retry = (run: number, tables: string[]): ExportRetryRequested => ({
    requestId: requested.requestId,
    run,
    mode: "ON_DEMAND",
    exportDate: null,
    windowStart: requested.windowStart,
    windowEnd: requested.windowEnd,
    tables,
    retriedBy: "alice",
    retriedAt: 2,
  });

  it("plans a retry's tables once per run, as that run, under the current configuration", async () => {
    const { deps, planned, commands, logs } = fake();
    await handleRequestTopicEvent({ type: "ExportRequested", value: requested }, deps);
    await handleRequestTopicEvent({ type: "ExportRetryRequested", value: retry(1, ["way"]) }, deps);
    await handleRequestTopicEvent({ type: "ExportRetryRequested", value: retry(1, ["way"]) }, deps);
    expect(planned.map((p) => [p.run, p.tables.map((t) => t.table)])).toEqual([
      [0, ["way"]],
      [1, ["way"]],
    ]);
    expect(commands.map((c) => [c.table, c.run])).toEqual([
      ["way", 0],
      ["way", 1],
    ]);
    expect(logs).toEqual(["export planned", "export retry planned", "retry already planned; redelivery ignored"]);
  });

  it("skips a retried table the configuration no longer exports, saying why", async () => {
    const { deps, planned, commands } = fake();
    await handleRequestTopicEvent({ type: "ExportRetryRequested", value: retry(2, ["gone"]) }, deps);
    expect(commands).toEqual([]);
    expect(planned).toEqual([
      expect.objectContaining({
        run: 2,
        tables: [],
        skippedTables: [{ table: "gone", reason: "no longer in the export configuration" }],
      }),
    ]);
  });

  it("plans nothing for a cancellation: the unloaders stop the export", async () => {
    const { deps, planned, logs } = fake();
    await handleRequestTopicEvent(
      {
        type: "ExportCancelRequested",
        value: { requestId: requested.requestId, run: 0, cancelledBy: "a", cancelledAt: 1 },
      },
      deps,
    );
    expect([planned, logs]).toEqual([[], []]);
  });
});
