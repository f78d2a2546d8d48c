import type { ObjectStore } from "@data-exporter/object-store";
import type { ManifestSchema } from "../handlers/register-export.js";
import { CatalogError } from "../errors.js";

/**
 * Reads a table's manifest (`UnloadManifest`, JSON) from the export bucket. A missing or malformed manifest is not
 * retryable: the folder is not a finished export. An object store outage is (its error says so).
 */
export async function readManifest(store: Pick<ObjectStore, "getText">, key: string): Promise<ManifestSchema> {
  const text = await store.getText(key);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CatalogError("MANIFEST_UNREADABLE", `${key} is not JSON`, { cause: error, context: { key } });
  }
  const manifest = parsed as Partial<ManifestSchema>;
  if (typeof manifest.requestId !== "string" || !Array.isArray(manifest.parquetSchema))
    throw new CatalogError("MANIFEST_UNREADABLE", `${key} has no requestId or parquetSchema`, { context: { key } });
  return {
    requestId: manifest.requestId,
    parquetSchema: manifest.parquetSchema,
    ...(manifest.columnEncodings === undefined ? {} : { columnEncodings: manifest.columnEncodings }),
  };
}
