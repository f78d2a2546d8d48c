import type { ExportCompleted } from "@data-exporter/contracts";
import type { CatalogColumn } from "./hive-types.js";

/** The partition column of every scheduled table: the export's calendar date (the Delta Sharing tables' too). */
export const EXPORT_DATE_KEY = "export_date";
/** The partition column of on-demand tables: one partition per request (its window is in the partition's parameters). */
export const REQUEST_ID_KEY = "request_id";
/** On-demand exports of a table go to their own catalog table, apart from the daily series. */
export const ON_DEMAND_SUFFIX = "_on_demand";

export interface PartitionKey {
  readonly name: string;
  readonly type: "date" | "string";
}

/** One exported table of one export, to be registered as one partition of one catalog table. */
export interface RegistrationTarget {
  readonly requestId: string;
  readonly run: number;
  readonly mode: ExportCompleted["mode"];
  /** The warehouse table as exported. */
  readonly table: string;
  readonly catalogTable: string;
  readonly partitionKey: PartitionKey;
  readonly partitionValue: string;
  readonly bucket: string;
  /** Key prefix of the table's files (ends with "/"); the manifest is `${prefix}manifest`. */
  readonly prefix: string;
  /** Parameters stored on the partition: which export wrote it, so a re-export visibly replaces it. */
  readonly parameters: Readonly<Record<string, string>>;
}

/** The Glue database of an export environment when GLUE_DATABASE is not set: `data_exporter_<env>`. */
export function defaultDatabaseName(exportEnv: string): string {
  return `data_exporter_${exportEnv.replace(/-/g, "_")}`;
}

/**
 * What one ExportCompleted registers: every COMPLETED table of a scheduled export, partitioned by its date, and,
 * when `onDemand`, every COMPLETED table of an on-demand export, partitioned by its request id. Failed tables wrote
 * no complete folder, so they are not registered.
 */
export function targetsOf(event: ExportCompleted, options: { readonly onDemand: boolean }): RegistrationTarget[] {
  const scheduled = event.mode === "SCHEDULED";
  if (!scheduled && !options.onDemand) return [];
  if (scheduled && event.exportDate === null) return [];
  return event.tables
    .filter((t) => t.status === "COMPLETED")
    .map((t) => {
      const { bucket, prefix } = parseS3Prefix(t.s3Prefix, event.bucket);
      return {
        requestId: event.requestId,
        run: event.run,
        mode: event.mode,
        table: t.table,
        catalogTable: catalogTableName(t.table, event.mode),
        partitionKey: scheduled ? { name: EXPORT_DATE_KEY, type: "date" } : { name: REQUEST_ID_KEY, type: "string" },
        partitionValue: scheduled ? (event.exportDate ?? "") : event.requestId,
        bucket,
        prefix,
        parameters: {
          de_request_id: event.requestId,
          de_run: String(event.run),
          rows: String(t.rows),
          files: String(t.fileCount),
          window_start: new Date(event.windowStart).toISOString(),
          window_end: new Date(event.windowEnd).toISOString(),
        },
      };
    });
}

/** Glue table names are lower-case letters, digits and underscores. */
export function catalogTableName(table: string, mode: ExportCompleted["mode"]): string {
  const base = table.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  return mode === "SCHEDULED" ? base : `${base}${ON_DEMAND_SUFFIX}`;
}

/** `s3://bucket/a/b/` → bucket and key prefix; a bare key prefix is taken to be in `fallbackBucket`. */
export function parseS3Prefix(s3Prefix: string, fallbackBucket: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(s3Prefix);
  const [bucket, prefix] = match ? [match[1] ?? "", match[2] ?? ""] : [fallbackBucket, s3Prefix];
  return { bucket, prefix: prefix.endsWith("/") ? prefix : `${prefix}/` };
}

export const locationOf = (target: Pick<RegistrationTarget, "bucket" | "prefix">): string =>
  `s3://${target.bucket}/${target.prefix}`;

/** The catalog table to create for a target whose export has `columns`. */
export interface TableSpec {
  readonly name: string;
  readonly columns: readonly CatalogColumn[];
  readonly partitionKeys: readonly PartitionKey[];
  /**
   * The table's own location: the common parent of its partitions where one exists (on-demand folders share
   * `{env}/data_exporter_service/{table}/`); scheduled folders have none below the env prefix, so the partitions'
   * explicit locations are what Athena reads.
   */
  readonly location: string;
  readonly description: string;
}

export function tableSpecOf(target: RegistrationTarget, columns: readonly CatalogColumn[]): TableSpec {
  return {
    name: target.catalogTable,
    columns,
    partitionKeys: [target.partitionKey],
    location: tableLocationOf(target),
    description:
      target.mode === "SCHEDULED"
        ? `data-exporter daily export of ${target.table}, one partition per ${EXPORT_DATE_KEY}`
        : `data-exporter on-demand exports of ${target.table}, one partition per ${REQUEST_ID_KEY}`,
  };
}

function tableLocationOf(target: RegistrationTarget): string {
  // Scheduled: {env}/YYYY/MM/DD/{table}/ → {env}/. On demand: {env}/data_exporter_service/{table}/YYYYMMDD/{window}/.
  const parts = target.prefix.split("/").filter((p) => p !== "");
  const keep = target.mode === "SCHEDULED" ? 1 : Math.max(1, parts.length - 2);
  return `s3://${target.bucket}/${parts.slice(0, keep).join("/")}/`;
}
