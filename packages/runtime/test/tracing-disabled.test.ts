import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { inProcessSpan, inSendSpan, parentSpanIdOf, traceIdOf } from "@data-exporter/bus";
import { loadTracingConfig, startTracing, type Tracing } from "../src/index.js";

describe("trace context with OTEL_SDK_DISABLED", () => {
  let tracing: Tracing;
  beforeAll(() => {
    tracing = startTracing("unit", loadTracingConfig({ OTEL_SDK_DISABLED: "true" }));
  });
  afterAll(() => tracing.shutdown());

  it("records nothing but still passes the incoming trace on, unsampled", async () => {
    const incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const message = {
      ...{ topic: "t", partition: 0, offset: "1", key: null, groupId: "g", eventType: "E" },
      ...{ correlationId: undefined, traceparent: incoming, attempt: 1 },
    };
    const published = await inProcessSpan(message, () =>
      inSendSpan({ topic: "u", key: "k", eventType: "E", correlationId: "r" }, (tp) => Promise.resolve(tp)),
    );
    expect(traceIdOf(published)).toBe(traceIdOf(incoming));
    expect(parentSpanIdOf(published)).not.toBe(parentSpanIdOf(incoming));
    expect(published.endsWith("-00")).toBe(true);
  });
});
