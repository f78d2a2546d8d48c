import type { ColumnDecision, ColumnProjection } from "@data-exporter/contracts";
import { columnTypeFamily } from "./column-types.js";
import { matchDenyPattern, type DenyPattern } from "./deny-patterns.js";
import { isValidIdentifier } from "./identifiers.js";
import type { IndexedColumnRule } from "./rule-index.js";
import { describeTreatment, hidesValue, maskedProjection, treatmentFits } from "./treatments.js";
import type { HwcTreatment, WarehouseColumn } from "./types.js";

export interface ColumnContext {
  readonly rule: IndexedColumnRule | undefined;
  readonly denyPatterns: readonly DenyPattern[];
  readonly defaultHwcTreatment: HwcTreatment;
  /** The table's source column as the warehouse spells it, or null. */
  readonly sourceColumn: string | null;
  /** Metrics of this table whose rows are exported but restricted (hwc, mx), sorted; empty without a metric column. */
  readonly restrictedMetrics: readonly string[];
}

export interface ColumnOutcome {
  readonly decision: ColumnDecision;
  /** Present when the column is exported (as is, masked or nulled by source). */
  readonly projection?: ColumnProjection;
}

function removed(column: string, classification: string | null, rule: string, detail: string): ColumnOutcome {
  return { decision: { column, classification, action: "REMOVED", rule, detail } };
}

/**
 * Decides one warehouse column. Precedence, first match wins:
 * invalid name, unclassified, de, deny pattern (unless hwc hidden by keyed_hash/null), nr, mx, hwc treatment.
 * An mx column keeps its value only in unrestricted rows; when the command cannot say which rows those are (no source
 * column, or a restricted metric it cannot tell apart), the column is removed rather than exported for every row.
 */
export function decideColumn(column: WarehouseColumn, context: ColumnContext): ColumnOutcome {
  const name = column.name;
  if (!isValidIdentifier(name)) {
    return removed(name, null, "invalid-identifier", "column name is not a plain SQL identifier; never exported");
  }
  const rule = context.rule;
  if (rule === undefined) {
    return removed(name, null, "unclassified", "no data_column_classification rule; removed by default");
  }
  const classification = rule.classification;
  if (classification === "de") {
    return removed(name, classification, "classification:de", "classified do-not-export");
  }
  const hwcTreatment = rule.treatment ?? context.defaultHwcTreatment;
  const treatment = classification === "hwc" ? hwcTreatment : null;
  const denied = matchDenyPattern(context.denyPatterns, name);
  if (denied !== undefined && !(treatment !== null && hidesValue(treatment))) {
    return removed(
      name,
      classification,
      `deny-pattern:${denied.source}`,
      `column name matches deny pattern /${denied.source}/i; classified ${classification}${
        treatment === null ? "" : ` with ${describeTreatment(treatment)}`
      }, only keyed_hash or null may export it`,
    );
  }
  switch (classification) {
    case "nr":
      return {
        decision: { column: name, classification, action: "EXPORTED", rule: "classification:nr", detail: null },
        projection: { name, treatment: "AS_IS", roundDigits: null },
      };
    case "mx":
      if (context.sourceColumn === null) {
        return removed(
          name,
          classification,
          "mx-without-source-column",
          "classified mixed but the table has no source column to decide per row",
        );
      }
      if (context.restrictedMetrics.length > 0) {
        // The command withholds mx values per source only (RowFilter.unrestrictedSources); an hwc metric's rows from
        // an nr source would keep them. Removing the column is the only projection that is right for every row.
        return removed(
          name,
          classification,
          "mx-with-restricted-metrics",
          `classified mixed, but rows of ${describeMetrics(context.restrictedMetrics)} (hwc or mx) must not keep ` +
            "its value and the unload command can only withhold it per source",
        );
      }
      return {
        decision: {
          column: name,
          classification,
          action: "NULLED_BY_SOURCE",
          rule: "classification:mx",
          detail: `value kept only where ${context.sourceColumn} is an nr source`,
        },
        projection: { name, treatment: "NULL_UNLESS_UNRESTRICTED_SOURCE", roundDigits: null },
      };
    case "hwc":
      return decideHwc(column, hwcTreatment, rule.treatment === null, denied);
  }
}

/** `metric "a"`, `metrics "a", "b" and "c"`; at most five are named. */
function describeMetrics(metrics: readonly string[]): string {
  const quoted = metrics.map((metric) => JSON.stringify(metric));
  if (quoted.length === 1) return `metric ${quoted.join("")}`;
  const shown = quoted.slice(0, Math.min(5, quoted.length - 1));
  const last = quoted.length > 5 ? `${quoted.length - 5} more` : quoted.slice(-1).join("");
  return `metrics ${shown.join(", ")} and ${last}`;
}

function decideHwc(
  column: WarehouseColumn,
  treatment: HwcTreatment,
  isDefault: boolean,
  denied: DenyPattern | undefined,
): ColumnOutcome {
  const name = column.name;
  const described = describeTreatment(treatment);
  if (!treatmentFits(treatment, columnTypeFamily(column.type))) {
    return removed(
      name,
      "hwc",
      `treatment-type-mismatch:${treatment.kind}`,
      `${described} cannot mask a column of type ${column.type}; removed rather than exported raw`,
    );
  }
  const notes = [isDefault ? `default treatment ${described}` : `treatment ${described}`];
  if (denied !== undefined) notes.push(`name matches deny pattern /${denied.source}/i`);
  return {
    decision: {
      column: name,
      classification: "hwc",
      action: "MASKED",
      rule: `treatment:${treatment.kind}`,
      detail: notes.join("; "),
    },
    projection: maskedProjection(name, treatment),
  };
}
