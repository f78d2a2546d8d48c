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
  /** The object version this export wrote (links are pinned to it); null in a bucket without versioning. */
  readonly versionId: string | null;
}

export interface UnloadResult {
  readonly rows: number;
  readonly bytes: number;
  readonly files: readonly UnloadedFile[];
  readonly manifestKey: string;
  readonly manifestVersionId: string | null;
}

/**
 * Runs `publish` alone among the publishes of one output prefix, across every unloader (a lock in the state
 * database), so two exports of one window or date never interleave their files. `publish` gets `stillHeld`, which
 * throws once the lock was lost (its connection died): checked before each step that changes the folder.
 */
export type SerializePublish = <T>(
  outputPrefix: string,
  publish: (stillHeld: () => Promise<void>) => Promise<T>,
  signal?: AbortSignal,
) => Promise<T>;

export interface UnloadOptions {
  /** Aborting stops the query and the uploads; a `TimeoutError` reason becomes a TIMEOUT error. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Called right before the manifest is written, when the export is about to become visible; throwing stops it
   * there (the unloader checks it still holds the table job, so a superseded run never publishes).
   */
  readonly beforeCommit?: (() => Promise<void>) | undefined;
  /** Serializes publishes of one folder; without it publishes are serialized only within this process. */
  readonly serializePublish?: SerializePublish | undefined;
}

/**
 * Exports one table of a command as Parquet files plus a manifest (written last) under `command.outputPrefix`.
 * Every failure is a `WarehouseError` with `errorKind` and `retryable`.
 */
export interface TableExporter {
  unload(command: UnloadTableCommand, options?: UnloadOptions): Promise<UnloadResult>;
}

export interface WarehouseCatalog {
  /** Columns in ordinal order; `tableNotFound` if the table does not exist. */
  describeTable(schema: string, table: string): Promise<WarehouseColumn[]>;
}

/**
 * The warehouse port: a table exporter whose rows come from the warehouse, classified by the command's projection
 * and row filter, and verified against a source count taken in the same snapshot.
 */
export interface Warehouse extends TableExporter, WarehouseCatalog {
  close(): Promise<void>;
}
