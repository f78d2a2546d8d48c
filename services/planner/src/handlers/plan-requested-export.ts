import { computeConfigVersion, type ClassificationPolicy, type WarehouseColumn } from "@data-exporter/classification";
import type { ExportPlanned, UnloadTableCommand } from "@data-exporter/contracts";
import type { ExportConfigSnapshot } from "@data-exporter/config-store";
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

/** A plan ready to publish, with the configuration snapshot it was made from. */
export interface PreparedPlan extends ExportPlan {
  readonly config: ExportConfigSnapshot;
}

/** Reads the configuration and describes the wanted tables, then plans (nothing is published yet). */
export async function preparePlan(intent: ExportIntent, deps: PlannerDeps): Promise<PreparedPlan> {
  const config = await deps.loadConfig();
  const wanted = config.tables.filter(
    (table) => table.enabled && (intent.mode === "SCHEDULED" || table.onDemandEnabled),
  );
  const describedTables = new Map<string, DescribedTable>();
  for (const table of wanted) {
    try {
      describedTables.set(table.table, { columns: await deps.describeTable(table.schema, table.table) });
    } catch (error) {
      if ((error as { retryable?: boolean }).retryable === true) throw error;
      describedTables.set(table.table, { error: error instanceof Error ? error.message : String(error) });
    }
  }
  const plan = planExport(intent, {
    tables: config.tables,
    rules: config.rules,
    configVersion: computeConfigVersion({ tables: config.tables, rules: config.rules, policy: deps.policy }),
    policy: deps.policy,
    describedTables,
    bucket: deps.bucket,
    envName: deps.envName,
    now: deps.now(),
  });
  return { ...plan, config };
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
