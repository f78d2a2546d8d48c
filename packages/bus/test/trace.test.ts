import { describe, expect, it } from "@jest/globals";
import {
  contextOf,
  inSendSpan,
  isTraceparent,
  newTraceparent,
  parentSpanIdOf,
  traceIdOf,
  traceparentOf,
} from "../src/index.js";

describe("traceparent", () => {
  it("generates distinct valid W3C traceparents", () => {
    const a = newTraceparent();
    expect(isTraceparent(a)).toBe(true);
    expect(newTraceparent()).not.toBe(a);
  });

  it("rejects malformed or all-zero ids", () => {
    expect(isTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).toBe(true);
    expect(isTraceparent(`00-${"0".repeat(32)}-00f067aa0ba902b7-01`)).toBe(false);
    expect(isTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")).toBe(false);
    expect(isTraceparent("garbage")).toBe(false);
  });

  it("reads the trace id and the parent span id, nothing from a malformed value", () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    expect(traceIdOf(traceparent)).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(parentSpanIdOf(traceparent)).toBe("00f067aa0ba902b7");
    expect(traceIdOf("garbage")).toBeUndefined();
    expect(parentSpanIdOf("garbage")).toBeUndefined();
  });
});

// The OpenTelemetry API is a no-op until a service's runtime starts tracing (packages/runtime/test/tracing.test.ts
// covers propagation with it started): the bus must still write a valid traceparent on every message.
describe("trace context without a started tracer provider", () => {
  it("has no context to propagate, and gives every publish a new trace", async () => {
    expect(traceparentOf(contextOf("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))).toBeUndefined();
    const send = { topic: "t", key: "k", eventType: "E", correlationId: "r" };
    const [a, b] = await Promise.all([
      inSendSpan(send, (tp) => Promise.resolve(tp)),
      inSendSpan(send, (tp) => Promise.resolve(tp)),
    ]);
    expect(isTraceparent(a)).toBe(true);
    expect(traceIdOf(a)).not.toBe(traceIdOf(b));
  });
});
