import type { ExportRequested } from "@data-exporter/contracts";
import type { Logger, Metrics } from "@data-exporter/runtime";
import { RequestApiError } from "./errors.js";
import { validateExportWindow } from "./export-window.js";

export interface RequestExportDeps {
  /** Appends ExportRequested to Kafka; resolves once the broker acknowledged it (acks=all). */
  readonly publishExportRequested: (event: ExportRequested) => Promise<void>;
  /** Makes the request visible to requestStatus at once; the status tracker records it a moment later anyway. */
  readonly recordAccepted: (event: ExportRequested) => Promise<void>;
  readonly log: Pick<Logger, "info" | "warn">;
  readonly metrics: Pick<Metrics, "add">;
  readonly newRequestId: () => string;
  readonly now: () => number;
  readonly maxWindowSeconds: number;
}

/**
 * requestData: validate, append the event, return the id. No heavy work here: once the event is acknowledged the
 * request is durable whatever crashes next; if the append fails no id is returned and nothing was requested.
 */
export async function requestExport(
  input: { startTime: number; endTime: number; requestedBy: string | null },
  deps: RequestExportDeps,
): Promise<string> {
  const nowMs = deps.now();
  const window = validateExportWindow(input.startTime, input.endTime, {
    nowMs,
    maxWindowSeconds: deps.maxWindowSeconds,
  });
  const event: ExportRequested = {
    requestId: deps.newRequestId(),
    ...window,
    requestedAt: nowMs,
    requestedBy: input.requestedBy,
  };
  try {
    await deps.publishExportRequested(event);
  } catch (error) {
    throw new RequestApiError("PUBLISH_FAILED", "the export request could not be recorded; please retry", {
      cause: error,
    });
  }
  deps.metrics.add("export_requests_total");
  deps.log.info(
    { requestId: event.requestId, windowStart: event.windowStart, windowEnd: event.windowEnd },
    "export requested",
  );
  try {
    await deps.recordAccepted(event);
  } catch (error) {
    deps.log.warn(
      { err: error, requestId: event.requestId },
      "could not record the request early; the status tracker will",
    );
  }
  return event.requestId;
}
