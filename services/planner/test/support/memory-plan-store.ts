import type { ExportPlanned, UnloadTableCommand } from "@data-exporter/contracts";
import type { CommitResult, OutboxEvent, PlanStore, PlanToCommit } from "../../src/handlers/plan-store.js";

/** The planner's tables in memory, with PlannerState's rules (its SQL is tested against PostgreSQL). */
export class MemoryPlanStore implements PlanStore {
  readonly planned = new Map<string, PlanToCommit>();
  /** planned_requests: request id → number of commands. */
  readonly records = new Map<string, number>();
  readonly owners = new Map<string, string>();
  /** Every queued event, in order. */
  readonly queued: OutboxEvent[] = [];
  /** The queued ExportPlanned and UnloadTableCommand values, as the relay would publish them. */
  readonly plans: ExportPlanned[] = [];
  readonly commands: UnloadTableCommand[] = [];

  wasPlanned(requestId: string): Promise<boolean> {
    return Promise.resolve(this.planned.has(requestId));
  }

  commit(plan: PlanToCommit): Promise<CommitResult> {
    let forcedCount = 0;
    if (plan.claim) {
      const owner = this.owners.get(plan.claim.exportDate);
      if (owner !== undefined && owner !== plan.requestId && !plan.claim.force)
        return Promise.resolve({ committed: false, existingRequestId: owner, existingTriggeredAt: 1 });
      if (owner !== undefined && owner !== plan.requestId) forcedCount = 1;
      this.owners.set(plan.claim.exportDate, plan.requestId);
    }
    if (!this.planned.has(plan.requestId)) {
      this.planned.set(plan.requestId, plan);
      this.records.set(plan.requestId, plan.events.length - 1);
      this.queued.push(...plan.events);
      for (const event of plan.events) {
        if (event.type === "ExportPlanned") this.plans.push(event.value);
        if (event.type === "UnloadTableCommand") this.commands.push(event.value);
      }
    }
    return Promise.resolve({ committed: true, forcedCount });
  }
}
