import type { Kafka, Producer } from "kafkajs";
import { Partitioners } from "kafkajs";
import type { EventTopicKey, TopicEvent } from "@data-exporter/contracts";
import { encodeEvent, messageKey, topics } from "@data-exporter/contracts";
import { BusError } from "./errors.js";
import { eventHeaders } from "./headers.js";
import { checkNamespace, namespacedTopic } from "./namespace.js";
import { inSendSpan, isTraceparent } from "./trace.js";

export interface EventProducerOptions {
  /** Prefix of every topic name, e.g. `t-3f9a.` (default none). */
  readonly namespace?: string | undefined;
}

export interface PublishOptions {
  /** Message key; defaults to the topic's key rule (`messageKey` of @data-exporter/contracts). */
  readonly key?: string | undefined;
  /** Defaults to the event's requestId. */
  readonly correlationId?: string | undefined;
  /**
   * W3C traceparent to write as it is; when absent, the publish's producer span (a child of the active trace
   * context, or a new trace) gives it.
   */
  readonly traceparent?: string | undefined;
  /** Adds headers computed from the message as written (a signature over its exact bytes). */
  readonly sign?: MessageSigner | undefined;
}

/** A message as it goes to the broker: the namespaced topic, key, event headers and encoded bytes. */
export interface OutgoingMessage {
  readonly topic: string;
  readonly key: string;
  readonly eventType: string;
  readonly schemaFingerprint: string;
  readonly payload: Uint8Array;
}

/** Returns the headers to add to a message (e.g. its signature). */
export type MessageSigner = (message: OutgoingMessage) => Promise<Readonly<Record<string, string>>>;

/** Where the broker stored a published event. */
export interface PublishReceipt {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly eventType: string;
  readonly correlationId: string;
  readonly traceparent: string;
}

/** A raw message the bus writes itself (dead letters): bytes and headers are passed through untouched. */
export interface RawMessage {
  readonly key: Buffer | string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string | Buffer>>;
}

/**
 * Typed, idempotent Avro producer. `publish` resolves once every in-sync replica has the message (acks=all); with
 * one in-flight request per connection the broker keeps a producer's messages in send order.
 */
export class EventProducer {
  readonly #producer: Producer;
  readonly #namespace: string;
  #connected = false;

  constructor(kafka: Kafka, options: EventProducerOptions = {}) {
    this.#namespace = checkNamespace(options.namespace);
    this.#producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.#producer.on(this.#producer.events.CONNECT, () => (this.#connected = true));
    this.#producer.on(this.#producer.events.DISCONNECT, () => (this.#connected = false));
  }

  async connect(): Promise<void> {
    try {
      await this.#producer.connect();
    } catch (cause) {
      throw new BusError("NOT_CONNECTED", `producer cannot connect: ${(cause as Error).message}`, {
        cause,
        retryable: true,
      });
    }
  }

  /** Whether the producer is connected (for /readyz). */
  isConnected(): boolean {
    return this.#connected;
  }

  /** The namespaced topic name of a topic key. */
  topicName(topic: keyof typeof topics): string {
    return namespacedTopic(this.#namespace, topics[topic].name);
  }

  /** Encodes and publishes one event; InvalidEventError for a value that breaks the schema, BusError otherwise. */
  async publish<K extends EventTopicKey>(
    topic: K,
    event: TopicEvent<K>,
    options: PublishOptions = {},
  ): Promise<PublishReceipt> {
    const encoded = encodeEvent(event.type, event.value);
    if (options.traceparent !== undefined && !isTraceparent(options.traceparent)) {
      throw new BusError("INVALID_OPTION", `not a W3C traceparent: ${options.traceparent}`);
    }
    const key = options.key ?? messageKey(topic, event);
    const correlationId = options.correlationId ?? event.value.requestId;
    const name = this.topicName(topic);
    const signature =
      options.sign === undefined
        ? {}
        : await options.sign({
            topic: name,
            key,
            eventType: encoded.eventType,
            schemaFingerprint: encoded.fingerprint,
            payload: encoded.bytes,
          });
    const send = async (traceparent: string) => {
      const [metadata] = await this.#send(name, {
        key,
        value: Buffer.from(encoded.bytes.buffer, encoded.bytes.byteOffset, encoded.bytes.byteLength),
        headers: {
          [eventHeaders.eventType]: encoded.eventType,
          [eventHeaders.schemaFingerprint]: encoded.fingerprint,
          [eventHeaders.correlationId]: correlationId,
          [eventHeaders.traceparent]: traceparent,
          ...signature,
        },
      });
      return { metadata, traceparent };
    };
    const { metadata, traceparent } =
      options.traceparent === undefined
        ? await inSendSpan({ topic: name, key, eventType: encoded.eventType, correlationId }, send)
        : await send(options.traceparent);
    return {
      topic: name,
      partition: metadata?.partition ?? -1,
      offset: metadata?.baseOffset ?? metadata?.offset ?? "",
      key,
      eventType: encoded.eventType,
      correlationId,
      traceparent,
    };
  }

  /** Writes a raw message to a namespaced topic; used for dead letters. */
  async publishRaw(topic: keyof typeof topics, message: RawMessage): Promise<void> {
    await this.#send(this.topicName(topic), { ...message, headers: { ...message.headers } });
  }

  async #send(
    topic: string,
    message: { key: Buffer | string | null; value: Buffer | null; headers: Record<string, string | Buffer> },
  ) {
    try {
      return await this.#producer.send({ topic, acks: -1, messages: [message] });
    } catch (cause) {
      throw new BusError("PUBLISH_FAILED", `publish to ${topic} failed: ${(cause as Error).message}`, {
        cause,
        retryable: true,
        context: { topic },
      });
    }
  }

  async disconnect(): Promise<void> {
    await this.#producer.disconnect();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.disconnect();
  }
}
