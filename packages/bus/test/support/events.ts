import { randomUUID } from "node:crypto";
import type { ExportRequested, TableUnloadStarted } from "@data-exporter/contracts";

export function exportRequested(overrides: Partial<ExportRequested> = {}): ExportRequested {
  return {
    requestId: randomUUID(),
    windowStart: Date.UTC(2025, 0, 1),
    windowEnd: Date.UTC(2025, 0, 2),
    requestedAt: Date.now(),
    requestedBy: null,
    ...overrides,
  };
}

export function tableUnloadStarted(requestId: string, attempt: number): TableUnloadStarted {
  return { requestId, table: "traffic_observation", attempt, run: 0, worker: "w1", startedAt: Date.now() };
}
