import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { inProcessSpan, inSendSpan, parentSpanIdOf, traceIdOf } from "@data-exporter/bus";
import {
  currentTraceparent,
  loadTracingConfig,
  startTracing,
  traceCalls,
  traceExportOf,
  withSpan,
  withTraceparent,
  type Tracing,
} from "../src/index.js";

const incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const incomingTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

const message = (traceparent: string | undefined) => ({
  topic: "t.export-requested",
  partition: 0,
  offset: "7",
  key: "r1",
  groupId: "g",
  eventType: "ExportRequested",
  correlationId: "r1",
  traceparent,
  attempt: 1,
});
const send = { topic: "t.export-lifecycle", key: "r1", eventType: "ExportPlanned", correlationId: "r1" };

describe("traceExportOf", () => {
  it("exports nothing unless an exporter or an endpoint is configured", () => {
    expect(traceExportOf(loadTracingConfig({}))).toEqual({ kind: "none" });
    expect(traceExportOf(loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318/" }))).toEqual({
      kind: "otlp",
      url: "http://c:4318/v1/traces",
    });
    expect(traceExportOf(loadTracingConfig({ OTEL_TRACES_EXPORTER: "otlp" }))).toEqual({
      kind: "otlp",
      url: "http://localhost:4318/v1/traces",
    });
    const both = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://t/x" };
    expect(traceExportOf(loadTracingConfig(both))).toEqual({ kind: "otlp", url: "http://t/x" });
    for (const off of [{ OTEL_TRACES_EXPORTER: "none" }, { OTEL_SDK_DISABLED: "true" }])
      expect(traceExportOf(loadTracingConfig({ ...off, OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318" }))).toEqual({
        kind: "none",
      });
  });

  it("names every bad tracing variable", () => {
    expect(() =>
      loadTracingConfig({
        OTEL_TRACES_EXPORTER: "jaeger",
        OTEL_EXPORTER_OTLP_ENDPOINT: "not a url",
        OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
      }),
    ).toThrow(/OTEL_TRACES_EXPORTER[\s\S]*OTEL_EXPORTER_OTLP_ENDPOINT[\s\S]*OTEL_EXPORTER_OTLP_PROTOCOL/);
  });
});

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
}

/** A tiny OTLP/HTTP (JSON) receiver: what the exporter posts, as spans, with the service name of each. */
async function startReceiver(): Promise<{
  server: Server;
  url: string;
  spans: (ExportedSpan & { service: string })[];
}> {
  const spans: (ExportedSpan & { service: string })[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as {
        resourceSpans: {
          resource: { attributes: { key: string; value: { stringValue?: string } }[] };
          scopeSpans: { spans: ExportedSpan[] }[];
        }[];
      };
      for (const { resource, scopeSpans } of body.resourceSpans) {
        const service = resource.attributes.find((a) => a.key === "service.name")?.value.stringValue ?? "";
        for (const scope of scopeSpans) for (const span of scope.spans) spans.push({ ...span, service });
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans };
}

describe("trace context with a started tracer provider", () => {
  let tracing: Tracing;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    tracing = startTracing("unit", loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }));
  });
  afterAll(async () => {
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  it("continues a consumed event's trace in what its handler publishes, each hop with its own parent span", async () => {
    let processing: string | undefined;
    const published = await inProcessSpan(message(incoming), async () => {
      processing = currentTraceparent();
      return inSendSpan(send, (traceparent) => Promise.resolve(traceparent));
    });
    expect(traceIdOf(processing ?? "")).toBe(incomingTraceId);
    expect(traceIdOf(published)).toBe(incomingTraceId);
    const spanIds = new Set([parentSpanIdOf(incoming), parentSpanIdOf(processing ?? ""), parentSpanIdOf(published)]);
    expect(spanIds.size).toBe(3);
  });

  it("starts a new trace for a publish outside any trace, and for an event that came without one", async () => {
    const alone = await inSendSpan(send, (traceparent) => Promise.resolve(traceparent));
    const fromUntraced = await inProcessSpan(message(undefined), () =>
      inSendSpan(send, (traceparent) => Promise.resolve(traceparent)),
    );
    expect(traceIdOf(alone)).toMatch(/^[0-9a-f]{32}$/);
    expect(traceIdOf(fromUntraced)).toMatch(/^[0-9a-f]{32}$/);
    expect(traceIdOf(alone)).not.toBe(traceIdOf(fromUntraced));
  });

  it("publishes stored work (the planner's outbox) in the trace it was queued in", async () => {
    const stored = await withSpan("queue", {}, () => currentTraceparent());
    const relayed = await withTraceparent(stored, () => inSendSpan(send, (tp) => Promise.resolve(tp)));
    expect(traceIdOf(relayed)).toBe(traceIdOf(stored ?? ""));
    expect(parentSpanIdOf(relayed)).not.toBe(parentSpanIdOf(stored ?? ""));
    // A row queued before tracing existed relays in a trace of its own.
    expect(traceIdOf(await withTraceparent(null, () => inSendSpan(send, (tp) => Promise.resolve(tp))))).not.toBe(
      traceIdOf(stored ?? ""),
    );
  });

  it("traces a port's calls as children of the active span, passing results, errors and private state through", async () => {
    class Store {
      readonly #secret = 41;
      get(key: string): Promise<number> {
        return Promise.resolve(key === "missing" ? Promise.reject(new Error("no such key")) : this.#secret + 1);
      }
      close(): void {}
    }
    const traced = traceCalls(new Store(), (method, [key]) =>
      method === "get" ? { name: `Store.get ${String(key)}`, kind: "client" } : undefined,
    );
    await withTraceparent(incoming, async () => {
      expect(await traced.get("k")).toBe(42);
      await expect(traced.get("missing")).rejects.toThrow("no such key");
    });
    expect(traced.close()).toBeUndefined();
  });

  it("exports the spans to the OTLP endpoint, in the incoming trace and under the service's name", async () => {
    await tracing.shutdown();
    const inTrace = receiver.spans.filter((span) => span.traceId === incomingTraceId);
    expect(inTrace.map((span) => span.name)).toEqual(
      expect.arrayContaining(["process t.export-requested", "send t.export-lifecycle", "Store.get k"]),
    );
    expect(new Set(inTrace.map((span) => span.service))).toEqual(new Set(["unit"]));
    const processSpan = inTrace.find((span) => span.name === "process t.export-requested");
    expect(processSpan?.parentSpanId).toBe(parentSpanIdOf(incoming));
  });
});
