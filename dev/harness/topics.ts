import { randomBytes } from "node:crypto";
import type { IHeaders } from "kafkajs";
import { createKafka } from "@data-exporter/bus";
import { decodeEvent, topics, type DecodedEvent, type TopicKey } from "@data-exporter/contracts";
import { waitFor } from "@data-exporter/runtime";

/** A Kafka client of the test stack (KAFKA_BROKERS, which the jest global setup exports). */
export function kafkaFromEnv(clientId: string): ReturnType<typeof createKafka> {
  return createKafka({ brokers: (process.env.KAFKA_BROKERS ?? "").split(","), clientId });
}

const topicName = (namespace: string, key: TopicKey): string => `${namespace}${topics[key].name}`;

type Admin = ReturnType<ReturnType<typeof createKafka>["admin"]>;

async function withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafkaFromEnv("e2e-topic-admin").admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/** The end offset of each partition of a (namespaced) topic: how many events each holds. */
export function topicEnds(namespace: string, key: TopicKey): Promise<Map<number, number>> {
  return withAdmin(
    async (admin) =>
      new Map((await admin.fetchTopicOffsets(topicName(namespace, key))).map((p) => [p.partition, Number(p.high)])),
  );
}

/** How many events a (namespaced) topic holds, over all its partitions. */
export async function topicEventCount(namespace: string, key: TopicKey): Promise<number> {
  return [...(await topicEnds(namespace, key)).values()].reduce((sum, n) => sum + n, 0);
}

async function fetchCommitted(
  admin: Admin,
  namespace: string,
  groupId: string,
  key: TopicKey,
): Promise<Map<number, number>> {
  const [committed] = await admin.fetchOffsets({
    groupId: `${namespace}${groupId}`,
    topics: [topicName(namespace, key)],
  });
  return new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}

/** The offset a consumer group (named without the namespace) committed on each partition; -1 where none. */
export function committedOffsets(namespace: string, groupId: string, key: TopicKey): Promise<Map<number, number>> {
  return withAdmin((admin) => fetchCommitted(admin, namespace, groupId, key));
}

/** One record of a topic as the broker stores it: headers as strings, the value undecoded. */
export interface RawRecord {
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly value: Buffer | null;
}

/** kafkajs headers as strings; a repeated header keeps its last value (as the bus reads them). */
function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw.at(-1) : raw;
    if (value !== undefined) out[name] = value.toString();
  }
  return out;
}

/**
 * Every record on a (namespaced) topic up to its current end, undecoded: the dead-letter topic, or a topic holding
 * records that are not events. In partition order within each partition.
 */
export async function readRawTopic(namespace: string, key: TopicKey): Promise<RawRecord[]> {
  const name = topicName(namespace, key);
  const ends = await topicEnds(namespace, key);
  const expected = [...ends.values()].reduce((sum, n) => sum + n, 0);
  const records: RawRecord[] = [];
  if (expected === 0) return records;
  const consumer = kafkaFromEnv("e2e-topic-reader").consumer({
    groupId: `e2e-reader-${randomBytes(4).toString("hex")}`,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [name], fromBeginning: true });
  await consumer.run({
    eachMessage: ({ partition, message }) => {
      if (Number(message.offset) < (ends.get(partition) ?? 0)) {
        records.push({
          partition,
          offset: Number(message.offset),
          key: message.key?.toString() ?? null,
          headers: headerStrings(message.headers),
          value: message.value,
        });
      }
      return Promise.resolve();
    },
  });
  try {
    await waitFor(`${expected} records on ${name}`, () => (records.length >= expected ? true : undefined), {
      timeoutMs: 30_000,
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** Every event on a (namespaced) topic up to its current end, decoded: what other services would see. */
export async function readTopic(
  namespace: string,
  key: TopicKey,
): Promise<(DecodedEvent & { key: string | null; partition: number; offset: number })[]> {
  return (await readRawTopic(namespace, key)).map((record) => ({
    ...decodeEvent({ eventType: record.headers["event-type"] }, record.value ?? Buffer.alloc(0)),
    key: record.key,
    partition: record.partition,
    offset: record.offset,
  }));
}

/** Waits until a consumer group has committed everything currently on a topic (it has handled it). */
export async function waitForGroupToCatchUp(namespace: string, groupId: string, key: TopicKey): Promise<void> {
  const ends = await topicEnds(namespace, key);
  await withAdmin((admin) =>
    waitFor(`group ${namespace}${groupId} to handle ${topicName(namespace, key)}`, async () => {
      const committed = await fetchCommitted(admin, namespace, groupId, key);
      // An empty partition has nothing to commit (its committed offset stays -1).
      const done = [...ends].every(([partition, end]) => end === 0 || (committed.get(partition) ?? -1) >= end);
      return done ? true : undefined;
    }),
  );
}
