import { computeConfigVersion, type ClassificationPolicy, type WarehouseColumn } from "@data-exporter/classification";
import type { ExportPlanned, UnloadTableCommand } from "@data-exporter/contracts";
import type { ExportConfigSnapshot } from "@data-exporter/config-store";
import { isRetryable } from "@data-exporter/retry";
import { planExport, type DescribedTable, type ExportIntent, type ExportPlan } from "../domain/plan-export.js";

export interface PlannerDeps {
  readonly loadConfig: () => Promise<ExportConfigSnapshot>;
  readonly describeTable: (schema: string, table: string) => Promise<WarehouseColumn[]>;
  readonly publishPlanned: (event: ExportPlanned) => Promise<void>;
  readonly publishCommand: (command: UnloadTableCommand) => Promise<void>;
  readonly policy: ClassificationPolicy;
  readonly bucket: string;
  readonly envName: string;
  readonly now: () => number;
}

/** Reads the configuration and describes the wanted tables, then plans (nothing is published yet). */
export async function preparePlan(intent: ExportIntent, deps: PlannerDeps): Promise<ExportPlan> {
  const config = await deps.loadConfig();
  const wanted = config.tables.filter(
    (table) => table.enabled && (intent.mode === "SCHEDULED" || table.onDemandEnabled),
  );
  const describedTables = new Map<string, DescribedTable>();
  for (const table of wanted) {
    try {
      describedTables.set(table.table, { columns: await deps.describeTable(table.schema, table.table) });
    } catch (error) {
      // An outage is retried with the whole request; a table that cannot be described is skipped with the reason.
      if (isRetryable(error)) throw error;
      describedTables.set(table.table, { error: error instanceof Error ? error.message : String(error) });
    }
  }
  return planExport(intent, {
    tables: config.tables,
    rules: config.rules,
    configVersion: computeConfigVersion({ tables: config.tables, rules: config.rules, policy: deps.policy }),
    configLoadedAt: config.loadedAt,
    policy: deps.policy,
    describedTables,
    bucket: deps.bucket,
    envName: deps.envName,
    now: deps.now(),
  });
}

/**
 * Publishes ExportPlanned before the commands, so the status tracker knows every table before the first table
 * event. A redelivered request is published again with the same keys: the tracker keeps the first plan and the
 * unloads overwrite the same objects.
 */
export async function publishPlan(
  plan: ExportPlan,
  deps: Pick<PlannerDeps, "publishPlanned" | "publishCommand">,
): Promise<void> {
  await deps.publishPlanned(plan.planned);
  for (const command of plan.commands) await deps.publishCommand(command);
}

/** Plans one on-demand export and publishes it. */
export async function planRequestedExport(intent: ExportIntent, deps: PlannerDeps): Promise<ExportPlan> {
  const plan = await preparePlan(intent, deps);
  await publishPlan(plan, deps);
  return plan;
}
