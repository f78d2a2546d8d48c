import { z } from "zod";
import { env, loadConfig, type Env } from "./config.js";

/**
 * The standard OpenTelemetry variables the runtime honours (validated at start-up like every other variable).
 * Tracing exports nothing unless asked: OTEL_TRACES_EXPORTER=otlp, or an OTLP endpoint with no exporter named.
 */
export const tracingEnvSchema = z.object({
  /** true: no span is recorded or exported (the trace context is still passed on with each event). */
  OTEL_SDK_DISABLED: env.bool().default(false),
  /** The service's name on its spans; default: the service's own name (request-api, planner, …). */
  OTEL_SERVICE_NAME: env.string().optional(),
  /** otlp: export spans over OTLP/HTTP; none: do not; unset: export only when an OTLP endpoint is set. */
  OTEL_TRACES_EXPORTER: z.enum(["otlp", "none"], { message: "must be otlp or none" }).optional(),
  /** Base URL of an OTLP/HTTP collector; traces go to `<it>/v1/traces`. */
  OTEL_EXPORTER_OTLP_ENDPOINT: env.url().optional(),
  /** The full traces URL, used as it is (wins over OTEL_EXPORTER_OTLP_ENDPOINT). */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: env.url().optional(),
  /** Only OTLP over HTTP is built in (JSON bodies). */
  OTEL_EXPORTER_OTLP_PROTOCOL: z
    .enum(["http/json", "http/protobuf"], { message: "must be http/json or http/protobuf (grpc is not built in)" })
    .optional(),
});

export type TracingConfig = Readonly<z.infer<typeof tracingEnvSchema>>;

/** Parses the tracing variables; ConfigError names every bad one. */
export function loadTracingConfig(source: Env): TracingConfig {
  return loadConfig(tracingEnvSchema, source);
}

/** Where spans go: an OTLP/HTTP traces URL, or nowhere (context is still propagated). */
export type TraceExport = { readonly kind: "otlp"; readonly url: string } | { readonly kind: "none" };

const defaultOtlpTracesUrl = "http://localhost:4318/v1/traces";

/** Decides the span exporter from the variables, as the OpenTelemetry specification describes them. */
export function traceExportOf(config: TracingConfig): TraceExport {
  if (config.OTEL_SDK_DISABLED || config.OTEL_TRACES_EXPORTER === "none") return { kind: "none" };
  const base = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  const url =
    config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (base === undefined ? undefined : `${base.replace(/\/+$/, "")}/v1/traces`);
  if (config.OTEL_TRACES_EXPORTER === "otlp") return { kind: "otlp", url: url ?? defaultOtlpTracesUrl };
  return url === undefined ? { kind: "none" } : { kind: "otlp", url };
}
