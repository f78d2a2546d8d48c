import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { configTableNames } from "./config-tables.js";
import { DynamoDbConfigStore } from "./dynamodb-config-store.js";

export interface OpenConfigStoreOptions {
  readonly region: string;
  /** A local emulator's URL; the SDK's default endpoint when undefined. */
  readonly endpoint?: string | undefined;
  /** CONFIG_TABLE_PREFIX: the deployment's configuration tables. */
  readonly tablePrefix: string;
}

/**
 * The export configuration store as every service reads it (the planner plans with it, request-api computes the
 * version the planner would plan with): one way to open it, so both always read the same tables. `close` destroys
 * the client.
 */
export function openDynamoDbConfigStore(options: OpenConfigStoreOptions): {
  readonly store: DynamoDbConfigStore;
  readonly close: () => void;
} {
  const client = new DynamoDBClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  const store = new DynamoDbConfigStore(client, { tableNames: configTableNames({ prefix: options.tablePrefix }) });
  return { store, close: () => client.destroy() };
}
