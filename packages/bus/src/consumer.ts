import type { Batch, Consumer, EachBatchPayload, Kafka, KafkaMessage } from "kafkajs";
import type { DecodedEvent, EventTopicKey, TopicEvent } from "@data-exporter/contracts";
import { decodeEvent, isTopicEvent, topics } from "@data-exporter/contracts";
import { backoffDelay, isRetryable, sleep, type BackoffOptions } from "@data-exporter/retry";
import { BusError } from "./errors.js";
import type { DeadLetterKind } from "./headers.js";
import { deadLetterHeaders, eventHeaders, readHeaders } from "./headers.js";
import { checkNamespace, namespacedTopic } from "./namespace.js";
import { EventProducer } from "./producer.js";
import { inProcessSpan } from "./trace.js";

/** Where a consumed event came from, next to the event itself. */
export interface EnvelopeMeta<K extends EventTopicKey> {
  readonly topicKey: K;
  /** The namespaced topic name. */
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  /** The value's bytes as received (what a signature covers). */
  readonly payload: Buffer;
  /** Every header as a string. */
  readonly headers: Readonly<Record<string, string>>;
  /** Full Avro name of the writer schema. */
  readonly eventType: string;
  readonly correlationId: string | undefined;
  readonly traceparent: string | undefined;
}

/** A decoded event of one of the topics K, discriminated by `type` (and by `topicKey`). */
export type Envelope<K extends EventTopicKey> = { [T in K]: TopicEvent<T> & EnvelopeMeta<T> }[K];

/**
 * What a handler gets beside the event. `signal` aborts when this member is losing the partition (a rebalance
 * while the handler runs) or the consumer stops: a long handler should stop, and its message stays uncommitted for
 * whoever owns the partition next.
 */
export interface HandlerContext {
  readonly signal: AbortSignal;
}

/** Handles one event; may be sync. Throwing (or rejecting) triggers retries, unless `isRetryable` says it is pointless. */
export type EventHandler<K extends EventTopicKey> = (
  envelope: Envelope<K>,
  context: HandlerContext,
) => Promise<void> | void;

/** What a batch handler gets beside the events: the handler's context, and each event's own trace. */
export interface BatchContext extends HandlerContext {
  /** Runs `work` in `envelope`'s process span (what the handler of that one event would run in), e.g. a publish. */
  inSpanOf<T>(envelope: EnvelopeMeta<EventTopicKey>, work: () => Promise<T>): Promise<T>;
}

/**
 * Handles consecutive events of one partition at once, in their order (e.g. one database transaction for all). It
 * must do what `handler` would do for each of them in turn: throwing makes the consumer handle the same events one
 * by one with `handler` (retries and dead letters as usual), so part of a batch may be handled twice (idempotence).
 */
export type BatchHandler<K extends EventTopicKey> = (
  envelopes: readonly Envelope<K>[],
  context: BatchContext,
) => Promise<void>;

export interface EventConsumerOptions<K extends EventTopicKey> {
  readonly groupId: string;
  readonly topics: readonly K[];
  readonly handler: EventHandler<K>;
  /**
   * Handles runs of up to `maxBatchSize` decodable events of one partition at once, committing once per run; an
   * undecodable message, or a run the batch handler fails, falls back to `handler` (default: none, one by one).
   */
  readonly batchHandler?: BatchHandler<K> | undefined;
  /** Longest run given to `batchHandler` (default 500). */
  readonly maxBatchSize?: number | undefined;
  /** Prefix of every topic name, e.g. `t-3f9a.` (default none). */
  readonly namespace?: string | undefined;
  /** Handler attempts before a message is dead-lettered (default 5); an error that is not `isRetryable` gets one. */
  readonly maxAttempts?: number | undefined;
  readonly backoff?: BackoffOptions | undefined;
  /** Longest a fetch waits for data (default 250 ms; kafkajs's 5 s makes shutdown and tests slow). */
  readonly maxWaitTimeInMs?: number | undefined;
  /** Where a group without committed offsets starts (default true: earliest, so nothing published is missed). */
  readonly fromBeginning?: boolean | undefined;
  /** Partitions handled in parallel by this member (default 1); order within a partition is always kept. */
  readonly partitionsConsumedConcurrently?: number | undefined;
  readonly sessionTimeoutMs?: number | undefined;
  readonly heartbeatIntervalMs?: number | undefined;
  /** Crashes kafkajs does not restart from that are revived in-process before the consumer is dead (default 5). */
  readonly maxRevivals?: number | undefined;
  /** Delay before each revival (default 1 s doubling to 30 s). */
  readonly reviveBackoff?: BackoffOptions | undefined;
  /** Told of retries and dead letters, e.g. to count them; the consumer itself neither logs nor measures. */
  readonly observer?: ConsumerObserver | undefined;
}

/** What a consumer reports about the messages it could not handle at once. */
export interface ConsumerObserver {
  /** A handler attempt failed with a retryable error; the message is tried again after a backoff. */
  onRetry?(retry: { readonly topic: string; readonly eventType: string; readonly attempt: number }): void;
  /** A message went to the dead-letter topic. */
  onDeadLetter?(deadLetter: {
    readonly topic: string;
    readonly eventType: string;
    readonly kind: DeadLetterKind;
  }): void;
}

interface Failure {
  readonly kind: DeadLetterKind;
  readonly error: unknown;
  readonly attempts: number;
  readonly eventType: string;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" || typeof code === "number" ? String(code) : "UNKNOWN";
}

/** Heartbeat errors that mean this member's assignment is going away (as opposed to a network blip). */
const membershipErrors = new Set([
  "REBALANCE_IN_PROGRESS",
  "UNKNOWN_MEMBER_ID",
  "ILLEGAL_GENERATION",
  "FENCED_INSTANCE_ID",
]);

function losesMembership(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return typeof type === "string" && membershipErrors.has(type);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Consumer group member that decodes Avro events, calls the handler once per message in partition order, and commits
 * a message's offset only after the handler succeeded or the message was dead-lettered. A message that cannot be
 * decoded goes straight to the dead-letter topic; one whose handler keeps failing goes there after `maxAttempts`.
 */
export class EventConsumer<K extends EventTopicKey> {
  readonly #consumer: Consumer;
  readonly #deadLetters: EventProducer;
  readonly #options: EventConsumerOptions<K>;
  readonly #namespace: string;
  readonly #topicKeys: ReadonlyMap<string, K>;
  readonly #maxAttempts: number;
  readonly #stopping = new AbortController();
  #connected = false;
  #crashed: unknown;
  #revivals = 0;
  #stopped: Promise<void> | undefined;

  constructor(kafka: Kafka, options: EventConsumerOptions<K>) {
    if (options.topics.length === 0) throw new BusError("INVALID_OPTION", "a consumer needs at least one topic");
    this.#maxAttempts = options.maxAttempts ?? 5;
    if (!Number.isInteger(this.#maxAttempts) || this.#maxAttempts < 1) {
      throw new BusError("INVALID_OPTION", `maxAttempts must be a positive integer, got ${options.maxAttempts}`);
    }
    this.#options = options;
    this.#namespace = checkNamespace(options.namespace);
    this.#topicKeys = new Map(options.topics.map((key) => [namespacedTopic(this.#namespace, topics[key].name), key]));
    this.#consumer = kafka.consumer({
      groupId: options.groupId,
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 250,
      ...(options.sessionTimeoutMs === undefined ? {} : { sessionTimeout: options.sessionTimeoutMs }),
      ...(options.heartbeatIntervalMs === undefined ? {} : { heartbeatInterval: options.heartbeatIntervalMs }),
    });
    this.#deadLetters = new EventProducer(kafka, { namespace: this.#namespace });
    const { CONNECT, DISCONNECT, CRASH } = this.#consumer.events;
    this.#consumer.on(CONNECT, () => (this.#connected = true));
    this.#consumer.on(DISCONNECT, () => (this.#connected = false));
    this.#consumer.on(CRASH, (event) => {
      // kafkajs restarts after retriable crashes by itself; after the others (e.g. "Failed to find group
      // coordinator" while a broker restarts) its consumer stays stopped, so it is revived here.
      if (!event.payload.restart) void this.#revive(event.payload.error);
    });
    // A member that joined its group again is healthy: later crashes get the whole revive budget.
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, () => (this.#revivals = 0));
  }

  /**
   * Starts the stopped kafkajs consumer again after a crash it does not restart from, with backoff; after
   * `maxRevivals` crashes without joining the group in between, gives up: `isAlive()` turns false and the process
   * should be restarted (its liveness probe fails).
   */
  async #revive(error: unknown): Promise<void> {
    if (this.#stopping.signal.aborted) return;
    this.#revivals += 1;
    const logger = this.#consumer.logger();
    if (this.#revivals > (this.#options.maxRevivals ?? 5)) {
      logger.error("consumer crashed again without rejoining its group; giving up", {
        groupId: this.#options.groupId,
        error: errorMessage(error),
      });
      this.#crashed = error;
      return;
    }
    const delayMs = backoffDelay(this.#revivals, this.#options.reviveBackoff ?? { initialMs: 1000, maxMs: 30_000 });
    logger.warn("consumer crashed and stopped; starting it again", {
      groupId: this.#options.groupId,
      error: errorMessage(error),
      revival: this.#revivals,
      delayMs,
    });
    if (!(await sleep(delayMs, this.#stopping.signal))) return;
    try {
      await this.#consumer.connect();
      await this.#run();
    } catch (cause) {
      await this.#revive(cause);
    }
  }

  #run(): Promise<void> {
    return this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.#options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.#eachBatch(payload),
    });
  }

  /** Connects, subscribes and starts consuming; resolves once the consumer runs (not when it joined the group). */
  async start(): Promise<void> {
    if (this.#stopped) throw new BusError("INVALID_OPTION", "a stopped consumer cannot start again: create a new one");
    try {
      await this.#deadLetters.connect();
      await this.#consumer.connect();
      await this.#consumer.subscribe({
        topics: [...this.#topicKeys.keys()],
        fromBeginning: this.#options.fromBeginning ?? true,
      });
      await this.#run();
    } catch (cause) {
      if (cause instanceof BusError) throw cause;
      throw new BusError("NOT_CONNECTED", `consumer ${this.#options.groupId} cannot start: ${errorMessage(cause)}`, {
        cause,
        retryable: true,
      });
    }
  }

  /** Whether the consumer and its dead-letter producer are connected and the consumer has not crashed for good. */
  isConnected(): boolean {
    return this.#connected && this.#crashed === undefined && this.#deadLetters.isConnected();
  }

  /**
   * False once the consumer crashed `maxRevivals` times in a row without rejoining its group (kafkajs gave up and the
   * revivals did not help): the process should be restarted.
   */
  isAlive(): boolean {
    return this.#crashed === undefined;
  }

  /** The kafkajs consumer, for instrumentation (events such as GROUP_JOIN) and admin tasks. */
  get kafkaConsumer(): Consumer {
    return this.#consumer;
  }

  /**
   * Stops fetching, lets the in-flight handler finish and commits it, then leaves the group and disconnects.
   * A message waiting for its next retry is not committed: it is redelivered to whoever takes the partition.
   * Calling it again returns the same promise.
   */
  stop(): Promise<void> {
    this.#stopped ??= this.#shutdown();
    return this.#stopped;
  }

  async #shutdown(): Promise<void> {
    this.#stopping.abort();
    await this.#consumer.stop();
    await this.#consumer.disconnect();
    await this.#deadLetters.disconnect();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    if (this.#options.batchHandler) return this.#eachBatchInRuns(payload, this.#options.batchHandler);
    const { batch } = payload;
    for (const message of batch.messages) {
      if (!payload.isRunning() || payload.isStale() || this.#stopping.signal.aborted) return;
      const done = await this.#process(batch, message, payload);
      if (!done) return;
      await this.#commit(payload, message);
    }
  }

  /** Marks `message` (and all before it in its partition) handled: resolves and commits its offset, heartbeats. */
  async #commit(payload: EachBatchPayload, message: KafkaMessage): Promise<void> {
    const { batch } = payload;
    payload.resolveOffset(message.offset);
    await payload.commitOffsetsIfNecessary({
      topics: [
        {
          topic: batch.topic,
          partitions: [{ partition: batch.partition, offset: (BigInt(message.offset) + 1n).toString() }],
        },
      ],
    });
    await payload.heartbeat();
  }

  /**
   * Batch mode: consecutive decodable messages go to the batch handler together and are committed once; a message
   * that cannot be decoded is dead-lettered in its place, and a run the batch handler failed is handled again one
   * by one (`#process`), so what ends committed, retried or dead-lettered is what one-by-one handling gives.
   */
  async #eachBatchInRuns(payload: EachBatchPayload, batchHandler: BatchHandler<K>): Promise<void> {
    const { batch } = payload;
    const maxRun = this.#options.maxBatchSize ?? 500;
    const topicKey = this.#topicKeys.get(batch.topic) as K;
    let run: { message: KafkaMessage; envelope: Envelope<K> }[] = [];
    const flush = async (): Promise<boolean> => {
      const messages = run;
      run = [];
      if (messages.length === 0) return true;
      if (!payload.isRunning() || payload.isStale() || this.#stopping.signal.aborted) return false;
      const membership = new AbortController();
      const signal = AbortSignal.any([this.#stopping.signal, membership.signal]);
      const inSpanOf = <T>(envelope: EnvelopeMeta<EventTopicKey>, work: () => Promise<T>): Promise<T> =>
        inProcessSpan(
          {
            topic: envelope.topic,
            partition: envelope.partition,
            offset: envelope.offset,
            key: envelope.key,
            groupId: this.#options.groupId,
            eventType: envelope.eventType,
            correlationId: envelope.correlationId,
            traceparent: envelope.traceparent,
            attempt: 1,
          },
          work,
        );
      try {
        await this.#withHeartbeats(payload, membership, () =>
          batchHandler(
            messages.map((m) => m.envelope),
            { signal, inSpanOf },
          ),
        );
        await this.#commit(payload, messages.at(-1)!.message);
        return true;
      } catch {
        if (signal.aborted) return false;
        // One by one, with the usual retries and dead letters: the failing event is found and dealt with alone.
        for (const { message } of messages) {
          if (!payload.isRunning() || payload.isStale() || this.#stopping.signal.aborted) return false;
          if (!(await this.#process(batch, message, payload))) return false;
          await this.#commit(payload, message);
        }
        return true;
      }
    };
    for (const message of batch.messages) {
      const headers = readHeaders(message.headers);
      const opened = openMessage(topicKey, batch.topic, batch.partition, message, headers);
      if ("envelope" in opened) {
        run.push({ message, envelope: opened.envelope });
        if (run.length >= maxRun && !(await flush())) return;
        continue;
      }
      if (!(await flush())) return;
      if (!payload.isRunning() || payload.isStale() || this.#stopping.signal.aborted) return;
      if (!(await this.#process(batch, message, payload))) return;
      await this.#commit(payload, message);
    }
    await flush();
  }

  /** Handles or dead-letters one message; false when stopping interrupted its retries (leave it uncommitted). */
  async #process(batch: Batch, message: KafkaMessage, payload: EachBatchPayload): Promise<boolean> {
    const headers = readHeaders(message.headers);
    const eventType = headers[eventHeaders.eventType] ?? "";
    // Only subscribed topics are fetched, so the lookup always succeeds.
    const topicKey = this.#topicKeys.get(batch.topic) as K;
    const opened = openMessage(topicKey, batch.topic, batch.partition, message, headers);
    if (!("envelope" in opened)) {
      await this.#deadLetter(batch, message, headers, { ...opened, attempts: 0, eventType });
      return true;
    }
    for (let attempt = 1; ; attempt++) {
      const membership = new AbortController();
      const signal = AbortSignal.any([this.#stopping.signal, membership.signal]);
      try {
        await inProcessSpan(
          {
            topic: batch.topic,
            partition: batch.partition,
            offset: message.offset,
            key: opened.envelope.key,
            groupId: this.#options.groupId,
            eventType,
            correlationId: opened.envelope.correlationId,
            traceparent: opened.envelope.traceparent,
            attempt,
          },
          () => this.#withHeartbeats(payload, membership, () => this.#options.handler(opened.envelope, { signal })),
        );
        return true;
      } catch (error) {
        // Aborted because the partition is being taken away or we stop: not a failure of the message.
        if (signal.aborted) return false;
        if (!isRetryable(error) || attempt >= this.#maxAttempts) {
          await this.#deadLetter(batch, message, headers, {
            kind: "handler-failed",
            error,
            attempts: attempt,
            eventType,
          });
          return true;
        }
        // Heartbeat through the backoff too: a long sleep must not get the member evicted (and the attempt count
        // reset by the redelivery that follows).
        const delay = backoffDelay(attempt, this.#options.backoff);
        this.#options.observer?.onRetry?.({ topic: batch.topic, eventType, attempt });
        const slept = await this.#withHeartbeats(payload, membership, () => sleep(delay, signal));
        if (!slept || signal.aborted || !payload.isRunning() || payload.isStale()) return false;
      }
    }
  }

  /**
   * kafkajs heartbeats only between messages; a handler running longer than the session timeout (a big unload)
   * would get the member evicted and its partition handed to another, so keep heartbeating while it runs. When a
   * heartbeat says the group is rebalancing (or this member was evicted), abort `membership`: the handler stops,
   * the message stays uncommitted and the member rejoins at once, instead of holding up the whole group until the
   * rebalance timeout and then finding its commit refused while another member redoes the work.
   */
  async #withHeartbeats<T>(
    payload: EachBatchPayload,
    membership: AbortController,
    run: () => Promise<T> | T,
  ): Promise<T> {
    const timer = setInterval(() => {
      payload.heartbeat().catch((error: unknown) => {
        if (losesMembership(error)) membership.abort(error);
      });
    }, this.#options.heartbeatIntervalMs ?? 3000);
    timer.unref();
    try {
      return await run();
    } finally {
      clearInterval(timer);
    }
  }

  async #deadLetter(
    batch: Batch,
    message: KafkaMessage,
    headers: Readonly<Record<string, string>>,
    failure: Failure,
  ): Promise<void> {
    const h = deadLetterHeaders;
    try {
      await this.#deadLetters.publishRaw("deadLetter", {
        key: message.key,
        value: message.value,
        headers: {
          ...headers,
          [h.errorMessage]: errorMessage(failure.error),
          [h.errorCode]: errorCode(failure.error),
          [h.errorKind]: failure.kind,
          [h.originalTopic]: batch.topic,
          [h.originalPartition]: String(batch.partition),
          [h.originalOffset]: message.offset,
          [h.eventType]: failure.eventType,
          [h.attempts]: String(failure.attempts),
          [h.consumerGroup]: this.#options.groupId,
          [h.failedAt]: new Date().toISOString(),
        },
      });
    } catch (cause) {
      // Not committing is the safe outcome: kafkajs restarts the consumer and the message is tried again.
      throw new BusError(
        "DEAD_LETTER_FAILED",
        `cannot dead-letter ${batch.topic}/${batch.partition}@${message.offset}`,
        {
          cause,
          retryable: true,
          context: { topic: batch.topic, partition: batch.partition, offset: message.offset },
        },
      );
    }
    this.#options.observer?.onDeadLetter?.({ topic: batch.topic, eventType: failure.eventType, kind: failure.kind });
  }
}

/** Decodes a message of topic K into an envelope, or says why it cannot be handled (what goes to the DLQ). */
export function openMessage<K extends EventTopicKey>(
  topicKey: K,
  topic: string,
  partition: number,
  message: KafkaMessage,
  headers: Readonly<Record<string, string>>,
): { envelope: Envelope<K> } | { kind: DeadLetterKind; error: unknown } {
  if (message.value === null) {
    return { kind: "undecodable", error: new BusError("EMPTY_MESSAGE", "message has no value") };
  }
  let decoded: DecodedEvent;
  try {
    decoded = decodeEvent(
      { eventType: headers[eventHeaders.eventType], fingerprint: headers[eventHeaders.schemaFingerprint] },
      message.value,
    );
  } catch (error) {
    return { kind: "undecodable", error };
  }
  if (!isTopicEvent(topicKey, decoded.type)) {
    const error = new BusError("UNEXPECTED_EVENT_TYPE", `${decoded.type} is not allowed on ${topicKey}`);
    return { kind: "unexpected-event-type", error };
  }
  const envelope = {
    type: decoded.type,
    value: decoded.value,
    topicKey,
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    payload: message.value,
    headers,
    eventType: decoded.eventType,
    correlationId: headers[eventHeaders.correlationId],
    traceparent: headers[eventHeaders.traceparent],
  } as Envelope<K>;
  return { envelope };
}
