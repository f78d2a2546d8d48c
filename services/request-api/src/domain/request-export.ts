import type { ExportRequested } from "@data-exporter/contracts";
import type { Logger } from "@data-exporter/runtime";
import { RequestApiError } from "./errors.js";
import { validateExportWindow, type ExportWindow } from "./export-window.js";
import type { RequestMeter } from "./request-meter.js";

export interface RequestExportDeps {
  /** Appends ExportRequested to Kafka; resolves once the broker acknowledged it (acks=all). */
  readonly publishExportRequested: (event: ExportRequested) => Promise<void>;
  /** Makes the request visible to requestStatus at once; the status tracker records it a moment later anyway. */
  readonly recordAccepted: (event: ExportRequested) => Promise<void>;
  readonly log: Pick<Logger, "info" | "warn">;
  readonly metrics: Pick<RequestMeter, "exportRequest">;
  readonly newRequestId: () => string;
  readonly now: () => number;
  readonly maxWindowSeconds: number;
  /** The caller's earlier request this one can reuse (reuse-export.ts), if any. */
  readonly findReusable: (window: ExportWindow, requestedBy: string | null) => Promise<string | undefined>;
  /**
   * Runs `run` alone among requests with the same key (every request-api replica): two clicks on one window make
   * one export, not two.
   */
  readonly exclusively: <T>(key: string, run: () => Promise<T>) => Promise<T>;
  /** Why the caller may not start another export now (quota.ts), or undefined. */
  readonly quotaRefusal: (requestedBy: string) => Promise<string | undefined>;
}

export interface RequestExportInput {
  readonly startTime: number;
  readonly endTime: number;
  readonly requestedBy: string | null;
  /** Export again even when an earlier request of the same window could be reused. */
  readonly force: boolean;
}

/**
 * requestData: validate, reuse the caller's earlier export of the same window when it is still good (unless forced),
 * or append the event and return the new id. No heavy work here: once the event is acknowledged the request is
 * durable whatever crashes next; if the append fails no id is returned and nothing was requested.
 */
export async function requestExport(input: RequestExportInput, deps: RequestExportDeps): Promise<string> {
  const window = validateExportWindow(input.startTime, input.endTime, {
    nowMs: deps.now(),
    maxWindowSeconds: deps.maxWindowSeconds,
  });
  // One caller's requests one at a time: reuse and quotas decide on what that caller has, exactly.
  return deps.exclusively(input.requestedBy ?? "", async () => {
    if (!input.force) {
      const reused = await deps.findReusable(window, input.requestedBy);
      if (reused !== undefined) {
        deps.metrics.exportRequest("reused");
        deps.log.info({ requestId: reused, ...window }, "export request reused: the same window was exported already");
        return reused;
      }
    }
    if (input.requestedBy !== null) {
      const refusal = await deps.quotaRefusal(input.requestedBy);
      if (refusal !== undefined) {
        deps.metrics.exportRequest("rate_limited");
        deps.log.info({ requestedBy: input.requestedBy, refusal }, "export request refused: quota");
        throw new RequestApiError("QUOTA_EXCEEDED", refusal, { userError: true });
      }
    }
    return newExport(window, input.requestedBy, deps);
  });
}

async function newExport(window: ExportWindow, requestedBy: string | null, deps: RequestExportDeps): Promise<string> {
  const nowMs = deps.now();
  const event: ExportRequested = {
    requestId: deps.newRequestId(),
    ...window,
    requestedAt: nowMs,
    requestedBy,
  };
  try {
    await deps.publishExportRequested(event);
  } catch (error) {
    throw new RequestApiError("PUBLISH_FAILED", "the export request could not be recorded; please retry", {
      cause: error,
    });
  }
  deps.metrics.exportRequest("accepted");
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
