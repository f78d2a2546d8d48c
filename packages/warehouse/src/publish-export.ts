import { isObjectStoreError, type ObjectStore } from "@data-exporter/object-store";
import { abortError, objectStoreFailure } from "./errors.js";
import type { UnloadedFile } from "./warehouse.js";

/** A data file written locally and the object it becomes. */
export interface LocalDataFile {
  readonly path: string;
  readonly file: UnloadedFile;
}

export interface PublishParams {
  readonly outputPrefix: string;
  readonly manifestKey: string;
  readonly files: readonly LocalDataFile[];
  /** The manifest document, written last. */
  readonly manifest: string;
  /** Whether an existing key under the prefix is a data file of an earlier attempt that this one did not rewrite. */
  readonly isOwnDataFile: (key: string) => boolean;
  readonly signal?: AbortSignal | undefined;
  /**
   * Throws when this export no longer owns its prefix (UnloadOptions.beforeCommit): checked before every step that
   * changes what is there, so a superseded run resumed from a freeze never touches a newer run's files.
   */
  readonly beforeCommit?: (() => Promise<void>) | undefined;
}

const PARQUET = "application/vnd.apache.parquet";

/**
 * Replaces whatever an earlier attempt left under the prefix, the same way for every kind of export. The old manifest
 * goes first, so no reader ever sees a manifest next to half-replaced files; stale data files are removed; the
 * manifest goes last, so its presence means the folder is complete.
 */
export async function publishExport(store: ObjectStore, params: PublishParams): Promise<void> {
  const { signal } = params;
  /** Still ours? A shutdown, a timeout or a superseded lease stops the publish before the next change. */
  const owned = async (): Promise<void> => {
    if (signal?.aborted) throw abortError(signal);
    await params.beforeCommit?.();
  };
  try {
    // Every call gets the signal: the unload's timeout (UNLOAD_TIMEOUT_MS) and a shutdown reach each of them.
    const existing = await store.list(params.outputPrefix, { signal });
    await owned();
    if (existing.some((o) => o.key === params.manifestKey)) await store.deleteObjects([params.manifestKey], { signal });
    for (const { path, file } of params.files) {
      await owned();
      await store.putFile(file.key, path, PARQUET, { signal });
    }
    const written = new Set(params.files.map((f) => f.file.key));
    const stale = existing.map((o) => o.key).filter((key) => params.isOwnDataFile(key) && !written.has(key));
    await owned();
    if (stale.length > 0) await store.deleteObjects(stale, { signal });
    await owned();
    await store.putObject(params.manifestKey, params.manifest, "application/json", { signal });
  } catch (error) {
    if (isObjectStoreError(error)) throw objectStoreFailure(error.message, error.retryable, error);
    throw error;
  }
}
