import type { ExportPlanned, UnloadTableCommand } from "@data-exporter/contracts";
import type { CommitResult, OutboxEvent, PlanStore, PlanToCommit } from "../../src/handlers/plan-store.js";

/** A request's first plan is keyed by its id alone, a retry's by id and run. */
const planKey = (requestId: string, run: number): string => (run === 0 ? requestId : `${requestId}#${run}`);

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

  wasPlanned(requestId: string, run = 0): Promise<boolean> {
    return Promise.resolve(this.planned.has(planKey(requestId, run)));
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
    const key = planKey(plan.requestId, plan.run ?? 0);
    if (!this.planned.has(key)) {
      this.planned.set(key, plan);
      this.records.set(key, plan.events.length - 1);
      this.queued.push(...plan.events);
      for (const event of plan.events) {
        if (event.type === "ExportPlanned") this.plans.push(event.value);
        if (event.type === "UnloadTableCommand") this.commands.push(event.value);
      }
    }
    return Promise.resolve({ committed: true, forcedCount });
  }
}
