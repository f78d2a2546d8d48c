import type { DailyExportTriggered } from "@data-exporter/contracts";
import type { ClaimInput, DateClaim } from "../adapters/planner-state.js";
import { exportWindowOf } from "../domain/export-date.js";
import type { ExportPlan } from "../domain/plan-export.js";
import { PlannerError } from "../errors.js";
import { preparePlan, publishPlan, type PlannerDeps } from "./plan-requested-export.js";

export interface ScheduledPlannerDeps extends PlannerDeps {
  readonly claimDate: (input: ClaimInput) => Promise<DateClaim>;
}

export type ScheduledOutcome =
  | { readonly kind: "duplicate"; readonly existingRequestId: string; readonly existingTriggeredAt: number }
  | { readonly kind: "planned"; readonly plan: ExportPlan; readonly forcedCount: number };

/**
 * Plans the scheduled export of one date. The date is the idempotency key: the first request to claim it exports
 * it; a later trigger without `force` changes nothing. The claim comes after planning (which has no side effects)
 * and before the first publish, so a crash in between leaves a claim whose redelivered trigger plans again.
 */
export async function planScheduledExport(
  event: DailyExportTriggered,
  deps: ScheduledPlannerDeps,
): Promise<ScheduledOutcome> {
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
  const claim = await deps.claimDate({
    exportDate: event.exportDate,
    requestId: event.requestId,
    triggeredAt: event.triggeredAt,
    triggeredBy: event.triggeredBy,
    force: event.force,
  });
  if (!claim.claimed)
    return {
      kind: "duplicate",
      existingRequestId: claim.existingRequestId,
      existingTriggeredAt: claim.existingTriggeredAt,
    };
  await publishPlan(plan, deps);
  return { kind: "planned", plan, forcedCount: claim.forcedCount };
}
