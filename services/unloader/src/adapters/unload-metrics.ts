import type { SignatureProblem } from "@data-exporter/command-signing";
import { createMetrics, unloaderMetricDefinitions } from "@data-exporter/runtime";
import type { UnloadFinished, UnloadGauges } from "../handlers/unload-gauges.js";

/** What the unloader records besides the gauges. */
export interface UnloadRecorders {
  /** Each finished unload: duration by outcome, rows and bytes exported. */
  readonly unloadFinished: (finished: UnloadFinished) => void;
  /** Each command refused for its signature. */
  readonly commandRefused: (problem: SignatureProblem) => void;
}

/**
 * Registers the unloader's metrics of the catalog in the process registry: the gauges are read from `gauges` at
 * each scrape; the returned functions record finished unloads and refused commands.
 */
export function registerUnloadMetrics(gauges: UnloadGauges): UnloadRecorders {
  const metrics = createMetrics(unloaderMetricDefinitions, {
    collect: {
      unloadsInFlight: (gauge) => gauge.set(gauges.inFlight),
      unloadsWaitingForSlot: (gauge) => gauge.set(gauges.waitingForSlot),
      unloadSlotsHeld: (gauge) => gauge.set(gauges.slotsHeld),
      unloadSlotLimit: (gauge) => gauge.set(gauges.slotLimit),
    },
  });
  return {
    unloadFinished: (finished) => {
      metrics.tableUnloadDuration.observe({ outcome: finished.outcome }, finished.seconds);
      if (finished.rows > 0) metrics.rows.inc(finished.rows);
      if (finished.bytes > 0) metrics.bytes.inc(finished.bytes);
    },
    commandRefused: (problem) => metrics.commandsRefused.inc({ problem }),
  };
}
