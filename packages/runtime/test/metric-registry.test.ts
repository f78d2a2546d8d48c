import { describe, expect, it } from "@jest/globals";
import { Registry } from "prom-client";
import {
  catalogDefinitions,
  collectProcessMetrics,
  createMetrics,
  metricCatalog,
  seriesNames,
  type MetricDefinition,
} from "../src/index.js";

describe("createMetrics", () => {
  it("registers every definition of a group and serves them in the Prometheus text format", async () => {
    const registry = new Registry();
    const metrics = createMetrics(metricCatalog.unloader, { registry });
    metrics.tableUnloadDuration.observe({ outcome: "completed" }, 3);
    metrics.rows.inc(42);
    const text = await registry.metrics();
    expect(text).toContain("# TYPE data_exporter_table_unload_duration_seconds histogram");
    expect(text).toContain('data_exporter_table_unload_duration_seconds_count{outcome="completed"} 1');
    expect(text).toContain("data_exporter_rows_total 42");
    expect(registry.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it("reads a gauge from the service's own state at each scrape", async () => {
    const registry = new Registry();
    let inFlight = 2;
    createMetrics(metricCatalog.unloader, {
      registry,
      collect: { unloadsInFlight: (gauge) => gauge.set(inFlight) },
    });
    expect(await registry.metrics()).toContain("data_exporter_unloads_in_flight 2");
    inFlight = 0;
    expect(await registry.metrics()).toContain("data_exporter_unloads_in_flight 0");
  });

  it("adds Node's process metrics once, however often it is asked", async () => {
    const registry = new Registry();
    collectProcessMetrics(registry);
    collectProcessMetrics(registry);
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toContain("process_cpu_seconds_total");
    expect(names).toContain("nodejs_eventloop_lag_seconds");
  });
});

describe("metric catalog", () => {
  const all: MetricDefinition[] = catalogDefinitions();

  it("names every metric once, with the project's prefix and a conventional suffix", () => {
    const names = all.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const d of all) {
      expect(d.name).toMatch(/^data_exporter_[a-z_]+$/);
      if (d.type === "counter") expect(d.name).toMatch(/_total$/);
      else expect(d.name).not.toMatch(/_total$/);
      if (d.type === "histogram") expect(d.name).toMatch(/_seconds$/);
    }
  });

  it("lists a histogram's series", () => {
    expect(seriesNames(metricCatalog.unloader.tableUnloadDuration)).toEqual([
      "data_exporter_table_unload_duration_seconds",
      "data_exporter_table_unload_duration_seconds_bucket",
      "data_exporter_table_unload_duration_seconds_sum",
      "data_exporter_table_unload_duration_seconds_count",
    ]);
  });
});
