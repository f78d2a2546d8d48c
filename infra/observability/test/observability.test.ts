import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "@jest/globals";
import { catalogDefinitions, collectProcessMetrics, seriesNames } from "@data-exporter/runtime";
import { Registry } from "prom-client";
import { parseAllDocuments } from "yaml";

/**
 * The dashboard and the alert rules only query series the services export: every metric name in their PromQL is in
 * the catalog (packages/runtime/src/metric-catalog.ts) or among Node's process metrics, and every label a selector
 * matches on is one the metric has (or one Prometheus adds when scraping).
 */
const folder = join(dirname(fileURLToPath(import.meta.url)), "..");
const scrapeLabels = ["service", "pod", "namespace", "instance", "job", "container"];

interface Known {
  readonly labels: ReadonlySet<string> | "any";
}

async function knownSeries(): Promise<Map<string, Known>> {
  const known = new Map<string, Known>();
  for (const d of catalogDefinitions()) {
    for (const name of seriesNames(d)) {
      const extra = name.endsWith("_bucket") ? ["le"] : [];
      known.set(name, { labels: new Set([...d.labelNames, ...extra, ...scrapeLabels]) });
    }
  }
  const registry = new Registry();
  collectProcessMetrics(registry);
  for (const metric of await registry.getMetricsAsJSON()) {
    const names = String(metric.type) === "histogram" ? ["", "_bucket", "_sum", "_count"] : [""];
    for (const suffix of names) known.set(`${metric.name}${suffix}`, { labels: "any" });
  }
  return known;
}

function dashboardExpressions(): string[] {
  const dashboard = JSON.parse(readFileSync(join(folder, "grafana-dashboard.json"), "utf8")) as {
    panels: { targets?: { expr: string }[] }[];
  };
  return dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
}

function alertExpressions(): { alert: string; expr: string }[] {
  const [rule] = parseAllDocuments(readFileSync(join(folder, "alerts.yaml"), "utf8")).map(
    (doc) => doc.toJS() as { spec: { groups: { rules: { alert: string; expr: string }[] }[] } },
  );
  return (rule?.spec.groups ?? []).flatMap((group) => group.rules);
}

/** Metric names a PromQL expression selects, with the label names each selector matches on. */
function selectors(expr: string): { name: string; labels: string[] }[] {
  const found: { name: string; labels: string[] }[] = [];
  const pattern = /\b((?:data_exporter|process|nodejs)_[a-zA-Z0-9_]+)\s*(\{([^}]*)\})?/g;
  for (const match of expr.matchAll(pattern)) {
    const labels = [...(match[3] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1] ?? "");
    found.push({ name: match[1] ?? "", labels });
  }
  return found;
}

describe("infra/observability", () => {
  const expressions = [
    ...dashboardExpressions().map((expr) => ({ where: "dashboard", expr })),
    ...alertExpressions().map(({ alert, expr }) => ({ where: alert, expr })),
  ];

  it("has a dashboard and alert rules with queries", () => {
    expect(dashboardExpressions().length).toBeGreaterThan(10);
    expect(alertExpressions().map((rule) => rule.alert)).toEqual(
      expect.arrayContaining([
        "DataExporterRequestPastDeadline",
        "DataExporterDeadLettersGrowing",
        "DataExporterExportFailureRate",
        "DataExporterConsumerLagHigh",
      ]),
    );
  });

  it("queries only metrics the services export, by labels they have", async () => {
    const known = await knownSeries();
    const problems: string[] = [];
    for (const { where, expr } of expressions) {
      const used = selectors(expr);
      if (used.length === 0) problems.push(`${where}: no metric in ${expr}`);
      for (const { name, labels } of used) {
        const series = known.get(name);
        if (series === undefined) {
          problems.push(`${where}: unknown metric ${name}`);
          continue;
        }
        for (const label of labels) {
          if (series.labels !== "any" && !series.labels.has(label)) {
            problems.push(`${where}: ${name} has no label ${label}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("the checker itself notices a name the services do not export", async () => {
    const known = await knownSeries();
    expect(selectors('rate(data_exporter_exports_total{status="SUCCESS"}[5m])')).toEqual([
      { name: "data_exporter_exports_total", labels: ["status"] },
    ]);
    expect(known.has("data_exporter_export_total")).toBe(false);
    expect(known.has("data_exporter_table_unload_duration_seconds_bucket")).toBe(true);
  });

  it("scrapes every service's metrics port as the Kubernetes manifests name it", () => {
    const docs = parseAllDocuments(readFileSync(join(folder, "monitors.yaml"), "utf8")).map(
      (doc) => doc.toJS() as { kind: string; spec: Record<string, unknown> },
    );
    const ports = (kind: string, key: string): unknown[] =>
      ((docs.find((d) => d.kind === kind)?.spec[key] ?? []) as { port: string }[]).map((e) => e.port);
    expect(ports("ServiceMonitor", "endpoints")).toEqual(["http"]);
    expect(ports("PodMonitor", "podMetricsEndpoints")).toEqual(["health"]);
    // The services callers reach through a Kubernetes Service: one ServiceMonitor each, on the Service's port.
    const serviceMonitors = docs
      .filter((d) => d.kind === "ServiceMonitor")
      .map((d) => ({
        name: (d.spec.selector as { matchLabels: Record<string, string> }).matchLabels["app.kubernetes.io/name"],
        ports: (d.spec.endpoints as { port: string }[]).map((e) => e.port),
      }));
    expect(serviceMonitors).toEqual([
      { name: "request-api", ports: ["http"] },
      { name: "sharing-server", ports: ["http"] },
    ]);
    const k8s = join(folder, "..", "k8s");
    expect(readFileSync(join(k8s, "request-api.yaml"), "utf8")).toMatch(/- name: http\n\s+containerPort: 4001/);
    expect(readFileSync(join(k8s, "sharing-server.yaml"), "utf8")).toMatch(/- name: http\n\s+containerPort: 4080/);
    for (const worker of ["planner", "unloader", "status-tracker", "notifier", "catalog-registrar"]) {
      expect(readFileSync(join(k8s, `${worker}.yaml`), "utf8")).toMatch(/- name: health\n\s+containerPort: \d+/);
    }
  });
});
