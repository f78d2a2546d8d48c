import type { Semaphore } from "@data-exporter/concurrency";
import type { UnloadTableCommand } from "@data-exporter/contracts";
import type { Logger } from "@data-exporter/runtime";
import type { UnloadSlot } from "../handlers/run-unload.js";
import type { UnloadGauges } from "../handlers/unload-gauges.js";

/**
 * The deployment-wide unload slots, as runUnload acquires them: waits, the time waited and lost slots are logged
 * per command, and the waiting and held counts kept in the gauges.
 */
export function instrumentedSlots(
  slots: Semaphore,
  gauges: UnloadGauges,
  log: Pick<Logger, "info" | "warn">,
  limit: number,
): (signal: AbortSignal, command: UnloadTableCommand) => Promise<UnloadSlot> {
  return async (signal, command) => {
    const context = { requestId: command.requestId, table: command.table, attempt: command.attempt };
    const since = Date.now();
    let waited = false;
    const lease = await slots
      .acquire(signal, {
        onWait: () => {
          waited = true;
          gauges.waitingForSlot++;
          log.info({ ...context, limit }, "waiting for an unload slot");
        },
        onError: (error) =>
          log.warn({ ...context, error: error.message }, "cannot reach the unload-slot database; retrying"),
      })
      .finally(() => void (waited && gauges.waitingForSlot--));
    gauges.slotsHeld++;
    if (waited) log.info({ ...context, slot: lease.slot, waitedMs: Date.now() - since }, "got an unload slot");
    lease.lost.addEventListener(
      "abort",
      () => log.warn({ ...context, slot: lease.slot }, "lost the unload slot; stopping the attempt"),
      { once: true },
    );
    return { lost: lease.lost, release: () => lease.release().finally(() => void gauges.slotsHeld--) };
  };
}
