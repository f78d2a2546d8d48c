import type { PartitionExtent, ReplayedEvent, ReplayResult } from "@data-exporter/bus";
import { StatusTrackerError } from "../errors.js";
import { handleTrackerEvent, type TrackedTopic, type TrackerEventDeps } from "./handle-tracker-event.js";

/** What a rebuild reads: the tracker's three topics, and export-completed for what was already announced. */
export type ReplayedTopic = TrackedTopic | "exportCompleted";

/**
 * The order the extents are taken in. The lifecycle first: every request whose plan is read was published before
 * its plan, so before the request topics' extents are taken, and is read too; export-completed after it, so every
 * export that finishes within the lifecycle read has its ExportCompleted read if the live tracker had sent it.
 */
const extentOrder = ["exportLifecycle", "exportRequested", "dailyExportTriggered", "exportCompleted"] as const;

/**
 * The order the topics are applied in: every request before any plan. The live tracker read them interleaved in
 * whatever way; the reducer makes that irrelevant (`applyRequested`, `findScheduled`), and this order gives each
 * row its request's time from the start. Within a topic, each partition is applied in offset order, as the live
 * tracker did; one request's events share a partition, and the trigger topic has one.
 */
const applyOrder = ["exportRequested", "dailyExportTriggered", "exportLifecycle"] as const;

export interface RebuildDeps {
  /** Each partition's extent of a topic now (called once per topic, in `extentOrder`). */
  readonly extentsOf: (topic: ReplayedTopic) => Promise<readonly PartitionExtent[]>;
  /** Reads a topic from its first record up to `extents`, one event at a time; publishes and commits nothing. */
  readonly replay: <K extends ReplayedTopic>(
    topic: K,
    extents: readonly PartitionExtent[],
    onEvent: (event: ReplayedEvent<K>) => Promise<void>,
  ) => Promise<ReplayResult>;
  /** Creates the fresh schema's tables; called once the topics were found and whole, before anything is read. */
  readonly createModel: () => Promise<void>;
  /** The store of the fresh schema being rebuilt. */
  readonly store: Pick<TrackerEventDeps, "transact" | "findScheduled" | "recordRequested" | "markCompletionPublished">;
  readonly log: TrackerEventDeps["log"];
}

export interface TopicReplaySummary {
  readonly topic: ReplayedTopic;
  readonly partitions: number;
  /** Records up to the extent, events or not. */
  readonly records: number;
  readonly events: number;
  /** Records that are not events of the topic (the live consumers dead-lettered them). */
  readonly skipped: number;
}

export interface RebuildSummary {
  /** In the order they were read. */
  readonly topics: readonly TopicReplaySummary[];
  /** Finished exports whose ExportCompleted is on its topic: marked published at that record's time. */
  readonly announced: number;
  /**
   * Finished exports without an ExportCompleted on its topic: the live tracker had not sent it (yet). They stay
   * unannounced, so a tracker using this model sends them.
   */
  readonly unannounced: readonly string[];
}

/**
 * Rebuilds the status read model from the topics, with the live tracker's own handler (`handleTrackerEvent`) and
 * reducer, into the store of `deps`. It never publishes: ExportCompleted goes nowhere, and `completion_published_at`
 * comes from the export-completed topic instead (the first ExportCompleted record of the request), so the rebuilt
 * model does not look unannounced where the live one was announced. Refuses a topic whose first records retention
 * deleted: the rebuild would silently miss them.
 */
export async function rebuildReadModel(deps: RebuildDeps): Promise<RebuildSummary> {
  const extents = new Map<ReplayedTopic, readonly PartitionExtent[]>();
  for (const topic of extentOrder) {
    const topicExtents = await deps.extentsOf(topic);
    const lost = topicExtents.filter((e) => e.start > 0);
    if (lost.length > 0)
      throw new StatusTrackerError(
        "HISTORY_DELETED",
        `${topic} no longer starts at offset 0 (partition ${lost.map((e) => `${e.partition} starts at ${e.start}`).join(", ")}): ` +
          `retention deleted events the read model was built from, so it cannot be rebuilt from the topics`,
        { context: { topic, lost } },
      );
    extents.set(topic, topicExtents);
  }
  await deps.createModel();
  const summaries: TopicReplaySummary[] = [];
  const read = async <K extends ReplayedTopic>(
    topic: K,
    onEvent: (event: ReplayedEvent<K>) => Promise<void>,
  ): Promise<void> => {
    const topicExtents = extents.get(topic) ?? [];
    const result = await deps.replay(topic, topicExtents, onEvent);
    const records = topicExtents.reduce((sum, e) => sum + e.end - e.start, 0);
    summaries.push({ topic, partitions: topicExtents.length, records, ...result });
  };

  const announcedAt = new Map<string, number>();
  await read("exportCompleted", (event) => {
    if (!announcedAt.has(event.value.requestId)) announcedAt.set(event.value.requestId, event.timestamp);
    return Promise.resolve();
  });

  const finished = new Set<string>();
  const tracker: TrackerEventDeps = {
    transact: deps.store.transact,
    findScheduled: deps.store.findScheduled,
    recordRequested: deps.store.recordRequested,
    // Where the live tracker publishes: nothing is sent, the export is only noted.
    publishCompleted: (event) => Promise.resolve(void finished.add(event.requestId)),
    // Marked at the time it really was announced, not now; never marked if it never was.
    markCompletionPublished: async (requestId) => {
      const at = announcedAt.get(requestId);
      if (at !== undefined) await deps.store.markCompletionPublished(requestId, at);
    },
    now: Date.now,
    log: deps.log,
  };
  for (const topic of applyOrder) await read(topic, (event) => handleTrackerEvent(event, tracker));

  const unannounced = [...finished].filter((requestId) => !announcedAt.has(requestId)).sort();
  return { topics: summaries, announced: finished.size - unannounced.length, unannounced };
}
