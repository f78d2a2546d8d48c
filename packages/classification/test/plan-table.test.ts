import { describe, expect, it } from "@jest/globals";
import {
  AmbiguousColumnError,
  ColumnNotFoundError,
  ConflictingRulesError,
  InvalidIdentifierError,
  InvalidPolicyError,
  InvalidTreatmentError,
  InvalidValueError,
  UnknownClassificationError,
  defaultPolicy,
  type Classification,
  type ColumnRule,
} from "../src/index.js";
import { col, decideOne, decisionOf, plan, planned, rule, rules, tableConfig } from "./helpers.js";

describe("planTable: mode and enablement", () => {
  it.each([
    ["SCHEDULED", false, true, "disabled"],
    ["SCHEDULED", false, false, "disabled"],
    ["ON_DEMAND", false, true, "disabled"],
    ["ON_DEMAND", false, false, "disabled"],
    ["ON_DEMAND", true, false, "on-demand-disabled"],
  ] as const)("%s with enabled=%s onDemandEnabled=%s is skipped (%s)", (mode, enabled, onDemandEnabled, reasonCode) => {
    const result = plan({ mode, table: tableConfig({ enabled, onDemandEnabled }), columns: [col("id")] });
    expect(result).toEqual({ kind: "skipped", reasonCode, reason: expect.any(String), audit: [] });
  });

  it.each([
    ["SCHEDULED", false],
    ["SCHEDULED", true],
    ["ON_DEMAND", true],
  ] as const)("%s with onDemandEnabled=%s is planned", (mode, onDemandEnabled) => {
    const result = plan({
      mode,
      table: tableConfig({ onDemandEnabled }),
      columns: [col("id")],
      rules: rules({ columns: [rule("id", "nr")] }),
    });
    expect(result.kind).toBe("planned");
  });

  it("skips a disabled table before looking at its (even invalid) configuration", () => {
    const result = plan({ table: tableConfig({ enabled: false, table: "bad name" }), columns: [] });
    expect(result.kind).toBe("skipped");
  });

  it("skips a table whose every column is removed, with the full audit", () => {
    const result = plan({
      columns: [col("id"), col("email"), col("secret")],
      rules: rules({ columns: [rule("email", "nr"), rule("secret", "de")] }),
    });
    expect(result.kind).toBe("skipped");
    if (result.kind !== "skipped") return;
    expect(result.reasonCode).toBe("no-exportable-column");
    expect(result.reason).toMatch(/every column was removed/);
    expect(result.audit.map((d) => [d.column, d.action, d.rule])).toEqual([
      ["id", "REMOVED", "unclassified"],
      ["email", "REMOVED", "deny-pattern:e_?mail"],
      ["secret", "REMOVED", "classification:de"],
    ]);
  });

  it("skips a table the warehouse reports without columns", () => {
    const result = plan({ columns: [] });
    expect(result).toMatchObject({ kind: "skipped", reasonCode: "no-exportable-column", audit: [] });
    expect(result.kind === "skipped" && result.reason).toMatch(/no columns/);
  });
});

describe("planTable: one decision per classification", () => {
  it("exports nr columns as they are", () => {
    const { decision, plan: p } = decideOne(col("speed", "integer"), rule("speed", "nr"));
    expect(decision).toEqual({
      column: "speed",
      classification: "nr",
      action: "EXPORTED",
      rule: "classification:nr",
      detail: null,
    });
    expect(p.columns).toContainEqual({ name: "speed", treatment: "AS_IS", roundDigits: null });
  });

  it("never exports de columns", () => {
    const { decision, plan: p } = decideOne(col("internal_note"), rule("internal_note", "de"));
    expect(decision).toMatchObject({ classification: "de", action: "REMOVED", rule: "classification:de" });
    expect(p.columns.map((c) => c.name)).not.toContain("internal_note");
  });

  it("removes unclassified columns (deny by default) and reports them", () => {
    const { decision, plan: p } = decideOne(col("new_column"), undefined);
    expect(decision).toMatchObject({ classification: null, action: "REMOVED", rule: "unclassified" });
    expect(p.unclassifiedColumns).toEqual(["new_column"]);
    expect(p.columns.map((c) => c.name)).toEqual(["id"]);
  });

  it("nulls mx columns unless the row's source is nr", () => {
    const { decision, plan: p } = decideOne(col("detector_count", "integer"), rule("detector_count", "mx"), {
      sourceColumn: "source",
    });
    expect(decision).toMatchObject({ classification: "mx", action: "NULLED_BY_SOURCE", rule: "classification:mx" });
    expect(decision.detail).toMatch(/source/);
    expect(p.columns).toContainEqual({
      name: "detector_count",
      treatment: "NULL_UNLESS_UNRESTRICTED_SOURCE",
      roundDigits: null,
    });
    expect(p.rowFilter.unrestrictedSources).toEqual(["FUSION"]);
  });

  it("removes mx columns of a table without a source column", () => {
    const { decision, plan: p } = decideOne(col("detector_count", "integer"), rule("detector_count", "mx"));
    expect(decision).toMatchObject({ classification: "mx", action: "REMOVED", rule: "mx-without-source-column" });
    expect(p.columns.map((c) => c.name)).toEqual(["id"]);
  });

  it("masks hwc columns with the policy's default treatment (keyed hash) when the rule names none", () => {
    const { decision, plan: p } = decideOne(col("device_id"), rule("device_id", "hwc"));
    expect(decision).toEqual({
      column: "device_id",
      classification: "hwc",
      action: "MASKED",
      rule: "treatment:keyed_hash",
      detail: "default treatment keyed_hash",
    });
    expect(p.columns).toContainEqual({ name: "device_id", treatment: "KEYED_HASH", roundDigits: null });
  });

  it("uses another policy default when the policy says so", () => {
    const policy = { ...defaultPolicy, defaultHwcTreatment: { kind: "round", digits: 1 } as const };
    const { decision, plan: p } = decideOne(col("lat", "double precision"), rule("lat", "hwc"), { policy });
    expect(decision).toMatchObject({ action: "MASKED", rule: "treatment:round", detail: "default treatment round(1)" });
    expect(p.columns).toContainEqual({ name: "lat", treatment: "ROUND", roundDigits: 1 });
  });

  it("removes an hwc column the default treatment does not fit", () => {
    const policy = { ...defaultPolicy, defaultHwcTreatment: { kind: "truncate_to_hour" } as const };
    const { decision } = decideOne(col("device_id"), rule("device_id", "hwc"), { policy });
    expect(decision).toMatchObject({ action: "REMOVED", rule: "treatment-type-mismatch:truncate_to_hour" });
  });
});

describe("planTable: hwc treatments and column types", () => {
  const fits: [string, ColumnRule["treatment"], string, string, number | null][] = [
    ["keyed_hash", { kind: "keyed_hash" }, "text", "KEYED_HASH", null],
    ["keyed_hash", { kind: "keyed_hash" }, "integer", "KEYED_HASH", null],
    ["keyed_hash", { kind: "keyed_hash" }, "timestamp without time zone", "KEYED_HASH", null],
    ["keyed_hash", { kind: "keyed_hash" }, "jsonb", "KEYED_HASH", null],
    ["keyed_hash", { kind: "keyed_hash" }, "boolean", "KEYED_HASH", null],
    ["round", { kind: "round", digits: 2 }, "numeric(10,4)", "ROUND", 2],
    ["round", { kind: "round", digits: 0 }, "integer", "ROUND", 0],
    ["round", { kind: "round", digits: -2 }, "bigint", "ROUND", -2],
    ["round", { kind: "round", digits: 3 }, "double precision", "ROUND", 3],
    ["round", { kind: "round", digits: 3 }, "REAL", "ROUND", 3],
    ["truncate_to_hour", { kind: "truncate_to_hour" }, "timestamp without time zone", "TRUNCATE_TO_HOUR", null],
    ["truncate_to_hour", { kind: "truncate_to_hour" }, "timestamp(3) with time zone", "TRUNCATE_TO_HOUR", null],
    ["truncate_to_hour", { kind: "truncate_to_hour" }, "timestamptz", "TRUNCATE_TO_HOUR", null],
    ["null", { kind: "null" }, "text", "NULLIFY", null],
    ["null", { kind: "null" }, "integer[]", "NULLIFY", null],
  ];
  it.each(fits)("%s fits %s on %s", (kind, treatment, type, projected, roundDigits) => {
    const { decision, plan: p } = decideOne(col("value", type), rule("value", "hwc", { treatment }));
    expect(decision).toMatchObject({ action: "MASKED", rule: `treatment:${kind}`, classification: "hwc" });
    expect(decision.detail).toMatch(/^treatment /);
    expect(p.columns).toContainEqual({ name: "value", treatment: projected, roundDigits });
  });

  const mismatches: [ColumnRule["treatment"], string][] = [
    [{ kind: "round", digits: 2 }, "text"],
    [{ kind: "round", digits: 2 }, "character varying(256)"],
    [{ kind: "round", digits: 2 }, "timestamp"],
    [{ kind: "round", digits: 2 }, "integer[]"],
    [{ kind: "truncate_to_hour" }, "date"],
    [{ kind: "truncate_to_hour" }, "text"],
    [{ kind: "truncate_to_hour" }, "time without time zone"],
    [{ kind: "truncate_to_hour" }, "bigint"],
  ];
  it.each(mismatches)("removes %j on %s instead of exporting it raw", (treatment, type) => {
    const { decision, plan: p } = decideOne(col("value", type), rule("value", "hwc", { treatment }));
    expect(decision).toMatchObject({
      action: "REMOVED",
      classification: "hwc",
      rule: `treatment-type-mismatch:${treatment?.kind}`,
    });
    expect(decision.detail).toContain(type);
    expect(p.columns.map((c) => c.name)).toEqual(["id"]);
  });

  it("ignores a treatment on a non-hwc rule", () => {
    const { decision } = decideOne(col("speed", "integer"), rule("speed", "nr", { treatment: { kind: "null" } }));
    expect(decision).toMatchObject({ action: "EXPORTED", rule: "classification:nr" });
  });
});

describe("planTable: deny-listed column names", () => {
  const email = col("customer_email");
  it.each([
    ["nr", rule("customer_email", "nr"), "REMOVED", "deny-pattern:e_?mail"],
    ["mx", rule("customer_email", "mx"), "REMOVED", "deny-pattern:e_?mail"],
    [
      "hwc round",
      rule("customer_email", "hwc", { treatment: { kind: "round", digits: 1 } }),
      "REMOVED",
      "deny-pattern:e_?mail",
    ],
    [
      "hwc truncate",
      rule("customer_email", "hwc", { treatment: { kind: "truncate_to_hour" } }),
      "REMOVED",
      "deny-pattern:e_?mail",
    ],
    [
      "hwc keyed_hash",
      rule("customer_email", "hwc", { treatment: { kind: "keyed_hash" } }),
      "MASKED",
      "treatment:keyed_hash",
    ],
    ["hwc default (keyed_hash)", rule("customer_email", "hwc"), "MASKED", "treatment:keyed_hash"],
    ["hwc null", rule("customer_email", "hwc", { treatment: { kind: "null" } }), "MASKED", "treatment:null"],
    ["de", rule("customer_email", "de"), "REMOVED", "classification:de"],
    ["unclassified", undefined, "REMOVED", "unclassified"],
  ] as const)("%s → %s by %s", (_label, columnRule, action, ruleName) => {
    const { decision } = decideOne(email, columnRule, { sourceColumn: "source" });
    expect(decision).toMatchObject({ action, rule: ruleName });
    if (action === "MASKED") expect(decision.detail).toMatch(/deny pattern \/e_\?mail\/i/);
  });

  it("names the treatment in the detail when it blocks a masked-but-revealing treatment", () => {
    const { decision } = decideOne(
      col("date_of_birth", "timestamp"),
      rule("date_of_birth", "hwc", { treatment: { kind: "truncate_to_hour" } }),
    );
    expect(decision.rule).toBe("deny-pattern:birth");
    expect(decision.detail).toMatch(/classified hwc with truncate_to_hour/);
  });

  it("does not fall back to the policy default when a deny pattern removes an nr column", () => {
    const { decision } = decideOne(col("phone"), rule("phone", "nr"));
    expect(decision.detail).toMatch(/classified nr, only keyed_hash or null/);
  });

  it.each([
    ["email", "e_?mail"],
    ["e_mail", "e_?mail"],
    ["EMailAddress", "e_?mail"],
    ["home_phone", "phone"],
    ["mobile_no", "mobile"],
    ["number_plate", "plate"],
    ["vehicle_rego", "rego"],
    ["driver_name", "driver"],
    ["licence_no", "licen[cs]e"],
    ["LICENSE_NUMBER", "licen[cs]e"],
    ["passport_no", "passport"],
    ["street_address", "address"],
    ["birth_year", "birth"],
    ["dob", "dob"],
  ])("the default policy blocks nr column %s (pattern %s)", (name, pattern) => {
    const { decision } = decideOne(col(name), rule(name, "nr"));
    expect(decision).toMatchObject({ action: "REMOVED", rule: `deny-pattern:${pattern}`, classification: "nr" });
  });

  it.each(["speed", "volume", "site_id", "occupancy_pct", "observed_at", "lane"])(
    "lets nr column %s through",
    (name) => {
      expect(decideOne(col(name), rule(name, "nr")).decision.action).toBe("EXPORTED");
    },
  );

  it("names the first matching pattern in policy order", () => {
    expect(decideOne(col("email_address"), rule("email_address", "nr")).decision.rule).toBe("deny-pattern:e_?mail");
  });

  it("follows the policy: without deny patterns an nr email column is exported", () => {
    const policy = { ...defaultPolicy, denyColumnPatterns: [] };
    expect(decideOne(col("email"), rule("email", "nr"), { policy }).decision.action).toBe("EXPORTED");
  });

  it("uses a custom pattern as a case-insensitive regular expression", () => {
    const policy = { ...defaultPolicy, denyColumnPatterns: ["^ip_"] };
    expect(decideOne(col("IP_V4"), rule("IP_V4", "nr"), { policy }).decision.rule).toBe("deny-pattern:^ip_");
    expect(decideOne(col("vip_flag"), rule("vip_flag", "nr"), { policy }).decision.action).toBe("EXPORTED");
  });
});

describe("planTable: case of names and values", () => {
  it("matches rule table and column names case-insensitively and keeps the warehouse spelling", () => {
    const result = planned({
      table: tableConfig({ table: "Traffic_Observation" }),
      columns: [col("Speed", "integer"), col("volume", "integer")],
      rules: rules({
        columns: [
          { table: "TRAFFIC_OBSERVATION", column: "speed", classification: "nr" },
          {
            table: "traffic_observation",
            column: "VOLUME",
            classification: "hwc",
            treatment: { kind: "round", digits: -1 },
          },
        ],
      }),
    });
    expect(result.columns).toEqual([
      { name: "Speed", treatment: "AS_IS", roundDigits: null },
      { name: "volume", treatment: "ROUND", roundDigits: -1 },
    ]);
    expect(result.audit.map((d) => d.column)).toEqual(["Speed", "volume"]);
  });

  it("resolves configured time/source/metric columns to the warehouse spelling", () => {
    const result = planned({
      table: tableConfig({ timeColumn: "OBSERVED_AT", sourceColumn: "Source", metricColumn: "metric_NAME" }),
      columns: [col("observed_at", "timestamp"), col("source"), col("metric_name"), col("value", "double precision")],
      rules: rules({ columns: [rule("value", "nr")] }),
    });
    expect(result.timeColumn).toBe("observed_at");
    expect(result.rowFilter.sourceColumn).toBe("source");
    expect(result.rowFilter.metricColumn).toBe("metric_name");
  });

  it("matches source and metric values exactly (case-sensitive), as they are data, not identifiers", () => {
    const result = planned({
      table: tableConfig({ sourceColumn: "source", metricColumn: "metric" }),
      columns: [col("source"), col("metric"), col("value", "integer")],
      rules: rules({
        columns: [rule("value", "nr")],
        sources: [
          { source: "FUSION", classification: "nr" },
          { source: "fusion", classification: "de" },
        ],
        metrics: [
          { table: "traffic_observation", metric: "Speed", classification: "nr" },
          { table: "traffic_observation", metric: "speed", classification: "de" },
        ],
      }),
    });
    expect(result.rowFilter.allowedSources).toEqual(["FUSION"]);
    expect(result.rowFilter.allowedMetrics).toEqual(["Speed"]);
  });

  it("refuses warehouse columns that differ only by case", () => {
    expect(() => plan({ columns: [col("Speed"), col("speed")] })).toThrow(AmbiguousColumnError);
  });

  it("treats rules differing only by case as the same column (and detects their conflicts)", () => {
    expect(() =>
      plan({ columns: [col("speed")], rules: rules({ columns: [rule("speed", "nr"), rule("SPEED", "de")] }) }),
    ).toThrow(ConflictingRulesError);
    expect(
      planned({ columns: [col("speed")], rules: rules({ columns: [rule("speed", "nr"), rule("SPEED", "nr")] }) })
        .columns,
    ).toHaveLength(1);
  });
});

describe("planTable: row filter", () => {
  const sources = [
    { source: "TOMTOM", classification: "de" },
    { source: "HERE", classification: "hwc" },
    { source: "FUSION", classification: "nr" },
    { source: "SCATS", classification: "mx" },
    { source: "BLUETOOTH", classification: "nr" },
  ] as const;

  it("allows rows of nr/mx/hwc sources, keeps mx values only for nr sources, both sorted", () => {
    const result = planned({
      table: tableConfig({ sourceColumn: "source" }),
      columns: [col("source"), col("value", "integer")],
      rules: rules({ columns: [rule("value", "nr")], sources }),
    });
    expect(result.rowFilter).toEqual({
      sourceColumn: "source",
      allowedSources: ["BLUETOOTH", "FUSION", "HERE", "SCATS"],
      unrestrictedSources: ["BLUETOOTH", "FUSION"],
      metricColumn: null,
      allowedMetrics: [],
    });
  });

  it("gives the same filter whatever the order of the rules", () => {
    const build = (list: typeof sources | readonly (typeof sources)[number][]) =>
      planned({
        table: tableConfig({ sourceColumn: "source" }),
        columns: [col("source"), col("value", "integer")],
        rules: rules({ columns: [rule("value", "nr")], sources: list }),
      }).rowFilter;
    expect(build([...sources].reverse())).toEqual(build(sources));
  });

  it("exports no row of a table with a source column when no source is allowed", () => {
    const result = planned({
      table: tableConfig({ sourceColumn: "source" }),
      columns: [col("source"), col("value", "integer")],
      rules: rules({ columns: [rule("value", "nr")], sources: [{ source: "TOMTOM", classification: "de" }] }),
    });
    expect(result.rowFilter.allowedSources).toEqual([]);
    expect(result.rowFilter.unrestrictedSources).toEqual([]);
  });

  it("has empty source lists, and ignores source rules (even invalid ones), without a source column", () => {
    const result = planned({
      columns: [col("value", "integer")],
      rules: rules({ columns: [rule("value", "nr")], sources: [{ source: "bad\nvalue", classification: "nr" }] }),
    });
    expect(result.rowFilter).toEqual({
      sourceColumn: null,
      allowedSources: [],
      unrestrictedSources: [],
      metricColumn: null,
      allowedMetrics: [],
    });
  });

  it("allows only nr/mx/hwc metrics of this table in a long-format table", () => {
    const result = planned({
      table: tableConfig({ metricColumn: "metric" }),
      columns: [col("metric"), col("value", "double precision")],
      rules: rules({
        columns: [rule("value", "nr")],
        metrics: [
          { table: "traffic_observation", metric: "travel_time", classification: "nr" },
          { table: "TRAFFIC_OBSERVATION", metric: "occupancy", classification: "mx" },
          { table: "traffic_observation", metric: "flow", classification: "hwc" },
          { table: "traffic_observation", metric: "device_mac", classification: "de" },
          { table: "other_table", metric: "other_metric", classification: "nr" },
          { table: "other_table", metric: "bad\u0000", classification: "zz" as Classification },
        ],
      }),
    });
    expect(result.rowFilter.metricColumn).toBe("metric");
    expect(result.rowFilter.allowedMetrics).toEqual(["flow", "occupancy", "travel_time"]);
  });

  it("exports no row of a long-format table without metric rules", () => {
    const result = planned({
      table: tableConfig({ metricColumn: "metric" }),
      columns: [col("metric"), col("value", "integer")],
      rules: rules({
        columns: [rule("value", "nr")],
        metrics: [{ table: "other", metric: "x", classification: "nr" }],
      }),
    });
    expect(result.rowFilter.allowedMetrics).toEqual([]);
  });

  it("ignores metric rules (even invalid ones) of a table without a metric column", () => {
    const result = planned({
      columns: [col("value", "integer")],
      rules: rules({
        columns: [rule("value", "nr")],
        metrics: [{ table: "traffic_observation", metric: "", classification: "nr" }],
      }),
    });
    expect(result.rowFilter.allowedMetrics).toEqual([]);
  });

  it("combines source and metric filters", () => {
    const result = planned({
      table: tableConfig({ sourceColumn: "src", metricColumn: "metric", timeColumn: "ts" }),
      columns: [col("ts", "timestamp"), col("src"), col("metric"), col("value", "integer")],
      rules: rules({
        columns: [rule("ts", "nr"), rule("src", "nr"), rule("metric", "nr"), rule("value", "mx")],
        sources: [{ source: "FUSION", classification: "nr" }],
        metrics: [{ table: "traffic_observation", metric: "speed", classification: "nr" }],
      }),
    });
    expect(result).toEqual({
      kind: "planned",
      timeColumn: "ts",
      columns: [
        { name: "ts", treatment: "AS_IS", roundDigits: null },
        { name: "src", treatment: "AS_IS", roundDigits: null },
        { name: "metric", treatment: "AS_IS", roundDigits: null },
        { name: "value", treatment: "NULL_UNLESS_UNRESTRICTED_SOURCE", roundDigits: null },
      ],
      rowFilter: {
        sourceColumn: "src",
        allowedSources: ["FUSION"],
        unrestrictedSources: ["FUSION"],
        metricColumn: "metric",
        allowedMetrics: ["speed"],
      },
      audit: expect.any(Array),
      unclassifiedColumns: [],
    });
  });

  it("filters by the source column even when that column itself is not exported", () => {
    const result = planned({
      table: tableConfig({ sourceColumn: "source" }),
      columns: [col("source"), col("value", "integer")],
      rules: rules({ columns: [rule("value", "mx")], sources: [{ source: "FUSION", classification: "nr" }] }),
    });
    expect(result.columns.map((c) => c.name)).toEqual(["value"]);
    expect(decisionOf(result.audit, "source").rule).toBe("unclassified");
    expect(result.rowFilter.sourceColumn).toBe("source");
  });
});

describe("planTable: rows of hwc (and mx) sources and metrics are exported restricted", () => {
  // One column of each classification, as the README's rows table lists them.
  const columns = [
    col("src"),
    col("metric"),
    col("plain", "integer"),
    col("mixed", "double precision"),
    col("masked", "numeric(10,2)"),
    col("secret"),
  ];
  const columnRules = [
    rule("src", "nr"),
    rule("metric", "nr"),
    rule("plain", "nr"),
    rule("mixed", "mx"),
    rule("masked", "hwc", { treatment: { kind: "round", digits: 0 } }),
    rule("secret", "de"),
  ];
  const sources = [
    { source: "NR_SRC", classification: "nr" },
    { source: "HWC_SRC", classification: "hwc" },
    { source: "MX_SRC", classification: "mx" },
    { source: "DE_SRC", classification: "de" },
  ] as const;
  const metric = (name: string, classification: Classification) => ({
    table: "traffic_observation",
    metric: name,
    classification,
  });
  const treatments = (p: { columns: readonly { name: string; treatment: string }[] }) =>
    Object.fromEntries(p.columns.map((c) => [c.name, c.treatment]));

  it("exports an hwc source's rows with nr columns as is, mx columns NULL and hwc columns treated", () => {
    const result = planned({
      table: tableConfig({ sourceColumn: "src" }),
      columns,
      rules: rules({ columns: columnRules, sources }),
    });
    expect(result.rowFilter).toMatchObject({
      allowedSources: ["HWC_SRC", "MX_SRC", "NR_SRC"],
      unrestrictedSources: ["NR_SRC"],
    });
    // The projection is the same for every row; only NULL_UNLESS_UNRESTRICTED_SOURCE looks at the row's source.
    expect(treatments(result)).toEqual({
      src: "AS_IS",
      metric: "AS_IS",
      plain: "AS_IS",
      mixed: "NULL_UNLESS_UNRESTRICTED_SOURCE",
      masked: "ROUND",
    });
  });

  it.each(["hwc", "mx"] as const)(
    "removes mx columns of a long-format table that exports an %s metric, naming the metric",
    (code) => {
      const result = planned({
        table: tableConfig({ sourceColumn: "src", metricColumn: "metric" }),
        columns,
        rules: rules({
          columns: columnRules,
          sources,
          metrics: [metric("volume", "nr"), metric("incident_flag", code), metric("driver_count", "de")],
        }),
      });
      // The restricted metric's rows are still exported, with every other column as for any row.
      expect(result.rowFilter.allowedMetrics).toEqual(["incident_flag", "volume"]);
      expect(treatments(result)).toEqual({ src: "AS_IS", metric: "AS_IS", plain: "AS_IS", masked: "ROUND" });
      expect(decisionOf(result.audit, "mixed")).toEqual({
        column: "mixed",
        classification: "mx",
        action: "REMOVED",
        rule: "mx-with-restricted-metrics",
        detail:
          'classified mixed, but rows of metric "incident_flag" (hwc or mx) must not keep its value and the unload ' +
          "command can only withhold it per source",
      });
    },
  );

  it("keeps mx columns per source when every exported metric is nr", () => {
    const result = planned({
      table: tableConfig({ sourceColumn: "src", metricColumn: "metric" }),
      columns,
      rules: rules({
        columns: columnRules,
        sources,
        metrics: [
          metric("volume", "nr"),
          metric("driver_count", "de"),
          // Another table's hwc metric is not this table's business.
          { table: "way_metric_long", metric: "incident_flag", classification: "hwc" },
        ],
      }),
    });
    expect(result.rowFilter.allowedMetrics).toEqual(["volume"]);
    expect(decisionOf(result.audit, "mixed")).toMatchObject({
      action: "NULLED_BY_SOURCE",
      rule: "classification:mx",
    });
  });

  it("still removes mx columns of a long-format table without a source column for that reason first", () => {
    const result = planned({
      table: tableConfig({ metricColumn: "metric" }),
      columns,
      rules: rules({ columns: columnRules, metrics: [metric("incident_flag", "hwc")] }),
    });
    expect(decisionOf(result.audit, "mixed").rule).toBe("mx-without-source-column");
  });

  it("names at most five restricted metrics in the audit", () => {
    const many = ["a", "b", "c", "d", "e", "f", "g"].map((m) => metric(m, "hwc"));
    const detailWith = (list: typeof many) =>
      decisionOf(
        planned({
          table: tableConfig({ sourceColumn: "src", metricColumn: "metric" }),
          columns,
          rules: rules({ columns: columnRules, sources, metrics: list }),
        }).audit,
        "mixed",
      ).detail;
    expect(detailWith(many)).toContain('rows of metrics "a", "b", "c", "d", "e" and 2 more (hwc or mx)');
    expect(detailWith(many.slice(0, 3))).toContain('rows of metrics "a", "b" and "c" (hwc or mx)');
  });
});

describe("planTable: invalid configuration is a typed error", () => {
  const badIdentifiers = ["", "1abc", "traffic;drop table x", 'a"b', "sp ace", "ünïcode", "a".repeat(64), "a-b", "a.b"];

  it.each(badIdentifiers)("rejects table name %j", (value) => {
    const error = captureError(() => plan({ table: tableConfig({ table: value }), columns: [col("id")] }));
    expect(error).toBeInstanceOf(InvalidIdentifierError);
    expect(error).toMatchObject({ code: "INVALID_IDENTIFIER", value, role: "table", retryable: false });
  });

  it.each(["schema", "timeColumn", "sourceColumn", "metricColumn"] as const)("rejects an invalid %s", (role) => {
    const error = captureError(() => plan({ table: tableConfig({ [role]: "x; drop" }), columns: [col("id")] }));
    expect(error).toBeInstanceOf(InvalidIdentifierError);
    expect(error).toMatchObject({ value: "x; drop", role });
  });

  it("accepts a 63-character identifier", () => {
    const name = `t${"x".repeat(62)}`;
    const result = plan({
      table: tableConfig({ table: name }),
      columns: [col("id")],
      rules: rules({ columns: [{ table: name, column: "id", classification: "nr" }] }),
    });
    expect(result.kind).toBe("planned");
  });

  it.each(["timeColumn", "sourceColumn", "metricColumn"] as const)("rejects a %s missing from the table", (role) => {
    const error = captureError(() => plan({ table: tableConfig({ [role]: "missing" }), columns: [col("id")] }));
    expect(error).toBeInstanceOf(ColumnNotFoundError);
    expect(error).toMatchObject({ code: "COLUMN_NOT_FOUND", column: "missing", role, table: "traffic_observation" });
  });

  it("does not resolve a configured column against an invalid warehouse column name", () => {
    expect(() => plan({ table: tableConfig({ sourceColumn: "src" }), columns: [col("SRC "), col("id")] })).toThrow(
      ColumnNotFoundError,
    );
  });

  it("removes (never passes through) a warehouse column whose name is not a plain identifier", () => {
    const result = planned({
      columns: [col("id"), col('evil"; drop table x; --'), col("name with space")],
      rules: rules({ columns: [rule("id", "nr")] }),
    });
    expect(result.columns.map((c) => c.name)).toEqual(["id"]);
    expect(result.audit.slice(1).map((d) => [d.action, d.rule, d.classification])).toEqual([
      ["REMOVED", "invalid-identifier", null],
      ["REMOVED", "invalid-identifier", null],
    ]);
    expect(result.unclassifiedColumns).toEqual([]);
  });

  it("rejects an invalid column identifier in a rule of this table, ignores one of another table", () => {
    const bad = { table: "traffic_observation", column: "bad name", classification: "nr" } as const;
    expect(() => plan({ columns: [col("id")], rules: rules({ columns: [bad] }) })).toThrow(InvalidIdentifierError);
    const elsewhere = { ...bad, table: "other_table" };
    expect(plan({ columns: [col("id")], rules: rules({ columns: [rule("id", "nr"), elsewhere] }) }).kind).toBe(
      "planned",
    );
  });

  it("rejects an unknown classification code in a rule of this table, ignores one of another table", () => {
    const unknown = rule("id", "xx" as Classification);
    expect(() => plan({ columns: [col("id")], rules: rules({ columns: [unknown] }) })).toThrow(
      UnknownClassificationError,
    );
    const elsewhere = { ...unknown, table: "other_table" };
    expect(plan({ columns: [col("id")], rules: rules({ columns: [rule("id", "nr"), elsewhere] }) }).kind).toBe(
      "planned",
    );
  });

  it.each([
    [rule("id", "nr"), rule("id", "de")],
    [rule("id", "hwc"), rule("id", "hwc", { treatment: { kind: "keyed_hash" } })],
    [
      rule("id", "hwc", { treatment: { kind: "round", digits: 1 } }),
      rule("id", "hwc", { treatment: { kind: "round", digits: 2 } }),
    ],
  ])("rejects conflicting rules for one column: %j vs %j", (first, second) => {
    const error = captureError(() => plan({ columns: [col("id")], rules: rules({ columns: [first, second] }) }));
    expect(error).toBeInstanceOf(ConflictingRulesError);
    expect(error).toMatchObject({ code: "CONFLICTING_RULES", kind: "column", key: "traffic_observation.id" });
  });

  it("accepts duplicates that agree, including nr rules whose ignored treatments differ", () => {
    const result = planned({
      columns: [col("id"), col("v", "integer")],
      rules: rules({
        columns: [
          rule("id", "nr", { treatment: { kind: "null" } }),
          rule("id", "nr"),
          rule("v", "hwc", { treatment: { kind: "round", digits: 1 } }),
          rule("v", "hwc", { treatment: { kind: "round", digits: 1 } }),
        ],
      }),
    });
    expect(result.columns.map((c) => c.treatment)).toEqual(["AS_IS", "ROUND"]);
  });

  it("rejects conflicting or invalid source rules when the table has a source column", () => {
    const table = tableConfig({ sourceColumn: "source" });
    const columns = [col("source"), col("id")];
    const conflicting = rules({
      sources: [
        { source: "HERE", classification: "nr" },
        { source: "HERE", classification: "de" },
      ],
    });
    expect(captureError(() => plan({ table, columns, rules: conflicting }))).toMatchObject({
      kind: "source",
      key: "HERE",
    });
    const invalid = rules({ sources: [{ source: "x\u0007", classification: "nr" }] });
    expect(captureError(() => plan({ table, columns, rules: invalid }))).toBeInstanceOf(InvalidValueError);
    const unknown = rules({ sources: [{ source: "HERE", classification: "NR" as Classification }] });
    expect(captureError(() => plan({ table, columns, rules: unknown }))).toBeInstanceOf(UnknownClassificationError);
  });

  it("rejects conflicting or invalid metric rules of this table when it is long-format", () => {
    const table = tableConfig({ metricColumn: "metric" });
    const columns = [col("metric"), col("id")];
    const conflicting = rules({
      metrics: [
        { table: "traffic_observation", metric: "speed", classification: "nr" },
        { table: "Traffic_Observation", metric: "speed", classification: "hwc" },
      ],
    });
    expect(captureError(() => plan({ table, columns, rules: conflicting }))).toMatchObject({
      kind: "metric",
      key: "traffic_observation/speed",
    });
    const tooLong = rules({
      metrics: [{ table: "traffic_observation", metric: "m".repeat(257), classification: "nr" }],
    });
    expect(captureError(() => plan({ table, columns, rules: tooLong }))).toBeInstanceOf(InvalidValueError);
  });

  it("rejects a malformed treatment on an hwc rule", () => {
    const bad = rule("v", "hwc", { treatment: { kind: "round", digits: 1.5 } });
    const error = captureError(() => plan({ columns: [col("v", "numeric")], rules: rules({ columns: [bad] }) }));
    expect(error).toBeInstanceOf(InvalidTreatmentError);
    expect((error as InvalidTreatmentError).context.where).toBe("column traffic_observation.v");
  });

  it("rejects an unusable policy", () => {
    const columns = [col("id")];
    expect(() => plan({ columns, policy: { ...defaultPolicy, denyColumnPatterns: ["("] } })).toThrow(
      InvalidPolicyError,
    );
    expect(() => plan({ columns, policy: { ...defaultPolicy, denyColumnPatterns: [""] } })).toThrow(InvalidPolicyError);
    const badDefault = { ...defaultPolicy, defaultHwcTreatment: { kind: "hash" } as never };
    expect(() => plan({ columns, policy: badDefault })).toThrow(InvalidTreatmentError);
  });
});

describe("planTable: output shape", () => {
  it("keeps warehouse column order in the projection and the audit", () => {
    const names = ["z_last", "a_first", "m_middle", "b_removed", "c_masked"];
    const result = planned({
      columns: names.map((n) => col(n, "integer")),
      rules: rules({
        columns: [
          rule("a_first", "nr"),
          rule("c_masked", "hwc"),
          rule("m_middle", "nr"),
          rule("z_last", "nr"),
          rule("b_removed", "de"),
        ],
      }),
    });
    expect(result.audit.map((d) => d.column)).toEqual(names);
    expect(result.columns.map((c) => c.name)).toEqual(["z_last", "a_first", "m_middle", "c_masked"]);
  });

  it("is deterministic and does not mutate its input", () => {
    const input = {
      table: Object.freeze(tableConfig({ sourceColumn: "source" })),
      columns: Object.freeze([col("source"), col("id"), col("email")].map((c) => Object.freeze(c))),
      rules: Object.freeze(
        rules({
          columns: Object.freeze([rule("id", "nr"), rule("email", "hwc")]),
          sources: Object.freeze([
            { source: "B", classification: "nr" },
            { source: "A", classification: "mx" },
          ] as const),
        }),
      ),
    };
    expect(planned(input)).toEqual(planned(input));
  });
});

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
