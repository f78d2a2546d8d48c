import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createHash } from "node:crypto";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type BucketLocationConstraint,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { ObjectStoreError } from "../errors.js";
import type {
  BucketVersioning,
  FilePutResult,
  ObjectInfo,
  ObjectStore,
  PutResult,
  TransferOptions,
} from "../object-store.js";
import { createS3Client, type S3ObjectStoreConfig } from "./s3-config.js";
import { toObjectStoreError } from "./s3-errors.js";

const MIB = 1024 * 1024;
/** SigV4 presigned URLs cannot live longer than 7 days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export interface S3ObjectStoreOptions {
  /**
   * The S3 client. It is the full `S3Client` rather than a narrower interface because lib-storage's `Upload` and the
   * presigner read its config and middleware stack, not just `send`.
   */
  readonly client: S3Client;
  readonly bucket: string;
  readonly partSizeBytes?: number | undefined;
  readonly uploadConcurrency?: number | undefined;
  /** Clock for presigning; tests pass a fixed one. */
  readonly now?: (() => Date) | undefined;
}

/** `ObjectStore` on S3 (or an S3-compatible emulator). */
export class S3ObjectStore implements ObjectStore {
  readonly bucket: string;
  readonly #client: S3Client;
  readonly #partSize: number;
  readonly #concurrency: number;
  readonly #now: () => Date;

  constructor(options: S3ObjectStoreOptions) {
    if (options.bucket === "") throw new ObjectStoreError("REQUEST_FAILED", "bucket name is empty");
    this.#client = options.client;
    this.bucket = options.bucket;
    this.#partSize = Math.max(5 * MIB, options.partSizeBytes ?? 8 * MIB);
    this.#concurrency = Math.max(1, options.uploadConcurrency ?? 2);
    this.#now = options.now ?? (() => new Date());
  }

  /** Builds the client from config (SDK default credential chain) and the store on top of it. */
  static fromConfig(config: S3ObjectStoreConfig): S3ObjectStore {
    return new S3ObjectStore({
      client: createS3Client(config),
      bucket: config.bucket,
      partSizeBytes: config.partSizeBytes,
      uploadConcurrency: config.uploadConcurrency,
    });
  }

  async ensureBucket(): Promise<void> {
    if (!(await this.#bucketExists())) await this.#createBucket();
    if ((await this.versioning()) === "Enabled") return;
    try {
      await this.#client.send(
        new PutBucketVersioningCommand({ Bucket: this.bucket, VersioningConfiguration: { Status: "Enabled" } }),
      );
    } catch (error) {
      throw toObjectStoreError(error, "PutBucketVersioning", this.bucket);
    }
  }

  async versioning(): Promise<BucketVersioning> {
    try {
      const { Status } = await this.#client.send(new GetBucketVersioningCommand({ Bucket: this.bucket }));
      return Status === "Enabled" || Status === "Suspended" ? Status : "Disabled";
    } catch (error) {
      throw toObjectStoreError(error, "GetBucketVersioning", this.bucket);
    }
  }

  async #bucketExists(): Promise<boolean> {
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return true;
    } catch (error) {
      const mapped = toObjectStoreError(error, "HeadBucket", this.bucket);
      if (mapped.code !== "NO_SUCH_BUCKET") throw mapped;
      return false;
    }
  }

  async #createBucket(): Promise<void> {
    try {
      const region = await this.#client.config.region();
      // us-east-1 is the one region that rejects an explicit LocationConstraint.
      const location = region === "us-east-1" ? undefined : { LocationConstraint: region as BucketLocationConstraint };
      await this.#client.send(
        new CreateBucketCommand({ Bucket: this.bucket, ...(location ? { CreateBucketConfiguration: location } : {}) }),
      );
    } catch (error) {
      const name = (error as { name?: unknown }).name;
      if (name === "BucketAlreadyOwnedByYou") return;
      throw toObjectStoreError(error, "CreateBucket", this.bucket);
    }
  }

  async putFile(
    key: string,
    localPath: string,
    contentType: string,
    options: TransferOptions = {},
  ): Promise<FilePutResult> {
    let bytes: number;
    try {
      bytes = (await stat(localPath)).size;
    } catch (error) {
      throw new ObjectStoreError("LOCAL_FILE", `cannot read local file for s3://${this.bucket}/${key}`, {
        cause: error,
        key,
      });
    }
    // Hashed on the way up rather than read a second time for the manifest's SHA-256.
    const hashed = hashingStream(createReadStream(localPath));
    const upload = new Upload({
      client: this.#client,
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: hashed.body,
        ContentType: contentType,
        ContentLength: bytes,
      },
      partSize: this.#partSize,
      queueSize: this.#concurrency,
      leavePartsOnError: false,
    });
    const { signal } = options;
    const onAbort = (): void => void upload.abort().catch(() => undefined);
    if (signal?.aborted)
      throw new ObjectStoreError("ABORTED", `PutObject s3://${this.bucket}/${key}: aborted`, {
        key,
        retryable: true,
        cause: signal.reason,
      });
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const done = await upload.done();
      const sent = hashed.digest();
      if (sent.bytes !== bytes)
        throw new ObjectStoreError("LOCAL_FILE", `s3://${this.bucket}/${key}: the file changed while uploading`, {
          key,
        });
      return { key, bytes, versionId: versionOf(done.VersionId), sha256: sent.sha256 };
    } catch (error) {
      throw toObjectStoreError(error, "PutObject", this.bucket, key);
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  async putObject(
    key: string,
    body: string | Uint8Array,
    contentType = "application/octet-stream",
    options: TransferOptions = {},
  ): Promise<PutResult> {
    const bytes = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
    try {
      const put = await this.#client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
        sendOptions(options),
      );
      return { key, bytes, versionId: versionOf(put.VersionId) };
    } catch (error) {
      throw toObjectStoreError(error, "PutObject", this.bucket, key);
    }
  }

  async getObject(key: string, options: TransferOptions = {}, versionId: string | null = null): Promise<Uint8Array> {
    try {
      const response = await this.#client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          ...(versionId === null ? {} : { VersionId: versionId }),
        }),
        sendOptions(options),
      );
      if (response.Body === undefined) return new Uint8Array();
      return await response.Body.transformToByteArray();
    } catch (error) {
      throw toObjectStoreError(error, "GetObject", this.bucket, key);
    }
  }

  async getFile(key: string, localPath: string, options: TransferOptions = {}): Promise<number> {
    let body: Readable | undefined;
    try {
      const response = await this.#client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key }),
        sendOptions(options),
      );
      body = response.Body as Readable | undefined;
      await pipeline(body ?? Readable.from([]), createWriteStream(localPath), { signal: options.signal });
    } catch (error) {
      if ((error as { code?: unknown }).code === "ENOENT" || (error as { syscall?: unknown }).syscall !== undefined)
        throw new ObjectStoreError("LOCAL_FILE", `cannot write ${localPath} for s3://${this.bucket}/${key}`, {
          cause: error,
          key,
        });
      throw toObjectStoreError(error, "GetObject", this.bucket, key);
    }
    return (await stat(localPath)).size;
  }

  async getText(key: string, versionId: string | null = null): Promise<string> {
    return new TextDecoder("utf-8", { fatal: true }).decode(await this.getObject(key, {}, versionId));
  }

  async list(prefix: string, options: TransferOptions = {}): Promise<ObjectInfo[]> {
    const objects: ObjectInfo[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.#client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            ...(token === undefined ? {} : { ContinuationToken: token }),
          }),
          sendOptions(options),
        );
        for (const item of page.Contents ?? []) {
          if (item.Key !== undefined) objects.push({ key: item.Key, size: item.Size ?? 0 });
        }
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
    } catch (error) {
      throw toObjectStoreError(error, "ListObjectsV2", this.bucket, prefix);
    }
    return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /**
   * When the credentials that sign links expire (temporary ones: IRSA, an assumed role), epoch ms; undefined for
   * long-lived keys. A link dies with its signing credentials, whatever its X-Amz-Expires says.
   */
  async credentialsExpireAt(): Promise<number | undefined> {
    const credentials = await this.#client.config.credentials();
    return credentials.expiration?.getTime();
  }

  async exists(key: string, versionId?: string | null, options: TransferOptions = {}): Promise<boolean> {
    try {
      await this.#client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }),
        sendOptions(options),
      );
      return true;
    } catch (error) {
      const mapped = toObjectStoreError(error, "HeadObject", this.bucket, key);
      if (mapped.code === "NO_SUCH_KEY") return false;
      // A version hidden by a delete marker answers 405 to a HEAD without VersionId: the key is not there.
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 405) return false;
      throw mapped;
    }
  }

  async deleteObjects(keys: readonly string[], options: TransferOptions = {}): Promise<void> {
    await this.#delete(
      keys.map((Key) => ({ Key })),
      options,
    );
  }

  async deleteVersions(
    objects: readonly { key: string; versionId: string }[],
    options: TransferOptions = {},
  ): Promise<void> {
    await this.#delete(
      objects.map((o) => ({ Key: o.key, VersionId: o.versionId })),
      options,
    );
  }

  async #delete(objects: readonly { Key: string; VersionId?: string }[], options: TransferOptions): Promise<void> {
    // DeleteObjects takes at most 1000 keys per request.
    for (let i = 0; i < objects.length; i += 1000) {
      const batch = objects.slice(i, i + 1000);
      try {
        const response = await this.#client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: [...batch], Quiet: true },
          }),
          sendOptions(options),
        );
        const failed = response.Errors?.[0];
        if (failed !== undefined) {
          throw toObjectStoreError({ name: failed.Code, $metadata: {} }, "DeleteObjects", this.bucket, failed.Key);
        }
      } catch (error) {
        throw toObjectStoreError(error, "DeleteObjects", this.bucket);
      }
    }
  }

  async presignGet(key: string, expiresInSeconds: number, versionId?: string | null, signedAt?: Date): Promise<string> {
    if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_PRESIGN_SECONDS) {
      throw new ObjectStoreError(
        "REQUEST_FAILED",
        `presign s3://${this.bucket}/${key}: expiry must be 1..${MAX_PRESIGN_SECONDS} seconds`,
        { key },
      );
    }
    try {
      const get = new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ...(versionId ? { VersionId: versionId } : {}),
      });
      return await getSignedUrl(this.#client, get, {
        expiresIn: expiresInSeconds,
        signingDate: signedAt ?? this.#now(),
      });
    } catch (error) {
      throw toObjectStoreError(error, "presign GetObject", this.bucket, key);
    }
  }
}

/** S3 answers "null" (or nothing) for an object written while the bucket was not versioned. */
/** Passes a stream through unchanged while hashing it; a read error ends the passed-on stream with it. */
function hashingStream(source: Readable): { body: Readable; digest: () => { bytes: number; sha256: string } } {
  const hash = createHash("sha256");
  let bytes = 0;
  const body = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  source.on("error", (error) => body.destroy(error));
  source.pipe(body);
  return { body, digest: () => ({ bytes, sha256: hash.digest("hex") }) };
}

const versionOf = (versionId: string | undefined): string | null =>
  versionId === undefined || versionId === "null" ? null : versionId;

/** The SDK's per-call options: aborting the signal aborts the request in flight. */
function sendOptions(options: TransferOptions): { abortSignal?: AbortSignal } {
  return options.signal === undefined ? {} : { abortSignal: options.signal };
}
