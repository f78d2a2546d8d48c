import { describe, expect, it } from "@jest/globals";
import { Metrics } from "../src/index.js";

describe("Metrics", () => {
  it("adds counters and gauges and snapshots them sorted", () => {
    const metrics = new Metrics();
    metrics.add("b_total");
    metrics.add("a_in_flight");
    metrics.add("b_total", 2);
    metrics.add("a_in_flight", -1);
    expect(metrics.snapshot()).toEqual({ a_in_flight: 0, b_total: 3 });
    expect(Object.keys(metrics.snapshot())).toEqual(["a_in_flight", "b_total"]);
    metrics.set("lag", 5);
    metrics.set("lag", 2);
    expect(metrics.snapshot()["lag"]).toBe(2);
  });
});
