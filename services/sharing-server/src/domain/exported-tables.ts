/** One exported file as the read model records it. */
export interface ExportedFile {
  readonly key: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly versionId: string | null;
}

/** One completed table of one export: the files a table of a share is made of. */
export interface ExportedPart {
  readonly requestId: string;
  readonly table: string;
  /** The scheduled export's date (YYYY-MM-DD); null for on-demand exports. */
  readonly exportDate: string | null;
  readonly bucket: string;
  readonly manifestKey: string | null;
  readonly manifestVersionId: string | null;
  readonly files: readonly ExportedFile[];
  readonly finishedAt: number;
}

/** An on-demand export's completed table, as listed (without its files). */
export interface OnDemandEntry {
  readonly requestId: string;
  readonly table: string;
  readonly requestedBy: string | null;
}

/** The completed exports the sharing server serves, read from the status tracker's read model. */
export interface ExportCatalog {
  /** Every table some scheduled export completed, by name. */
  scheduledTables(): Promise<readonly string[]>;
  /**
   * A scheduled table's current contents: per export date, the table's latest completed export; and its version,
   * the number of completed exports of it minus one (each export or re-export of a date makes a new version).
   */
  scheduledTable(table: string): Promise<{ readonly parts: readonly ExportedPart[]; readonly version: number }>;
  /** Completed tables of on-demand exports, of the callers named or of everyone ("*"). */
  onDemandEntries(requestedBy: "*" | readonly string[]): Promise<readonly OnDemandEntry[]>;
  /** One on-demand export's completed table, with the caller who requested it; undefined when not completed. */
  onDemandPart(
    requestId: string,
    table: string,
  ): Promise<{ readonly part: ExportedPart; readonly requestedBy: string | null } | undefined>;
}
