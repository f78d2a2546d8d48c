import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { catalogDefinitions, waitFor } from "@data-exporter/runtime";
import {
  firstDemoDay,
  requestData,
  scrapeMetrics,
  serviceNames,
  startDeployment,
  waitForExport,
  type MetricsScrape,
  type RequestStatusResult,
  type ServiceName,
  type TestDeployment,
} from "../../dev/harness/index.js";

/**
 * What Prometheus scrapes: every service's /metrics, parsed as the text exposition format, moves with an export as
 * an operator's dashboard expects (one finished export, its rows and bytes, one unload timed per table).
 */
let deployment: TestDeployment;
let before: Map<ServiceName, MetricsScrape>;
let status: RequestStatusResult;

const scrape = (name: ServiceName): Promise<MetricsScrape> =>
  scrapeMetrics(deployment.services.find((s) => s.name === name)?.healthUrl ?? "");

const scrapeAll = async (): Promise<Map<ServiceName, MetricsScrape>> =>
  new Map(await Promise.all(serviceNames.map(async (name) => [name, await scrape(name)] as const)));

/** How far a series moved on `name` since the scrape before the export. */
async function moved(name: ServiceName, series: string, labels: Record<string, string> = {}): Promise<number> {
  return (await scrape(name)).value(series, labels) - (before.get(name)?.value(series, labels) ?? 0);
}

beforeAll(async () => {
  deployment = await startDeployment({ label: "metrics" });
  before = await scrapeAll();
  const requestId = await requestData(deployment.graphqlUrl, ...firstDemoDay(deployment), { force: true });
  status = await waitForExport(deployment.graphqlUrl, requestId, 90_000);
}, 180_000);

afterAll(async () => {
  await deployment?.stop();
});

describe("/metrics", () => {
  it("is the Prometheus text format on every service, with Node's process metrics and only catalogued names", async () => {
    const catalogued = new Set(catalogDefinitions().map((d) => d.name));
    for (const [name, metrics] of await scrapeAll()) {
      const families = metrics.families.map((f) => f.name);
      expect({ name, cpu: families.includes("process_cpu_seconds_total") }).toEqual({ name, cpu: true });
      expect(families).toContain("nodejs_eventloop_lag_seconds");
      const own = families.filter((family) => family.startsWith("data_exporter_"));
      expect({ name, uncatalogued: own.filter((family) => !catalogued.has(family)) }).toEqual({
        name,
        uncatalogued: [],
      });
    }
  });

  it("counts the finished export once, by status and mode, where it finishes (the status tracker)", async () => {
    expect(status.status).toBe("Completed");
    const exports = "data_exporter_exports_total";
    await waitFor("the status tracker to count the export", async () =>
      (await moved("status-tracker", exports, { status: "SUCCESS", mode: "ON_DEMAND" })) >= 1 ? true : undefined,
    );
    expect(await moved("status-tracker", exports, { status: "SUCCESS", mode: "ON_DEMAND" })).toBe(1);
    expect(await moved("status-tracker", exports)).toBe(1);
  });

  it("adds the export's rows and bytes and times one unload per table (the unloader)", async () => {
    const tables = status.tables.length;
    expect(tables).toBeGreaterThan(0);
    const count = "data_exporter_table_unload_duration_seconds_count";
    await waitFor("the unloader to time every table", async () =>
      (await moved("unloader", count, { outcome: "completed" })) >= tables ? true : undefined,
    );
    expect(await moved("unloader", count, { outcome: "completed" })).toBe(tables);
    expect(await moved("unloader", count)).toBe(tables);
    const rows = status.tables.reduce((sum, t) => sum + Number(t.rows), 0);
    const bytes = status.tables.reduce((sum, t) => sum + Number(t.bytes), 0);
    expect(rows).toBeGreaterThan(0);
    expect(await moved("unloader", "data_exporter_rows_total")).toBe(rows);
    expect(await moved("unloader", "data_exporter_bytes_total")).toBe(bytes);
    const unloader = await scrape("unloader");
    expect(unloader.family("data_exporter_table_unload_duration_seconds")?.type).toBe("histogram");
    expect(unloader.value("data_exporter_unloads_in_flight")).toBe(0);
  });

  it("counts the request at request-api and reports consumer lag per group, topic and partition", async () => {
    expect(await moved("request-api", "data_exporter_export_requests_total", { outcome: "accepted" })).toBe(1);
    expect(
      await moved("request-api", "data_exporter_graphql_operations_total", { operation: "requestData", result: "ok" }),
    ).toBe(1);
    const lag = await waitFor("the planner's lag to be measured", async () => {
      const samples = (await scrape("planner")).samples("data_exporter_consumer_lag_messages", {
        group: "data-exporter.planner",
      });
      return samples.length > 0 ? samples : undefined;
    });
    for (const sample of lag) {
      expect(Object.keys(sample.labels).sort()).toEqual(["group", "partition", "topic"]);
      expect(sample.labels["partition"]).toMatch(/^\d+$/);
    }
  });
});
