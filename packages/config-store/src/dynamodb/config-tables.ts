/**
 * The four DynamoDB tables of the export configuration and their key schemas. Item shapes (attribute names and
 * types) are documented in `item-codec.ts` and in the package README.
 */

/** Physical names of the config tables; one field per logical table. */
export interface ConfigTableNames {
  /** Which warehouse tables are exported, and how they are sliced. */
  readonly exportTables: string;
  /** Per-column classification (and hwc treatment) of each table. */
  readonly columnClassifications: string;
  /** Per-source classification of rows. */
  readonly sourceClassifications: string;
  /** Per-metric classification of rows of long-format tables. */
  readonly metricClassifications: string;
}

export const defaultConfigTableNames: ConfigTableNames = Object.freeze({
  exportTables: "export_tables",
  columnClassifications: "data_column_classification",
  sourceClassifications: "actual_data_classifications",
  metricClassifications: "long_table_data_classifications",
});

export interface ConfigTableNamesOptions extends Partial<ConfigTableNames> {
  /** Prepended to every name (defaults and overrides alike), e.g. a random prefix per test. */
  readonly prefix?: string | undefined;
}

export function configTableNames(options: ConfigTableNamesOptions = {}): ConfigTableNames {
  const prefix = options.prefix ?? "";
  return Object.freeze({
    exportTables: prefix + (options.exportTables ?? defaultConfigTableNames.exportTables),
    columnClassifications: prefix + (options.columnClassifications ?? defaultConfigTableNames.columnClassifications),
    sourceClassifications: prefix + (options.sourceClassifications ?? defaultConfigTableNames.sourceClassifications),
    metricClassifications: prefix + (options.metricClassifications ?? defaultConfigTableNames.metricClassifications),
  });
}

/** Partition key and optional sort key of a config table; all key attributes are strings (S). */
export interface ConfigTableKey {
  readonly partitionKey: string;
  readonly sortKey?: string | undefined;
}

export const configTableKeys: { readonly [K in keyof ConfigTableNames]: ConfigTableKey } = Object.freeze({
  exportTables: { partitionKey: "table_name" },
  columnClassifications: { partitionKey: "table_name", sortKey: "column_name" },
  sourceClassifications: { partitionKey: "source" },
  metricClassifications: { partitionKey: "table_name", sortKey: "metric_name" },
});

export const configTableKinds = Object.keys(configTableKeys) as readonly (keyof ConfigTableNames)[];
