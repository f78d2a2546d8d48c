/** One stored object as listed. */
export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
}

export interface PutResult {
  readonly key: string;
  readonly bytes: number;
  /** The version this put created; null when the bucket is not versioned. */
  readonly versionId: string | null;
}

/** What putFile sent: the SHA-256 of exactly the bytes uploaded, hashed as they went (the file is read once). */
export interface FilePutResult extends PutResult {
  readonly sha256: string;
}

/** A bucket's versioning state, as S3 reports it ("Disabled" when it was never enabled). */
export type BucketVersioning = "Enabled" | "Suspended" | "Disabled";

export interface TransferOptions {
  readonly signal?: AbortSignal | undefined;
}

/**
 * The object store port: the few operations the exporter needs from a bucket. Keys are relative to the adapter's
 * bucket. Failures are `ObjectStoreError`s whose `retryable` says whether another attempt could succeed.
 */
export interface ObjectStore {
  /** The bucket every key refers to. */
  readonly bucket: string;
  /**
   * Creates the bucket if it does not exist, with versioning enabled (local stacks and tests; production buckets are
   * provisioned by infra/, versioned too).
   */
  ensureBucket(): Promise<void>;
  /** Whether the bucket keeps overwritten and deleted objects as versions (links pinned to a version need it). */
  versioning(): Promise<BucketVersioning>;
  /** Uploads a local file; large files go up as a multipart upload. */
  putFile(key: string, localPath: string, contentType: string, options?: TransferOptions): Promise<FilePutResult>;
  putObject(
    key: string,
    body: string | Uint8Array,
    contentType?: string,
    options?: TransferOptions,
  ): Promise<PutResult>;
  getObject(key: string, options?: TransferOptions): Promise<Uint8Array>;
  /** Downloads an object to a local file, streamed (objects can be larger than memory); returns its size. */
  getFile(key: string, localPath: string, options?: TransferOptions): Promise<number>;
  /** A UTF-8 object's text; of the version given (a manifest as an export wrote it), or the current one. */
  getText(key: string, versionId?: string | null): Promise<string>;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix: string, options?: TransferOptions): Promise<ObjectInfo[]>;
  /** Whether the object (that version of it, when given) exists. */
  exists(key: string, versionId?: string | null, options?: TransferOptions): Promise<boolean>;
  /** Deletes the keys (in a versioned bucket: hides them behind a delete marker); missing keys are not an error. */
  deleteObjects(keys: readonly string[], options?: TransferOptions): Promise<void>;
  /**
   * Deletes exactly these versions, for good (in a versioned bucket nothing else changes: a later version stays, and
   * an object whose latest version goes falls back to the one before); missing versions are not an error.
   */
  deleteVersions(objects: readonly { key: string; versionId: string }[], options?: TransferOptions): Promise<void>;
  /**
   * A URL that lets anyone holding it GET the object (that version of it, when given) until it expires:
   * `expiresInSeconds` after `signedAt` (default now), so the same grant signs the same URL whenever it is read.
   */
  presignGet(key: string, expiresInSeconds: number, versionId?: string | null, signedAt?: Date): Promise<string>;
}
