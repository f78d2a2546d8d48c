import {
  CreateTableCommand,
  DescribeTableCommand,
  type AttributeDefinition,
  type KeySchemaElement,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import { ConfigStoreError } from "../errors.js";
import { configTableKeys, configTableKinds, type ConfigTableKey, type ConfigTableNames } from "./config-tables.js";
import type { DynamoDbSender } from "./dynamodb-config-store.js";
import { errorName, toConfigStoreError } from "./dynamodb-errors.js";

export interface CreateConfigTablesOptions {
  /** How long to wait for each table to become ACTIVE. */
  readonly timeoutMs?: number | undefined;
  readonly pollIntervalMs?: number | undefined;
}

/**
 * Creates the four config tables (on-demand billing) unless they exist, then waits until each is ACTIVE.
 * Idempotent; an existing table with a different key schema is an error rather than something to reuse.
 */
export async function createConfigTables(
  client: DynamoDbSender,
  names: ConfigTableNames,
  options: CreateConfigTablesOptions = {},
): Promise<void> {
  await Promise.all(configTableKinds.map((kind) => createTable(client, names[kind], configTableKeys[kind], options)));
}

async function createTable(
  client: DynamoDbSender,
  table: string,
  key: ConfigTableKey,
  options: CreateConfigTablesOptions,
): Promise<void> {
  const keySchema: KeySchemaElement[] = [{ AttributeName: key.partitionKey, KeyType: "HASH" }];
  const attributes: AttributeDefinition[] = [{ AttributeName: key.partitionKey, AttributeType: "S" }];
  if (key.sortKey !== undefined) {
    keySchema.push({ AttributeName: key.sortKey, KeyType: "RANGE" });
    attributes.push({ AttributeName: key.sortKey, AttributeType: "S" });
  }
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        KeySchema: keySchema,
        AttributeDefinitions: attributes,
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  } catch (error) {
    if (errorName(error) !== "ResourceInUseException") throw toConfigStoreError(error, "create table", table);
  }
  const description = await waitUntilActive(client, table, options);
  assertKeySchema(table, key, description);
}

async function waitUntilActive(
  client: DynamoDbSender,
  table: string,
  options: CreateConfigTablesOptions,
): Promise<TableDescription> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let description: TableDescription | undefined;
    try {
      description = (await client.send(new DescribeTableCommand({ TableName: table }))).Table;
    } catch (error) {
      // Right after CreateTable, DescribeTable may briefly not see the table yet.
      if (errorName(error) !== "ResourceNotFoundException") throw toConfigStoreError(error, "describe table", table);
    }
    if (description?.TableStatus === "ACTIVE") return description;
    if (Date.now() >= deadline) {
      throw new ConfigStoreError(
        "CONFIG_TABLE_NOT_READY",
        `table ${table} not ACTIVE after ${timeoutMs} ms (status ${description?.TableStatus ?? "unknown"})`,
        { table, retryable: true },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
}

function assertKeySchema(table: string, key: ConfigTableKey, description: TableDescription): void {
  const actual = (description.KeySchema ?? []).map((k) => `${k.AttributeName ?? "?"}:${k.KeyType ?? "?"}`).sort();
  const expected = [`${key.partitionKey}:HASH`, ...(key.sortKey === undefined ? [] : [`${key.sortKey}:RANGE`])].sort();
  if (actual.join(",") !== expected.join(",")) {
    throw new ConfigStoreError(
      "CONFIG_TABLE_SCHEMA_MISMATCH",
      `table ${table} exists with key schema [${actual.join(", ")}], expected [${expected.join(", ")}]`,
      { table },
    );
  }
}
