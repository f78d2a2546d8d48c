import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import type { PartitionExtent, ReplayedEvent } from "@data-exporter/bus";
import type { ExportCompleted, TopicEvent } from "@data-exporter/contracts";
import type { ExportRequestState } from "@data-exporter/status-store";
import { handleTrackerEvent, type TrackedEvent } from "../../src/handlers/handle-tracker-event.js";
import { rebuildReadModel, type RebuildDeps, type ReplayedTopic } from "../../src/handlers/rebuild-read-model.js";
import { MemoryStatusStore } from "../support/memory-status-store.js";

type Partitions = { [K in ReplayedTopic]: TopicEvent<K>[][] };
type Outcome = "ok" | "retry-then-ok" | "fails" | "unfinished";

const quiet = { info: () => undefined, debug: () => undefined, warn: () => undefined };
const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

/** The topics as arrays of partitions, with each record's timestamp (export-completed's matter). */
class Topics {
  readonly partitions: Partitions = {
    exportRequested: [[], [], []],
    dailyExportTriggered: [[]],
    exportLifecycle: [[], [], []],
    exportCompleted: [[], [], []],
  };
  readonly timestamps = new Map<object, number>();

  append<K extends ReplayedTopic>(topic: K, key: number, event: TopicEvent<K>, timestamp = 0): void {
    const partitions = this.partitions[topic] as TopicEvent<K>[][];
    partitions[key % partitions.length]?.push(event);
    this.timestamps.set(event, timestamp);
  }

  /** RebuildDeps over these arrays: extents are the arrays' lengths now, replay reads them in partition order. */
  deps(store: MemoryStatusStore, calls: string[] = [], start = 0): RebuildDeps {
    return {
      extentsOf: (topic) => {
        calls.push(`extents ${topic}`);
        return Promise.resolve(
          this.partitions[topic].map((events, partition) => ({ partition, start, end: events.length })),
        );
      },
      createModel: () => Promise.resolve(void calls.push("create model")),
      replay: async <K extends ReplayedTopic>(
        topic: K,
        extents: readonly PartitionExtent[],
        onEvent: (event: ReplayedEvent<K>) => Promise<void>,
      ) => {
        calls.push(`replay ${topic}`);
        let events = 0;
        for (const { partition, end } of extents) {
          const records = this.partitions[topic][partition] ?? [];
          for (const [offset, event] of records.slice(0, end).entries()) {
            const timestamp = this.timestamps.get(event) ?? 0;
            await onEvent({
              ...event,
              topicKey: topic,
              partition,
              offset: String(offset),
              timestamp,
            } as ReplayedEvent<K>);
            events++;
          }
        }
        return { events, skipped: 0 };
      },
      store,
      log: quiet,
    };
  }
}

/**
 * A workload written to the topics as the services would: requests and triggers (with redeliveries), the planner's
 * decision (a date once, unless forced), and each planned table's events (with duplicates).
 */
interface Workload {
  readonly onDemand: readonly {
    readonly tables: readonly Outcome[];
    readonly planned: boolean;
    readonly dup: boolean;
  }[];
  readonly triggers: readonly {
    readonly day: number;
    readonly force: boolean;
    readonly dup: boolean;
    readonly tables: readonly Outcome[];
  }[];
}

const outcome = fc.constantFrom<Outcome>("ok", "retry-then-ok", "fails", "unfinished");
const workload: fc.Arbitrary<Workload> = fc.record({
  onDemand: fc.array(
    fc.record({ tables: fc.array(outcome, { maxLength: 3 }), planned: fc.boolean(), dup: fc.boolean() }),
    { maxLength: 4 },
  ),
  triggers: fc.array(
    fc.record({
      day: fc.integer({ min: 6, max: 7 }),
      force: fc.boolean(),
      dup: fc.boolean(),
      tables: fc.array(outcome, { minLength: 1, maxLength: 3 }),
    }),
    { maxLength: 5 },
  ),
});

function write(load: Workload): Topics {
  const topics = new Topics();
  let clock = 1_000;
  const lifecycle = (
    n: number,
    mode: "ON_DEMAND" | "SCHEDULED",
    exportDate: string | null,
    outcomes: readonly Outcome[],
  ) => {
    const requestId = id(n);
    const tables = outcomes.map((_, i) => `t${i}`);
    topics.append("exportLifecycle", n, {
      type: "ExportPlanned",
      value: {
        requestId,
        mode,
        exportDate,
        windowStart: 0,
        windowEnd: 1,
        tables: tables.map((table) => ({
          table,
          outputPrefix: `p/${table}/`,
          exportedColumns: [],
          unclassifiedColumns: [],
        })),
        skippedTables: [],
        configVersion: "cfg",
        bucket: "b",
        plannedAt: (clock += 10),
        run: 0,
      },
    });
    outcomes.forEach((result, i) => {
      const table = `t${i}`;
      const started = (attempt: number) =>
        topics.append("exportLifecycle", n, {
          type: "TableUnloadStarted",
          value: { requestId, table, attempt, run: 0, worker: "w", startedAt: (clock += 10) },
        });
      const failed = (attempt: number, finalAttempt: boolean) =>
        topics.append("exportLifecycle", n, {
          type: "TableUnloadFailed",
          value: {
            requestId,
            table,
            attempt,
            run: 0,
            errorKind: "WAREHOUSE_QUERY",
            errorMessage: `attempt ${attempt}`,
            retryable: !finalAttempt,
            finalAttempt,
            failedAt: (clock += 10),
            cancelled: false,
            cancelledBy: null,
          },
        });
      started(1);
      topics.append("exportLifecycle", n, {
        type: "TableUnloadHeartbeat",
        value: { requestId, table, attempt: 1, run: 0, worker: "w", at: (clock += 10) },
      });
      if (result === "unfinished") return;
      if (result !== "ok") {
        failed(1, false);
        started(2);
      }
      if (result === "fails") failed(2, true);
      else
        topics.append("exportLifecycle", n, {
          type: "TableUnloadCompleted",
          value: {
            requestId,
            table,
            attempt: result === "ok" ? 1 : 2,
            run: 0,
            rows: 1,
            bytes: 2,
            files: [{ key: `p/${table}/0.parquet`, rows: 1, bytes: 2, sha256: "ab", versionId: null }],
            manifestKey: `p/${table}/manifest`,
            manifestVersionId: null,
            durationMs: 1,
            completedAt: (clock += 10),
          },
        });
    });
    // A redelivered event of the request: the latest one again.
    const partition = topics.partitions.exportLifecycle[n % 3] ?? [];
    const last = partition.at(-1);
    if (last) topics.append("exportLifecycle", n, last);
  };

  load.onDemand.forEach((request, i) => {
    const event = {
      type: "ExportRequested" as const,
      value: { requestId: id(i), windowStart: 0, windowEnd: 1, requestedAt: (clock += 10), requestedBy: null },
    };
    topics.append("exportRequested", i, event);
    if (request.dup) topics.append("exportRequested", i, event);
    if (request.planned) lifecycle(i, "ON_DEMAND", null, request.tables);
  });
  const claimed = new Set<string>();
  load.triggers.forEach((trigger, j) => {
    const n = 100 + j;
    const exportDate = `2024-04-0${trigger.day}`;
    const event = {
      type: "DailyExportTriggered" as const,
      value: {
        requestId: id(n),
        exportDate,
        timeZone: "Australia/Melbourne",
        windowStart: 0,
        windowEnd: 1,
        force: trigger.force,
        triggeredAt: (clock += 10),
        triggeredBy: "operator",
      },
    };
    topics.append("dailyExportTriggered", 0, event);
    if (trigger.dup) topics.append("dailyExportTriggered", 0, event);
    // The planner's rule: a date is exported once, unless forced.
    if (trigger.force || !claimed.has(exportDate)) {
      claimed.add(exportDate);
      lifecycle(n, "SCHEDULED", exportDate, trigger.tables);
    }
  });
  return topics;
}

/**
 * The live tracker: every partition of its three topics read in one arbitrary interleaving (each partition in
 * order), each event through handleTrackerEvent; each ExportCompleted it sends is appended to export-completed.
 */
async function runLive(topics: Topics, picks: readonly number[]): Promise<MemoryStatusStore> {
  const store = new MemoryStatusStore();
  let clock = 1_000_000;
  const deps = {
    ...store,
    transact: store.transact,
    recordRequested: store.recordRequested,
    findScheduled: store.findScheduled,
    markCompletionPublished: store.markCompletionPublished,
    publishCompleted: (event: ExportCompleted) =>
      Promise.resolve(
        topics.append(
          "exportCompleted",
          Number(event.requestId.slice(-4)),
          { type: "ExportCompleted", value: event },
          (clock += 5),
        ),
      ),
    now: () => (clock += 1),
    log: quiet,
  };
  const streams: TrackedEvent[][] = [
    ...topics.partitions.exportRequested.map((p) => p.map((e) => ({ ...e, topicKey: "exportRequested" as const }))),
    ...topics.partitions.dailyExportTriggered.map((p) =>
      p.map((e) => ({ ...e, topicKey: "dailyExportTriggered" as const })),
    ),
    ...topics.partitions.exportLifecycle.map((p) => p.map((e) => ({ ...e, topicKey: "exportLifecycle" as const }))),
  ];
  for (let step = 0; ; step++) {
    const open = streams.filter((stream) => stream.length > 0);
    if (open.length === 0) break;
    const next = open[(picks[step % Math.max(1, picks.length)] ?? 0) % open.length]?.shift();
    if (next) await handleTrackerEvent(next, deps);
  }
  return store;
}

const withoutAnnouncement = (state: ExportRequestState | undefined) =>
  state && { ...state, completionPublishedAt: state.completionPublishedAt === null ? null : "set" };

describe("rebuildReadModel", () => {
  it("rebuilds the rows the live tracker wrote, however it interleaved the topics", async () => {
    await fc.assert(
      fc.asyncProperty(workload, fc.array(fc.nat(), { minLength: 1, maxLength: 60 }), async (load, picks) => {
        const topics = write(load);
        const live = await runLive(topics, picks);
        const rebuilt = new MemoryStatusStore();
        const summary = await rebuildReadModel(topics.deps(rebuilt));

        expect([...rebuilt.rows.keys()].sort()).toEqual([...live.rows.keys()].sort());
        for (const [requestId, state] of live.rows) {
          const again = rebuilt.rows.get(requestId);
          expect(withoutAnnouncement(again)).toEqual(withoutAnnouncement(state));
          // Each ExportCompleted's record is written before the live tracker marks it published.
          if (state.completionPublishedAt !== null)
            expect(again?.completionPublishedAt).toBeLessThan(state.completionPublishedAt);
        }
        expect(summary.unannounced).toEqual([]);
        const finished = [...live.rows.values()].filter((s) => s.completedAt !== null).length;
        expect(summary.announced).toBe(finished);
      }),
      { seed: 20240407, numRuns: 200 },
    );
  });

  it("takes the lifecycle's extents first, reads export-completed, then applies requests before the lifecycle", async () => {
    const calls: string[] = [];
    await rebuildReadModel(write({ onDemand: [], triggers: [] }).deps(new MemoryStatusStore(), calls));
    expect(calls).toEqual([
      "extents exportLifecycle",
      "extents exportRequested",
      "extents dailyExportTriggered",
      "extents exportCompleted",
      "create model",
      "replay exportCompleted",
      "replay exportRequested",
      "replay dailyExportTriggered",
      "replay exportLifecycle",
    ]);
  });

  it("marks a finished export published at its first ExportCompleted record, and one never announced not at all", async () => {
    const topics = write({
      onDemand: [
        { tables: ["ok"], planned: true, dup: false },
        { tables: ["fails"], planned: true, dup: false },
        { tables: ["unfinished"], planned: true, dup: false },
        { tables: [], planned: false, dup: true },
      ],
      triggers: [],
    });
    const announced = (timestamp: number) =>
      topics.append(
        "exportCompleted",
        0,
        { type: "ExportCompleted", value: { requestId: id(0) } as ExportCompleted },
        timestamp,
      );
    announced(5_000);
    announced(7_000); // sent again after a crash
    const store = new MemoryStatusStore();
    const summary = await rebuildReadModel(topics.deps(store));

    expect(store.rows.get(id(0))).toMatchObject({ status: "COMPLETED", completionPublishedAt: 5_000 });
    expect(store.rows.get(id(1))).toMatchObject({ status: "FAILED", completionPublishedAt: null });
    expect(store.rows.get(id(2))).toMatchObject({ status: "IN-PROGRESS", completionPublishedAt: null });
    expect(store.rows.get(id(3))).toMatchObject({ status: "REQUESTED", requestRecorded: true });
    expect(summary).toMatchObject({ announced: 1, unannounced: [id(1)] });
    expect(summary.topics.map((t) => [t.topic, t.partitions, t.records, t.events])).toEqual([
      ["exportCompleted", 3, 2, 2],
      ["exportRequested", 3, 5, 5],
      ["dailyExportTriggered", 1, 0, 0],
      ["exportLifecycle", 3, 16, 16],
    ]);
  });

  it("refuses topics whose first records retention deleted", async () => {
    const topics = write({ onDemand: [{ tables: ["ok"], planned: true, dup: false }], triggers: [] });
    const calls: string[] = [];
    await expect(rebuildReadModel(topics.deps(new MemoryStatusStore(), calls, 3))).rejects.toMatchObject({
      code: "HISTORY_DELETED",
      message: expect.stringContaining("exportLifecycle no longer starts at offset 0") as unknown,
    });
    expect(calls).toEqual(["extents exportLifecycle"]);
  });
});
