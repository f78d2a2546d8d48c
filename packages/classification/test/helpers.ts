import type { ColumnDecision } from "@data-exporter/contracts";
import {
  defaultPolicy,
  planTable,
  type ClassificationPolicy,
  type ClassificationRules,
  type ColumnRule,
  type ExportTableConfig,
  type ExportableTablePlan,
  type PlanTableInput,
  type TablePlan,
  type WarehouseColumn,
} from "../src/index.js";

export const emptyRules: ClassificationRules = { columns: [], sources: [], metrics: [] };

export function tableConfig(overrides: Partial<ExportTableConfig> = {}): ExportTableConfig {
  return {
    table: "traffic_observation",
    schema: "pm_internal",
    enabled: true,
    onDemandEnabled: true,
    timeColumn: null,
    sourceColumn: null,
    metricColumn: null,
    ...overrides,
  };
}

export function col(name: string, type = "text"): WarehouseColumn {
  return { name, type };
}

export function rule(
  column: string,
  classification: ColumnRule["classification"],
  extra: Partial<ColumnRule> = {},
): ColumnRule {
  return { table: "traffic_observation", column, classification, ...extra };
}

export function rules(overrides: Partial<ClassificationRules>): ClassificationRules {
  return { ...emptyRules, ...overrides };
}

export function plan(input: Partial<PlanTableInput> & Pick<PlanTableInput, "columns">): TablePlan {
  return planTable({
    table: tableConfig(),
    rules: emptyRules,
    policy: defaultPolicy,
    mode: "SCHEDULED",
    ...input,
  });
}

export function planned(input: Partial<PlanTableInput> & Pick<PlanTableInput, "columns">): ExportableTablePlan {
  const result = plan(input);
  if (result.kind !== "planned") throw new Error(`expected a planned table, got skipped: ${result.reason}`);
  return result;
}

/** The decision for one column; fails the test when it is missing. */
export function decisionOf(audit: readonly ColumnDecision[], column: string): ColumnDecision {
  const found = audit.find((decision) => decision.column === column);
  if (found === undefined) throw new Error(`no audit decision for ${column}`);
  return found;
}

/** Plans a table of one classified column next to an always-exported `id`, and returns that column's decision. */
export function decideOne(
  column: WarehouseColumn,
  columnRule: ColumnRule | undefined,
  options: { sourceColumn?: string | null; policy?: ClassificationPolicy } = {},
): { decision: ColumnDecision; plan: ExportableTablePlan } {
  const sourceColumn = options.sourceColumn ?? null;
  const columns = [col("id", "bigint"), column, ...(sourceColumn === null ? [] : [col(sourceColumn)])];
  const columnRules = [rule("id", "nr"), ...(columnRule === undefined ? [] : [columnRule])];
  const result = planned({
    columns,
    table: tableConfig({ sourceColumn }),
    rules: rules({ columns: columnRules, sources: [{ source: "FUSION", classification: "nr" }] }),
    policy: options.policy ?? defaultPolicy,
  });
  return { decision: decisionOf(result.audit, column.name), plan: result };
}
