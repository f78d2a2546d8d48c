import type { Field } from "@aws-sdk/client-redshift-data";
import { tableNotFound } from "../errors.js";
import type { WarehouseCatalog, WarehouseColumn } from "../warehouse.js";
import type { DataApiRunner } from "./redshift-data.js";

const DESCRIBE_SQL = `SELECT column_name, data_type, character_maximum_length, numeric_precision, numeric_scale
  FROM information_schema.columns WHERE table_schema = :schema AND table_name = :table ORDER BY ordinal_position`;

/** A Data API field as a string (null for SQL NULL). */
export function fieldText(field: Field | undefined): string | null {
  if (field === undefined || field.isNull === true) return null;
  if (field.stringValue !== undefined) return field.stringValue;
  if (field.longValue !== undefined) return String(field.longValue);
  if (field.doubleValue !== undefined) return String(field.doubleValue);
  if (field.booleanValue !== undefined) return String(field.booleanValue);
  return null;
}

/** The type as PostgreSQL's format_type spells it, which is how both dialects decide what may be cast back to. */
export function typeName(
  dataType: string,
  length: string | null,
  precision: string | null,
  scale: string | null,
): string {
  if ((dataType === "character varying" || dataType === "character") && length !== null)
    return `${dataType}(${length})`;
  if (dataType === "numeric" && precision !== null) return `numeric(${precision},${scale ?? 0})`;
  return dataType;
}

/** Reads table definitions through the Data API (information_schema, which Redshift and PostgreSQL both have). */
export class RedshiftCatalog implements WarehouseCatalog {
  constructor(private readonly runner: DataApiRunner) {}

  async describeTable(schema: string, table: string): Promise<WarehouseColumn[]> {
    const { records } = await this.runner.query(DESCRIBE_SQL, { schema, table }, { name: "data-exporter.describe" });
    if (records.length === 0) throw tableNotFound(schema, table);
    return records.map((row) => ({
      name: fieldText(row[0]) ?? "",
      type: typeName(fieldText(row[1]) ?? "", fieldText(row[2]), fieldText(row[3]), fieldText(row[4])),
    }));
  }
}
