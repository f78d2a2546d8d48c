import { createHash } from "node:crypto";
import { deltaSchemaString, type DeltaField, type ExportedColumn } from "./delta-schema.js";
import type { ExportedFile, ExportedPart } from "./exported-tables.js";
import { mayMatch, type PartitionHints, type PartitionValues } from "./partition-filter.js";
import { exportDateColumn } from "./share-layout.js";

/** The exported schema of a table: its Parquet columns, and comments for some (e.g. how to decode compressed ones). */
export interface TableColumns {
  readonly columns: readonly ExportedColumn[];
  readonly comments: Readonly<Record<string, string>>;
}

/** One file of a shared table, before it is given a link. */
export interface TableFile {
  readonly part: ExportedPart;
  readonly file: ExportedFile;
  readonly partitionValues: PartitionValues;
}

/** A shared table as the protocol describes it: version, metaData and its files. */
export interface TableView {
  readonly version: number;
  readonly metadata: DeltaMetadata;
  readonly files: readonly TableFile[];
}

export interface DeltaMetadata {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly format: { readonly provider: "parquet" };
  readonly schemaString: string;
  readonly partitionColumns: readonly string[];
  readonly configuration: Readonly<Record<string, string>>;
  readonly size: number;
  readonly numFiles: number;
}

const exportDateField: DeltaField = {
  name: exportDateColumn,
  type: "date",
  nullable: false,
  metadata: { comment: "The scheduled export's date (Australia/Melbourne); the files of one date are one partition" },
};

/**
 * A scheduled table: every export date's files, partitioned by `export_date`. Its schema is the latest export's
 * (a client reads older files with it: columns they lack are null).
 */
export function scheduledTableView(
  id: string,
  name: string,
  parts: readonly ExportedPart[],
  version: number,
  columns: TableColumns,
): TableView {
  const ordered = [...parts].sort((a, b) => ((a.exportDate ?? "") < (b.exportDate ?? "") ? -1 : 1));
  return view(
    id,
    name,
    version,
    columns,
    [exportDateField],
    "Scheduled exports of the warehouse table, one partition per export date",
    ordered,
    (part) => ({
      [exportDateColumn]: part.exportDate ?? "",
    }),
  );
}

/** An on-demand export's table: its files as they are, not partitioned; version 0, as it never changes. */
export function onDemandTableView(id: string, name: string, part: ExportedPart, columns: TableColumns): TableView {
  return view(id, name, 0, columns, [], `On-demand export ${part.requestId} of ${part.table}`, [part], () => ({}));
}

function view(
  id: string,
  name: string,
  version: number,
  columns: TableColumns,
  partitionFields: readonly DeltaField[],
  description: string,
  parts: readonly ExportedPart[],
  partitionValuesOf: (part: ExportedPart) => PartitionValues,
): TableView {
  const files = parts.flatMap((part) =>
    part.files.map((file) => ({ part, file, partitionValues: partitionValuesOf(part) })),
  );
  return {
    version,
    metadata: {
      id,
      name,
      description,
      format: { provider: "parquet" },
      schemaString: deltaSchemaString(columns.columns, partitionFields, columns.comments),
      partitionColumns: partitionFields.map((field) => field.name),
      configuration: {},
      size: files.reduce((sum, f) => sum + f.file.bytes, 0),
      numFiles: files.length,
    },
    files,
  };
}

/**
 * The files a query returns: those the partition hints do not rule out, then, for `limitHint`, only as many as hold
 * that many rows (by their row counts). Both are hints: the client still filters and limits.
 */
export function filesForQuery(
  files: readonly TableFile[],
  hints: PartitionHints,
  limitHint: number | undefined,
): TableFile[] {
  const matching = files.filter((f) => mayMatch(hints, f.partitionValues));
  if (limitHint === undefined) return matching;
  const chosen: TableFile[] = [];
  let rows = 0;
  for (const f of matching) {
    if (rows >= limitHint) break;
    chosen.push(f);
    rows += f.file.rows;
  }
  return chosen;
}

/** A file's id: the same object version always has the same id, and two objects never share one. */
export const fileId = (file: ExportedFile): string =>
  createHash("sha256")
    .update(`${file.key}\n${file.versionId ?? file.sha256}`)
    .digest("hex")
    .slice(0, 32);

/** The `file` action of the parquet response format. */
export function fileAction(f: TableFile, url: string, expiresAt: number): { file: Record<string, unknown> } {
  return {
    file: {
      url,
      id: fileId(f.file),
      partitionValues: f.partitionValues,
      size: f.file.bytes,
      stats: JSON.stringify({ numRecords: f.file.rows }),
      expirationTimestamp: expiresAt,
    },
  };
}
