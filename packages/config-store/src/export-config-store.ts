import type { ClassificationRules, ExportTableConfig } from "@data-exporter/classification";

/** Everything one export run decides with, read at one moment. The classification package computes its version hash. */
export interface ExportConfigSnapshot {
  readonly tables: readonly ExportTableConfig[];
  readonly rules: ClassificationRules;
  /** Epoch milliseconds when the load finished. */
  readonly loadedAt: number;
}

/** Port: where the export configuration and classification rules live. */
export interface ExportConfigStore {
  /** Reads the whole configuration; fails rather than returning a partial or guessed snapshot. */
  load(): Promise<ExportConfigSnapshot>;
}

/** The part of a snapshot that is written to a store (seeding, tests). */
export type ExportConfigContent = Pick<ExportConfigSnapshot, "tables" | "rules">;
