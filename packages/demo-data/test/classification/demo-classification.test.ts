import { defaultPolicy, planTable, validateRules, type HwcTreatment } from "@data-exporter/classification";
import { describe, expect, it } from "@jest/globals";
import {
  demoClassification,
  demoClassificationFor,
  demoMetrics,
  demoSources,
  demoTables,
  intentionallyUnclassifiedColumns,
  intentionallyUnclassifiedMetrics,
  intentionallyUnclassifiedSources,
} from "../../src/index.js";

const { rules } = demoClassification;

function plan(table: string) {
  const config = demoClassification.tables.find((t) => t.table === table);
  const demoTable = demoTables.find((t) => t.name === table);
  if (config === undefined || demoTable === undefined) throw new Error(`no demo table ${table}`);
  return planTable({ table: config, columns: demoTable.columns, rules, policy: defaultPolicy, mode: "SCHEDULED" });
}

function projection(table: string): Record<string, string> {
  const p = plan(table);
  if (p.kind !== "planned") throw new Error(`${table} skipped: ${p.reason}`);
  return Object.fromEntries(
    p.columns.map((c) => [c.name, c.roundDigits === null ? c.treatment : `${c.treatment}(${c.roundDigits})`]),
  );
}

describe("demo classification", () => {
  it("is a valid rule set", () => {
    expect(() => validateRules(rules)).not.toThrow();
  });

  it("classifies every demo column except the ones left out on purpose, and nothing else", () => {
    const columns = demoTables.flatMap((t) => t.columns.map((c) => `${t.name}.${c.name}`)).sort();
    const classified = rules.columns.map((r) => `${r.table}.${r.column}`);
    const unclassified = intentionallyUnclassifiedColumns.map((c) => `${c.table}.${c.column}`);
    expect([...classified, ...unclassified].sort()).toEqual(columns);
  });

  it("exercises every classification, every hwc treatment, and the deny-list", () => {
    expect(new Set(rules.columns.map((r) => r.classification))).toEqual(new Set(["nr", "mx", "de", "hwc"]));
    const treatments = rules.columns.flatMap((r) => (r.treatment === undefined ? [] : [r.treatment.kind]));
    expect(new Set(treatments)).toEqual(
      new Set<HwcTreatment["kind"]>(["keyed_hash", "round", "truncate_to_hour", "null"]),
    );
    const deny = defaultPolicy.denyColumnPatterns.map((p) => new RegExp(p, "iu"));
    const misclassifiedPii = rules.columns.filter(
      (r) => r.classification === "nr" && deny.some((d) => d.test(r.column)),
    );
    expect(misclassifiedPii.map((r) => `${r.table}.${r.column}`)).toEqual(["cctv.operator_email"]);
  });

  it("classifies sources as the seed's example does, plus an hwc source of its own that is in the data", () => {
    const bySource = Object.fromEntries(rules.sources.map((r) => [r.source, r.classification]));
    expect(bySource).toEqual({ FUSION: "nr", HERE: "de", TOMTOM: "de", BLUETOOTH: "hwc" });
    expect(demoSources.map((s) => s.source)).toContain("BLUETOOTH");
  });

  it("leaves exactly the documented sources and metrics unclassified", () => {
    const sources = demoSources.map((s) => s.source).filter((s) => !rules.sources.some((r) => r.source === s));
    expect(sources).toEqual(intentionallyUnclassifiedSources);
    const metrics = demoMetrics.filter((m) => !rules.metrics.some((r) => r.metric === m));
    expect(metrics).toEqual(intentionallyUnclassifiedMetrics);
  });

  it("plans what the README documents", () => {
    expect(projection("way")).toEqual({
      way_id: "AS_IS",
      way_name: "AS_IS",
      road_class: "AS_IS",
      speed_limit_kmh: "AS_IS",
      length_m: "AS_IS",
      geoj_way_feature: "AS_IS",
      geoj_way_feature_compressed: "AS_IS",
    });
    expect(projection("cctv")).toEqual({
      cctv_id: "AS_IS",
      way_id: "AS_IS",
      label: "AS_IS",
      latitude: "ROUND(3)",
      longitude: "ROUND(3)",
      stream_url: "NULLIFY",
      installed_at: "TRUNCATE_TO_HOUR",
    });
    expect(projection("traffic_observation")).toEqual({
      obs_time: "AS_IS",
      way_id: "AS_IS",
      source: "AS_IS",
      speed_kmh: "NULL_UNLESS_UNRESTRICTED_SOURCE",
      travel_time_s: "AS_IS",
      probe_count: "AS_IS",
      probe_vehicle_id: "KEYED_HASH",
    });
    expect(projection("way_metric_long")).toEqual({
      obs_time: "AS_IS",
      way_id: "AS_IS",
      source: "AS_IS",
      metric_name: "AS_IS",
      metric_value: "AS_IS",
    });

    const traffic = plan("traffic_observation");
    const long = plan("way_metric_long");
    if (traffic.kind !== "planned" || long.kind !== "planned") throw new Error("expected planned tables");
    // BLUETOOTH (hwc) rows are exported with speed_kmh (mx) NULL; HERE and TOMTOM (de) and WAZE (no rule) never.
    for (const table of [traffic, long]) {
      expect(table.rowFilter.allowedSources).toEqual(["BLUETOOTH", "FUSION"]);
      expect(table.rowFilter.unrestrictedSources).toEqual(["FUSION"]);
    }
    expect([...long.rowFilter.allowedMetrics].sort()).toEqual(["incident_flag", "occupancy", "queue_length", "volume"]);
    expect(plan("internal_audit_log")).toMatchObject({ kind: "skipped", reasonCode: "disabled" });
  });

  it("points every table at the requested schema", () => {
    expect(new Set(demoClassificationFor("demo_x").tables.map((t) => t.schema))).toEqual(new Set(["demo_x"]));
    expect(new Set(demoClassification.tables.map((t) => t.schema))).toEqual(new Set(["pm_internal"]));
  });
});
