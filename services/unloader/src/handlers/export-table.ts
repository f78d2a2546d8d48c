import type { UnloadTableCommand } from "@data-exporter/contracts";
import type { SerializePublish, TableExporter, UnloadResult } from "@data-exporter/warehouse";
import type { ExportOptions } from "./run-unload.js";

export interface Exporters {
  /** Reads the table from the warehouse with the command's projection and row filter. */
  readonly warehouse: TableExporter;
  /** Writes the rows the command carries (the scheduled export's classifications snapshot). */
  readonly snapshot: TableExporter;
}

/** Whether a command reads the warehouse, and so needs one of the deployment's unload slots. */
export const readsWarehouse = (command: UnloadTableCommand): boolean => command.snapshot === null;

/** Runs a command with the exporter its source needs; publishes of one folder are serialized deployment-wide. */
export function exportTable(exporters: Exporters, serializePublish: SerializePublish) {
  return (command: UnloadTableCommand, options: ExportOptions): Promise<UnloadResult> =>
    (readsWarehouse(command) ? exporters.warehouse : exporters.snapshot).unload(command, {
      ...options,
      serializePublish,
    });
}
