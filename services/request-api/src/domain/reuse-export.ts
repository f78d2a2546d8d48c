import type { ExportRequestState } from "@data-exporter/status-store";
import type { ExportWindow } from "./export-window.js";

/** An earlier request of the same caller for exactly the same window, newest first. */
export interface ReuseCandidate {
  readonly requestId: string;
  readonly requestedAt: number;
}

export interface ReuseDeps {
  readonly candidates: (window: ExportWindow, requestedBy: string | null) => Promise<readonly ReuseCandidate[]>;
  readonly loadRequest: (requestId: string) => Promise<ExportRequestState | undefined>;
  /** The version of the export configuration the planner would plan with now. */
  readonly currentConfigVersion: () => Promise<string>;
  /** Whether every file and manifest a completed export recorded is still there, at the version it wrote. */
  readonly filesExist: (state: ExportRequestState) => Promise<boolean>;
  /** A request still unplanned after this long was lost (or is past its deadline): not worth waiting on. */
  readonly unplannedForMs: number;
  readonly now: () => number;
}

/**
 * The request `requestData` returns instead of exporting the same window again (unless forced): the caller's latest
 * earlier request for exactly that window that
 * - completed, under the configuration version that is current now, with all its files still in the bucket; or
 * - is still running (or accepted moments ago) under the current configuration: its result will be the same.
 * A failed or partial export, one made under other rules, or one whose files expired is exported again.
 */
export async function findReusableExport(
  window: ExportWindow,
  requestedBy: string | null,
  deps: ReuseDeps,
): Promise<string | undefined> {
  const candidates = await deps.candidates(window, requestedBy);
  if (candidates.length === 0) return undefined;
  const current = await deps.currentConfigVersion();
  for (const candidate of candidates) {
    const state = await deps.loadRequest(candidate.requestId);
    if (state === undefined) continue;
    if (state.configVersion !== null && state.configVersion !== current) continue;
    switch (state.status) {
      case "REQUESTED":
        if (deps.now() - candidate.requestedAt <= deps.unplannedForMs) return candidate.requestId;
        break;
      case "IN-PROGRESS":
        return candidate.requestId;
      case "COMPLETED":
        if (await deps.filesExist(state)) return candidate.requestId;
        break;
      case "FAILED":
      case "PARTIAL-SUCCESS":
      case "CANCELLED":
        break;
    }
  }
  return undefined;
}

/** Every object a completed export's links point to: its files and manifests, each at its recorded version. */
export function recordedObjects(state: ExportRequestState): { key: string; versionId: string | null }[] {
  return state.tables
    .filter((table) => table.status === "COMPLETED")
    .flatMap((table) => [
      ...table.files.map((file) => ({ key: file.key, versionId: file.versionId })),
      ...(table.manifestKey === null ? [] : [{ key: table.manifestKey, versionId: table.manifestVersionId }]),
    ]);
}

/**
 * Whether every object a completed export's links point to is still stored at its recorded version (a lifecycle
 * rule may have expired it), checked with `exists` (a HEAD of that version).
 */
export function recordedObjectsExist(
  exists: (bucket: string, key: string, versionId: string | null) => Promise<boolean>,
): (state: ExportRequestState) => Promise<boolean> {
  return async (state) => {
    const bucket = state.bucket;
    if (bucket === null) return false;
    const found = await Promise.all(recordedObjects(state).map((o) => exists(bucket, o.key, o.versionId)));
    return found.every(Boolean);
  };
}
