export { aclEntries, grantAcls } from "./acls.js";
export type {
  BatchContext,
  BatchHandler,
  ConsumerObserver,
  Envelope,
  EnvelopeMeta,
  EventConsumerOptions,
  EventHandler,
  HandlerContext,
} from "./consumer.js";
export { EventConsumer } from "./consumer.js";
export type { BusErrorCode, BusErrorOptions, TopicDrift } from "./errors.js";
export { BusError, TopicDriftError, busErrorCodes } from "./errors.js";
export {
  DeadLetterConsumer,
  originalEvent,
  parseDeadLetter,
  readTopicToEnd,
  type DeadLetter,
  type DeadLetterConsumerOptions,
  type RawRecord,
} from "./dead-letters.js";
export type { DeadLetterKind } from "./headers.js";
export { deadLetterHeaders, eventHeaders } from "./headers.js";
export type { KafkaConnectionOptions } from "./kafka.js";
export { createKafka } from "./kafka.js";
export type { KafkaSasl, KafkaSecurity, KafkaTls, MskTokenSigner } from "./kafka-security.js";
export { describeKafkaSecurity, kafkaSecurityConfig } from "./kafka-security.js";
export type { BusLogger, BusLogLevel } from "./logger.js";
export { namespacedTopic } from "./namespace.js";
export type {
  EventProducerOptions,
  MessageSigner,
  OutgoingMessage,
  PublishOptions,
  PublishReceipt,
  RawMessage,
} from "./producer.js";
export { EventProducer } from "./producer.js";
export type { EnsureTopicsOptions, EnsureTopicsResult, TopicAdmin } from "./topic-admin.js";
export { ensureTopics } from "./topic-admin.js";
export type { PartitionExtent, ReplayedEvent, ReplayOptions, ReplayResult, SkippedRecord } from "./topic-replay.js";
export { replayTopic, topicExtents } from "./topic-replay.js";
export {
  contextOf,
  inProcessSpan,
  inSendSpan,
  inSpan,
  isTraceparent,
  newTraceparent,
  parentSpanIdOf,
  traceIdOf,
  traceparentOf,
  type ProcessSpan,
  type SendSpan,
} from "./trace.js";
