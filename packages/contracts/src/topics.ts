/** Kafka topics of data-exporter: name, sizing and retention. Services create or verify them at start-up. */
export interface TopicDefinition {
  readonly name: string;
  readonly partitions: number;
  readonly retentionMs: number;
  readonly cleanupPolicy: "delete" | "compact";
  readonly description: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Kept forever: the status read model is rebuilt by replaying these topics from their beginning (`npm run rebuild`),
 * so they hold the whole history it was built from (about 1 KB per table of an export); export-completed says when
 * each export was announced. A rebuild refuses a topic that no longer starts at offset 0.
 */
const FOREVER = -1;

export const topics = {
  exportRequested: {
    name: "data-exporter.export-requested.v1",
    partitions: 3,
    retentionMs: FOREVER,
    cleanupPolicy: "delete",
    description:
      "What callers asked request-api for: on-demand exports, and cancellations and retries of any export (keyed by request id).",
  },
  dailyExportTriggered: {
    name: "data-exporter.daily-export-triggered.v1",
    partitions: 1,
    retentionMs: FOREVER,
    cleanupPolicy: "delete",
    description: "Scheduled export triggers, one per calendar date.",
  },
  unloadCommands: {
    name: "data-exporter.unload-commands.v1",
    partitions: 6,
    retentionMs: 7 * DAY_MS,
    cleanupPolicy: "delete",
    description: "Per-table unload commands from the planner to the unloaders.",
  },
  exportLifecycle: {
    name: "data-exporter.export-lifecycle.v1",
    partitions: 3,
    retentionMs: FOREVER,
    cleanupPolicy: "delete",
    description:
      "ExportPlanned and table unload events (with heartbeats); replaying it rebuilds the status read model.",
  },
  exportCompleted: {
    name: "data-exporter.export-completed.v1",
    partitions: 3,
    retentionMs: FOREVER,
    cleanupPolicy: "delete",
    description: "Public: one ExportCompleted per finished export.",
  },
  deadLetter: {
    name: "data-exporter.dlq.v1",
    partitions: 1,
    retentionMs: 30 * DAY_MS,
    cleanupPolicy: "delete",
    description: "Messages that could not be decoded or kept failing, with the error and original position.",
  },
} as const satisfies Record<string, TopicDefinition>;

export type TopicKey = keyof typeof topics;
