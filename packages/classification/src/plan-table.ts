import type { ColumnDecision, ColumnProjection } from "@data-exporter/contracts";
import { decideColumn } from "./column-decision.js";
import { compileDenyPatterns } from "./deny-patterns.js";
import { AmbiguousColumnError, ColumnNotFoundError, type IdentifierRole } from "./errors.js";
import { assertIdentifier, foldName, isValidIdentifier } from "./identifiers.js";
import { buildRowFilter, restrictedMetrics } from "./row-filter.js";
import { indexColumnRules, indexMetricRules, indexSourceRules, throwProblem } from "./rule-index.js";
import { validateTreatment } from "./treatments.js";
import type { Classification, ExportTableConfig, PlanTableInput, TablePlan, WarehouseColumn } from "./types.js";

/**
 * Turns one table's configuration, the classification rules and the warehouse's actual columns into the projection
 * and row filter to unload, with one audit decision per column. Pure and deterministic.
 *
 * Skips (does not throw) a table the mode does not export or one with no exportable column. Throws a
 * ClassificationError for configuration that cannot be trusted: invalid identifiers, source/metric values, treatments
 * or policy; configured columns missing from the table; unknown classification codes or conflicting rules that
 * concern this table.
 */
export function planTable(input: PlanTableInput): TablePlan {
  const { table, mode } = input;
  if (!table.enabled) {
    return { kind: "skipped", reasonCode: "disabled", reason: "table is not enabled for export", audit: [] };
  }
  if (mode === "ON_DEMAND" && !table.onDemandEnabled) {
    return {
      kind: "skipped",
      reasonCode: "on-demand-disabled",
      reason: "table is not enabled for on-demand export",
      audit: [],
    };
  }

  const tableName = assertIdentifier(table.table, "table");
  assertIdentifier(table.schema, "schema", tableName);
  const denyPatterns = compileDenyPatterns(input.policy.denyColumnPatterns);
  const defaultHwcTreatment = validateTreatment(input.policy.defaultHwcTreatment, "policy default");

  const byFoldedName = indexWarehouseColumns(tableName, input.columns);
  const timeColumn = resolveConfiguredColumn(table, "timeColumn", byFoldedName);
  const sourceColumn = resolveConfiguredColumn(table, "sourceColumn", byFoldedName);
  const metricColumn = resolveConfiguredColumn(table, "metricColumn", byFoldedName);

  const columnRules = indexColumnRules(input.rules.columns, throwProblem, tableName);
  const sources =
    sourceColumn === null ? new Map<string, Classification>() : indexSourceRules(input.rules.sources, throwProblem);
  const metrics =
    metricColumn === null
      ? new Map<string, Classification>()
      : (indexMetricRules(input.rules.metrics, throwProblem, tableName).get(foldName(tableName)) ?? new Map());

  const projection: ColumnProjection[] = [];
  const audit: ColumnDecision[] = [];
  const unclassifiedColumns: string[] = [];
  const tableKey = foldName(tableName);
  const restricted = restrictedMetrics(metrics);
  for (const column of input.columns) {
    const rule = isValidIdentifier(column.name) ? columnRules.get(`${tableKey}.${foldName(column.name)}`) : undefined;
    const outcome = decideColumn(column, {
      rule,
      denyPatterns,
      defaultHwcTreatment,
      sourceColumn,
      restrictedMetrics: restricted,
    });
    audit.push(outcome.decision);
    if (outcome.projection !== undefined) projection.push(outcome.projection);
    if (outcome.decision.rule === "unclassified") unclassifiedColumns.push(column.name);
  }

  if (projection.length === 0) {
    return {
      kind: "skipped",
      reasonCode: "no-exportable-column",
      reason:
        input.columns.length === 0
          ? "no exportable column: the warehouse table has no columns"
          : "no exportable column: every column was removed by classification",
      audit,
    };
  }
  return {
    kind: "planned",
    timeColumn,
    columns: projection,
    rowFilter: buildRowFilter({ sourceColumn, metricColumn, sources, metrics }),
    audit,
    unclassifiedColumns,
  };
}

/** Valid warehouse column names by folded name; invalid ones are left out here and removed by decideColumn. */
function indexWarehouseColumns(table: string, columns: readonly WarehouseColumn[]): Map<string, WarehouseColumn> {
  const index = new Map<string, WarehouseColumn>();
  for (const column of columns) {
    if (!isValidIdentifier(column.name)) continue;
    const key = foldName(column.name);
    const previous = index.get(key);
    if (previous !== undefined) throw new AmbiguousColumnError(table, [previous.name, column.name]);
    index.set(key, column);
  }
  return index;
}

/** The configured column spelled as the warehouse spells it (the adapter quotes it as-is), or null if not set. */
function resolveConfiguredColumn(
  table: ExportTableConfig,
  role: Extract<IdentifierRole, "timeColumn" | "sourceColumn" | "metricColumn">,
  columns: ReadonlyMap<string, WarehouseColumn>,
): string | null {
  const configured = table[role];
  if (configured === null) return null;
  const name = assertIdentifier(configured, role, table.table);
  const column = columns.get(foldName(name));
  if (column === undefined) throw new ColumnNotFoundError(table.table, name, role);
  return column.name;
}
