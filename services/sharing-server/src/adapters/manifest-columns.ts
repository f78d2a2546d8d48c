import { z } from "zod";
import type { ExportedPart } from "../domain/exported-tables.js";
import type { TableColumns } from "../domain/table-view.js";

/** What this service reads of a manifest (packages/warehouse UnloadManifest): the exported Parquet schema. */
const manifestSchema = z.object({
  parquetSchema: z.array(
    z.object({
      name: z.string(),
      physicalType: z.string(),
      logicalType: z.string().nullable(),
      convertedType: z.string().nullable(),
      precision: z.number().nullable(),
      scale: z.number().nullable(),
      nullable: z.boolean(),
    }),
  ),
  columnEncodings: z.record(z.string(), z.object({ encoding: z.string(), decodesTo: z.string() })).optional(),
});

const cacheSize = 512;

/**
 * A completed table's columns from its manifest, read at the object version the export recorded (a later export of
 * the folder writes a new version of the key). That version never changes, so it is kept (the newest `cacheSize`);
 * a manifest without a recorded version is read as it is now, each time.
 */
export function manifestColumns(readText: (bucket: string, key: string, versionId: string | null) => Promise<string>) {
  const cache = new Map<string, TableColumns>();
  return async (part: ExportedPart): Promise<TableColumns> => {
    if (part.manifestKey === null) return { columns: [], comments: {} };
    const cacheKey =
      part.manifestVersionId === null ? undefined : `${part.bucket}/${part.manifestKey}@${part.manifestVersionId}`;
    const cached = cacheKey === undefined ? undefined : cache.get(cacheKey);
    if (cached !== undefined) return cached;
    const manifest = manifestSchema.parse(
      JSON.parse(await readText(part.bucket, part.manifestKey, part.manifestVersionId)),
    );
    const comments: Record<string, string> = {};
    for (const [column, encoding] of Object.entries(manifest.columnEncodings ?? {}))
      comments[column] = `${encoding.encoding}-compressed ${encoding.decodesTo}: decompress the bytes to read it`;
    const columns: TableColumns = { columns: manifest.parquetSchema, comments };
    if (cacheKey !== undefined) {
      cache.set(cacheKey, columns);
      if (cache.size > cacheSize) cache.delete(cache.keys().next().value ?? "");
    }
    return columns;
  };
}
