import { BatchWriteItemCommand, type WriteRequest } from "@aws-sdk/client-dynamodb";
import { ConfigItemInvalidError, ConfigStoreError, type ConfigItemIssue } from "../errors.js";
import type { ExportConfigContent } from "../export-config-store.js";
import { configTableKeys, type ConfigTableNames } from "./config-tables.js";
import type { DynamoDbSender } from "./dynamodb-config-store.js";
import { toConfigStoreError } from "./dynamodb-errors.js";
import { reportCaseDuplicates } from "./duplicate-keys.js";
import {
  decodeColumnRule,
  decodeExportTable,
  decodeMetricRule,
  decodeSourceRule,
  encodeColumnRule,
  encodeExportTable,
  encodeMetricRule,
  encodeSourceRule,
  type DecodeContext,
} from "./item-codec.js";
import type { DynamoItem } from "./item-reader.js";

/** DynamoDB's limit of put requests per BatchWriteItem call. */
const BATCH_SIZE = 25;

export interface WriteConfigOptions {
  /** Attempts per batch while DynamoDB returns unprocessed items (throttling). */
  readonly maxAttempts?: number | undefined;
  readonly baseDelayMs?: number | undefined;
}

interface PendingPut {
  readonly table: string;
  readonly item: DynamoItem;
}

/**
 * Upserts the given config into the four tables with batched puts (for seeding and tests). Items not in `content`
 * are left alone. Every item is checked with the same decoder `load()` uses, so nothing is written that a later
 * load would reject; duplicate keys are rejected too.
 */
export async function writeConfig(
  client: DynamoDbSender,
  names: ConfigTableNames,
  content: ExportConfigContent,
  options: WriteConfigOptions = {},
): Promise<void> {
  const issues: ConfigItemIssue[] = [];
  const puts = [
    ...encodeChecked(
      names.exportTables,
      content.tables,
      encodeExportTable,
      decodeExportTable,
      keyOf("exportTables"),
      lowerNames,
      issues,
    ),
    ...encodeChecked(
      names.columnClassifications,
      content.rules.columns,
      encodeColumnRule,
      decodeColumnRule,
      keyOf("columnClassifications"),
      lowerNames,
      issues,
    ),
    ...encodeChecked(
      names.sourceClassifications,
      content.rules.sources,
      encodeSourceRule,
      decodeSourceRule,
      keyOf("sourceClassifications"),
      (k) => k,
      issues,
    ),
    ...encodeChecked(
      names.metricClassifications,
      content.rules.metrics,
      encodeMetricRule,
      decodeMetricRule,
      keyOf("metricClassifications"),
      lowerNames,
      issues,
    ),
  ];
  if (issues.length > 0) throw new ConfigItemInvalidError(issues);
  for (let i = 0; i < puts.length; i += BATCH_SIZE) {
    await writeBatch(client, puts.slice(i, i + BATCH_SIZE), options);
  }
}

/** Table and column names match case-insensitively in the classification engine; sources and metrics exactly. */
function lowerNames(key: Record<string, string>): Record<string, string> {
  const out = { ...key };
  for (const name of ["table_name", "column_name"]) if (out[name] !== undefined) out[name] = out[name].toLowerCase();
  return out;
}

function keyOf(kind: keyof ConfigTableNames): (item: DynamoItem) => Record<string, string> {
  const { partitionKey, sortKey } = configTableKeys[kind];
  return (item) => {
    const key: Record<string, string> = { [partitionKey]: item[partitionKey]?.S ?? "" };
    if (sortKey !== undefined) key[sortKey] = item[sortKey]?.S ?? "";
    return key;
  };
}

function encodeChecked<T>(
  table: string,
  values: readonly T[],
  encode: (value: T) => DynamoItem,
  decode: (item: DynamoItem, ctx: DecodeContext) => unknown,
  key: (item: DynamoItem) => Record<string, string>,
  normalise: (key: Record<string, string>) => Record<string, string>,
  issues: ConfigItemIssue[],
): PendingPut[] {
  const ctx: DecodeContext = { table, issues, unknownAttributes: "reject" };
  const puts = values.map((value) => ({ table, item: encode(value) }));
  for (const { item } of puts) decode(item, ctx);
  // Same rule as load(): keys that differ only in case are ambiguous; exact duplicates would fail the batch.
  reportCaseDuplicates(
    table,
    puts,
    ({ item }) => key(item),
    ({ item }) => JSON.stringify(Object.values(normalise(key(item)))),
    issues,
  );
  return puts;
}

async function writeBatch(
  client: DynamoDbSender,
  batch: readonly PendingPut[],
  options: WriteConfigOptions,
): Promise<void> {
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 50;
  let requests: Record<string, WriteRequest[]> = {};
  for (const { table, item } of batch) (requests[table] ??= []).push({ PutRequest: { Item: item } });
  for (let attempt = 1; ; attempt++) {
    let unprocessed: Record<string, WriteRequest[]> | undefined;
    try {
      unprocessed = (await client.send(new BatchWriteItemCommand({ RequestItems: requests }))).UnprocessedItems;
    } catch (error) {
      throw toConfigStoreError(error, "batch write", Object.keys(requests).join(", "));
    }
    const left = Object.entries(unprocessed ?? {}).filter(([, writes]) => writes.length > 0);
    if (left.length === 0) return;
    if (attempt >= maxAttempts) {
      const count = left.reduce((n, [, writes]) => n + writes.length, 0);
      throw new ConfigStoreError(
        "CONFIG_WRITE_INCOMPLETE",
        `${count} config items still unprocessed after ${attempt} attempts`,
        {
          table: left[0]?.[0],
          retryable: true,
        },
      );
    }
    requests = Object.fromEntries(left);
    // Unprocessed items mean throttling: back off exponentially (with jitter) as the DynamoDB docs advise.
    await new Promise((resolve) => setTimeout(resolve, baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2)));
  }
}
