import type { UnloadTableCommand } from "@data-exporter/contracts";

/** A command with every field set to something plausible; tests override what they exercise. */
export function unloadCommand(overrides: Partial<UnloadTableCommand> = {}): UnloadTableCommand {
  return {
    requestId: "6f1c7f38-3c55-4d0b-9b44-0d3c1f7f0001",
    mode: "ON_DEMAND",
    exportDate: null,
    windowStart: Date.UTC(2026, 0, 1),
    windowEnd: Date.UTC(2026, 0, 2),
    table: "traffic",
    schema: "pm_internal",
    timeColumn: "obs_time",
    columns: [{ name: "obs_time", treatment: "AS_IS", roundDigits: null }],
    rowFilter: {
      sourceColumn: null,
      allowedSources: [],
      unrestrictedSources: [],
      metricColumn: null,
      allowedMetrics: [],
    },
    audit: [{ column: "obs_time", classification: "nr", action: "EXPORTED", rule: "classification:nr", detail: null }],
    outputPrefix: "exports/6f1c7f38/traffic/",
    fileBaseName: "traffic",
    configVersion: "v1",
    attempt: 1,
    issuedAt: Date.UTC(2026, 0, 2, 1),
    snapshot: null,
    ...overrides,
  };
}
