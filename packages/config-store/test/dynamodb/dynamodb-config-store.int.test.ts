import { randomUUID } from "node:crypto";
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import type { ClassificationRules, ExportTableConfig } from "@data-exporter/classification";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import {
  ConfigItemInvalidError,
  ConfigStoreError,
  DynamoDbConfigStore,
  configTableNames,
  createConfigTables,
  writeConfig,
  type ConfigTableNames,
} from "../../src/index.js";

function dynamoClient(endpoint = process.env["AWS_ENDPOINT_URL"]): DynamoDBClient {
  if (endpoint === undefined) throw new Error("AWS_ENDPOINT_URL is not set: start the local stack first");
  return new DynamoDBClient({
    endpoint,
    region: process.env["AWS_REGION"] ?? "ap-southeast-2",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
}

/** Unique table names per test: isolation by name, never by cleaning shared state. */
async function freshTables(client: DynamoDBClient): Promise<ConfigTableNames> {
  const names = configTableNames({ prefix: `cfg_${randomUUID().slice(0, 8)}_` });
  await createConfigTables(client, names);
  return names;
}

/** A config large enough to need several scan pages and batch-write chunks. */
function bigConfig(): { tables: ExportTableConfig[]; rules: ClassificationRules } {
  const tables: ExportTableConfig[] = Array.from({ length: 30 }, (_, i) => ({
    table: `t${String(i).padStart(2, "0")}`,
    schema: "pm_internal",
    enabled: i % 3 !== 0,
    onDemandEnabled: i % 2 === 0,
    timeColumn: i % 4 === 0 ? null : "obs_time",
    sourceColumn: i % 5 === 0 ? "source" : null,
    metricColumn: i % 7 === 0 ? "metric_name" : null,
  }));
  const classes = ["nr", "mx", "de", "hwc"] as const;
  const columns = Array.from({ length: 120 }, (_, i) => {
    const classification = classes[i % 4] ?? "nr";
    const base = {
      table: `t${String(i % 30).padStart(2, "0")}`,
      column: `c${String(i).padStart(3, "0")}`,
      classification,
    };
    if (classification !== "hwc") return base;
    const treatments = [
      undefined,
      { kind: "keyed_hash" as const },
      { kind: "round" as const, digits: 3 },
      { kind: "truncate_to_hour" as const },
      { kind: "null" as const },
    ];
    const treatment = treatments[(i >> 2) % treatments.length];
    return treatment === undefined ? base : { ...base, treatment };
  });
  const sources = Array.from({ length: 105 }, (_, i) => ({
    source: `SRC${String(i).padStart(3, "0")}`,
    classification: classes[i % 4] ?? "nr",
  }));
  const metrics = Array.from({ length: 110 }, (_, i) => ({
    table: "way_metric_long",
    metric: `metric_${String(i).padStart(3, "0")}`,
    classification: classes[i % 4] ?? "nr",
  }));
  return { tables, rules: { columns, sources, metrics } };
}

describe("DynamoDbConfigStore against moto", () => {
  let client: DynamoDBClient;
  beforeAll(() => {
    client = dynamoClient();
  });
  afterAll(() => client.destroy());

  it("round-trips more than 100 items per table through writeConfig and paginated load", async () => {
    const names = await freshTables(client);
    await createConfigTables(client, names); // idempotent
    const config = bigConfig();
    await writeConfig(client, names, config);

    const sortedColumns = [...config.rules.columns].sort((a, b) => (a.table + a.column < b.table + b.column ? -1 : 1));
    for (const pageSize of [25, undefined]) {
      const snapshot = await new DynamoDbConfigStore(client, { tableNames: names, pageSize, now: () => 42 }).load();
      expect(snapshot.loadedAt).toBe(42);
      expect(snapshot.tables).toEqual(config.tables);
      expect(snapshot.rules.columns).toEqual(sortedColumns);
      expect(snapshot.rules.sources).toEqual(config.rules.sources);
      expect(snapshot.rules.metrics).toEqual(config.rules.metrics);
    }
  });

  it("fails the whole load with a typed error naming every malformed item", async () => {
    const names = await freshTables(client);
    await writeConfig(client, names, bigConfig());
    const put = (table: string, item: Record<string, { S: string } | { N: string } | { BOOL: boolean }>) =>
      client.send(new PutItemCommand({ TableName: table, Item: item }));
    await put(names.columnClassifications, {
      table_name: { S: "way" },
      column_name: { S: "speed" },
      classification: { S: "xx" },
    });
    await put(names.columnClassifications, {
      table_name: { S: "way" },
      column_name: { S: "lat" },
      classification: { S: "hwc" },
      treatment: { S: "round" },
    });
    await put(names.exportTables, {
      table_name: { S: "way" },
      schema_name: { S: "pm" },
      enabled: { S: "yes" },
      on_demand_enabled: { BOOL: true },
      time_colum: { S: "obs_time" },
    });
    await put(names.sourceClassifications, { source: { S: "WAZE" } });

    const error = await new DynamoDbConfigStore(client, { tableNames: names }).load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigItemInvalidError);
    const invalid = error as ConfigItemInvalidError;
    expect(invalid.code).toBe("CONFIG_ITEM_INVALID");
    expect(invalid.retryable).toBe(false);
    const described = invalid.issues.map((i) => ({ table: i.table, key: i.key, attribute: i.attribute }));
    expect(described).toEqual(
      expect.arrayContaining([
        {
          table: names.columnClassifications,
          key: { table_name: "way", column_name: "speed" },
          attribute: "classification",
        },
        {
          table: names.columnClassifications,
          key: { table_name: "way", column_name: "lat" },
          attribute: "round_digits",
        },
        { table: names.exportTables, key: { table_name: "way" }, attribute: "enabled" },
        { table: names.exportTables, key: { table_name: "way" }, attribute: "time_colum" },
        { table: names.sourceClassifications, key: { source: "WAZE" }, attribute: "classification" },
      ]),
    );
    expect(invalid.issues).toHaveLength(5);
    expect(invalid.message).toContain(`${names.columnClassifications} {table_name="way", column_name="speed"}`);
  });

  it("reports rules whose keys differ only in letter case", async () => {
    const names = await freshTables(client);
    await client.send(
      new PutItemCommand({
        TableName: names.columnClassifications,
        Item: { table_name: { S: "way" }, column_name: { S: "Way_Name" }, classification: { S: "nr" } },
      }),
    );
    await client.send(
      new PutItemCommand({
        TableName: names.columnClassifications,
        Item: { table_name: { S: "WAY" }, column_name: { S: "way_name" }, classification: { S: "de" } },
      }),
    );
    await expect(new DynamoDbConfigStore(client, { tableNames: names }).load()).rejects.toThrow(/ignoring letter case/);
  });

  it("refuses to write config that load would reject", async () => {
    const names = await freshTables(client);
    const bad = {
      tables: [],
      rules: {
        columns: [{ table: "way", column: "x", classification: "nr" as const, treatment: { kind: "null" as const } }],
        sources: [],
        metrics: [],
      },
    };
    await expect(writeConfig(client, names, bad)).rejects.toThrow(/only valid for classification hwc/);
    expect((await new DynamoDbConfigStore(client, { tableNames: names }).load()).rules.columns).toEqual([]);
  });

  it("names a missing table with a non-retryable error", async () => {
    const names = configTableNames({ prefix: `missing_${randomUUID().slice(0, 8)}_` });
    const error = await new DynamoDbConfigStore(client, { tableNames: names }).load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigStoreError);
    expect((error as ConfigStoreError).code).toBe("CONFIG_TABLE_NOT_FOUND");
    expect((error as ConfigStoreError).retryable).toBe(false);
  });

  it("rejects an existing table with another key schema", async () => {
    const names = configTableNames({ prefix: `wrongkey_${randomUUID().slice(0, 8)}_` });
    await client.send(
      new CreateTableCommand({
        TableName: names.sourceClassifications,
        KeySchema: [{ AttributeName: "name", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "name", AttributeType: "S" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    await expect(createConfigTables(client, names)).rejects.toMatchObject({
      code: "CONFIG_TABLE_SCHEMA_MISMATCH",
      table: names.sourceClassifications,
    });
  });

  it("marks an unreachable endpoint as retryable", async () => {
    const unreachable = dynamoClient("http://127.0.0.1:9");
    try {
      const error = await new DynamoDbConfigStore(unreachable).load().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "CONFIG_STORE_REQUEST_FAILED", retryable: true });
    } finally {
      unreachable.destroy();
    }
  });
});
