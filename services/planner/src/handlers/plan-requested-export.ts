import { computeConfigVersion, type ClassificationPolicy, type WarehouseColumn } from "@data-exporter/classification";
import type { ExportConfigSnapshot } from "@data-exporter/config-store";
import { isRetryable } from "@data-exporter/retry";
import type { ExportRetryRequested } from "@data-exporter/contracts";
import {
  planExport,
  retryPlan,
  type DescribedTable,
  type ExportIntent,
  type ExportPlan,
} from "../domain/plan-export.js";
import type { OutboxEvent, PlanStore } from "./plan-store.js";

export interface PlannerDeps {
  readonly loadConfig: () => Promise<ExportConfigSnapshot>;
  readonly describeTable: (schema: string, table: string) => Promise<WarehouseColumn[]>;
  readonly store: PlanStore;
  readonly policy: ClassificationPolicy;
  readonly bucket: string;
  readonly envName: string;
  readonly now: () => number;
}

/** Reads the configuration and describes the wanted tables, then plans (nothing is recorded or published yet). */
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
 * A plan's events in publishing order: ExportPlanned before the commands, so the status tracker knows every table
 * before the first table event.
 */
export function planEvents(plan: ExportPlan): OutboxEvent[] {
  return [
    { topic: "exportLifecycle", type: "ExportPlanned", value: plan.planned },
    ...plan.commands.map((command): OutboxEvent => ({
      topic: "unloadCommands",
      type: "UnloadTableCommand",
      value: command,
    })),
  ];
}

/** Plans one on-demand export and records it with its events (published by the outbox relay). */
export async function planRequestedExport(intent: ExportIntent, deps: PlannerDeps): Promise<ExportPlan> {
  const plan = await preparePlan(intent, deps);
  await deps.store.commit({
    requestId: intent.requestId,
    configVersion: plan.planned.configVersion,
    events: planEvents(plan),
  });
  return plan;
}

/** The intent a retry re-plans: the request's own mode, date and window. */
export const retryIntent = (event: ExportRetryRequested): ExportIntent => ({
  requestId: event.requestId,
  mode: event.mode,
  exportDate: event.exportDate,
  windowStart: event.windowStart,
  windowEnd: event.windowEnd,
});

/**
 * Plans a retryExport: the tables it names, under the current configuration (a command is always classified with
 * the rules of its day), as the next run of the same request; recorded with its events like any plan.
 */
export async function planRetriedExport(event: ExportRetryRequested, deps: PlannerDeps): Promise<ExportPlan> {
  const plan = retryPlan(await preparePlan(retryIntent(event), deps), event.tables, event.run);
  await deps.store.commit({
    requestId: event.requestId,
    run: event.run,
    configVersion: plan.planned.configVersion,
    events: planEvents(plan),
  });
  return plan;
}
