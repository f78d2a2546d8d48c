import { Partitioners, type Message } from "kafkajs";
import { ensureTopics, eventHeaders, namespacedTopic, newTraceparent } from "@data-exporter/bus";
import { encodeEvent, topics } from "@data-exporter/contracts";
import { kafkaFromEnv } from "../../harness/topics.js";
import { keyOf, type MixEvent } from "./lifecycle-mix.js";

/** Messages per produce request: big enough that producing 1 M events takes seconds, not minutes. */
const SEND_BATCH = 5_000;

/** The message a real producer (EventProducer.publish) writes for an event: Avro value, its key and headers. */
export function messageOf(mixEvent: MixEvent): Message {
  const { event } = mixEvent;
  const encoded = encodeEvent(event.type, event.value as never);
  return {
    key: keyOf(mixEvent),
    value: Buffer.from(encoded.bytes.buffer, encoded.bytes.byteOffset, encoded.bytes.byteLength),
    headers: {
      [eventHeaders.eventType]: encoded.eventType,
      [eventHeaders.schemaFingerprint]: encoded.fingerprint,
      [eventHeaders.correlationId]: event.value.requestId,
      [eventHeaders.traceparent]: newTraceparent(),
    },
  };
}

/**
 * Creates the deployment's topics (as every service does at start) and publishes the mix with acks=all from one
 * idempotent producer, one request at a time so each partition keeps the order the mix gives. Returns how many
 * events were written.
 */
export async function publishMix(namespace: string, chunks: Iterable<MixEvent[]>): Promise<number> {
  const kafka = kafkaFromEnv("bench-tracker-producer");
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, Object.values(topics), { namespace });
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  let written = 0;
  try {
    const pending = { exportRequested: [] as Message[], exportLifecycle: [] as Message[] };
    const flush = async (): Promise<void> => {
      const topicMessages = (["exportRequested", "exportLifecycle"] as const)
        .filter((key) => pending[key].length > 0)
        .map((key) => ({ topic: namespacedTopic(namespace, topics[key].name), messages: pending[key].splice(0) }));
      if (topicMessages.length === 0) return;
      await producer.sendBatch({ acks: -1, topicMessages });
      written += topicMessages.reduce((sum, t) => sum + t.messages.length, 0);
    };
    for (const chunk of chunks) {
      for (const event of chunk) pending[event.topic].push(messageOf(event));
      if (pending.exportRequested.length + pending.exportLifecycle.length >= SEND_BATCH) await flush();
    }
    await flush();
  } finally {
    await producer.disconnect();
  }
  return written;
}

/** Deletes the deployment's topics (a run's million events are not kept on the stack's broker). */
export async function deleteTopics(namespace: string): Promise<void> {
  const admin = kafkaFromEnv("bench-tracker-cleanup").admin();
  await admin.connect();
  try {
    const mine = (await admin.listTopics()).filter((name) => name.startsWith(namespace));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 30_000 });
  } finally {
    await admin.disconnect();
  }
}
