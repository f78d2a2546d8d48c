import { describe, expect, it } from "@jest/globals";
import { classifyAnswer, dueCount, summariseLoad, type Sample } from "../api/load-summary.js";

describe("dueCount", () => {
  it("has request i due at i / rate seconds, the first at once, never more than the total", () => {
    expect(dueCount(0, 500, 100)).toBe(1);
    expect(dueCount(1.9, 500, 100)).toBe(1);
    expect(dueCount(2, 500, 100)).toBe(2);
    expect(dueCount(1000, 50, 1000)).toBe(51);
    expect(dueCount(60_000, 500, 100)).toBe(100);
    expect(dueCount(-1, 500, 100)).toBe(0);
    expect(() => dueCount(0, 0, 1)).toThrow(RangeError);
  });
});

describe("summariseLoad", () => {
  const sample = (i: number, latencyMs: number, outcome: Sample["outcome"] = "ok", lagMs = 0): Sample => ({
    dueMs: i * 10,
    lagMs,
    latencyMs,
    outcome,
  });

  it("takes latency percentiles of the successful requests only, and counts the failures by kind", () => {
    const samples = [
      ...Array.from({ length: 98 }, (_, i) => sample(i, i + 1)),
      sample(98, 10_000, "transport_error"),
      sample(99, 9_000, "graphql_error", 4),
      sample(100, 5, "http_error"),
    ];
    const summary = summariseLoad(samples);
    expect(summary).toMatchObject({ sent: 101, ok: 98, httpErrors: 1, graphqlErrors: 1, transportErrors: 1 });
    // Nearest rank over the 98 ok latencies 1..98.
    expect(summary.p50Ms).toBe(49);
    expect(summary.p99Ms).toBe(98);
    expect(summary.maxMs).toBe(98);
    expect(summary.lagP99Ms).toBe(0);
  });

  it("measures the rate actually sent from the first send to the last, lag included", () => {
    // 11 requests due every 10 ms, the last one 100 ms late: 10 intervals over 200 ms.
    const samples = Array.from({ length: 11 }, (_, i) => sample(i, 1, "ok", i === 10 ? 100 : 0));
    expect(summariseLoad(samples).achievedRate).toBe(50);
  });

  it("has no latency when nothing succeeded", () => {
    const summary = summariseLoad([sample(0, 3, "http_error")]);
    expect(summary).toMatchObject({ ok: 0, p50Ms: null, p99Ms: null, maxMs: null, achievedRate: 0 });
  });
});

describe("classifyAnswer", () => {
  const hasId = (data: unknown): boolean => typeof (data as { id?: unknown } | null)?.id === "string";

  it("is ok only for a 2xx without errors whose data passes the check", () => {
    expect(classifyAnswer(200, '{"data":{"id":"x"}}', hasId)).toBe("ok");
    expect(classifyAnswer(200, '{"data":{"id":null}}', hasId)).toBe("graphql_error");
    expect(classifyAnswer(200, '{"data":null,"errors":[{"message":"quota"}]}', hasId)).toBe("graphql_error");
    expect(classifyAnswer(200, "<html>", hasId)).toBe("graphql_error");
    expect(classifyAnswer(401, '{"errors":[{"message":"no"}]}', hasId)).toBe("http_error");
    expect(classifyAnswer(503, "", hasId)).toBe("http_error");
  });
});
