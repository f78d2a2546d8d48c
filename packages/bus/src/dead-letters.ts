import type { Consumer, EachMessagePayload, Kafka } from "kafkajs";
import { decodeEvent, topics, type EventTopicKey, type TypedEvent } from "@data-exporter/contracts";
import { backoffDelay, sleep } from "@data-exporter/retry";
import { BusError } from "./errors.js";
import { deadLetterHeaders, eventHeaders, readHeaders } from "./headers.js";
import { checkNamespace, namespacedTopic } from "./namespace.js";

/** One record of a topic as stored: bytes and headers untouched. */
export interface RawRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** A message on the dead-letter topic, with where it came from and why it failed. */
export interface DeadLetter {
  /** Its own position on the dead-letter topic: the id an operator names it by (`partition:offset`). */
  readonly id: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  /** The original message's bytes, unchanged. */
  readonly value: Buffer | null;
  /** The original message's own headers (event type, schema fingerprint, correlation id, traceparent). */
  readonly originalHeaders: Readonly<Record<string, string>>;
  /** The topic key of the topic it was consumed from, undefined for a topic of another deployment. */
  readonly originalTopic: EventTopicKey | undefined;
  readonly originalTopicName: string;
  readonly originalPartition: number;
  readonly originalOffset: string;
  /** The consumer group that gave up on it, without the namespace (e.g. `data-exporter.unloader`). */
  readonly consumerGroup: string;
  /** Why it was dead-lettered (a DeadLetterKind; as read from the header, so any string). */
  readonly kind: string;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly attempts: number;
  readonly failedAt: string;
}

const dlqHeaderNames = new Set<string>(Object.values(deadLetterHeaders));

/** Reads a dead-letter record of the deployment whose topics carry `namespace`. */
export function parseDeadLetter(record: RawRecord, namespace: string): DeadLetter {
  const ns = checkNamespace(namespace);
  const h = record.headers;
  const originalTopicName = h[deadLetterHeaders.originalTopic] ?? "";
  const originalTopic = (Object.keys(topics) as (keyof typeof topics)[]).find(
    (key) => key !== "deadLetter" && namespacedTopic(ns, topics[key].name) === originalTopicName,
  ) as EventTopicKey | undefined;
  const group = h[deadLetterHeaders.consumerGroup] ?? "";
  return {
    id: `${record.partition}:${record.offset}`,
    partition: record.partition,
    offset: record.offset,
    key: record.key,
    value: record.value,
    originalHeaders: Object.fromEntries(Object.entries(h).filter(([name]) => !dlqHeaderNames.has(name))),
    originalTopic,
    originalTopicName,
    originalPartition: Number(h[deadLetterHeaders.originalPartition] ?? -1),
    originalOffset: h[deadLetterHeaders.originalOffset] ?? "",
    consumerGroup: group.startsWith(ns) ? group.slice(ns.length) : group,
    kind: h[deadLetterHeaders.errorKind] ?? "",
    errorCode: h[deadLetterHeaders.errorCode] ?? "",
    errorMessage: h[deadLetterHeaders.errorMessage] ?? "",
    attempts: Number(h[deadLetterHeaders.attempts] ?? 0),
    failedAt: h[deadLetterHeaders.failedAt] ?? "",
  };
}

/** The original event, when its bytes can be decoded (not for an undecodable message). */
export function originalEvent(deadLetter: DeadLetter): TypedEvent | undefined {
  if (deadLetter.value === null) return undefined;
  try {
    const decoded = decodeEvent(
      {
        eventType: deadLetter.originalHeaders[eventHeaders.eventType],
        fingerprint: deadLetter.originalHeaders[eventHeaders.schemaFingerprint],
      },
      deadLetter.value,
    );
    return { type: decoded.type, value: decoded.value } as TypedEvent;
  } catch {
    return undefined;
  }
}

/**
 * Every record of a topic from its beginning to its end as it is when called, read without a consumer group
 * (nothing is committed), in partition then offset order.
 */
export async function readTopicToEnd(kafka: Kafka, topic: string, timeoutMs = 60_000): Promise<RawRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, number>;
  try {
    ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  } finally {
    await admin.disconnect();
  }
  const expected = [...ends.values()].reduce((sum, n) => sum + n, 0);
  if (expected === 0) return [];
  const records: RawRecord[] = [];
  const seen = new Map<number, number>();
  const consumer = kafka.consumer({ groupId: `reader-${Date.now()}-${Math.random()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachMessage: ({ partition, message }) => {
          const offset = Number(message.offset);
          if (offset < (ends.get(partition) ?? 0)) {
            records.push({
              partition,
              offset: message.offset,
              key: message.key?.toString() ?? null,
              value: message.value,
              headers: readHeaders(message.headers),
            });
            seen.set(partition, offset + 1);
          }
          if ([...ends].every(([p, end]) => (seen.get(p) ?? 0) >= end)) resolve();
          return Promise.resolve();
        },
      });
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new BusError("NOT_CONNECTED", `reading ${topic} timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await consumer.disconnect();
  }
  return records.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
}

export interface DeadLetterConsumerOptions {
  readonly groupId: string;
  readonly namespace?: string | undefined;
  readonly handler: (deadLetter: DeadLetter) => Promise<void>;
  /** Told of a handler failure; the dead letter is retried (with backoff) until it is handled. */
  readonly onError?: ((error: unknown, deadLetter: DeadLetter) => void) | undefined;
  readonly sessionTimeoutMs?: number | undefined;
}

/**
 * Consumes the dead-letter topic in a consumer group, committing each dead letter once its handler succeeded. There
 * is nowhere further to send one that keeps failing, so it is retried with capped backoff until it is handled or
 * the consumer stops (it stays uncommitted).
 */
export class DeadLetterConsumer {
  readonly #consumer: Consumer;
  readonly #options: DeadLetterConsumerOptions;
  readonly #namespace: string;
  readonly #stopping = new AbortController();
  #connected = false;
  #stopped: Promise<void> | undefined;

  constructor(kafka: Kafka, options: DeadLetterConsumerOptions) {
    this.#options = options;
    this.#namespace = checkNamespace(options.namespace);
    this.#consumer = kafka.consumer({
      groupId: options.groupId,
      maxWaitTimeInMs: 250,
      ...(options.sessionTimeoutMs === undefined ? {} : { sessionTimeout: options.sessionTimeoutMs }),
    });
    this.#consumer.on(this.#consumer.events.CONNECT, () => (this.#connected = true));
    this.#consumer.on(this.#consumer.events.DISCONNECT, () => (this.#connected = false));
  }

  async start(): Promise<void> {
    await this.#consumer.connect();
    await this.#consumer.subscribe({
      topics: [namespacedTopic(this.#namespace, topics.deadLetter.name)],
      fromBeginning: true,
    });
    await this.#consumer.run({
      autoCommit: false,
      eachMessage: async (payload: EachMessagePayload) => {
        const { topic, partition, message } = payload;
        const deadLetter = parseDeadLetter(
          {
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            value: message.value,
            headers: readHeaders(message.headers),
          },
          this.#namespace,
        );
        for (let attempt = 1; ; attempt++) {
          try {
            await this.#options.handler(deadLetter);
            break;
          } catch (error) {
            this.#options.onError?.(error, deadLetter);
            if (!(await sleep(backoffDelay(attempt, { initialMs: 500, maxMs: 30_000 }), this.#stopping.signal))) return;
            await payload.heartbeat();
          }
        }
        await this.#consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
      },
    });
  }

  isConnected(): boolean {
    return this.#connected;
  }

  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#stopping.abort();
      await this.#consumer.stop();
      await this.#consumer.disconnect();
    })();
    return this.#stopped;
  }
}
