import type { ExportCompleted } from "@data-exporter/contracts";

/** An export's final status as operators count it: a cancelled export is CANCELLED whatever its tables did. */
export type ExportOutcomeStatus = ExportCompleted["status"] | "CANCELLED";

/** The labels of data_exporter_exports_total for one ExportCompleted. */
export function exportOutcomeLabels(event: ExportCompleted): {
  status: ExportOutcomeStatus;
  mode: ExportCompleted["mode"];
} {
  return { status: event.cancelled ? "CANCELLED" : event.status, mode: event.mode };
}
