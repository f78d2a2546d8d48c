import type { DailyExportTriggered, ExportRequested, ExportRetryRequested, TopicEvent } from "@data-exporter/contracts";
import type { Logger } from "@data-exporter/runtime";
import { planRequestedExport, planRetriedExport, retryIntent, type PlannerDeps } from "./plan-requested-export.js";
import { planScheduledExport } from "./plan-scheduled-export.js";
import { planOrReportUnplannable } from "./report-unplannable.js";

export interface PlannerEventDeps extends PlannerDeps {
  /** Publishes what the store queued (the outbox relay), right after a plan was recorded. */
  readonly relay: () => Promise<void>;
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

/** The plan is recorded: publish it now; if Kafka is away the periodic relay publishes it later. */
async function relayNow(deps: PlannerEventDeps, context: Record<string, unknown>): Promise<void> {
  await deps
    .relay()
    .catch((error: unknown) =>
      deps.log.warn({ ...context, err: error }, "plan recorded; publishing it failed, the relay will retry"),
    );
}

const windowOf = (event: { windowStart: number; windowEnd: number }): string =>
  `${new Date(event.windowStart).toISOString()}/${new Date(event.windowEnd).toISOString()}`;

/**
 * An event of the request topic. A cancellation is the unloaders' to carry out (they stop the request's tables, queued
 * or running, whoever planned them), so the planner plans a cancelled request as usual: its commands end cancelled.
 */
export async function handleRequestTopicEvent(
  event: TopicEvent<"exportRequested">,
  deps: PlannerEventDeps,
): Promise<void> {
  switch (event.type) {
    case "ExportRequested":
      return handleExportRequested(event.value, deps);
    case "ExportRetryRequested":
      return handleExportRetryRequested(event.value, deps);
    case "ExportCancelRequested":
      return;
  }
}

/** A retry of a finished export: its failed and cancelled tables planned again, once per run. */
export async function handleExportRetryRequested(event: ExportRetryRequested, deps: PlannerEventDeps): Promise<void> {
  const { requestId, run } = event;
  const context = { requestId, run, retriedBy: event.retriedBy };
  if (await deps.store.wasPlanned(requestId, run)) {
    deps.log.info(context, "retry already planned; redelivery ignored");
    return;
  }
  if (overdue(event.retriedAt, context, deps)) return;
  const intent = retryIntent(event);
  const result = await planOrReportUnplannable(intent, () => planRetriedExport(event, deps), deps, run);
  await relayNow(deps, context);
  if ("unplannable" in result) {
    deps.log.error({ ...context, err: result.unplannable }, "retry cannot be planned: configuration unreadable");
    return;
  }
  const { planned, commands } = result.planned;
  deps.log.info(
    {
      ...context,
      tables: commands.map((c) => c.table),
      skipped: planned.skippedTables,
      configVersion: planned.configVersion,
    },
    "export retry planned",
  );
}

/** An on-demand request: planned and published once, however often it is delivered. */
export async function handleExportRequested(event: ExportRequested, deps: PlannerEventDeps): Promise<void> {
  const { requestId } = event;
  if (await deps.store.wasPlanned(requestId)) {
    deps.log.info({ requestId }, "request already planned; redelivery ignored");
    return;
  }
  if (overdue(event.requestedAt, { requestId }, deps)) return;
  const intent = { ...event, mode: "ON_DEMAND" as const, exportDate: null };
  const result = await planOrReportUnplannable(intent, () => planRequestedExport(intent, deps), deps);
  await relayNow(deps, { requestId });
  if ("unplannable" in result) {
    deps.log.error({ requestId, err: result.unplannable }, "export cannot be planned: configuration unreadable");
    return;
  }
  const { planned, commands } = result.planned;
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
  if (await deps.store.wasPlanned(event.requestId)) {
    deps.log.info(context, "scheduled request already planned; redelivery ignored");
    return;
  }
  if (overdue(event.triggeredAt, context, deps)) return;
  const intent = { ...event, mode: "SCHEDULED" as const };
  const result = await planOrReportUnplannable(intent, () => planScheduledExport(event, deps), deps);
  await relayNow(deps, context);
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
  const { planned } = outcome.plan;
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
