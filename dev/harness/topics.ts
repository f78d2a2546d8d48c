import { randomBytes } from "node:crypto";
import { createKafka } from "@data-exporter/bus";
import { decodeEvent, topics, type DecodedEvent, type TopicKey } from "@data-exporter/contracts";
import { waitFor } from "@data-exporter/runtime";

const kafka = () =>
  createKafka({ brokers: (process.env.KAFKA_BROKERS ?? "").split(","), clientId: "e2e-topic-reader" });
const topicName = (namespace: string, key: TopicKey): string => `${namespace}${topics[key].name}`;

/** Every event on a (namespaced) topic up to its current end, decoded: what other services would see. */
export async function readTopic(namespace: string, key: TopicKey): Promise<(DecodedEvent & { key: string | null })[]> {
  const client = kafka();
  const admin = client.admin();
  await admin.connect();
  const name = topicName(namespace, key);
  const ends = new Map((await admin.fetchTopicOffsets(name)).map((p) => [p.partition, Number(p.high)]));
  await admin.disconnect();
  const expected = [...ends.values()].reduce((sum, n) => sum + n, 0);
  const events: (DecodedEvent & { key: string | null })[] = [];
  if (expected === 0) return events;
  const consumer = client.consumer({ groupId: `e2e-reader-${randomBytes(4).toString("hex")}`, maxWaitTimeInMs: 100 });
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
  const admin = kafka().admin();
  await admin.connect();
  const name = topicName(namespace, key);
  try {
    const ends = new Map((await admin.fetchTopicOffsets(name)).map((p) => [p.partition, Number(p.high)]));
    await waitFor(`group ${namespace}${groupId} to handle ${name}`, async () => {
      const [committed] = await admin.fetchOffsets({ groupId: `${namespace}${groupId}`, topics: [name] });
      // An empty partition has nothing to commit (its committed offset stays -1).
      const done = committed?.partitions.every((p) => {
        const end = ends.get(p.partition) ?? 0;
        return end === 0 || Number(p.offset) >= end;
      });
      return done ? true : undefined;
    });
  } finally {
    await admin.disconnect();
  }
}
