import type { IHeaders } from "kafkajs";

/** Header names of every event message (docs/architecture.md). */
export const eventHeaders = {
  eventType: "event-type",
  schemaFingerprint: "schema-fingerprint",
  correlationId: "correlation-id",
  traceparent: "traceparent",
} as const;

/** Extra headers of a dead-lettered message; the original headers are kept as they were. */
export const deadLetterHeaders = {
  errorMessage: "dlq-error-message",
  errorCode: "dlq-error-code",
  errorKind: "dlq-error-kind",
  originalTopic: "dlq-original-topic",
  originalPartition: "dlq-original-partition",
  originalOffset: "dlq-original-offset",
  eventType: "dlq-event-type",
  attempts: "dlq-attempts",
  consumerGroup: "dlq-consumer-group",
  failedAt: "dlq-failed-at",
} as const;

/** Why a message went to the dead-letter topic. */
export type DeadLetterKind = "undecodable" | "unexpected-event-type" | "handler-failed";

/** kafkajs headers as strings; a repeated header keeps its last value. */
export function readHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw.at(-1) : raw;
    if (value !== undefined) out[name] = value.toString();
  }
  return out;
}
