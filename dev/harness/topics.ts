import { randomBytes } from "node:crypto";
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

/** Every event on a (namespaced) topic up to its current end, decoded: what other services would see. */
export async function readTopic(namespace: string, key: TopicKey): Promise<(DecodedEvent & { key: string | null })[]> {
  const name = topicName(namespace, key);
  const ends = await topicEnds(namespace, key);
  const expected = [...ends.values()].reduce((sum, n) => sum + n, 0);
  const events: (DecodedEvent & { key: string | null })[] = [];
  if (expected === 0) return events;
  const consumer = kafkaFromEnv("e2e-topic-reader").consumer({
    groupId: `e2e-reader-${randomBytes(4).toString("hex")}`,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [name], fromBeginning: true });
  let seen = 0;
  await consumer.run({
    eachMessage: ({ partition, message }) => {
      if (Number(message.offset) < (ends.get(partition) ?? 0)) {
        seen++;
        const eventType = message.headers?.["event-type"]?.toString();
        events.push({
          ...decodeEvent({ eventType }, message.value ?? Buffer.alloc(0)),
          key: message.key?.toString() ?? null,
        });
      }
      return Promise.resolve();
    },
  });
  try {
    await waitFor(`${expected} events on ${name}`, () => (seen >= expected ? true : undefined), { timeoutMs: 30_000 });
  } finally {
    await consumer.disconnect();
  }
  return events;
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
