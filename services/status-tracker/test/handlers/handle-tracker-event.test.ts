import { describe, expect, it } from "@jest/globals";
import type { DailyExportTriggered, ExportCompleted, ExportPlanned, ExportRequested } from "@data-exporter/contracts";
import { applyRequested, type ExportRequestState, type Transition } from "@data-exporter/status-store";
import { handleTrackerEvent, type TrackerEventDeps } from "../../src/handlers/handle-tracker-event.js";
import { republishUnannounced } from "../../src/handlers/track-lifecycle.js";

const requestId = "7d8f5b8e-3c1a-4c55-9d59-5f1a2b3c4d5e";
const requested: ExportRequested = { requestId, windowStart: 1, windowEnd: 2, requestedAt: 3, requestedBy: null };
const trigger = (id: string, force = false): DailyExportTriggered => ({
  requestId: id,
  exportDate: "2024-04-07",
  timeZone: "Australia/Melbourne",
  windowStart: 10,
  windowEnd: 20,
  force,
  triggeredAt: 5,
  triggeredBy: "operator",
});
const plan: ExportPlanned = {
  requestId,
  mode: "ON_DEMAND",
  exportDate: null,
  windowStart: 1,
  windowEnd: 2,
  tables: [],
  skippedTables: [{ table: "(configuration)", reason: "unreadable" }],
  configVersion: "unreadable",
  bucket: "b",
  plannedAt: 4,
  run: 0,
};

/** The read model in memory, applying the real transitions. */
function fake() {
  const rows = new Map<string, ExportRequestState>();
  const published: ExportCompleted[] = [];
  const logs: string[] = [];
  const line = (msg: string): void => void logs.push(msg);
  const deps: TrackerEventDeps = {
    transact: (id, decide): Promise<Transition> => {
      const transition = decide(rows.get(id));
      if (transition.changed) rows.set(id, transition.state);
      return Promise.resolve(transition);
    },
    publishCompleted: (event) => Promise.resolve(void published.push(event)),
    markCompletionPublished: (id, at) => {
      const state = rows.get(id);
      if (state) rows.set(id, { ...state, completionPublishedAt: at });
      return Promise.resolve();
    },
    findScheduled: (date) =>
      Promise.resolve(
        [...rows.values()].reverse().find((r) => r.mode === "SCHEDULED" && r.exportDate === date && r.requestRecorded),
      ),
    recordRequested: async (state) => void (await deps.transact(state.requestId, (c) => applyRequested(c, state))),
    now: () => 9,
    log: {
      info: (_o: unknown, msg?: string) => line(msg ?? ""),
      debug: () => undefined,
      warn: (_o: unknown, msg?: string) => line(msg ?? ""),
    },
  };
  return { deps, rows, published, logs };
}

describe("handleTrackerEvent", () => {
  it("records an on-demand request as REQUESTED, once however often it is delivered", async () => {
    const { deps, rows } = fake();
    const event = { topicKey: "exportRequested" as const, type: "ExportRequested" as const, value: requested };
    await handleTrackerEvent(event, deps);
    await handleTrackerEvent({ ...event, value: { ...requested, requestedAt: 99 } }, deps);
    expect(rows.get(requestId)).toMatchObject({ mode: "ON_DEMAND", status: "REQUESTED", requestedAt: 3 });
  });

  it("records a scheduled trigger, but not a second trigger of an exported date without force", async () => {
    const { deps, rows, logs } = fake();
    const event = (t: DailyExportTriggered) => ({
      topicKey: "dailyExportTriggered" as const,
      type: "DailyExportTriggered" as const,
      value: t,
    });
    await handleTrackerEvent(event(trigger("r1")), deps);
    await handleTrackerEvent(event(trigger("r2")), deps);
    await handleTrackerEvent(event(trigger("r3", true)), deps);
    expect([...rows.keys()]).toEqual(["r1", "r3"]);
    expect(logs).toEqual([
      "scheduled export requested",
      "trigger of an already exported date; not recorded",
      "scheduled export requested",
    ]);
  });

  it("gives a request read after its plan (the lifecycle topic read ahead) the request's own time", async () => {
    const { deps, rows, published } = fake();
    await handleTrackerEvent({ topicKey: "exportLifecycle", type: "ExportPlanned", value: plan }, deps);
    expect(rows.get(requestId)).toMatchObject({
      status: "FAILED",
      requestedAt: plan.plannedAt,
      requestRecorded: false,
    });
    await handleTrackerEvent({ topicKey: "exportRequested", type: "ExportRequested", value: requested }, deps);
    expect(rows.get(requestId)).toMatchObject({
      status: "FAILED",
      requestedAt: requested.requestedAt,
      requestRecorded: true,
      completionPublishedAt: 9,
    });
    expect(published).toHaveLength(1);
  });

  it("records a trigger whatever plans of later triggers of its date were read ahead of it", async () => {
    const { deps, rows } = fake();
    const scheduledPlan = (id: string): ExportPlanned => ({
      ...plan,
      requestId: id,
      mode: "SCHEDULED",
      exportDate: "2024-04-07",
      tables: [{ table: "way", outputPrefix: "p/", exportedColumns: ["a"], unclassifiedColumns: [] }],
    });
    const event = (t: DailyExportTriggered) => ({
      topicKey: "dailyExportTriggered" as const,
      type: "DailyExportTriggered" as const,
      value: t,
    });
    // r1 and then a forced r2 were triggered and planned; the tracker read r2's plan before either trigger.
    await handleTrackerEvent({ topicKey: "exportLifecycle", type: "ExportPlanned", value: scheduledPlan("r2") }, deps);
    await handleTrackerEvent(event(trigger("r1")), deps);
    await handleTrackerEvent(event(trigger("r2", true)), deps);
    await handleTrackerEvent(event(trigger("r3")), deps);
    expect(rows.get("r1")).toMatchObject({ status: "REQUESTED", requestedAt: 5, requestRecorded: true });
    expect(rows.get("r2")).toMatchObject({ status: "IN-PROGRESS", requestedAt: 5, requestRecorded: true });
    expect(rows.has("r3")).toBe(false);
  });

  it("applies a lifecycle event and publishes the completion of an export it finishes", async () => {
    const { deps, rows, published, logs } = fake();
    await handleTrackerEvent({ topicKey: "exportLifecycle", type: "ExportPlanned", value: plan }, deps);
    expect(rows.get(requestId)).toMatchObject({ status: "FAILED", completionPublishedAt: 9 });
    expect(published.map((e) => [e.requestId, e.status])).toEqual([[requestId, "FAILED"]]);
    expect(logs).toEqual(["export completed"]);
  });
});

describe("republishUnannounced", () => {
  it("publishes and marks every finished export whose completion was never confirmed", async () => {
    const { deps, rows, published, logs } = fake();
    await handleTrackerEvent({ topicKey: "exportLifecycle", type: "ExportPlanned", value: plan }, deps);
    const finished = { ...rows.get(requestId)!, completionPublishedAt: null };
    published.length = 0;
    await republishUnannounced(() => Promise.resolve([finished]), deps);
    expect(published.map((e) => e.requestId)).toEqual([requestId]);
    expect(rows.get(requestId)?.completionPublishedAt).toBe(9);
    expect(logs.at(-1)).toMatch(/left unpublished/);
  });
});
