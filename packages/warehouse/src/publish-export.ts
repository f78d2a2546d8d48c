import type { UnloadTableCommand } from "@data-exporter/contracts";
import { isObjectStoreError, type ObjectStore, type PutResult } from "@data-exporter/object-store";
import { abortError, objectStoreFailure, WarehouseError } from "./errors.js";
import { manifestKey, type UnloadManifest } from "./manifest.js";
import type { SerializePublish, UnloadedFile, UnloadResult } from "./warehouse.js";

/** A data file written locally and the object it becomes. */
export interface LocalDataFile {
  readonly path: string;
  /** Its size, SHA-256 (hashed as it is uploaded) and object version are known once uploaded. */
  readonly file: Omit<UnloadedFile, "versionId" | "bytes" | "sha256">;
}

export interface PublishParams {
  readonly command: UnloadTableCommand;
  /** Keyed under `command.outputPrefix`. */
  readonly files: readonly LocalDataFile[];
  /** The manifest of the files as published (their final keys and object versions), written last. */
  readonly manifest: (files: readonly UnloadedFile[]) => UnloadManifest;
  /** Whether a name under the prefix (relative to it) is a data file of this table, which a new generation replaces. */
  readonly isOwnDataFile: (name: string) => boolean;
  readonly signal?: AbortSignal | undefined;
  /**
   * Throws when this export no longer owns its table job (UnloadOptions.beforeCommit): checked before every step that
   * changes what is there, so a superseded attempt resumed from a freeze never touches a newer attempt's files.
   */
  readonly beforeCommit?: (() => Promise<void>) | undefined;
  readonly serialize?: SerializePublish | undefined;
}

/**
 * Where an export whose folder already holds a later-planned export's generation keeps its files: its own, so its
 * links still serve them, and out of the folder readers list. The bucket's lifecycle rule expires it (infra/).
 */
export const supersededRoot = "_superseded/";

const PARQUET = "application/vnd.apache.parquet";

/** Which export wrote a folder's current generation: the manifest says. */
interface Generation {
  readonly requestId: string;
  readonly plannedAtMs: number;
}

/**
 * Publishes one table's files as the folder's new generation. Exports of one folder (the same window or date, by
 * any request) publish one at a time (`serialize`, a lock every unloader shares), and each:
 * 1. reads the folder's manifest: when it names a generation planned after this export (a newer request, under
 *    rules at least as new), that generation stays; this export's files go to its own `_superseded/` prefix;
 * 2. otherwise hides the old generation first (manifest, then data files), so a reader never lists files of two
 *    generations side by side, only an incomplete new one without its manifest;
 * 3. uploads the files and writes the manifest last: its presence means the folder is complete, and it names the
 *    request that wrote it.
 * The bucket is versioned: hidden files stay readable by version, and each link is pinned to the version its
 * manifest lists, so an earlier request's links keep serving exactly its own bytes.
 */
export async function publishExport(store: ObjectStore, params: PublishParams): Promise<UnloadResult> {
  const serialize: SerializePublish = params.serialize ?? ((_prefix, publish) => publish(() => Promise.resolve()));
  try {
    return await serialize(
      params.command.outputPrefix,
      (stillHeld) => publishAlone(store, params, stillHeld),
      params.signal,
    );
  } catch (error) {
    if (isObjectStoreError(error)) throw objectStoreFailure(error.message, error.retryable, error);
    // Stopped while waiting for the folder's lock: the same timeout or shutdown error as any other step.
    if (params.signal?.aborted === true && !(error instanceof WarehouseError)) throw abortError(params.signal);
    throw error;
  }
}

async function publishAlone(
  store: ObjectStore,
  params: PublishParams,
  stillHeld: () => Promise<void>,
): Promise<UnloadResult> {
  const { command, signal } = params;
  const ours: Generation = { requestId: command.requestId, plannedAtMs: command.issuedAt };
  const current = await currentGeneration(store, manifestKey(command), signal);
  const root = current !== undefined && plannedAfter(current, ours) ? `${supersededRoot}${command.requestId}/` : "";
  return writeGeneration(store, params, root, stillHeld);
}

/** Writes the generation under `root` + the command's prefix ("" for the folder itself). */
async function writeGeneration(
  store: ObjectStore,
  params: PublishParams,
  root: string,
  stillHeld: () => Promise<void>,
): Promise<UnloadResult> {
  const { command, signal } = params;
  /**
   * Still ours? A shutdown, a timeout, a superseded lease or a lost folder lock stops the publish before the next
   * change.
   */
  const owned = async (): Promise<void> => {
    if (signal?.aborted) throw abortError(signal);
    await params.beforeCommit?.();
    await stillHeld();
  };
  const prefix = `${root}${command.outputPrefix}`;
  const manifest = `${root}${manifestKey(command)}`;
  // Every call gets the signal: the unload's timeout (UNLOAD_TIMEOUT_MS) and a shutdown reach each of them.
  const existing = (await store.list(prefix, { signal })).map((o) => o.key);
  await owned();
  if (existing.includes(manifest)) await store.deleteObjects([manifest], { signal });
  const old = existing.filter((key) => params.isOwnDataFile(key.slice(prefix.length)));
  await owned();
  if (old.length > 0) await store.deleteObjects(old, { signal });

  const files: UnloadedFile[] = [];
  let put: PutResult;
  let document: UnloadManifest;
  try {
    for (const { path, file } of params.files) {
      await owned();
      const key = `${root}${file.key}`;
      const uploaded = await store.putFile(key, path, PARQUET, { signal });
      files.push({ ...file, key, bytes: uploaded.bytes, sha256: uploaded.sha256, versionId: uploaded.versionId });
    }
    document = params.manifest(files);
    await owned();
    put = await store.putObject(manifest, JSON.stringify(document, null, 2), "application/json", { signal });
  } catch (error) {
    await removeUploaded(store, files);
    throw error;
  }
  return {
    rows: document.totalRows,
    bytes: document.totalBytes,
    files,
    manifestKey: manifest,
    manifestVersionId: put.versionId,
  };
}

/**
 * An export stopped before its manifest (cancelled, superseded, timed out, failed) takes back the data files it
 * uploaded, so a reader listing the folder never sees them. Exactly their versions go: a newer attempt's files under
 * the same keys stay. Best effort, without the stopped export's signal: what remains is only listed, never linked.
 */
async function removeUploaded(store: ObjectStore, files: readonly UnloadedFile[]): Promise<void> {
  const versions = files.flatMap((file) =>
    file.versionId === null ? [] : [{ key: file.key, versionId: file.versionId }],
  );
  if (versions.length > 0) await store.deleteVersions(versions).catch(() => undefined);
}

/** The generation a folder's manifest names; a manifest from before generations were recorded counts as oldest. */
async function currentGeneration(
  store: ObjectStore,
  key: string,
  signal: AbortSignal | undefined,
): Promise<Generation | undefined> {
  let text: string;
  try {
    text = new TextDecoder().decode(await store.getObject(key, { signal }));
  } catch (error) {
    if (isObjectStoreError(error) && error.code === "NO_SUCH_KEY") return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<UnloadManifest>;
    return {
      requestId: typeof parsed.requestId === "string" ? parsed.requestId : "",
      plannedAtMs: typeof parsed.plannedAtMs === "number" ? parsed.plannedAtMs : 0,
    };
  } catch {
    return { requestId: "", plannedAtMs: 0 };
  }
}

/** Whether `a` was planned after `b` (another request; ties broken by id so every unloader agrees). */
export function plannedAfter(a: Generation, b: Generation): boolean {
  if (a.requestId === b.requestId) return false;
  return a.plannedAtMs !== b.plannedAtMs ? a.plannedAtMs > b.plannedAtMs : a.requestId > b.requestId;
}
