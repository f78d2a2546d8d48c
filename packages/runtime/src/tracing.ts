import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  AlwaysOnSampler,
} from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { traceExportOf, type TraceExport, type TracingConfig } from "./tracing-config.js";

/** The process's tracer provider, registered globally; `shutdown` flushes what is still queued for export. */
export interface Tracing {
  readonly export: TraceExport;
  shutdown(): Promise<void>;
}

/**
 * Registers the process's tracer provider, W3C trace-context propagator and async context manager. The provider is
 * registered even when nothing is exported, because propagation needs it: every span gets real ids, so each Kafka hop
 * writes its own span as the next one's parent. OTEL_SDK_DISABLED samples nothing (spans record nothing and export
 * nothing) but still passes the incoming trace id on.
 */
export function startTracing(serviceName: string, config: TracingConfig): Tracing {
  const target = traceExportOf(config);
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.OTEL_SERVICE_NAME ?? serviceName }),
    ),
    sampler: config.OTEL_SDK_DISABLED
      ? new AlwaysOffSampler()
      : new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    spanProcessors: target.kind === "otlp" ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: target.url }))] : [],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return { export: target, shutdown: () => provider.shutdown() };
}
