import type { DailyExportTriggered, ExportRequested } from "@data-exporter/contracts";
import type { Logger } from "@data-exporter/runtime";
import { planRequestedExport } from "./plan-requested-export.js";
import { planScheduledExport, type ScheduledPlannerDeps } from "./plan-scheduled-export.js";
import { planOrReportUnplannable } from "./report-unplannable.js";

/** The planner's record of published plans (planned_requests). */
export interface PlannedRequests {
  /** Whether the request's plan was already published (a redelivery after a lost offset commit). */
  readonly wasPlanned: (requestId: string) => Promise<boolean>;
  /** Records a published plan; written after publishing, so a crash in between re-plans once, never loses one. */
  readonly recordPlanned: (requestId: string, configVersion: string, commands: number) => Promise<void>;
}

export interface PlannerEventDeps extends ScheduledPlannerDeps, PlannedRequests {
  /** REQUEST_DEADLINE_MS: the status tracker fails an export not finished by then, so planning it later is waste. */
  readonly deadlineMs: number;
  readonly log: Pick<Logger, "info" | "warn" | "error">;
}

/** Whether a request is past its deadline; logged, as it will not be planned. */
function overdue(requestedAt: number, context: Record<string, unknown>, deps: PlannerEventDeps): boolean {
  const ageMs = deps.now() - requestedAt;
  if (ageMs <= deps.deadlineMs) return false;
  deps.log.warn({ ...context, ageMs, deadlineMs: deps.deadlineMs }, "request past its deadline; not planned");
  return true;
}

const windowOf = (event: { windowStart: number; windowEnd: number }): string =>
  `${new Date(event.windowStart).toISOString()}/${new Date(event.windowEnd).toISOString()}`;

/** An on-demand request: planned and published once, however often it is delivered. */
export async function handleExportRequested(event: ExportRequested, deps: PlannerEventDeps): Promise<void> {
  const { requestId } = event;
  if (await deps.wasPlanned(requestId)) {
    deps.log.info({ requestId }, "request already planned; redelivery ignored");
    return;
  }
  if (overdue(event.requestedAt, { requestId }, deps)) return;
  const intent = { ...event, mode: "ON_DEMAND" as const, exportDate: null };
  const result = await planOrReportUnplannable(intent, () => planRequestedExport(intent, deps), deps);
  if ("unplannable" in result) {
    deps.log.error({ requestId, err: result.unplannable }, "export cannot be planned: configuration unreadable");
    return;
  }
  const { planned, commands } = result.planned;
  await deps.recordPlanned(requestId, planned.configVersion, commands.length);
  deps.log.info(
    {
      requestId,
      tables: commands.map((c) => c.table),
      skipped: planned.skippedTables,
      configVersion: planned.configVersion,
    },
    "export planned",
  );
}

/** A scheduled export of one date: planned once per date (unless forced), however often it is triggered. */
export async function handleDailyExportTriggered(event: DailyExportTriggered, deps: PlannerEventDeps): Promise<void> {
  const context = {
    requestId: event.requestId,
    exportDate: event.exportDate,
    force: event.force,
    triggeredBy: event.triggeredBy,
  };
  if (await deps.wasPlanned(event.requestId)) {
    deps.log.info(context, "scheduled request already planned; redelivery ignored");
    return;
  }
  if (overdue(event.triggeredAt, context, deps)) return;
  const intent = { ...event, mode: "SCHEDULED" as const };
  const result = await planOrReportUnplannable(intent, () => planScheduledExport(event, deps), deps);
  if ("unplannable" in result) {
    deps.log.error(
      { ...context, err: result.unplannable },
      "scheduled export cannot be planned: configuration unreadable",
    );
    return;
  }
  const outcome = result.planned;
  if (outcome.kind === "duplicate") {
    deps.log.info(
      {
        ...context,
        existingRequestId: outcome.existingRequestId,
        existingTriggeredAt: new Date(outcome.existingTriggeredAt).toISOString(),
      },
      "date already exported or being exported; nothing published (trigger with --force to export it again)",
    );
    return;
  }
  const { planned, commands } = outcome.plan;
  await deps.recordPlanned(event.requestId, planned.configVersion, commands.length);
  deps.log.info(
    {
      ...context,
      window: windowOf(event),
      tables: planned.tables.map((t) => t.table),
      skipped: planned.skippedTables,
      configVersion: planned.configVersion,
      forcedCount: outcome.forcedCount,
    },
    "scheduled export planned",
  );
}
