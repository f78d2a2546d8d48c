import type { DailyExportTriggered } from "@data-exporter/contracts";
import { exportWindowOf } from "../domain/export-date.js";
import type { ExportPlan } from "../domain/plan-export.js";
import { PlannerError } from "../errors.js";
import { planEvents, preparePlan, type PlannerDeps } from "./plan-requested-export.js";

export type ScheduledOutcome =
  | { readonly kind: "duplicate"; readonly existingRequestId: string; readonly existingTriggeredAt: number }
  | { readonly kind: "planned"; readonly plan: ExportPlan; readonly forcedCount: number };

/**
 * Plans the scheduled export of one date. The date is the idempotency key: the first request to claim it exports
 * it; a later trigger without `force` changes nothing. The claim, the plan and its events are recorded in one
 * transaction, so a crash leaves either all of them or none (and the redelivered trigger plans again).
 */
export async function planScheduledExport(event: DailyExportTriggered, deps: PlannerDeps): Promise<ScheduledOutcome> {
  let expected: { windowStart: number; windowEnd: number };
  try {
    expected = exportWindowOf(event.exportDate, event.timeZone);
  } catch (error) {
    throw new PlannerError("INVALID_TRIGGER", `invalid trigger: ${(error as Error).message}`, { cause: error });
  }
  if (expected.windowStart !== event.windowStart || expected.windowEnd !== event.windowEnd) {
    throw new PlannerError(
      "INVALID_TRIGGER",
      `the trigger's window does not match ${event.exportDate} in ${event.timeZone}: ` +
        `${new Date(event.windowStart).toISOString()}/${new Date(event.windowEnd).toISOString()}`,
    );
  }
  const plan = await preparePlan(
    {
      requestId: event.requestId,
      mode: "SCHEDULED",
      exportDate: event.exportDate,
      windowStart: event.windowStart,
      windowEnd: event.windowEnd,
    },
    deps,
  );
  const result = await deps.store.commit({
    requestId: event.requestId,
    configVersion: plan.planned.configVersion,
    events: planEvents(plan),
    claim: {
      exportDate: event.exportDate,
      requestId: event.requestId,
      triggeredAt: event.triggeredAt,
      triggeredBy: event.triggeredBy,
      force: event.force,
    },
  });
  if (!result.committed)
    return {
      kind: "duplicate",
      existingRequestId: result.existingRequestId,
      existingTriggeredAt: result.existingTriggeredAt,
    };
  return { kind: "planned", plan, forcedCount: result.forcedCount };
}
