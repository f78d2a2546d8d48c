import { randomBytes } from "node:crypto";
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from "@opentelemetry/api";
import { eventHeaders } from "./headers.js";

const traceparentPattern = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/** Whether a string is a version-00 W3C traceparent. */
export function isTraceparent(value: string): boolean {
  return traceparentPattern.test(value);
}

/** A new sampled W3C traceparent starting a trace (the message is its root span). */
export function newTraceparent(): string {
  return `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-01`;
}

/** The trace id (32 hex digits) of a traceparent. */
export function traceIdOf(traceparent: string): string | undefined {
  return isTraceparent(traceparent) ? traceparent.split("-")[1] : undefined;
}

/** The parent span id (16 hex digits) of a traceparent: the span of the hop that wrote it. */
export function parentSpanIdOf(traceparent: string): string | undefined {
  return isTraceparent(traceparent) ? traceparent.split("-")[2] : undefined;
}

/**
 * The W3C traceparent of a context, through the globally registered propagator; undefined when there is none (no
 * propagator registered: the OpenTelemetry API is a no-op until a service's runtime starts tracing) or the context
 * carries no valid span.
 */
export function traceparentOf(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  const value = carrier[eventHeaders.traceparent];
  return value !== undefined && isTraceparent(value) ? value : undefined;
}

/** The context a traceparent describes (a remote parent); the root context for none or a malformed one. */
export function contextOf(traceparent: string | undefined): Context {
  if (traceparent === undefined || !isTraceparent(traceparent)) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { [eventHeaders.traceparent]: traceparent });
}

const tracer = () => trace.getTracer("@data-exporter/bus");

/** Runs `run` in a new active span, ending it with the outcome (an error is recorded and rethrown). */
export async function inSpan<T>(
  name: string,
  options: { kind: SpanKind; attributes: Attributes; parent?: Context | undefined },
  run: (span: Span) => Promise<T> | T,
): Promise<T> {
  const parent = options.parent ?? context.active();
  return tracer().startActiveSpan(
    name,
    { kind: options.kind, attributes: options.attributes },
    parent,
    async (span) => {
      try {
        return await run(span);
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** What a producer span describes (OpenTelemetry messaging semantic conventions, Kafka). */
export interface SendSpan {
  readonly topic: string;
  readonly key: string;
  readonly eventType: string;
  readonly correlationId: string;
}

/**
 * Runs a publish in a producer span, child of the active context (the consumed event being handled, a GraphQL
 * operation, a relayed outbox row), and gives it the traceparent to write: the producer span's own, so the next hop
 * continues this trace with this span as its parent. Without a registered propagator (tracing never started, as in
 * the bus's own tests) each message starts a trace of its own, as it always did.
 */
export function inSendSpan<T>(message: SendSpan, send: (traceparent: string) => Promise<T>): Promise<T> {
  const attributes: Attributes = {
    "messaging.system": "kafka",
    "messaging.operation.type": "send",
    "messaging.operation.name": "send",
    "messaging.destination.name": message.topic,
    "messaging.kafka.message.key": message.key,
    "messaging.message.conversation_id": message.correlationId,
    "data_exporter.event_type": message.eventType,
  };
  return inSpan(`send ${message.topic}`, { kind: SpanKind.PRODUCER, attributes }, () =>
    send(traceparentOf() ?? newTraceparent()),
  );
}

/** What a consumer span describes. */
export interface ProcessSpan {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly groupId: string;
  readonly eventType: string;
  readonly correlationId: string | undefined;
  readonly traceparent: string | undefined;
  readonly attempt: number;
}

/**
 * Runs a handler attempt in a consumer span whose parent is the message's traceparent, so whatever the handler
 * publishes (inSendSpan) belongs to the trace the message came with.
 */
export function inProcessSpan<T>(message: ProcessSpan, handle: () => Promise<T>): Promise<T> {
  const attributes: Attributes = {
    "messaging.system": "kafka",
    "messaging.operation.type": "process",
    "messaging.operation.name": "process",
    "messaging.destination.name": message.topic,
    "messaging.destination.partition.id": String(message.partition),
    "messaging.kafka.offset": Number(message.offset),
    "messaging.consumer.group.name": message.groupId,
    "data_exporter.event_type": message.eventType,
    "data_exporter.attempt": message.attempt,
    ...(message.key === null ? {} : { "messaging.kafka.message.key": message.key }),
    ...(message.correlationId === undefined ? {} : { "messaging.message.conversation_id": message.correlationId }),
  };
  return inSpan(
    `process ${message.topic}`,
    { kind: SpanKind.CONSUMER, attributes, parent: contextOf(message.traceparent) },
    handle,
  );
}
