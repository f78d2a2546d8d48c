export {
  WarehouseError,
  isWarehouseError,
  warehouseErrorCodes,
  type WarehouseErrorCode,
  type WarehouseErrorContext,
  type WarehouseErrorOptions,
} from "./errors.js";
export type {
  TableExporter,
  Warehouse,
  WarehouseCatalog,
  WarehouseColumn,
  UnloadResult,
  UnloadedFile,
  UnloadOptions,
  SerializePublish,
} from "./warehouse.js";
export { validateUnloadCommand } from "./command-validation.js";
export { buildManifest, dataFileKey, manifestKey, MANIFEST_FORMAT_VERSION, type UnloadManifest } from "./manifest.js";
export {
  columnEncodingsKey,
  compressedColumnEncodings,
  type ColumnEncoding,
  type ColumnEncodings,
} from "./compressed-columns.js";
export type { ParquetColumn } from "./parquet-schema.js";
export {
  copyToParquet,
  duckString,
  openDuckDb,
  type DuckDbSettings,
  type ParquetCompression,
  type ParquetCopyParams,
  type ParquetCopyResult,
  type WrittenParquetFile,
} from "./parquet/duckdb-parquet.js";
export { SnapshotExporter, type SnapshotExporterConfig } from "./snapshot/snapshot-exporter.js";
export { RedshiftWarehouse, type RedshiftWarehouseConfig } from "./redshift/redshift-warehouse.js";
export { RedshiftCatalog } from "./redshift/redshift-catalog.js";
export { createDataApiClient, redshiftTargetOf, type RedshiftEnv } from "./redshift/redshift-config.js";
export { DataApiRunner, type DataApiClient, type RedshiftTarget } from "./redshift/redshift-data.js";
export {
  redshiftDialect,
  redshiftSessionSettings,
  renderRedshiftUnload,
  type RedshiftUnloadStatements,
  type UnloadTarget,
} from "./redshift/redshift-sql.js";
export { PostgresWarehouse } from "./postgres/postgres-warehouse.js";
export { PostgresCatalog, type PostgresQueryable } from "./postgres/postgres-catalog.js";
export { validatePostgresWarehouseConfig, type PostgresWarehouseConfig } from "./postgres/postgres-config.js";
export {
  renderUnloadQueries,
  postgresSessionSettings,
  quoteIdentifier,
  quoteLiteral,
  type PostgresUnloadQueries,
  type RenderOptions,
} from "./postgres/postgres-sql.js";
export { hmacSha256Pads, type HmacPads } from "./parquet/keyed-hash.js";
