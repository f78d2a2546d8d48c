import {
  CreateDatabaseCommand,
  CreatePartitionCommand,
  CreateTableCommand,
  GetDatabaseCommand,
  GetTableCommand,
  UpdatePartitionCommand,
  type Column,
  type GlueClient,
  type StorageDescriptor,
} from "@aws-sdk/client-glue";
import type { PartitionKey, TableSpec } from "../domain/catalog-layout.js";
import type { CatalogColumn } from "../domain/hive-types.js";
import { CatalogError } from "../errors.js";

/** The partition of one export: its value, its folder and the export that wrote it. */
export interface PartitionSpec {
  readonly values: readonly string[];
  readonly location: string;
  readonly columns: readonly CatalogColumn[];
  readonly parameters: Readonly<Record<string, string>>;
}

/** The part of the Glue Data Catalog the registrar uses (the port its handler depends on). */
export interface Catalog {
  ensureDatabase(database: string): Promise<void>;
  /** The table's data columns and partition keys, or undefined when it does not exist. */
  getTable(
    database: string,
    table: string,
  ): Promise<{ columns: CatalogColumn[]; partitionKeys: PartitionKey[] } | undefined>;
  /** Creates the table; "exists" when another registration created it first. */
  createTable(database: string, spec: TableSpec): Promise<"created" | "exists">;
  /** Creates the partition, or points the existing one at this export (a re-export of the same date). */
  upsertPartition(database: string, table: string, partition: PartitionSpec): Promise<"created" | "updated">;
}

/** Athena's Parquet table: Hive's Parquet SerDe and input/output formats. */
const parquetStorage = {
  InputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
  OutputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
  SerdeInfo: {
    SerializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
    Parameters: { "serialization.format": "1" },
  },
} as const satisfies StorageDescriptor;

export class GlueCatalog implements Catalog {
  constructor(
    private readonly glue: Pick<GlueClient, "send">,
    /** The AWS account id of the catalog (undefined: the caller's). */
    private readonly catalogId?: string,
  ) {}

  async ensureDatabase(database: string): Promise<void> {
    const found = await this.call("GetDatabase", () =>
      this.glue.send(new GetDatabaseCommand({ ...this.catalog(), Name: database })),
    ).catch(notFoundAs(undefined));
    if (found !== undefined) return;
    await this.call("CreateDatabase", () =>
      this.glue.send(
        new CreateDatabaseCommand({
          ...this.catalog(),
          DatabaseInput: { Name: database, Description: "Exports of data-exporter, registered by catalog-registrar" },
        }),
      ),
    ).catch(alreadyExistsAs(undefined));
  }

  async getTable(
    database: string,
    table: string,
  ): Promise<{ columns: CatalogColumn[]; partitionKeys: PartitionKey[] } | undefined> {
    const result = await this.call("GetTable", () =>
      this.glue.send(new GetTableCommand({ ...this.catalog(), DatabaseName: database, Name: table })),
    ).catch(notFoundAs(undefined));
    if (result?.Table === undefined) return undefined;
    return {
      columns: (result.Table.StorageDescriptor?.Columns ?? []).map(fromGlueColumn),
      partitionKeys: (result.Table.PartitionKeys ?? []).map((k) => ({
        name: k.Name ?? "",
        type: k.Type === "date" ? "date" : "string",
      })),
    };
  }

  async createTable(database: string, spec: TableSpec): Promise<"created" | "exists"> {
    return this.call("CreateTable", () =>
      this.glue.send(
        new CreateTableCommand({
          ...this.catalog(),
          DatabaseName: database,
          TableInput: {
            Name: spec.name,
            Description: spec.description,
            TableType: "EXTERNAL_TABLE",
            Parameters: { EXTERNAL: "TRUE", classification: "parquet" },
            PartitionKeys: spec.partitionKeys.map((k) => ({ Name: k.name, Type: k.type })),
            StorageDescriptor: { ...parquetStorage, Location: spec.location, Columns: spec.columns.map(toGlueColumn) },
          },
        }),
      ),
    ).then(() => "created" as const, alreadyExistsAs("exists" as const));
  }

  async upsertPartition(database: string, table: string, partition: PartitionSpec): Promise<"created" | "updated"> {
    const input = {
      Values: [...partition.values],
      Parameters: { ...partition.parameters },
      StorageDescriptor: {
        ...parquetStorage,
        Location: partition.location,
        Columns: partition.columns.map(toGlueColumn),
      },
    };
    const created = await this.call("CreatePartition", () =>
      this.glue.send(
        new CreatePartitionCommand({
          ...this.catalog(),
          DatabaseName: database,
          TableName: table,
          PartitionInput: input,
        }),
      ),
    ).then(() => true, alreadyExistsAs(false));
    if (created) return "created";
    await this.call("UpdatePartition", () =>
      this.glue.send(
        new UpdatePartitionCommand({
          ...this.catalog(),
          DatabaseName: database,
          TableName: table,
          PartitionValueList: [...partition.values],
          PartitionInput: input,
        }),
      ),
    );
    return "updated";
  }

  private catalog(): { CatalogId?: string } {
    return this.catalogId === undefined ? {} : { CatalogId: this.catalogId };
  }

  /** Runs one Glue call, turning its failure into a CatalogError that says whether a retry can help. */
  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw toCatalogError(operation, error);
    }
  }
}

/** Glue's answers that a retry of the same call cannot change (bad input, missing permission, quota). */
const permanent = new Set([
  "AccessDeniedException",
  "InvalidInputException",
  "ResourceNumberLimitExceededException",
  "GlueEncryptionException",
  "ValidationException",
]);

function toCatalogError(operation: string, error: unknown): CatalogError {
  const name = (error as { name?: string }).name ?? "Error";
  const message = (error as { message?: string }).message ?? String(error);
  return new CatalogError("GLUE_CALL", `Glue ${operation} failed: ${name}: ${message}`, {
    cause: error,
    // Throttling, Glue's internal errors and network failures (a wrong or unreachable endpoint) pass.
    retryable: !permanent.has(name),
    context: { operation, awsError: name },
  });
}

const awsNameOf = (error: unknown): unknown =>
  error instanceof CatalogError ? error.context["awsError"] : (error as { name?: unknown }).name;

function notFoundAs<T>(value: T): (error: unknown) => T {
  return (error) => {
    if (awsNameOf(error) === "EntityNotFoundException") return value;
    throw error;
  };
}

function alreadyExistsAs<T>(value: T): (error: unknown) => T {
  return (error) => {
    if (awsNameOf(error) === "AlreadyExistsException") return value;
    throw error;
  };
}

function toGlueColumn(column: CatalogColumn): Column {
  return { Name: column.name, Type: column.type, ...(column.comment === undefined ? {} : { Comment: column.comment }) };
}

function fromGlueColumn(column: Column): CatalogColumn {
  return {
    name: column.Name ?? "",
    type: column.Type ?? "",
    ...(column.Comment === undefined ? {} : { comment: column.Comment }),
  };
}
