import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import {
  ClassificationError,
  classificationErrorCodes,
  listRuleProblems,
  planTable,
  type Classification,
  type ColumnRule,
  type ExportableTablePlan,
  type PlanTableInput,
} from "../src/index.js";
import { propertyOptions, scenario } from "./arbitraries.js";

// Properties of planTable over random configurations and warehouse schemas (see arbitraries.ts for the near misses
// they aim at). The oracle below restates the README's rules without the engine's code: a rule applies to a column
// when table and column match ignoring case; source values match exactly; metric rules belong to one table.

const fold = (name: string): string => name.toLowerCase();
const identifier = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const allowing = new Set<unknown>(["nr", "mx", "hwc"]);

/** Every rule of the planned table that names this warehouse column. */
function rulesOf(input: PlanTableInput, column: string): ColumnRule[] {
  return input.rules.columns.filter(
    (rule) => fold(rule.table) === fold(input.table.table) && fold(rule.column) === fold(column),
  );
}

function isDenied(input: PlanTableInput, column: string): boolean {
  return input.policy.denyColumnPatterns.some((pattern) => new RegExp(pattern, "i").test(column));
}

/** Values whose every rule allows rows (nr, mx, hwc), and that have at least one rule: nothing else may pass. */
function allowedValues(rules: readonly { value: string; classification: Classification }[]): string[] {
  const byValue = new Map<string, unknown[]>();
  for (const { value, classification } of rules) byValue.set(value, [...(byValue.get(value) ?? []), classification]);
  return [...byValue]
    .filter(([, codes]) => codes.every((code) => allowing.has(code)))
    .map(([value]) => value)
    .sort();
}

/** Exported metrics of the planned table with a restricting (mx or hwc) rule: their rows must not keep mx values. */
function restrictedMetricsOf(input: PlanTableInput, plan: ExportableTablePlan): string[] {
  return plan.rowFilter.allowedMetrics.filter((metric) =>
    input.rules.metrics.some(
      (r) =>
        fold(r.table) === fold(input.table.table) &&
        r.metric === metric &&
        (r.classification === "mx" || r.classification === "hwc"),
    ),
  );
}

function checkProjection(input: PlanTableInput, plan: ExportableTablePlan): void {
  const warehouseNames = input.columns.map((c) => c.name);
  const projected = plan.columns.map((p) => p.name);
  // Warehouse spelling, each column once, in table order.
  expect(projected).toEqual(warehouseNames.filter((name) => projected.includes(name)));
  for (const projection of plan.columns) {
    const rules = rulesOf(input, projection.name);
    const codes = new Set(rules.map((r) => r.classification));
    // Never an unclassified, de or unknown-code column; never a column classified only for another table.
    expect(rules.length).toBeGreaterThan(0);
    for (const code of codes) expect(allowing.has(code)).toBe(true);
    expect(codes.size).toBe(1);
    const [code] = [...codes];
    switch (projection.treatment) {
      case "AS_IS":
        expect(code).toBe("nr");
        break;
      case "NULL_UNLESS_UNRESTRICTED_SOURCE":
        expect(code).toBe("mx");
        expect(plan.rowFilter.sourceColumn).not.toBeNull();
        // Values are withheld per source only: no exported metric may be one whose rows are restricted.
        expect(restrictedMetricsOf(input, plan)).toEqual([]);
        break;
      default:
        expect(code).toBe("hwc");
    }
    // A deny-listed name leaves only hashed or nulled, whatever its rule says.
    if (isDenied(input, projection.name)) expect(["KEYED_HASH", "NULLIFY"]).toContain(projection.treatment);
  }
  const unclassified = warehouseNames.filter((name) => identifier.test(name) && rulesOf(input, name).length === 0);
  expect(plan.unclassifiedColumns).toEqual(unclassified);
  expect(plan.audit.map((d) => d.column)).toEqual(warehouseNames);
}

function checkRowFilter(input: PlanTableInput, plan: ExportableTablePlan): void {
  const { rowFilter } = plan;
  const spelling = (configured: string | null): string | null =>
    configured === null ? null : (input.columns.find((c) => fold(c.name) === fold(configured))?.name ?? "missing");

  // A configured source column always filters: the plan must not drop it, or every source's rows would pass.
  expect(rowFilter.sourceColumn).toBe(spelling(input.table.sourceColumn));
  if (rowFilter.sourceColumn === null) {
    expect(rowFilter.allowedSources).toEqual([]);
    expect(rowFilter.unrestrictedSources).toEqual([]);
  } else {
    const sources = input.rules.sources.map((r) => ({ value: r.source, classification: r.classification }));
    expect([...rowFilter.allowedSources].sort()).toEqual(allowedValues(sources));
    const nrOnly = allowedValues(sources).filter((s) =>
      sources.filter((r) => r.value === s).every((r) => r.classification === "nr"),
    );
    expect([...rowFilter.unrestrictedSources].sort()).toEqual(nrOnly);
  }

  expect(rowFilter.metricColumn).toBe(spelling(input.table.metricColumn));
  if (rowFilter.metricColumn === null) {
    expect(rowFilter.allowedMetrics).toEqual([]);
  } else {
    // Only this table's metric rules count: a metric allowed for another table is unknown here.
    const metrics = input.rules.metrics
      .filter((r) => fold(r.table) === fold(input.table.table))
      .map((r) => ({ value: r.metric, classification: r.classification }));
    expect([...rowFilter.allowedMetrics].sort()).toEqual(allowedValues(metrics));
  }
}

describe("planTable over random configurations and schemas", () => {
  it("never projects a de, unclassified, unknown-code or deny-listed column, and never lets a de or unknown source or metric through", () => {
    const outcomes = { planned: 0, skipped: 0, refused: 0 };
    fc.assert(
      fc.property(scenario, (input) => {
        let plan: ReturnType<typeof planTable>;
        try {
          plan = planTable(input);
        } catch (error) {
          // Configuration that cannot be trusted is refused with a typed error, never exported "as best it can".
          expect(error).toBeInstanceOf(ClassificationError);
          expect(classificationErrorCodes).toContain((error as ClassificationError).code);
          outcomes.refused++;
          return;
        }
        if (plan.kind === "skipped") {
          outcomes.skipped++;
          if (!input.table.enabled) expect(plan.reasonCode).toBe("disabled");
          return;
        }
        outcomes.planned++;
        expect(input.table.enabled).toBe(true);
        if (input.mode === "ON_DEMAND") expect(input.table.onDemandEnabled).toBe(true);
        checkProjection(input, plan);
        checkRowFilter(input, plan);
      }),
      propertyOptions(1500),
    );
    // The generators must reach the interesting case most of the time, or the property says little.
    const runs = outcomes.planned + outcomes.skipped + outcomes.refused;
    expect(outcomes.planned / runs).toBeGreaterThan(0.35);
    expect(outcomes.refused).toBeGreaterThan(0);
  });

  it("refuses with a rule problem only when listRuleProblems reports one too", () => {
    const ruleCodes = new Set(["CONFLICTING_RULES", "UNKNOWN_CLASSIFICATION", "INVALID_TREATMENT", "INVALID_VALUE"]);
    fc.assert(
      fc.property(scenario, (input) => {
        try {
          planTable(input);
        } catch (error) {
          expect(error).toBeInstanceOf(ClassificationError);
          const { code, message } = error as ClassificationError;
          if (ruleCodes.has(code)) expect(listRuleProblems(input.rules).map((p) => p.message)).toContain(message);
        }
      }),
      propertyOptions(1000),
    );
  });

  it("gives the same plan whatever order the rules were read in", () => {
    fc.assert(
      fc.property(scenario, fc.infiniteStream(fc.nat()), (input, stream) => {
        const shuffle = <T>(items: readonly T[]): T[] =>
          items
            .map((item) => ({ item, key: stream.next().value as number }))
            .sort((a, b) => a.key - b.key)
            .map(({ item }) => item);
        const shuffled: PlanTableInput = {
          ...input,
          rules: {
            columns: shuffle(input.rules.columns),
            sources: shuffle(input.rules.sources),
            metrics: shuffle(input.rules.metrics),
          },
        };
        const outcome = (i: PlanTableInput): unknown => {
          try {
            return planTable(i);
          } catch (error) {
            // Which problem is named first may depend on the order; whether the table is refused may not.
            expect(error).toBeInstanceOf(ClassificationError);
            return "refused";
          }
        };
        expect(outcome(shuffled)).toEqual(outcome(input));
      }),
      propertyOptions(500),
    );
  });
});
