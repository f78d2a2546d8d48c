import { createHash } from "node:crypto";
import { readFile, mkdtemp, rm, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { ExportedFile } from "@data-exporter/contracts";
import type { ObjectStore } from "@data-exporter/object-store";
import { manifestKey } from "@data-exporter/warehouse";
import type { SnapshotTable } from "../domain/classification-snapshot.js";
import type { SnapshotTarget } from "../handlers/export-classifications.js";
import { writeParquetTables } from "./duckdb-parquet-writer.js";

const PARQUET = "application/vnd.apache.parquet";

/**
 * Writes the snapshot's Parquet files in a temporary folder, uploads them as `{prefix}{name}.parquet`, then the
 * manifest (with the configuration version) last, like the unloader: a manifest means the folder is complete.
 */
export async function writeSnapshot(
  tables: readonly SnapshotTable[],
  target: SnapshotTarget,
  deps: { objectStore: ObjectStore; tempDir: string; now: () => number },
): Promise<{ files: ExportedFile[]; manifestKey: string }> {
  await mkdir(deps.tempDir, { recursive: true });
  const dir = await mkdtemp(join(deps.tempDir, "snapshot-"));
  try {
    const files: ExportedFile[] = [];
    for (const written of await writeParquetTables(tables, dir)) {
      // The files are a few kilobytes: hashing them in memory is simpler than streaming.
      const bytes = await readFile(written.path);
      const key = `${target.outputPrefix}${written.name}.parquet`;
      await deps.objectStore.putFile(key, written.path, PARQUET);
      files.push({
        key,
        rows: written.rows,
        bytes: bytes.byteLength,
        sha256: createHash("sha256").update(bytes).digest("hex"),
      });
    }
    const manifest = {
      formatVersion: 1,
      requestId: target.requestId,
      table: "classifications",
      mode: "SCHEDULED",
      exportDate: target.exportDate,
      configVersion: target.configVersion,
      configLoadedAt: new Date(target.configLoadedAt).toISOString(),
      files,
      totalRows: files.reduce((sum, file) => sum + file.rows, 0),
      totalBytes: files.reduce((sum, file) => sum + file.bytes, 0),
      createdAt: new Date(deps.now()).toISOString(),
    };
    const key = manifestKey({ outputPrefix: target.outputPrefix });
    await deps.objectStore.putObject(key, JSON.stringify(manifest, null, 2), "application/json");
    return { files, manifestKey: key };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
