import { describe, expect, it } from "@jest/globals";
import type { ExportCompleted, ExportPlanned } from "@data-exporter/contracts";
import { handleTrackerBatch } from "../../src/handlers/handle-tracker-batch.js";
import {
  handleTrackerEvent,
  type TrackedEvent,
  type TrackerEventDeps,
} from "../../src/handlers/handle-tracker-event.js";
import { MemoryStatusStore } from "../support/memory-status-store.js";

const ids = [
  "11111111-1111-4111-8111-111111111111",
  "22222222-2222-4222-8222-222222222222",
  "33333333-3333-4333-8333-333333333333",
] as const;
const [a, b, c] = ids;

const requested = (requestId: string, at: number): TrackedEvent => ({
  topicKey: "exportRequested",
  type: "ExportRequested",
  value: { requestId, windowStart: 1, windowEnd: 2, requestedAt: at, requestedBy: "u" },
});
const planned = (requestId: string, tables: readonly string[], run = 0, at = 10): TrackedEvent => {
  const value: ExportPlanned = {
    requestId,
    mode: "ON_DEMAND",
    exportDate: null,
    windowStart: 1,
    windowEnd: 2,
    tables: tables.map((table) => ({
      table,
      outputPrefix: `${requestId}/${table}/`,
      exportedColumns: ["x"],
      unclassifiedColumns: [],
    })),
    skippedTables: [],
    configVersion: "cfg",
    bucket: "bkt",
    plannedAt: at,
    run,
  };
  return { topicKey: "exportLifecycle", type: "ExportPlanned", value };
};
const started = (requestId: string, table: string, attempt = 1, run = 0): TrackedEvent => ({
  topicKey: "exportLifecycle",
  type: "TableUnloadStarted",
  value: { requestId, table, attempt, run, worker: "w", startedAt: 20 + attempt },
});
const heartbeat = (requestId: string, table: string, at: number): TrackedEvent => ({
  topicKey: "exportLifecycle",
  type: "TableUnloadHeartbeat",
  value: { requestId, table, attempt: 1, run: 0, worker: "w", at },
});
const completed = (requestId: string, table: string, run = 0): TrackedEvent => ({
  topicKey: "exportLifecycle",
  type: "TableUnloadCompleted",
  value: {
    requestId,
    table,
    attempt: 1,
    run,
    rows: 5,
    bytes: 50,
    files: [{ key: `${requestId}/${table}/f`, rows: 5, bytes: 50, sha256: "0".repeat(64), versionId: null }],
    manifestKey: `${requestId}/${table}/m`,
    manifestVersionId: null,
    durationMs: 1,
    completedAt: 40 + run,
  },
});
const failed = (requestId: string, table: string, final: boolean): TrackedEvent => ({
  topicKey: "exportLifecycle",
  type: "TableUnloadFailed",
  value: {
    requestId,
    table,
    attempt: 1,
    run: 0,
    errorKind: "WAREHOUSE_QUERY",
    errorMessage: "boom",
    retryable: !final,
    finalAttempt: final,
    failedAt: 30,
    cancelled: false,
    cancelledBy: null,
  },
});
const cancelRequested: TrackedEvent = {
  topicKey: "exportRequested",
  type: "ExportCancelRequested",
  value: { requestId: a, run: 0, cancelledBy: "u", cancelledAt: 5 },
};
const trigger = (requestId: string): TrackedEvent => ({
  topicKey: "dailyExportTriggered",
  type: "DailyExportTriggered",
  value: {
    requestId,
    exportDate: "2024-04-07",
    timeZone: "Australia/Melbourne",
    windowStart: 1,
    windowEnd: 2,
    force: false,
    triggeredAt: 3,
    triggeredBy: "op",
  },
});

/** The tracker's dependencies over one in-memory read model, recording what it publishes and logs. */
function tracker(store = new MemoryStatusStore()) {
  const published: ExportCompleted[] = [];
  const origins: string[] = [];
  const logs: string[] = [];
  let clock = 100;
  const deps: TrackerEventDeps = {
    transact: store.transact,
    recordRequested: store.recordRequested,
    findScheduled: store.findScheduled,
    markCompletionPublished: store.markCompletionPublished,
    publishCompleted: (event) => Promise.resolve(void published.push(event)),
    now: () => clock++,
    log: {
      info: (fields: object, msg: string) => void logs.push(`${msg} ${JSON.stringify(fields)}`),
      debug: (fields: object, msg: string) => void logs.push(`${msg} ${JSON.stringify(fields)}`),
      warn: (fields: object, msg: string) => void logs.push(`${msg} ${JSON.stringify(fields)}`),
    } as unknown as TrackerEventDeps["log"],
  };
  const batchDeps = {
    ...deps,
    transactAll: store.transactAll,
    publishCompletedFor: (event: ExportCompleted, origin: TrackedEvent) => {
      origins.push(`${origin.type}:${origin.value.requestId}`);
      return deps.publishCompleted(event);
    },
  };
  return { store, deps, batchDeps, published, origins, logs };
}

/** Exports that complete, fail, are retried after completing and hear redelivered events, interleaved. */
const workload: readonly TrackedEvent[] = [
  planned(b, ["t1"]), // a plan read before its request
  requested(a, 1),
  requested(b, 2),
  cancelRequested,
  planned(a, ["t1", "t2"]),
  started(a, "t1"),
  started(b, "t1"),
  heartbeat(a, "t1", 25),
  completed(b, "t1"), // b completes…
  heartbeat(b, "t1", 26), // …and hears a late heartbeat at once
  started(a, "t2"),
  failed(a, "t2", false),
  completed(a, "t1"),
  failed(a, "t2", true), // a ends PARTIAL-SUCCESS…
  planned(a, ["t2"], 1, 50), // …and is retried right after, in the same batch
  completed(c, "t1"), // an event of an unknown request
  started(a, "t2", 2, 1),
  completed(a, "t2", 1),
  completed(a, "t2", 1), // redelivered
  requested(a, 1), // redelivered
  planned(a, ["t2"], 1, 50), // redelivered
];

describe("handleTrackerBatch", () => {
  it("leaves the read model, the completions and the logs exactly as handling each event in turn does", async () => {
    const oneByOne = tracker();
    for (const event of workload) await handleTrackerEvent(event, oneByOne.deps);
    for (const size of [1, 2, 3, 5, workload.length]) {
      const batched = tracker();
      for (let i = 0; i < workload.length; i += size)
        await handleTrackerBatch(workload.slice(i, i + size), batched.batchDeps);
      expect(batched.store.rows).toEqual(oneByOne.store.rows);
      expect(batched.published).toEqual(oneByOne.published);
      expect(batched.logs).toEqual(oneByOne.logs);
    }
    // b, a's first run and a's retry each completed once.
    expect(oneByOne.published.map((e) => [e.requestId, e.run, e.status])).toEqual([
      [b, 0, "SUCCESS"],
      [a, 0, "PARTIAL_SUCCESS"],
      [a, 1, "SUCCESS"],
    ]);
  });

  it("publishes each completion on behalf of the event that finished the export", async () => {
    const batched = tracker();
    await handleTrackerBatch(workload, batched.batchDeps);
    expect(batched.origins).toEqual([
      `TableUnloadCompleted:${b}`,
      `TableUnloadFailed:${a}`,
      `TableUnloadCompleted:${a}`,
    ]);
  });

  it("changes nothing on a replay of everything, and announces a finished export left unannounced by a crash", async () => {
    const batched = tracker();
    await handleTrackerBatch(workload, batched.batchDeps);
    // A crash between the commit and the publish: b is finished but its completion not marked.
    const row = batched.store.rows.get(b)!;
    batched.store.rows.set(b, { ...row, completionPublishedAt: null });
    const before = new Map(batched.store.rows);
    batched.published.length = 0;
    await handleTrackerBatch(workload, batched.batchDeps);
    expect(batched.published.map((e) => e.requestId)).toEqual([b]);
    expect(batched.store.rows.get(b)?.completionPublishedAt).not.toBeNull();
    for (const [id, state] of before) if (id !== b) expect(batched.store.rows.get(id)).toEqual(state);
  });

  it("handles triggers one by one between batched events", async () => {
    const oneByOne = tracker();
    const batched = tracker();
    const events = [requested(a, 1), trigger(c), planned(a, []), trigger(c)];
    for (const event of events) await handleTrackerEvent(event, oneByOne.deps);
    await handleTrackerBatch(events, batched.batchDeps);
    expect(batched.store.rows).toEqual(oneByOne.store.rows);
    expect(batched.published).toEqual(oneByOne.published);
    expect(batched.store.rows.get(c)?.mode).toBe("SCHEDULED");
  });
});
