import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import {
  defaultPolicy,
  type Classification,
  type ClassificationRules,
  type ExportTableConfig,
  type MetricRule,
} from "@data-exporter/classification";
import { PostgresCatalog, renderUnloadQueries } from "@data-exporter/warehouse";
import pg from "pg";
import { planExport } from "../../src/domain/plan-export.js";

// What a reader of an exported file sees for rows of nr, hwc, mx, de and unknown sources and metrics: the planner's
// commands rendered by the warehouse's SQL and run on PostgreSQL, against the classification README's rows table
// restated here (not derived from the engine).

const schema = `rows_${randomBytes(4).toString("hex")}`;
const table = "observation";
const sources = ["NR_SRC", "HWC_SRC", "MX_SRC", "DE_SRC", "NO_RULE_SRC"] as const;
const metrics = ["m_nr", "m_hwc", "m_de", "m_no_rule"] as const;

interface FixtureRow {
  readonly id: number;
  readonly src: (typeof sources)[number];
  readonly metric: (typeof metrics)[number];
}
const fixture: FixtureRow[] = sources.flatMap((src, s) =>
  metrics.map((metric, m) => ({ id: 1 + s * metrics.length + m, src, metric })),
);

const columnRules: ClassificationRules["columns"] = [
  { table, column: "id", classification: "nr" },
  { table, column: "src", classification: "nr" },
  { table, column: "metric", classification: "nr" },
  { table, column: "plain", classification: "nr" },
  { table, column: "mixed", classification: "mx" },
  { table, column: "masked", classification: "hwc", treatment: { kind: "round", digits: 0 } },
  { table, column: "secret", classification: "de" },
  // unclassified: no rule.
];
const sourceRules: ClassificationRules["sources"] = [
  { source: "NR_SRC", classification: "nr" },
  { source: "HWC_SRC", classification: "hwc" },
  { source: "MX_SRC", classification: "mx" },
  { source: "DE_SRC", classification: "de" },
];
const metricRule = (metric: string, classification: Classification): MetricRule => ({
  table,
  metric,
  classification,
});

/** The README's rows table: exported or not; nr as is, mx only in unrestricted rows, hwc treated, de absent. */
function readerSees(
  row: FixtureRow,
  options: { byMetric: boolean; metricCodes: Readonly<Record<string, Classification>> },
): Record<string, unknown> | undefined {
  const sourceCode = Object.fromEntries(sourceRules.map((r) => [r.source, r.classification]))[row.src];
  const metricCode = options.byMetric ? options.metricCodes[row.metric] : "nr";
  if (sourceCode === undefined || sourceCode === "de") return undefined;
  if (metricCode === undefined || metricCode === "de") return undefined;
  const unrestricted = sourceCode === "nr" && metricCode === "nr";
  const restrictedMetricExported = Object.values(options.metricCodes).some((c) => c === "hwc" || c === "mx");
  // The command withholds mx values per source only: a long-format table exporting a restricted metric loses them.
  const mixed = options.byMetric && restrictedMetricExported ? {} : { mixed: unrestricted ? row.id + 0.5 : null };
  return {
    id: row.id,
    src: row.src,
    metric: row.metric,
    plain: row.id * 10,
    ...mixed,
    masked: String(row.id * 100),
  };
}

let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: process.env["WAREHOUSE_URL"], max: 2 });
  await pool.query(`CREATE SCHEMA "${schema}"`);
  await pool.query(
    `CREATE TABLE "${schema}"."${table}" (id integer, src text, metric text, plain integer, mixed double precision,
       masked numeric(10,2), secret text, unclassified text)`,
  );
  for (const row of fixture) {
    await pool.query(`INSERT INTO "${schema}"."${table}" VALUES ($1, $2, $3, $4, $5, $6, 'secret', 'unclassified')`, [
      row.id,
      row.src,
      row.metric,
      row.id * 10,
      row.id + 0.5,
      // 0.37 above a multiple of 100: ROUND(0) gives the multiple, whatever the rounding mode of halves.
      (row.id * 100 + 0.37).toFixed(2),
    ]);
  }
});

afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

/** Plans the table as the planner does, renders the unloader's SQL for PostgreSQL and returns its rows by id. */
async function exported(config: Pick<ExportTableConfig, "sourceColumn" | "metricColumn">, metricRules: MetricRule[]) {
  const columns = await new PostgresCatalog(pool).describeTable(schema, table);
  const { commands } = planExport(
    {
      requestId: "0b6f8c1e-6a0e-4a57-9f3e-2d7c1b9a5e01",
      mode: "ON_DEMAND",
      exportDate: null,
      windowStart: Date.UTC(2026, 0, 1),
      windowEnd: Date.UTC(2026, 0, 2),
    },
    {
      tables: [{ table, schema, enabled: true, onDemandEnabled: true, timeColumn: null, ...config }],
      rules: { columns: columnRules, sources: sourceRules, metrics: metricRules },
      configVersion: "cfg-test",
      configLoadedAt: 0,
      policy: defaultPolicy,
      describedTables: new Map([[table, { columns }]]),
      bucket: "exports",
      envName: "test",
      now: 0,
    },
  );
  const [command] = commands;
  if (command === undefined) throw new Error("the table was not planned");
  const { select } = renderUnloadQueries(command, { columns, hashKey: "unused" });
  const { rows } = await pool.query<Record<string, unknown>>(`SELECT * FROM (${select}) AS exported ORDER BY id`);
  return { command, rows };
}

function expectedRows(byMetric: boolean, metricRules: MetricRule[]): Record<string, unknown>[] {
  const metricCodes = Object.fromEntries(metricRules.map((r) => [r.metric, r.classification]));
  return fixture.flatMap((row) => {
    const seen = readerSees(row, { byMetric, metricCodes });
    return seen === undefined ? [] : [seen];
  });
}

describe("rows of nr, hwc, mx, de and unknown sources and metrics, exported from PostgreSQL", () => {
  it("exports an hwc source's rows with nr columns as is, mx columns NULL and hwc columns treated", async () => {
    const { command, rows } = await exported({ sourceColumn: "src", metricColumn: null }, []);
    expect(command.columns.map((c) => c.name)).toEqual(["id", "src", "metric", "plain", "mixed", "masked"]);
    expect(rows).toEqual(expectedRows(false, []));
    // Spelled out for the hwc source, so the expectation above cannot be vacuous.
    const hwc = rows.filter((r) => r["src"] === "HWC_SRC");
    expect(hwc).toHaveLength(metrics.length);
    expect(hwc.every((r) => r["mixed"] === null && r["plain"] !== null && /^\d+$/.test(String(r["masked"])))).toBe(
      true,
    );
    expect(new Set(rows.map((r) => r["src"]))).toEqual(new Set(["NR_SRC", "HWC_SRC", "MX_SRC"]));
  });

  it("exports an hwc metric's rows too, and removes mx columns a restricted metric's rows would keep", async () => {
    const metricRules = [metricRule("m_nr", "nr"), metricRule("m_hwc", "hwc"), metricRule("m_de", "de")];
    const { command, rows } = await exported({ sourceColumn: "src", metricColumn: "metric" }, metricRules);
    expect(command.audit.find((d) => d.column === "mixed")?.rule).toBe("mx-with-restricted-metrics");
    expect(rows).toEqual(expectedRows(true, metricRules));
    expect(new Set(rows.map((r) => r["metric"]))).toEqual(new Set(["m_nr", "m_hwc"]));
    expect(rows.every((r) => !("mixed" in r))).toBe(true);
  });

  it("keeps mx values per source in a long-format table whose exported metrics are all nr", async () => {
    const metricRules = [metricRule("m_nr", "nr"), metricRule("m_hwc", "de")];
    const { rows } = await exported({ sourceColumn: "src", metricColumn: "metric" }, metricRules);
    expect(rows).toEqual(expectedRows(true, metricRules));
    expect(rows.filter((r) => r["mixed"] !== null).map((r) => r["src"])).toEqual(["NR_SRC"]);
  });
});
