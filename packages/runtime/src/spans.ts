import { context, SpanKind, trace, type Attributes } from "@opentelemetry/api";
import { contextOf, inSpan, traceparentOf } from "@data-exporter/bus";

export type { Attributes as SpanAttributes } from "@opentelemetry/api";

/** The kinds of span a service starts itself (messaging spans are the bus's). */
export type SpanKindName = "internal" | "server" | "client";

const kinds: Record<SpanKindName, SpanKind> = {
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
};

/** What a running span lets its caller add once it knows more (a GraphQL operation's name, say). */
export interface SpanHandle {
  setAttributes(attributes: Attributes): unknown;
  updateName(name: string): unknown;
}

export interface SpanOptions {
  readonly kind?: SpanKindName | undefined;
  readonly attributes?: Attributes | undefined;
  /** A remote parent (an incoming `traceparent` header) to continue instead of the active context. */
  readonly traceparent?: string | undefined;
}

/**
 * Runs `run` in a new active span (a child of the active context, or of `traceparent`), ending it with the outcome:
 * an error is recorded on the span and rethrown.
 */
export function withSpan<T>(name: string, options: SpanOptions, run: (span: SpanHandle) => Promise<T> | T): Promise<T> {
  return inSpan(
    name,
    {
      kind: kinds[options.kind ?? "internal"],
      attributes: options.attributes ?? {},
      parent: options.traceparent === undefined ? undefined : contextOf(options.traceparent),
    },
    run,
  );
}

/** The active context's W3C traceparent (to store with work that is published later), if there is one. */
export function currentTraceparent(): string | undefined {
  return traceparentOf();
}

/** Runs `run` with a stored traceparent as the active context, so what it publishes continues that trace. */
export function withTraceparent<T>(traceparent: string | null | undefined, run: () => T): T {
  return context.with(contextOf(traceparent ?? undefined), run);
}

/** The active span, to name it once more is known (a GraphQL operation after parsing); undefined outside one. */
export function activeSpan(): SpanHandle | undefined {
  return trace.getActiveSpan();
}
