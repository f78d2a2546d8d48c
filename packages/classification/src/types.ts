import type { ColumnDecision, ColumnProjection, ExportMode, RowFilter } from "@data-exporter/contracts";

/** Classification codes: nr = no restriction, mx = mixed (depends on the row's source), de = do not export, hwc = handle with care. */
export type Classification = "nr" | "mx" | "de" | "hwc";

/**
 * How an hwc column is masked. keyed_hash hashes the column's text form with the unloader's secret key (any type);
 * round needs a numeric column; truncate_to_hour needs a timestamp column; null keeps the column but never its value.
 */
export type HwcTreatment =
  | { readonly kind: "keyed_hash" }
  | { readonly kind: "round"; readonly digits: number }
  | { readonly kind: "truncate_to_hour" }
  | { readonly kind: "null" };

/** One row of export_tables: whether and how a warehouse table is exported. */
export interface ExportTableConfig {
  readonly table: string;
  readonly schema: string;
  /** Exported by the scheduled export (and a precondition of on-demand export). */
  readonly enabled: boolean;
  /** Also exported by on-demand requests (requires `enabled` too). */
  readonly onDemandEnabled: boolean;
  /** Column the export window applies to; null exports the whole table (dimension tables). */
  readonly timeColumn: string | null;
  /** Column naming each row's data source; rows are filtered by the source rules. */
  readonly sourceColumn: string | null;
  /** Column naming the metric of a long-format table; rows are filtered by the metric rules. */
  readonly metricColumn: string | null;
}

/** One row of data_column_classification. Table and column names match case-insensitively. */
export interface ColumnRule {
  readonly table: string;
  readonly column: string;
  readonly classification: Classification;
  /** Only read for hwc; absent means the policy's default treatment. */
  readonly treatment?: HwcTreatment | undefined;
}

/** One row of actual_data_classifications. Source values match exactly (case-sensitive). */
export interface SourceRule {
  readonly source: string;
  readonly classification: Classification;
}

/** One row of long_table_data_classifications. Table matches case-insensitively, metric values exactly. */
export interface MetricRule {
  readonly table: string;
  readonly metric: string;
  readonly classification: Classification;
}

export interface ClassificationRules {
  readonly columns: readonly ColumnRule[];
  readonly sources: readonly SourceRule[];
  readonly metrics: readonly MetricRule[];
}

/** Code-owned safety net on top of the configured rules. */
export interface ClassificationPolicy {
  /**
   * Regular-expression sources matched case-insensitively against column names. A match removes the column whatever
   * its classification, unless it is hwc and masked by keyed_hash or null.
   */
  readonly denyColumnPatterns: readonly string[];
  /** Treatment of hwc columns whose rule names none. */
  readonly defaultHwcTreatment: HwcTreatment;
}

/** A column of the warehouse table as the catalog reports it, in table order. */
export interface WarehouseColumn {
  readonly name: string;
  /** Catalog type name, e.g. `integer`, `numeric(10,2)`, `timestamp without time zone`, `character varying(256)`. */
  readonly type: string;
}

export interface PlanTableInput {
  readonly table: ExportTableConfig;
  readonly columns: readonly WarehouseColumn[];
  readonly rules: ClassificationRules;
  readonly policy: ClassificationPolicy;
  readonly mode: ExportMode;
}

/** The table is exported with this projection and row filter. */
export interface ExportableTablePlan {
  readonly kind: "planned";
  /** The configured time column spelled as in the warehouse, or null. */
  readonly timeColumn: string | null;
  /** Exported columns in warehouse order. */
  readonly columns: ColumnProjection[];
  readonly rowFilter: RowFilter;
  /** One decision per warehouse column, in warehouse order. */
  readonly audit: ColumnDecision[];
  /** Warehouse columns without any rule (removed: deny by default). */
  readonly unclassifiedColumns: string[];
}

export type SkipReasonCode = "disabled" | "on-demand-disabled" | "no-exportable-column";

/** The table is not exported; `audit` is empty when the table was skipped before its columns were looked at. */
export interface SkippedTablePlan {
  readonly kind: "skipped";
  readonly reasonCode: SkipReasonCode;
  readonly reason: string;
  readonly audit: ColumnDecision[];
}

export type TablePlan = ExportableTablePlan | SkippedTablePlan;
