import type { EventMap, EventName } from "./generated/events.js";
import type { TopicKey } from "./topics.js";

/** Which events each topic carries; the dead-letter topic carries raw bytes, not events, so it is not listed. */
export const topicEvents = {
  exportRequested: ["ExportRequested", "ExportCancelRequested", "ExportRetryRequested"],
  dailyExportTriggered: ["DailyExportTriggered"],
  unloadCommands: ["UnloadTableCommand"],
  exportLifecycle: [
    "ExportPlanned",
    "TableUnloadStarted",
    "TableUnloadHeartbeat",
    "TableUnloadCompleted",
    "TableUnloadFailed",
  ],
  exportCompleted: ["ExportCompleted"],
} as const satisfies Partial<Record<TopicKey, readonly EventName[]>>;

/** Topics that carry events (every topic but the dead-letter one). */
export type EventTopicKey = keyof typeof topicEvents;

/** Event names allowed on each topic, e.g. `TopicEvents["exportLifecycle"]` is `"ExportPlanned" | ...`. */
export type TopicEvents = { [K in EventTopicKey]: (typeof topicEvents)[K][number] };

/** An event with its name as discriminant: `{ type: "ExportRequested", value: ExportRequested }`. */
export type TypedEvent<N extends EventName = EventName> = {
  [E in N]: { readonly type: E; readonly value: EventMap[E] };
}[N];

/** Any event allowed on topic K. */
export type TopicEvent<K extends EventTopicKey> = TypedEvent<TopicEvents[K]>;

/** What an attempt at one table publishes: Started, Heartbeats while it runs, then Completed or Failed. */
export type TableUnloadEvent = TypedEvent<
  "TableUnloadStarted" | "TableUnloadHeartbeat" | "TableUnloadCompleted" | "TableUnloadFailed"
>;

/** Message key of every event on each topic: one request's events share a partition, so they stay ordered. */
const keyRules: { readonly [K in EventTopicKey]: (event: TopicEvent<K>) => string } = {
  exportRequested: (event) => event.value.requestId,
  dailyExportTriggered: (event) => event.value.exportDate,
  unloadCommands: (event) => `${event.value.requestId}/${event.value.table}`,
  exportLifecycle: (event) => event.value.requestId,
  exportCompleted: (event) => event.value.requestId,
};

/** The Kafka message key of `event` on `topic` (docs/architecture.md, Topics). */
export function messageKey<K extends EventTopicKey>(topic: K, event: TopicEvent<K>): string {
  return (keyRules[topic] as (event: TopicEvent<K>) => string)(event);
}

/** Whether `name` may be published on / consumed from `topic`. */
export function isTopicEvent<K extends EventTopicKey>(topic: K, name: string): name is TopicEvents[K] {
  return (topicEvents[topic] as readonly string[]).includes(name);
}
