import type { UnloadTableCommand } from "@data-exporter/contracts";
import type { Logger } from "@data-exporter/runtime";
import { runUnload, type UnloaderDeps } from "./run-unload.js";
import type { UnloadFinished, UnloadGauges } from "./unload-gauges.js";

export interface UnloadCommandDeps extends UnloaderDeps {
  readonly gauges: UnloadGauges;
  /** Told once per command that ran to an outcome (not when it threw: the command is redelivered and redone). */
  readonly unloadFinished: (finished: UnloadFinished) => void;
  readonly log: Pick<Logger, "info" | "warn">;
}

/**
 * One command from the topic. `signal` aborts when this replica is losing the partition (a rebalance): the unload
 * stops (its query is cancelled) and the new owner redoes it, rather than running it twice at once. A table that
 * fails for good is an outcome (counted, logged); only a publish failure or an abort throws.
 */
export async function handleUnloadCommand(
  command: UnloadTableCommand,
  signal: AbortSignal,
  deps: UnloadCommandDeps,
): Promise<void> {
  const context = { requestId: command.requestId, table: command.table };
  deps.log.info({ ...context, attempt: command.attempt, prefix: command.outputPrefix }, "unload started");
  deps.gauges.inFlight++;
  const started = deps.now();
  try {
    const outcome = await runUnload(command, { ...deps, shutdown: AbortSignal.any([deps.shutdown, signal]) });
    deps.unloadFinished({
      outcome: outcome.status.toLowerCase() as UnloadFinished["outcome"],
      seconds: Math.max(0, deps.now() - started) / 1000,
      rows: outcome.status === "COMPLETED" ? (outcome.result?.rows ?? 0) : 0,
      bytes: outcome.status === "COMPLETED" ? (outcome.result?.bytes ?? 0) : 0,
    });
    if (outcome.status === "COMPLETED") {
      deps.gauges.completed++;
      deps.log.info(
        {
          ...context,
          attempts: outcome.attempts,
          rows: outcome.result?.rows,
          bytes: outcome.result?.bytes,
          files: outcome.result?.files.length,
        },
        "unload completed",
      );
    } else if (outcome.status === "CANCELLED") {
      deps.log.info({ ...context, attempts: outcome.attempts }, "unload cancelled: the export was cancelled");
    } else if (outcome.status === "SUPERSEDED") {
      deps.log.warn(
        { ...context, status: outcome.status },
        "unload superseded: its lease lapsed, another run took the table over, or a retry planned it again; it published nothing",
      );
    } else {
      deps.gauges.failed++;
      deps.log.warn({ ...context, attempts: outcome.attempts, error: outcome.error }, "unload failed");
    }
  } finally {
    deps.gauges.inFlight--;
  }
}
