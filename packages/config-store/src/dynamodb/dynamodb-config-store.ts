import { ScanCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { ColumnRule, ExportTableConfig, MetricRule, SourceRule } from "@data-exporter/classification";
import { ConfigItemInvalidError, type ConfigItemIssue } from "../errors.js";
import type { ExportConfigSnapshot, ExportConfigStore } from "../export-config-store.js";
import { configTableNames, type ConfigTableNames } from "./config-tables.js";
import { toConfigStoreError } from "./dynamodb-errors.js";
import { reportCaseDuplicates } from "./duplicate-keys.js";
import {
  decodeColumnRule,
  decodeExportTable,
  decodeMetricRule,
  decodeSourceRule,
  type DecodeContext,
} from "./item-codec.js";
import type { DynamoItem, UnknownAttributePolicy } from "./item-reader.js";

/** The only client method the adapter uses; a `DynamoDBClient` fits. */
export type DynamoDbSender = Pick<DynamoDBClient, "send">;

export interface DynamoDbConfigStoreOptions {
  readonly tableNames?: ConfigTableNames | undefined;
  /** Scan page size (DynamoDB `Limit`); unset lets DynamoDB fill 1 MB pages. */
  readonly pageSize?: number | undefined;
  /** "reject" (default) fails on attributes an item should not have; "ignore" tolerates extra bookkeeping attributes. */
  readonly unknownAttributes?: UnknownAttributePolicy | undefined;
  readonly now?: (() => number) | undefined;
}

/** Reads the export configuration from four DynamoDB tables with strongly consistent, paginated scans. */
export class DynamoDbConfigStore implements ExportConfigStore {
  private readonly names: ConfigTableNames;
  private readonly pageSize: number | undefined;
  private readonly unknownAttributes: UnknownAttributePolicy;
  private readonly now: () => number;

  constructor(
    private readonly client: DynamoDbSender,
    options: DynamoDbConfigStoreOptions = {},
  ) {
    this.names = options.tableNames ?? configTableNames();
    this.pageSize = options.pageSize;
    this.unknownAttributes = options.unknownAttributes ?? "reject";
    this.now = options.now ?? Date.now;
  }

  async load(): Promise<ExportConfigSnapshot> {
    const [tableItems, columnItems, sourceItems, metricItems] = await Promise.all([
      this.scanAll(this.names.exportTables),
      this.scanAll(this.names.columnClassifications),
      this.scanAll(this.names.sourceClassifications),
      this.scanAll(this.names.metricClassifications),
    ]);
    const issues: ConfigItemIssue[] = [];
    const tables = decodeAll(tableItems, this.context(this.names.exportTables, issues), decodeExportTable);
    const columns = decodeAll(columnItems, this.context(this.names.columnClassifications, issues), decodeColumnRule);
    const sources = decodeAll(sourceItems, this.context(this.names.sourceClassifications, issues), decodeSourceRule);
    const metrics = decodeAll(metricItems, this.context(this.names.metricClassifications, issues), decodeMetricRule);
    const n = this.names;
    reportCaseDuplicates(
      n.exportTables,
      tables,
      (t) => ({ table_name: t.table }),
      (t) => t.table.toLowerCase(),
      issues,
    );
    reportCaseDuplicates(
      n.columnClassifications,
      columns,
      (c) => ({ table_name: c.table, column_name: c.column }),
      (c) => `${c.table.toLowerCase()}\u0000${c.column.toLowerCase()}`,
      issues,
    );
    reportCaseDuplicates(
      n.metricClassifications,
      metrics,
      (m) => ({ table_name: m.table, metric_name: m.metric }),
      (m) => `${m.table.toLowerCase()}\u0000${m.metric}`,
      issues,
    );
    if (issues.length > 0) throw new ConfigItemInvalidError(issues);
    // Scan order follows hash partitions; sorting makes equal configs produce equal snapshots (and version hashes).
    return {
      tables: tables.sort(byKey((t: ExportTableConfig) => [t.table])),
      rules: {
        columns: columns.sort(byKey((c: ColumnRule) => [c.table, c.column])),
        sources: sources.sort(byKey((s: SourceRule) => [s.source])),
        metrics: metrics.sort(byKey((m: MetricRule) => [m.table, m.metric])),
      },
      loadedAt: this.now(),
    };
  }

  private context(table: string, issues: ConfigItemIssue[]): DecodeContext {
    return { table, issues, unknownAttributes: this.unknownAttributes };
  }

  private async scanAll(table: string): Promise<DynamoItem[]> {
    const items: DynamoItem[] = [];
    let startKey: DynamoItem | undefined;
    do {
      try {
        const page = await this.client.send(
          new ScanCommand({
            TableName: table,
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
            Limit: this.pageSize,
          }),
        );
        items.push(...(page.Items ?? []));
        startKey = page.LastEvaluatedKey;
      } catch (error) {
        throw toConfigStoreError(error, "scan", table);
      }
    } while (startKey !== undefined);
    return items;
  }
}

function decodeAll<T>(
  items: readonly DynamoItem[],
  ctx: DecodeContext,
  decode: (item: DynamoItem, ctx: DecodeContext) => T | undefined,
): T[] {
  const out: T[] = [];
  for (const item of items) {
    const value = decode(item, ctx);
    if (value !== undefined) out.push(value);
  }
  return out;
}

function byKey<T>(key: (value: T) => readonly string[]): (a: T, b: T) => number {
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) {
      const x = ka[i] ?? "";
      const y = kb[i] ?? "";
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };
}
