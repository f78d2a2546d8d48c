import type { ExportRequested } from "@data-exporter/contracts";
import { requestedState, type ExportRequestState } from "@data-exporter/status-store";

export interface RequestSources {
  /** The status tracker's read model. */
  readonly tracked: (requestId: string) => Promise<ExportRequestState | undefined>;
  /** Requests this service accepted (accepted_requests). */
  readonly accepted: (requestId: string) => Promise<ExportRequested | undefined>;
}

/**
 * What requestStatus answers from: the tracker's state of the request, or, for a request accepted moments ago that
 * the tracker has not recorded yet, its REQUESTED state ("In Progress", 0 %).
 */
export async function loadRequest(requestId: string, sources: RequestSources): Promise<ExportRequestState | undefined> {
  const tracked = await sources.tracked(requestId);
  if (tracked) return tracked;
  const accepted = await sources.accepted(requestId);
  return accepted ? requestedState(accepted, "ON_DEMAND") : undefined;
}
