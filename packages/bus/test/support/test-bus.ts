import { randomUUID } from "node:crypto";
import type { Kafka, KafkaMessage } from "kafkajs";
import { Partitioners } from "kafkajs";
import type { EventTopicKey, TopicKey } from "@data-exporter/contracts";
import { topics } from "@data-exporter/contracts";
import type { EventConsumerOptions } from "../../src/index.js";
import { EventConsumer, EventProducer, createKafka, ensureTopics, namespacedTopic } from "../../src/index.js";

export function brokers(): string[] {
  const value = process.env["KAFKA_BROKERS"];
  if (!value)
    throw new Error("KAFKA_BROKERS is not set: run the integration project (jest global setup starts the stack)");
  return value.split(",");
}

/** A random topic namespace, so each test has topics of its own on the shared broker. */
export function randomNamespace(): string {
  return `t-${randomUUID().slice(0, 8)}.`;
}

export interface RawRecord {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
}

/**
 * Everything a bus test needs under one fresh namespace: topics created, and every producer, consumer and reader
 * it hands out closed by `close()` (call it from afterEach).
 */
export class TestBus {
  readonly namespace = randomNamespace();
  readonly kafka: Kafka = createKafka({ brokers: brokers(), clientId: "bus-test" });
  readonly #closers: (() => Promise<void>)[] = [];

  async createTopics(keys: readonly TopicKey[] = Object.keys(topics) as TopicKey[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(
        admin,
        keys.map((key) => topics[key]),
        { namespace: this.namespace },
      );
    } finally {
      await admin.disconnect();
    }
  }

  topic(key: TopicKey): string {
    return namespacedTopic(this.namespace, topics[key].name);
  }

  async producer(): Promise<EventProducer> {
    const producer = new EventProducer(this.kafka, { namespace: this.namespace });
    await producer.connect();
    this.#closers.push(() => producer.disconnect());
    return producer;
  }

  /** A plain kafkajs producer for writing what the typed one refuses to (poison messages). */
  async rawProducer() {
    const producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    this.#closers.push(() => producer.disconnect());
    return producer;
  }

  async consumer<K extends EventTopicKey>(
    options: Omit<EventConsumerOptions<K>, "namespace" | "groupId"> & { groupId?: string },
  ): Promise<EventConsumer<K>> {
    const consumer = new EventConsumer(this.kafka, {
      maxWaitTimeInMs: 100,
      groupId: `g-${randomUUID()}`,
      ...options,
      namespace: this.namespace,
    });
    this.#closers.push(() => consumer.stop());
    await consumer.start();
    return consumer;
  }

  /** Collects every record of a topic from the beginning (e.g. the dead-letter topic). */
  async reader(key: TopicKey): Promise<RawRecord[]> {
    const records: RawRecord[] = [];
    const consumer = this.kafka.consumer({ groupId: `r-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic(key), fromBeginning: true });
    await consumer.run({
      eachMessage: ({ topic, partition, message }) => {
        records.push({ topic, partition, message });
        return Promise.resolve();
      },
    });
    this.#closers.push(() => consumer.disconnect());
    return records;
  }

  async close(): Promise<void> {
    const closers = this.#closers.splice(0).reverse();
    for (const close of closers) await close();
  }
}
