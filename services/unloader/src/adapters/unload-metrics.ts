import { createMetrics, unloaderMetricDefinitions } from "@data-exporter/runtime";
import type { UnloadFinished, UnloadGauges } from "../handlers/unload-gauges.js";

/**
 * Registers the unloader's metrics of the catalog in the process registry: the gauges are read from `gauges` at
 * each scrape; the returned function records each finished unload (duration by outcome, rows and bytes exported).
 */
export function registerUnloadMetrics(gauges: UnloadGauges): (finished: UnloadFinished) => void {
  const metrics = createMetrics(unloaderMetricDefinitions, {
    collect: {
      unloadsInFlight: (gauge) => gauge.set(gauges.inFlight),
      unloadsWaitingForSlot: (gauge) => gauge.set(gauges.waitingForSlot),
      unloadSlotsHeld: (gauge) => gauge.set(gauges.slotsHeld),
      unloadSlotLimit: (gauge) => gauge.set(gauges.slotLimit),
    },
  });
  return (finished) => {
    metrics.tableUnloadDuration.observe({ outcome: finished.outcome }, finished.seconds);
    if (finished.rows > 0) metrics.rows.inc(finished.rows);
    if (finished.bytes > 0) metrics.bytes.inc(finished.bytes);
  };
}
