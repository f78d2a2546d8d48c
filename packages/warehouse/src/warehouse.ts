import type { UnloadTableCommand } from "@data-exporter/contracts";

/** One column of a warehouse table, `type` as the warehouse spells it (e.g. `numeric(10,2)`). */
export interface WarehouseColumn {
  readonly name: string;
  readonly type: string;
}

export interface UnloadedFile {
  readonly key: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
}

export interface UnloadResult {
  readonly rows: number;
  readonly bytes: number;
  readonly files: readonly UnloadedFile[];
  readonly manifestKey: string;
}

export interface UnloadOptions {
  /** Aborting stops the query and the uploads; a `TimeoutError` reason becomes an `UnloadTimeoutError`. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * The warehouse port: export one table's classified rows as Parquet files plus a manifest to the object store.
 * Every failure is a `WarehouseError` with `errorKind` and `retryable`.
 */
export interface WarehouseCatalog {
  /** Columns in ordinal order; `TableNotFoundError` if the table does not exist. */
  describeTable(schema: string, table: string): Promise<WarehouseColumn[]>;
}

export interface Warehouse extends WarehouseCatalog {
  /** Writes the data files under `command.outputPrefix`, then the manifest last; verified against a source count. */
  unload(command: UnloadTableCommand, options?: UnloadOptions): Promise<UnloadResult>;
  close(): Promise<void>;
}
