import {
  createKafka,
  describeKafkaSecurity,
  ensureTopics,
  EventConsumer,
  EventProducer,
  type EventConsumerOptions,
} from "@data-exporter/bus";
import { topics, type EventTopicKey } from "@data-exporter/contracts";
import type { Kafka } from "kafkajs";
import { retryWithin } from "@data-exporter/retry";
import type { AsyncResourceStack } from "./disposable-stack.js";
import { kafkaSecurityOf, type KafkaSecurityVars } from "./kafka-security-config.js";
import type { Logger } from "./logger.js";
import { livenessChecks } from "./liveness.js";
import { runtimeMetrics } from "./runtime-metrics.js";

/** The Kafka variables (`kafkaEnv`), as parsed. */
export interface BusConfig extends KafkaSecurityVars {
  readonly KAFKA_BROKERS: readonly string[];
  readonly KAFKA_CLIENT_ID: string;
  readonly TOPIC_NAMESPACE: string;
}

/** The consumer variables (`consumerEnv`), as parsed: their defaults live in the schema only. */
export interface ConsumerConfig {
  readonly HANDLER_MAX_ATTEMPTS: number;
  readonly HANDLER_RETRY_MAX_MS: number;
  readonly KAFKA_SESSION_TIMEOUT_MS: number;
  readonly CONSUMER_LAG_INTERVAL_MS: number;
}

export interface Bus {
  readonly kafka: Kafka;
  readonly producer: EventProducer;
  readonly config: BusConfig;
  readonly log: Logger;
}

/**
 * Connects to Kafka, creates or verifies every topic of the project, and connects an idempotent producer whose
 * close is deferred on the service's resource stack.
 */
export async function connectBus(
  config: BusConfig,
  log: Logger,
  resources: AsyncResourceStack,
  clientId: string,
): Promise<Bus> {
  const security = kafkaSecurityOf(config);
  log.info({ brokers: config.KAFKA_BROKERS, security: describeKafkaSecurity(security) }, "kafka connection");
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: `${config.KAFKA_CLIENT_ID}.${clientId}`,
    logger: log,
    logLevel: "warn",
    security,
  });
  // Services start together, often right after the broker: topic creation by one races metadata reads of another
  // ("does not host this topic-partition"). Those are retryable; keep trying for a while before failing start-up.
  await retryWithin(
    START_RETRY_MS,
    async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const result = await ensureTopics(admin, Object.values(topics), { namespace: config.TOPIC_NAMESPACE });
        if (result.created.length > 0) log.info({ topics: result.created }, "created topics");
        for (const drift of result.drift) log.warn({ drift }, "topic configuration differs from its definition");
      } finally {
        await admin.disconnect();
      }
    },
    { onRetry: (error, delayMs) => log.warn({ err: error, delayMs }, "topic set-up failed; retrying") },
  );
  const producer = new EventProducer(kafka, { namespace: config.TOPIC_NAMESPACE });
  await producer.connect();
  resources.defer(() => producer.disconnect());
  return { kafka, producer, config, log };
}

/** How long start-up keeps retrying a retryable Kafka failure before the service gives up (and is restarted). */
const START_RETRY_MS = 60_000;

/**
 * Starts what `create` makes (a consumer), retrying a retryable failure with a fresh one for START_RETRY_MS: right
 * after topics are created, a consumer's first metadata read can still miss them.
 */
export async function startRetrying<T extends { start(): Promise<void>; stop(): Promise<void> }>(
  log: Pick<Logger, "warn">,
  what: string,
  create: () => T,
): Promise<T> {
  return retryWithin(
    START_RETRY_MS,
    async () => {
      const started = create();
      try {
        await started.start();
        return started;
      } catch (error) {
        await started.stop().catch(() => undefined);
        throw error;
      }
    },
    { onRetry: (error, delayMs) => log.warn({ err: error, delayMs }, `${what} could not start; retrying`) },
  );
}

/**
 * Starts a consumer; stopping it (finish the in-flight message, commit, leave the group) is deferred. Retryable
 * handler failures are retried with capped backoff (HANDLER_MAX_ATTEMPTS) unless the options say otherwise.
 */
export async function startConsumer<K extends EventTopicKey>(
  bus: Bus,
  service: { readonly resources: AsyncResourceStack; readonly config: ConsumerConfig },
  options: Omit<EventConsumerOptions<K>, "namespace">,
): Promise<EventConsumer<K>> {
  const { resources, config } = service;
  const namespace = bus.config.TOPIC_NAMESPACE;
  // Metric labels name topics without the deployment's namespace, like the lag's.
  const plainTopic = (topic: string): string => (topic.startsWith(namespace) ? topic.slice(namespace.length) : topic);
  const consumer = await startRetrying(
    bus.log,
    `consumer ${options.groupId}`,
    () =>
      new EventConsumer<K>(bus.kafka, {
        maxAttempts: config.HANDLER_MAX_ATTEMPTS,
        backoff: { initialMs: 200, maxMs: config.HANDLER_RETRY_MAX_MS, jitter: 0.5 },
        ...sessionOptions(config.KAFKA_SESSION_TIMEOUT_MS),
        ...options,
        handler: async (envelope, context) => {
          const labels = { group: options.groupId, event_type: envelope.type };
          const stopTimer = runtimeMetrics.handlerDuration.startTimer(labels);
          runtimeMetrics.handlersInFlight.inc();
          try {
            await options.handler(envelope, context);
            runtimeMetrics.eventsHandled.inc(labels);
          } catch (error) {
            runtimeMetrics.handlerFailures.inc(labels);
            throw error;
          } finally {
            runtimeMetrics.handlersInFlight.dec();
            stopTimer();
          }
        },
        ...(options.batchHandler === undefined
          ? {}
          : {
              batchHandler: async (envelopes, context) => {
                const batchHandler = options.batchHandler!;
                runtimeMetrics.handlersInFlight.inc();
                try {
                  await batchHandler(envelopes, context);
                  for (const envelope of envelopes)
                    runtimeMetrics.eventsHandled.inc({ group: options.groupId, event_type: envelope.type });
                } finally {
                  // A failed batch is handled again one by one: its failures are counted there, per event.
                  runtimeMetrics.handlersInFlight.dec();
                }
              },
            }),
        observer: {
          onRetry: ({ topic }) =>
            runtimeMetrics.handlerRetries.inc({ group: options.groupId, topic: plainTopic(topic) }),
          onDeadLetter: ({ topic, kind }) =>
            runtimeMetrics.deadLetters.inc({ group: options.groupId, topic: plainTopic(topic), kind }),
        },
        // Groups are namespaced like topics: deployments sharing a broker must never share a group.
        groupId: `${bus.config.TOPIC_NAMESPACE}${options.groupId}`,
        namespace: bus.config.TOPIC_NAMESPACE,
      }),
  );
  resources.defer(() => consumer.stop());
  livenessChecks.set(`consumer:${options.groupId}`, () => consumer.isAlive());
  const lagTimer = setInterval(
    () => void measureLag(bus, options.groupId, options.topics),
    config.CONSUMER_LAG_INTERVAL_MS,
  );
  lagTimer.unref();
  resources.defer(() => clearInterval(lagTimer));
  return consumer;
}

/**
 * Records the consumer lag of each partition: messages the group has not committed yet, the number an operator
 * watches to see work queue up. Measured in the background so /metrics never waits on Kafka. Labels carry the
 * group and topic without the deployment's namespace, so dashboards read the same in every deployment.
 */
async function measureLag(bus: Bus, group: string, topicKeys: readonly EventTopicKey[]): Promise<void> {
  const admin = bus.kafka.admin();
  try {
    await admin.connect();
    for (const key of topicKeys) {
      const topic = `${bus.config.TOPIC_NAMESPACE}${topics[key].name}`;
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({
        groupId: `${bus.config.TOPIC_NAMESPACE}${group}`,
        topics: [topic],
      });
      const position = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
      for (const p of ends) {
        const lag = Math.max(0, Number(p.high) - Math.max(0, position.get(p.partition) ?? 0));
        runtimeMetrics.consumerLag.set({ group, topic: topics[key].name, partition: String(p.partition) }, lag);
      }
    }
  } catch {
    // A missed measurement keeps the previous value; the consumer's own errors are reported elsewhere.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** kafkajs wants heartbeats well inside the session timeout: a third of it, at most its default 3 s. */
function sessionOptions(sessionTimeoutMs: number): { sessionTimeoutMs: number; heartbeatIntervalMs: number } {
  return { sessionTimeoutMs, heartbeatIntervalMs: Math.min(3000, Math.floor(sessionTimeoutMs / 3)) };
}
