import {
  GetDatabaseCommand,
  GetPartitionCommand,
  GetPartitionsCommand,
  GetTableCommand,
  GetTablesCommand,
  GlueClient,
  UpdateTableCommand,
  type Table,
} from "@aws-sdk/client-glue";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { configTableNames, writeConfig } from "@data-exporter/config-store";
import { S3ObjectStore } from "@data-exporter/object-store";
import { waitFor } from "@data-exporter/runtime";
import { parquetMetadata, parquetSchema, type SchemaTree } from "hyparquet";
import pg from "pg";
import {
  awsClientConfig,
  crash,
  firstDemoDay,
  freePort,
  requestData,
  runTrigger,
  spawnEntryPoint,
  startDeployment,
  startExtraService,
  type RunningService,
  type TestDeployment,
  waitForExport,
} from "../../dev/harness/index.js";

/**
 * The catalog-registrar on the real local stack against moto's Glue: a scheduled export's tables registered as
 * Athena tables (columns as the Parquet files hold them, one export_date partition at each table's folder), a
 * re-export of the same date updating the partition, a Glue outage leaving the export alone and recorded until an
 * operator re-runs it, and a changed source schema refused until the catalog table is updated.
 */
const DATE = "2024-04-07";
const OTHER_DATE = "2024-04-06";
const TABLES = ["cctv", "traffic_observation", "way", "way_metric_long"];

let deployment: TestDeployment;
let state: pg.Pool;
let warehouseDb: pg.Pool;
let glue: GlueClient;
let objectStore: S3ObjectStore;
let firstId: string;

const env = (): Record<string, string> => ({ ...deployment.serviceEnv, LOG_LEVEL: "info" });
const database = (): string => deployment.names.glueDatabase;

interface RegistrationRow {
  table_name: string;
  status: string;
  attempts: number;
  last_error: string | null;
  schema_diff: { added: { name: string; type: string }[]; removed: unknown[]; retyped: unknown[] } | null;
}

async function registrationsOf(requestId: string): Promise<RegistrationRow[]> {
  const { rows } = await state.query<RegistrationRow>(
    `SELECT table_name, status, attempts, last_error, schema_diff FROM "${deployment.names.statusSchema}".catalog_registrations
      WHERE de_request_id = $1 ORDER BY table_name`,
    [requestId],
  );
  return rows;
}

/** Waits until every table of the request has a settled registration (none PENDING) matching `done`. */
async function settled(requestId: string, done: (rows: RegistrationRow[]) => boolean): Promise<RegistrationRow[]> {
  return waitFor(
    `the catalog registrations of ${requestId}`,
    async () => {
      const rows = await registrationsOf(requestId);
      return rows.length === TABLES.length + 1 && done(rows) ? rows : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 250 },
  );
}

async function trigger(args: string[]): Promise<string> {
  const run = await runTrigger(args, env());
  expect(run.code).toBe(0);
  return run.triggered[0]?.requestId ?? "";
}

async function requestStatus(requestId: string): Promise<string | undefined> {
  const { rows } = await state.query<{ status: string }>(
    `SELECT status FROM "${deployment.names.statusSchema}".request_table WHERE de_request_id = $1`,
    [requestId],
  );
  return rows[0]?.status;
}

async function partitionsOf(table: string): Promise<{ values: string[]; location: string; requestId: string }[]> {
  const { Partitions = [] } = await glue.send(new GetPartitionsCommand({ DatabaseName: database(), TableName: table }));
  return Partitions.map((p) => ({
    values: p.Values ?? [],
    location: p.StorageDescriptor?.Location ?? "",
    requestId: p.Parameters?.["de_request_id"] ?? "",
  }));
}

async function tableOf(name: string): Promise<Table> {
  const { Table: table } = await glue.send(new GetTableCommand({ DatabaseName: database(), Name: name }));
  if (table === undefined) throw new Error(`no table ${name}`);
  return table;
}

/** Runs an operator's tool (an entry point) with the deployment's environment; its exit code and stdout. */
async function runTool(entryPoint: string, args: string[], extra: Record<string, string> = {}) {
  const child = spawnEntryPoint(entryPoint, args, { ...env(), ...extra });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.resume();
  const code = await new Promise<number>((resolve) => child.once("close", (c) => resolve(c ?? 1)));
  return { code, stdout };
}

/** The operator's re-run of registrations (the registrar's reregister entry point), as its own database role. */
async function reregister(...args: string[]): Promise<{ code: number; outcomes: { table: string; status: string }[] }> {
  const run = await runTool("services/catalog-registrar/src/reregister.ts", args, {
    DATABASE_URL: deployment.serviceEnv.CATALOG_REGISTRAR_DATABASE_URL ?? deployment.serviceEnv.DATABASE_URL ?? "",
  });
  const outcomes = run.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as { table: string; status: string });
  return { code: run.code, outcomes };
}

/** The dead letters of the registrar's group, as `npm run dlq -- list` shows them. */
async function registrarDeadLetters(requestId: string): Promise<{ id: string }[]> {
  const run = await runTool("services/status-tracker/src/dlq.ts", ["list", "--json"]);
  const listed = (JSON.parse(run.stdout) as { deadLetters: { id: string; consumerGroup: string; requestId: string }[] })
    .deadLetters;
  return listed.filter((d) => d.consumerGroup === "data-exporter.catalog-registrar" && d.requestId === requestId);
}

/**
 * The Hive type a Parquet column is read as, from the file's own footer as hyparquet (a reader independent of the
 * DuckDB writer and of the registrar's mapping from the manifest) parses it.
 */
function hiveTypeFromFooter(node: SchemaTree): string {
  const e = node.element;
  const logical = e.logical_type?.type;
  if (e.converted_type === "DECIMAL" || logical === "DECIMAL") return `decimal(${e.precision},${e.scale ?? 0})`;
  if (logical === "TIMESTAMP" || e.converted_type === "TIMESTAMP_MICROS" || e.converted_type === "TIMESTAMP_MILLIS")
    return "timestamp";
  if (logical === "DATE" || e.converted_type === "DATE") return "date";
  if (e.converted_type === "UTF8" || logical === "STRING" || e.converted_type === "JSON") return "string";
  if (e.converted_type === "INT_16") return "smallint";
  if (e.converted_type === "INT_8") return "tinyint";
  const physical: Record<string, string> = {
    BOOLEAN: "boolean",
    INT32: "int",
    INT64: "bigint",
    FLOAT: "float",
    DOUBLE: "double",
    BYTE_ARRAY: "binary",
    FIXED_LEN_BYTE_ARRAY: "binary",
  };
  return physical[e.type ?? ""] ?? `unknown ${e.type}`;
}

async function fileColumns(key: string): Promise<{ name: string; type: string }[]> {
  const bytes = await objectStore.getObject(key);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return parquetSchema(parquetMetadata(file)).children.map((child) => ({
    name: child.element.name,
    type: hiveTypeFromFooter(child),
  }));
}

const registrar = (): RunningService => {
  const found = deployment.services.find(
    (s) => s.name.startsWith("catalog-registrar") && s.process.exitCode === null && s.process.signalCode === null,
  );
  if (found === undefined) throw new Error("no catalog-registrar running");
  return found;
};

beforeAll(async () => {
  deployment = await startDeployment({
    label: "glue",
    services: ["request-api", "planner", "unloader", "status-tracker", "catalog-registrar"],
    env: { HANDLER_RETRY_MAX_MS: "500" },
    serviceEnv: { "catalog-registrar": { REGISTER_ON_DEMAND: "true" } },
  });
  state = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  warehouseDb = new pg.Pool({ connectionString: process.env.WAREHOUSE_URL, max: 1 });
  glue = new GlueClient(awsClientConfig());
  objectStore = S3ObjectStore.fromConfig({
    bucket: deployment.names.bucket,
    ...awsClientConfig(),
    forcePathStyle: true,
  });
  firstId = await trigger(["--date", DATE]);
}, 120_000);

afterAll(async () => {
  glue?.destroy();
  await state?.end();
  await warehouseDb?.end();
  await deployment?.stop();
});

describe("after a scheduled export", () => {
  it("records every table REGISTERED, and the classification snapshot SKIPPED (no single schema)", async () => {
    const rows = await settled(firstId, (r) => r.every((row) => row.status !== "PENDING"));
    expect(rows.map((r) => [r.table_name, r.status, r.attempts])).toEqual(
      [...TABLES, "classifications"].sort().map((t) => [t, t === "classifications" ? "SKIPPED" : "REGISTERED", 1]),
    );
  });

  it("creates the database and one external Parquet table per exported table, partitioned by export_date", async () => {
    const { Database } = await glue.send(new GetDatabaseCommand({ Name: database() }));
    expect(Database?.Name).toBe(database());
    const { TableList = [] } = await glue.send(new GetTablesCommand({ DatabaseName: database() }));
    expect(TableList.map((t) => t.Name).sort()).toEqual(TABLES);
    for (const table of TableList) {
      expect(table).toMatchObject({
        TableType: "EXTERNAL_TABLE",
        Parameters: expect.objectContaining({ classification: "parquet" }) as unknown,
        PartitionKeys: [{ Name: "export_date", Type: "date" }],
      });
      expect(table.StorageDescriptor).toMatchObject({
        InputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        OutputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        SerdeInfo: { SerializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe" },
      });
    }
  });

  it("gives each table the columns, names and types, that its Parquet files hold", async () => {
    for (const name of TABLES) {
      const table = await tableOf(name);
      const registered = (table.StorageDescriptor?.Columns ?? []).map((c) => ({ name: c.Name, type: c.Type }));
      const expected = await fileColumns(`${deployment.names.exportEnv}/2024/04/07/${name}/${name}_000.parquet`);
      expect({ name, columns: registered }).toEqual({ name, columns: expected });
      expect(registered.every((c) => !c.type?.startsWith("unknown"))).toBe(true);
    }
  });

  it("adds the date's partition at the table's own folder of the export", async () => {
    for (const name of TABLES) {
      expect(await partitionsOf(name)).toEqual([
        {
          values: [DATE],
          location: `s3://${deployment.names.bucket}/${deployment.names.exportEnv}/2024/04/07/${name}/`,
          requestId: firstId,
        },
      ]);
    }
  });
});

describe("a re-export of the same date", () => {
  it("updates the one partition to the new export, without an error", async () => {
    const forcedId = await trigger(["--date", DATE, "--force"]);
    const rows = await settled(forcedId, (r) => r.every((row) => row.status !== "PENDING"));
    expect(rows.filter((r) => r.table_name !== "classifications").map((r) => r.status)).toEqual(
      TABLES.map(() => "REGISTERED"),
    );
    for (const name of TABLES) {
      const partitions = await partitionsOf(name);
      expect(partitions).toHaveLength(1);
      expect(partitions[0]).toMatchObject({ values: [DATE], requestId: forcedId });
    }
    // Re-running it (a redelivery, or an operator's re-run) changes nothing and fails nothing.
    const again = await reregister("--request", forcedId);
    expect(again.code).toBe(0);
    expect(again.outcomes.filter((o) => o.table !== "classifications").map((o) => o.status)).toEqual(
      TABLES.map(() => "REGISTERED"),
    );
    for (const name of TABLES) expect(await partitionsOf(name)).toHaveLength(1);
  });
});

describe("an on-demand export, with REGISTER_ON_DEMAND", () => {
  it("is registered in <table>_on_demand, one request_id partition at the request's folder", async () => {
    const [start, end] = firstDemoDay(deployment);
    const requestId = await requestData(deployment.graphqlUrl, start, end);
    const status = await waitForExport(deployment.graphqlUrl, requestId, 90_000);
    expect(status.status).toBe("Completed");
    const exported = status.tables.map((t) => t.tableName).sort();
    expect(exported.length).toBeGreaterThan(0);
    const rows = await waitFor(
      "the on-demand registrations",
      async () => {
        const found = await registrationsOf(requestId);
        return found.length === exported.length && found.every((r) => r.status !== "PENDING") ? found : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(rows.map((r) => [r.table_name, r.status])).toEqual(exported.map((t) => [t, "REGISTERED"]));
    for (const name of exported) {
      const table = await tableOf(`${name}_on_demand`);
      expect(table.PartitionKeys).toEqual([{ Name: "request_id", Type: "string" }]);
      const [partition, ...others] = await partitionsOf(`${name}_on_demand`);
      expect(others).toEqual([]);
      expect(partition?.values).toEqual([requestId]);
      const folder = (partition?.location ?? "").slice(`s3://${deployment.names.bucket}/`.length);
      expect(folder).toMatch(new RegExp(`^${deployment.names.exportEnv}/data_exporter_service/${name}/\\d{8}/[^/]+/$`));
      const registered = (table.StorageDescriptor?.Columns ?? []).map((c) => ({ name: c.Name, type: c.Type }));
      expect(registered).toEqual(await fileColumns(`${folder}${name}_000.parquet`));
    }
  });
});

describe("when Glue cannot be reached", () => {
  it("leaves the export COMPLETED, records the failure with its attempts, and registers on the operator's re-run", async () => {
    await registrar().stop();
    const unreachable = `http://127.0.0.1:${await freePort()}`;
    const broken = await startExtraService(deployment, "catalog-registrar", {
      instance: "broken",
      env: { GLUE_ENDPOINT_URL: unreachable, HANDLER_MAX_ATTEMPTS: "2", HANDLER_RETRY_MAX_MS: "200" },
    });
    const requestId = await trigger(["--date", DATE, "--force"]);
    const rows = await settled(requestId, (r) =>
      r
        .filter((row) => row.table_name !== "classifications")
        .every((row) => row.status === "FAILED" && row.attempts >= 2),
    );
    for (const row of rows.filter((r) => r.table_name !== "classifications"))
      expect(row.last_error).toMatch(/Glue \w+ failed/);
    expect(await requestStatus(requestId)).toBe("COMPLETED");
    // The event was given up on after its attempts: it waits in the dead-letter topic, the rows say why.
    const deadLetters = await waitFor("the registrar's dead letter", async () => {
      const found = await registrarDeadLetters(requestId);
      return found.length > 0 ? found : undefined;
    });
    expect(deadLetters).toHaveLength(1);
    await crash(broken);
    await startExtraService(deployment, "catalog-registrar", { instance: "fixed" });

    const rerun = await reregister();
    expect(rerun.code).toBe(0);
    expect((await registrationsOf(requestId)).map((r) => r.status)).toEqual(
      [...TABLES, "classifications"].sort().map((t) => (t === "classifications" ? "SKIPPED" : "REGISTERED")),
    );
    for (const name of TABLES) {
      const partitions = await partitionsOf(name);
      expect(partitions).toHaveLength(1);
      expect(partitions[0]?.requestId).toBe(requestId);
    }
  }, 150_000);
});

describe("a source table whose schema changed", () => {
  it("is reported SCHEMA_CHANGED with the difference, and no partition is added under the old schema", async () => {
    const ws = deployment.names.warehouseSchema;
    await warehouseDb.query(`ALTER TABLE ${ws}.way ADD COLUMN lanes_planned integer DEFAULT 2`);
    const dynamo = new DynamoDBClient(awsClientConfig());
    try {
      await writeConfig(dynamo, configTableNames({ prefix: deployment.names.configTablePrefix }), {
        tables: [],
        rules: { columns: [{ table: "way", column: "lanes_planned", classification: "nr" }], sources: [], metrics: [] },
      });
    } finally {
      dynamo.destroy();
    }
    const requestId = await trigger(["--date", OTHER_DATE]);
    const rows = await settled(requestId, (r) => r.every((row) => row.status !== "PENDING"));
    const way = rows.find((r) => r.table_name === "way");
    expect(way).toMatchObject({ status: "SCHEMA_CHANGED", last_error: "schema changed: +lanes_planned int" });
    expect(way?.schema_diff).toEqual({ added: [{ name: "lanes_planned", type: "int" }], removed: [], retyped: [] });
    expect(
      deployment.logs.some((l) => l.startsWith("catalog-registrar") && l.includes("catalog registration refused")),
    ).toBe(true);
    await expect(
      glue.send(new GetPartitionCommand({ DatabaseName: database(), TableName: "way", PartitionValues: [OTHER_DATE] })),
    ).rejects.toMatchObject({ name: "EntityNotFoundException" });
    expect((await tableOf("way")).StorageDescriptor?.Columns?.map((c) => c.Name)).not.toContain("lanes_planned");
    // The other tables' schemas did not change: their partitions of the date are there.
    for (const name of TABLES.filter((t) => t !== "way"))
      expect((await partitionsOf(name)).map((p) => p.values[0]).sort()).toEqual([OTHER_DATE, DATE]);
    expect(await requestStatus(requestId)).toBe("COMPLETED");
    // What the alert rule DataExporterCatalogSchemaChanged watches.
    const metrics = await (await fetch(`${registrar().healthUrl}/metrics`)).text();
    expect(metrics).toMatch(/^data_exporter_catalog_registrations_total\{status="SCHEMA_CHANGED"\} 1$/m);
  });

  it("registers once the operator has updated the catalog table's columns and re-run registration", async () => {
    const way = await tableOf("way");
    const columns = [...(way.StorageDescriptor?.Columns ?? []), { Name: "lanes_planned", Type: "int" }];
    await glue.send(
      new UpdateTableCommand({
        DatabaseName: database(),
        TableInput: {
          Name: "way",
          TableType: way.TableType,
          Parameters: way.Parameters,
          PartitionKeys: way.PartitionKeys,
          StorageDescriptor: { ...way.StorageDescriptor, Columns: columns },
        },
      }),
    );
    const rerun = await reregister();
    expect(rerun).toMatchObject({ code: 0, outcomes: [{ table: "way", status: "REGISTERED" }] });
    expect((await partitionsOf("way")).map((p) => p.values[0]).sort()).toEqual([OTHER_DATE, DATE]);
  });
});
