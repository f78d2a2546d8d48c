/**
 * Item shapes of the config tables (all names snake_case; key attributes are S):
 *
 * export_tables                    PK table_name
 *   schema_name S, enabled BOOL, on_demand_enabled BOOL,
 *   time_column S | NULL | absent, source_column S | NULL | absent, metric_column S | NULL | absent
 * data_column_classification       PK table_name, SK column_name
 *   classification S (nr | mx | de | hwc),
 *   treatment S (keyed_hash | round | truncate_to_hour | null) — hwc only, absent = keyed_hash,
 *   round_digits N (integer, classification's minRoundDigits..maxRoundDigits) — required with treatment round, forbidden otherwise
 * actual_data_classifications      PK source
 *   classification S
 * long_table_data_classifications  PK table_name, SK metric_name
 *   classification S
 *
 * Any other attribute is an error by default (a typo would otherwise read as "absent").
 */
import {
  classificationCodes,
  maxRoundDigits,
  minRoundDigits,
  type Classification,
  type ColumnRule,
  type ExportTableConfig,
  type HwcTreatment,
  type MetricRule,
  type SourceRule,
} from "@data-exporter/classification";
import type { ConfigItemIssue } from "../errors.js";
import { configTableKeys } from "./config-tables.js";
import { ItemReader, type DynamoItem, type UnknownAttributePolicy } from "./item-reader.js";

export const treatmentKinds = [
  "keyed_hash",
  "round",
  "truncate_to_hour",
  "null",
] as const satisfies readonly HwcTreatment["kind"][];

export interface DecodeContext {
  /** Physical table name, for error messages. */
  readonly table: string;
  readonly issues: ConfigItemIssue[];
  readonly unknownAttributes: UnknownAttributePolicy;
}

function reader(
  ctx: DecodeContext,
  item: DynamoItem,
  key: { partitionKey: string; sortKey?: string | undefined },
): ItemReader {
  const keyAttributes = key.sortKey === undefined ? [key.partitionKey] : [key.partitionKey, key.sortKey];
  return new ItemReader(ctx.table, item, keyAttributes, ctx.issues);
}

function finish<T>(r: ItemReader, ctx: DecodeContext, value: T): T | undefined {
  r.rejectUnknownAttributes(ctx.unknownAttributes);
  return r.ok ? value : undefined;
}

export function decodeExportTable(item: DynamoItem, ctx: DecodeContext): ExportTableConfig | undefined {
  const r = reader(ctx, item, configTableKeys.exportTables);
  return finish(r, ctx, {
    table: r.string("table_name"),
    schema: r.string("schema_name"),
    enabled: r.boolean("enabled"),
    onDemandEnabled: r.boolean("on_demand_enabled"),
    timeColumn: r.nullableString("time_column"),
    sourceColumn: r.nullableString("source_column"),
    metricColumn: r.nullableString("metric_column"),
  });
}

export function decodeColumnRule(item: DynamoItem, ctx: DecodeContext): ColumnRule | undefined {
  const r = reader(ctx, item, configTableKeys.columnClassifications);
  const table = r.string("table_name");
  const column = r.string("column_name");
  const classification = r.oneOf("classification", classificationCodes);
  const treatment = decodeTreatment(r, classification);
  if (classification === undefined) return finish(r, ctx, undefined);
  const rule: ColumnRule =
    treatment === undefined ? { table, column, classification } : { table, column, classification, treatment };
  return finish(r, ctx, rule);
}

function decodeTreatment(r: ItemReader, classification: Classification | undefined): HwcTreatment | undefined {
  if (!r.has("treatment")) {
    if (r.has("round_digits")) {
      r.expect("round_digits");
      r.fail("round_digits", "is only valid with treatment round");
    }
    return undefined;
  }
  const kind = r.oneOf("treatment", treatmentKinds);
  if (classification !== undefined && classification !== "hwc") {
    r.expect("round_digits");
    return r.fail("treatment", `is only valid for classification hwc, not ${classification}`);
  }
  if (kind === "round") {
    const digits = r.integer("round_digits", minRoundDigits, maxRoundDigits);
    return digits === undefined ? undefined : { kind, digits };
  }
  if (r.has("round_digits")) {
    r.expect("round_digits");
    return r.fail("round_digits", `is only valid with treatment round, not ${kind ?? "an unknown treatment"}`);
  }
  return kind === undefined ? undefined : { kind };
}

export function decodeSourceRule(item: DynamoItem, ctx: DecodeContext): SourceRule | undefined {
  const r = reader(ctx, item, configTableKeys.sourceClassifications);
  const source = r.string("source");
  const classification = r.oneOf("classification", classificationCodes);
  return finish(r, ctx, classification === undefined ? undefined : { source, classification });
}

export function decodeMetricRule(item: DynamoItem, ctx: DecodeContext): MetricRule | undefined {
  const r = reader(ctx, item, configTableKeys.metricClassifications);
  const table = r.string("table_name");
  const metric = r.string("metric_name");
  const classification = r.oneOf("classification", classificationCodes);
  return finish(r, ctx, classification === undefined ? undefined : { table, metric, classification });
}

const s = (value: string): { S: string } => ({ S: value });
const nullable = (value: string | null): { S: string } | { NULL: true } => (value === null ? { NULL: true } : s(value));

export function encodeExportTable(config: ExportTableConfig): DynamoItem {
  return {
    table_name: s(config.table),
    schema_name: s(config.schema),
    enabled: { BOOL: config.enabled },
    on_demand_enabled: { BOOL: config.onDemandEnabled },
    time_column: nullable(config.timeColumn),
    source_column: nullable(config.sourceColumn),
    metric_column: nullable(config.metricColumn),
  };
}

export function encodeColumnRule(rule: ColumnRule): DynamoItem {
  const item: DynamoItem = {
    table_name: s(rule.table),
    column_name: s(rule.column),
    classification: s(rule.classification),
  };
  if (rule.treatment !== undefined) {
    item["treatment"] = s(rule.treatment.kind);
    if (rule.treatment.kind === "round") item["round_digits"] = { N: String(rule.treatment.digits) };
  }
  return item;
}

export function encodeSourceRule(rule: SourceRule): DynamoItem {
  return { source: s(rule.source), classification: s(rule.classification) };
}

export function encodeMetricRule(rule: MetricRule): DynamoItem {
  return { table_name: s(rule.table), metric_name: s(rule.metric), classification: s(rule.classification) };
}
