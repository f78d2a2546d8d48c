import type { ExportCatalog, ExportedFile, ExportedPart, OnDemandEntry } from "../../src/domain/exported-tables.js";

/**
 * The completed exports in memory, with the read model's rules (ReadModelCatalog): a scheduled table is, per date,
 * its latest completed export, and its version counts every completed export of it, re-exports included.
 */
export class MemoryCatalog implements ExportCatalog {
  readonly #scheduled: ExportedPart[] = [];
  readonly #onDemand: { part: ExportedPart; requestedBy: string | null }[] = [];

  addScheduled(part: ExportedPart): this {
    this.#scheduled.push(part);
    return this;
  }

  addOnDemand(part: ExportedPart, requestedBy: string | null): this {
    this.#onDemand.push({ part, requestedBy });
    return this;
  }

  scheduledTables(): Promise<readonly string[]> {
    return Promise.resolve([...new Set(this.#scheduled.map((p) => p.table))].sort());
  }

  scheduledTable(table: string): Promise<{ parts: readonly ExportedPart[]; version: number }> {
    const all = this.#scheduled.filter((p) => p.table === table);
    const latest = new Map<string, ExportedPart>();
    for (const part of all) {
      const date = part.exportDate ?? "";
      const seen = latest.get(date);
      if (seen === undefined || part.finishedAt > seen.finishedAt) latest.set(date, part);
    }
    return Promise.resolve({ parts: [...latest.values()], version: all.length === 0 ? 0 : all.length - 1 });
  }

  onDemandEntries(requestedBy: "*" | readonly string[]): Promise<readonly OnDemandEntry[]> {
    return Promise.resolve(
      this.#onDemand
        .filter((e) => requestedBy === "*" || (e.requestedBy !== null && requestedBy.includes(e.requestedBy)))
        .map((e) => ({
          requestId: e.part.requestId,
          table: e.part.table,
          requestedBy: e.requestedBy,
        })),
    );
  }

  onDemandPart(
    requestId: string,
    table: string,
  ): Promise<{ part: ExportedPart; requestedBy: string | null } | undefined> {
    return Promise.resolve(this.#onDemand.find((e) => e.part.requestId === requestId && e.part.table === table));
  }
}

export const exportedFile = (key: string, rows: number, bytes = rows * 100): ExportedFile => ({
  key,
  rows,
  bytes,
  sha256: `sha-of-${key}`,
  versionId: `v-${key}`,
});

let finished = 1_000;

/** A completed table of an export; each part finishes after the one made before it. */
export function exportedPart(options: {
  requestId: string;
  table: string;
  exportDate?: string | null;
  files: readonly ExportedFile[];
  bucket?: string;
}): ExportedPart {
  finished += 1_000;
  return {
    requestId: options.requestId,
    table: options.table,
    exportDate: options.exportDate ?? null,
    bucket: options.bucket ?? "exports",
    manifestKey: `dev/${options.requestId}/${options.table}/manifest.json`,
    manifestVersionId: null,
    files: options.files,
    finishedAt: finished,
  };
}
