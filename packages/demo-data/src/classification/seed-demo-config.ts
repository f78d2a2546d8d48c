import {
  createConfigTables,
  writeConfig,
  type ConfigTableNames,
  type DynamoDbSender,
  type ExportConfigContent,
} from "@data-exporter/config-store";
import { defaultDemoSchema } from "../seed-params.js";
import { demoClassificationFor } from "./demo-classification.js";

export interface SeedDemoConfigOptions {
  /** Warehouse schema the export_tables items point at; default `pm_internal`. */
  readonly schema?: string | undefined;
}

/** Creates the config tables if needed and upserts the demo classification into them. */
export async function seedDemoConfig(
  client: DynamoDbSender,
  names: ConfigTableNames,
  options: SeedDemoConfigOptions = {},
): Promise<ExportConfigContent> {
  const content = demoClassificationFor(options.schema ?? defaultDemoSchema);
  await createConfigTables(client, names);
  await writeConfig(client, names, content);
  return content;
}
