import {
  ClassificationError,
  planTable,
  type ClassificationPolicy,
  type ClassificationRules,
  type ExportTableConfig,
  type WarehouseColumn,
} from "@data-exporter/classification";
import type { ExportMode, ExportPlanned, SkippedTable, UnloadTableCommand } from "@data-exporter/contracts";
import { CLASSIFICATIONS_TABLE, classificationSnapshotTables, SNAPSHOT_SOURCE } from "./classification-snapshot.js";
import { onDemandPrefix, scheduledPrefix } from "./output-layout.js";

export interface ExportIntent {
  readonly requestId: string;
  readonly mode: ExportMode;
  readonly exportDate: string | null;
  readonly windowStart: number;
  readonly windowEnd: number;
}

/** What a table looks like in the warehouse, or why it could not be described. */
export type DescribedTable = { readonly columns: readonly WarehouseColumn[] } | { readonly error: string };

export interface PlanInputs {
  readonly tables: readonly ExportTableConfig[];
  readonly rules: ClassificationRules;
  readonly configVersion: string;
  /** When `tables` and `rules` were read from the configuration store. */
  readonly configLoadedAt: number;
  readonly policy: ClassificationPolicy;
  readonly describedTables: ReadonlyMap<string, DescribedTable>;
  readonly bucket: string;
  /** Environment segment of every key (dev, staging, prod). */
  readonly envName: string;
  readonly now: number;
}

export interface ExportPlan {
  readonly planned: ExportPlanned;
  readonly commands: readonly UnloadTableCommand[];
}

/**
 * Decides, purely, which tables an export produces and exactly what each unload selects. A table that cannot be
 * planned (missing in the warehouse, misconfigured) is skipped with its reason, visible in ExportPlanned and
 * requestStatus, rather than failing the whole export.
 */
export function planExport(intent: ExportIntent, inputs: PlanInputs): ExportPlan {
  const skippedTables: SkippedTable[] = [];
  const commands: UnloadTableCommand[] = [];
  const tables = [...inputs.tables].sort((a, b) => a.table.localeCompare(b.table));
  const scheduledDate = intent.mode === "SCHEDULED" ? intent.exportDate : null;
  for (const table of tables) {
    if (scheduledDate !== null && table.table.toLowerCase() === CLASSIFICATIONS_TABLE) {
      skippedTables.push({
        table: table.table,
        reason: `the name ${CLASSIFICATIONS_TABLE} is reserved for the classification snapshot`,
      });
      continue;
    }
    const described = inputs.describedTables.get(table.table);
    if (!described || "error" in described) {
      if (table.enabled && (intent.mode === "SCHEDULED" || table.onDemandEnabled)) {
        skippedTables.push({
          table: table.table,
          reason: `cannot read the table: ${described ? described.error : "not described"}`,
        });
      } else {
        skippedTables.push({
          table: table.table,
          reason: table.enabled ? "not enabled for on-demand exports" : "disabled",
        });
      }
      continue;
    }
    let plan;
    try {
      plan = planTable({
        table,
        columns: described.columns,
        rules: inputs.rules,
        policy: inputs.policy,
        mode: intent.mode,
      });
    } catch (error) {
      if (!(error instanceof ClassificationError)) throw error;
      skippedTables.push({ table: table.table, reason: `invalid configuration: ${error.message}` });
      continue;
    }
    if (plan.kind === "skipped") {
      skippedTables.push({ table: table.table, reason: plan.reason });
      continue;
    }
    const outputPrefix =
      scheduledDate !== null
        ? scheduledPrefix(inputs.envName, scheduledDate, table.table)
        : onDemandPrefix(inputs.envName, table.table, intent.windowStart, intent.windowEnd);
    commands.push({
      requestId: intent.requestId,
      mode: intent.mode,
      exportDate: intent.exportDate,
      windowStart: intent.windowStart,
      windowEnd: intent.windowEnd,
      table: table.table,
      schema: table.schema,
      timeColumn: plan.timeColumn,
      columns: plan.columns,
      rowFilter: plan.rowFilter,
      audit: plan.audit,
      outputPrefix,
      fileBaseName: table.table,
      configVersion: inputs.configVersion,
      attempt: 1,
      run: 0,
      issuedAt: inputs.now,
      snapshot: null,
    });
  }
  if (scheduledDate !== null) commands.push(snapshotCommand(intent, scheduledDate, inputs));
  const planned: ExportPlanned = {
    requestId: intent.requestId,
    mode: intent.mode,
    exportDate: intent.exportDate,
    windowStart: intent.windowStart,
    windowEnd: intent.windowEnd,
    tables: commands.map((command) => ({
      table: command.table,
      outputPrefix: command.outputPrefix,
      exportedColumns: command.columns.map((column) => column.name),
      unclassifiedColumns: command.audit.filter((d) => d.rule === "unclassified").map((d) => d.column),
    })),
    skippedTables,
    configVersion: inputs.configVersion,
    bucket: inputs.bucket,
    plannedAt: inputs.now,
    run: 0,
  };
  return { planned, commands };
}

/**
 * A retryExport's plan, from a fresh plan of the whole export under the current configuration: only the tables the
 * retry names, as run `run`. A named table the configuration no longer exports is skipped with the reason, and keeps
 * its earlier outcome.
 */
export function retryPlan(full: ExportPlan, tables: readonly string[], run: number): ExportPlan {
  const named = new Set(tables);
  const commands = full.commands.filter((command) => named.has(command.table)).map((c) => ({ ...c, run }));
  const planned = new Set(commands.map((command) => command.table));
  const skippedTables: SkippedTable[] = [...named]
    .filter((table) => !planned.has(table))
    .map(
      (table) =>
        full.planned.skippedTables.find((skipped) => skipped.table === table) ?? {
          table,
          reason: "no longer in the export configuration",
        },
    );
  return {
    planned: {
      ...full.planned,
      tables: full.planned.tables.filter((table) => planned.has(table.table)),
      skippedTables,
      run,
    },
    commands,
  };
}

/**
 * A scheduled export also delivers the configuration it was classified with, as the `classifications` table: its
 * rows travel in the command, so the unloader exports them like any other table and the plan stays what it was.
 */
function snapshotCommand(intent: ExportIntent, exportDate: string, inputs: PlanInputs): UnloadTableCommand {
  return {
    requestId: intent.requestId,
    mode: intent.mode,
    exportDate,
    windowStart: intent.windowStart,
    windowEnd: intent.windowEnd,
    table: CLASSIFICATIONS_TABLE,
    schema: SNAPSHOT_SOURCE,
    timeColumn: null,
    columns: [],
    rowFilter: {
      sourceColumn: null,
      allowedSources: [],
      unrestrictedSources: [],
      metricColumn: null,
      allowedMetrics: [],
    },
    audit: [],
    outputPrefix: scheduledPrefix(inputs.envName, exportDate, CLASSIFICATIONS_TABLE),
    fileBaseName: CLASSIFICATIONS_TABLE,
    configVersion: inputs.configVersion,
    attempt: 1,
    run: 0,
    issuedAt: inputs.now,
    snapshot: {
      loadedAt: inputs.configLoadedAt,
      tables: classificationSnapshotTables({ tables: inputs.tables, rules: inputs.rules }),
    },
  };
}

/**
 * An export that cannot be planned at all, because its configuration cannot be read: no table, the reason in
 * skippedTables. The status tracker finishes it as FAILED, so the caller sees why instead of "In Progress" forever.
 */
export function unplannableExport(
  intent: ExportIntent,
  reason: string,
  inputs: { bucket: string; now: number; run?: number },
): ExportPlanned {
  return {
    requestId: intent.requestId,
    mode: intent.mode,
    exportDate: intent.exportDate,
    windowStart: intent.windowStart,
    windowEnd: intent.windowEnd,
    tables: [],
    skippedTables: [{ table: "(configuration)", reason }],
    configVersion: "unreadable",
    bucket: inputs.bucket,
    plannedAt: inputs.now,
    run: inputs.run ?? 0,
  };
}
