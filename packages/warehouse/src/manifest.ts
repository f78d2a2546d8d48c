import type { ColumnDecision, ExportMode, UnloadTableCommand } from "@data-exporter/contracts";
import type { ColumnEncodings } from "./compressed-columns.js";
import type { ParquetColumn } from "./parquet-schema.js";
import type { UnloadedFile } from "./warehouse.js";

export const MANIFEST_FORMAT_VERSION = 1;

/**
 * The JSON document written last under `${outputPrefix}manifest`: its presence means the files are complete, and it
 * names the request whose generation the folder holds. Each file carries the object version it was written as.
 */
export interface UnloadManifest {
  readonly formatVersion: number;
  readonly requestId: string;
  readonly schema: string;
  readonly table: string;
  readonly mode: ExportMode;
  readonly exportDate: string | null;
  readonly window: {
    readonly timeColumn: string | null;
    readonly start: string;
    readonly end: string;
    readonly startMs: number;
    readonly endMs: number;
  } | null;
  readonly configVersion: string;
  /**
   * When the export was planned (the command's issuedAt): of two exports of one folder, the generation planned later
   * stays current (publish-export.ts). Missing in manifests written before this field: they count as oldest.
   */
  readonly plannedAt: string;
  readonly plannedAtMs: number;
  /** When the rows of a snapshot export (classifications) were read from the configuration store. */
  readonly configLoadedAt?: string;
  readonly attempt: number;
  readonly files: readonly UnloadedFile[];
  readonly totalRows: number;
  readonly totalBytes: number;
  readonly parquetSchema: readonly ParquetColumn[];
  /** Binary columns holding compressed values and how to decode them (also in each file's key-value metadata). */
  readonly columnEncodings?: ColumnEncodings;
  readonly classification: readonly ColumnDecision[];
  readonly createdAt: string;
}

export function manifestKey(command: Pick<UnloadTableCommand, "outputPrefix">): string {
  return `${command.outputPrefix}manifest`;
}

export function dataFileKey(command: Pick<UnloadTableCommand, "outputPrefix" | "fileBaseName">, index: number): string {
  return `${command.outputPrefix}${command.fileBaseName}_${String(index).padStart(3, "0")}.parquet`;
}

export function buildManifest(
  command: UnloadTableCommand,
  files: readonly UnloadedFile[],
  parquetSchema: readonly ParquetColumn[],
  createdAt: Date,
  columnEncodings: ColumnEncodings = {},
): UnloadManifest {
  return {
    formatVersion: MANIFEST_FORMAT_VERSION,
    requestId: command.requestId,
    schema: command.schema,
    table: command.table,
    mode: command.mode,
    exportDate: command.exportDate,
    window:
      command.timeColumn === null
        ? null
        : {
            timeColumn: command.timeColumn,
            start: new Date(command.windowStart).toISOString(),
            end: new Date(command.windowEnd).toISOString(),
            startMs: command.windowStart,
            endMs: command.windowEnd,
          },
    configVersion: command.configVersion,
    plannedAt: new Date(command.issuedAt).toISOString(),
    plannedAtMs: command.issuedAt,
    ...(command.snapshot === null ? {} : { configLoadedAt: new Date(command.snapshot.loadedAt).toISOString() }),
    attempt: command.attempt,
    files,
    totalRows: files.reduce((sum, f) => sum + f.rows, 0),
    totalBytes: files.reduce((sum, f) => sum + f.bytes, 0),
    parquetSchema,
    ...(Object.keys(columnEncodings).length === 0 ? {} : { columnEncodings }),
    classification: command.audit,
    createdAt: createdAt.toISOString(),
  };
}
