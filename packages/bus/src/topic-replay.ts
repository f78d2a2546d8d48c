import { randomBytes } from "node:crypto";
import type { Admin, Kafka } from "kafkajs";
import { topics, type EventTopicKey, type TopicKey } from "@data-exporter/contracts";
import { openMessage, type Envelope } from "./consumer.js";
import { BusError } from "./errors.js";
import type { DeadLetterKind } from "./headers.js";
import { readHeaders } from "./headers.js";
import { checkNamespace, namespacedTopic } from "./namespace.js";

/** What one partition of a topic holds: offsets `start` (the first one still kept) up to `end` (exclusive). */
export interface PartitionExtent {
  readonly partition: number;
  readonly start: number;
  readonly end: number;
}

/**
 * Each partition's extent now, in partition order: where a replay begun now starts and stops. `start` above 0 means
 * retention deleted the partition's first records.
 */
export async function topicExtents(admin: Admin, key: TopicKey, namespace?: string): Promise<PartitionExtent[]> {
  const name = namespacedTopic(checkNamespace(namespace), topics[key].name);
  if (!(await admin.listTopics()).includes(name))
    throw new BusError("TOPIC_NOT_FOUND", `topic ${name} does not exist`, { context: { topic: name } });
  const offsets = await admin.fetchTopicOffsets(name);
  return offsets
    .map((p) => ({ partition: p.partition, start: Number(p.low), end: Number(p.high) }))
    .sort((a, b) => a.partition - b.partition);
}

/** A replayed event with the record's timestamp (epoch ms; the producer's clock under CreateTime). */
export type ReplayedEvent<K extends EventTopicKey> = Envelope<K> & { readonly timestamp: number };

/** A record that is not an event of its topic: the live consumers dead-lettered it. */
export interface SkippedRecord {
  readonly partition: number;
  readonly offset: string;
  readonly kind: DeadLetterKind;
  readonly error: unknown;
}

export interface ReplayOptions<K extends EventTopicKey> {
  readonly topic: K;
  /** Topic prefix, as the services' `TOPIC_NAMESPACE`. */
  readonly namespace?: string | undefined;
  /** Where each partition stops (`topicExtents` taken when the replay began); later records are not read. */
  readonly extents: readonly PartitionExtent[];
  /** Each event, one at a time, in offset order within a partition; a rejection ends the replay with it. */
  readonly onEvent: (event: ReplayedEvent<K>) => Promise<void> | void;
  readonly onSkipped?: ((record: SkippedRecord) => void) | undefined;
  /** Longest wait for the next records before giving up (default 60 s). */
  readonly idleTimeoutMs?: number | undefined;
}

export interface ReplayResult {
  readonly events: number;
  readonly skipped: number;
}

/**
 * Reads one topic from its first record up to `extents` and hands each event to `onEvent`, without committing any
 * offset and without publishing anything (not even dead letters): what a rebuild needs, invisible to the services'
 * groups. kafkajs reads only through a consumer group, so it joins a throwaway one, which it never commits to and
 * deletes at the end.
 */
export async function replayTopic<K extends EventTopicKey>(
  kafka: Kafka,
  options: ReplayOptions<K>,
): Promise<ReplayResult> {
  const namespace = checkNamespace(options.namespace);
  const name = namespacedTopic(namespace, topics[options.topic].name);
  const remaining = new Map(options.extents.filter((e) => e.end > e.start).map((e) => [e.partition, e.end]));
  let events = 0;
  let skipped = 0;
  if (remaining.size === 0) return { events, skipped };

  const groupId = `${namespace}data-exporter.replay.${randomBytes(6).toString("hex")}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250, allowAutoTopicCreation: false });
  let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  const finished = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  // Awaited below; this only keeps an early failure (before the await) from being reported as unhandled.
  finished.catch(() => undefined);
  let settled = false;
  const end = (error?: unknown): void => {
    if (settled) return;
    settled = true;
    clearTimeout(idle);
    if (error === undefined) settle?.resolve();
    else settle?.reject(error);
  };
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const stalled = (): void =>
    end(
      new BusError("REPLAY_STALLED", `no progress on ${name} for ${idleTimeoutMs} ms`, {
        retryable: true,
        context: { topic: name, remaining: Object.fromEntries(remaining) },
      }),
    );
  let idle = setTimeout(stalled, idleTimeoutMs);

  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [name], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        const stop = remaining.get(batch.partition);
        if (settled || stop === undefined) return;
        clearTimeout(idle);
        idle = setTimeout(stalled, idleTimeoutMs);
        let position = 0;
        try {
          for (const message of batch.messages) {
            position = Number(message.offset);
            if (position >= stop) break;
            const headers = readHeaders(message.headers);
            const opened = openMessage(options.topic, name, batch.partition, message, headers);
            if ("envelope" in opened) {
              await options.onEvent({ ...opened.envelope, timestamp: Number(message.timestamp) });
              events++;
            } else {
              options.onSkipped?.({ partition: batch.partition, offset: message.offset, ...opened });
              skipped++;
            }
            payload.resolveOffset(message.offset);
            position++;
            await payload.heartbeat();
          }
        } catch (error) {
          end(error);
          return;
        }
        // An empty or filtered batch (control records) still moves the position to its last offset.
        position = Math.max(position, Number(batch.lastOffset()) + 1);
        if (position >= stop) {
          remaining.delete(batch.partition);
          payload.pause();
          if (remaining.size === 0) end();
        }
      },
    });
    await finished;
    return { events, skipped };
  } finally {
    end(new BusError("REPLAY_STALLED", `replay of ${name} abandoned`));
    await consumer.disconnect().catch(() => undefined);
    await deleteGroup(kafka, groupId);
  }
}

/** The throwaway group holds no offsets and empties when its member leaves; deleting it leaves nothing behind. */
async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // Already gone (the broker removes empty groups without offsets), or unreachable: nothing depends on it.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
